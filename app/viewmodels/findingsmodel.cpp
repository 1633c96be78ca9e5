#include "app/viewmodels/findingsmodel.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <set>

#include "app/viewmodels/modelroles.h"
#include "app/viewmodels/rowtypes.h"
#include "model/dynamodbjson.h"

namespace {

QString qs(const std::string& s)
{
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

/// AuditSeverity of the colour helpers (Note 0, Warning 1, Error 2).
int tintSeverity(model::Severity s)
{
    switch (s) {
    case model::Severity::Error:
        return static_cast<int>(AuditSeverity::Error);
    case model::Severity::Warning:
        return static_cast<int>(AuditSeverity::Warning);
    case model::Severity::Info:
        break;
    }
    return static_cast<int>(AuditSeverity::Note);
}

QString csvField(const QString& text)
{
    QString t = text;
    // A leading =, +, -, @ or tab would make a spreadsheet run the field as a formula.
    if (!t.isEmpty() && QStringLiteral("=+-@\t").contains(t.front()))
        t.prepend(QLatin1Char('\''));
    if (t.contains(QLatin1Char(',')) || t.contains(QLatin1Char('"')) || t.contains(QLatin1Char('\n'))
        || t.contains(QLatin1Char('\r')))
        return QLatin1Char('"') + t.replace(QLatin1Char('"'), QStringLiteral("\"\"")) + QLatin1Char('"');
    return t;
}

QString writeAtomically(const QString& path, const QByteArray& bytes)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
    if (file.write(bytes) != bytes.size()) {
        const QString reason = file.errorString();
        file.cancelWriting();
        return QStringLiteral("cannot write %1: %2").arg(path, reason);
    }
    if (!file.commit())
        return QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
    return {};
}

} // namespace

FindingRow toFindingRow(const model::Finding& f)
{
    FindingRow r;
    r.kind = f.kind;
    r.severity = f.severity;
    r.table = f.table;
    r.keyId = f.keyId;
    if (auto keys = model::parseItem(f.keyJson))
        r.keyText = model::keyDisplayText(*keys.value);
    else
        r.keyText = f.keyJson;
    r.recordId = f.recordId;
    r.sequenceNumber = f.sequenceNumber;
    r.eventId = f.eventId;
    r.message = f.message;
    r.path = f.path;
    if (f.jsRisk)
        r.risk = std::string(model::jsRiskText(*f.jsRisk));
    r.grouped = f.grouped;
    r.affectedRecords = f.grouped || f.affectedRecords > 0 ? f.affectedRecords : 1;
    return r;
}

FindingsModel::FindingsModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void FindingsModel::setFindings(std::vector<FindingRow> grouped, std::vector<FindingRow> flat, bool flatComplete,
                                bool fromStore)
{
    beginResetModel();
    m_grouped = std::move(grouped);
    m_flat = std::move(flat);
    m_flatComplete = flatComplete;
    m_fromStore = fromStore;
    endResetModel();
}

void FindingsModel::clear()
{
    setFindings({}, {}, true);
}

void FindingsModel::setMode(Mode mode)
{
    if (mode == m_mode)
        return;
    beginResetModel();
    m_mode = mode;
    endResetModel();
}

const FindingRow* FindingsModel::rowAt(int row) const
{
    const auto& list = rows();
    return row >= 0 && static_cast<std::size_t>(row) < list.size() ? &list[static_cast<std::size_t>(row)] : nullptr;
}

std::map<std::string, std::pair<std::int64_t, std::int64_t>> FindingsModel::countsByKind() const
{
    std::map<std::string, std::pair<std::int64_t, std::int64_t>> counts;
    for (const auto& r : rows()) {
        auto& c = counts[std::string(model::findingKindText(r.kind))];
        ++c.first;
        c.second += r.affectedRecords;
    }
    return counts;
}

std::vector<std::string> FindingsModel::tables() const
{
    std::set<std::string> names;
    for (const auto& r : m_grouped)
        names.insert(r.table);
    return {names.begin(), names.end()};
}

int FindingsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(rows().size());
}

int FindingsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString FindingsModel::details(const FindingRow& r)
{
    QString text =
        QStringLiteral("%1  %2\n")
            .arg(qs(std::string(model::severityText(r.severity))), qs(std::string(model::findingKindText(r.kind))));
    text += QStringLiteral("Table: %1\n").arg(qs(r.table));
    if (r.grouped)
        text += QStringLiteral("Records: %1 (the first is shown below)\n").arg(r.affectedRecords);
    if (!r.keyText.empty())
        text += QStringLiteral("Key: %1\n").arg(qs(r.keyText));
    if (!r.sequenceNumber.empty())
        text += QStringLiteral("Sequence number: %1\n").arg(qs(r.sequenceNumber));
    if (!r.eventId.empty())
        text += QStringLiteral("Event ID: %1\n").arg(qs(r.eventId));
    if (!r.path.empty())
        text += QStringLiteral("Path: %1\n").arg(qs(r.path));
    if (!r.risk.empty())
        text += QStringLiteral("Risk: %1\n").arg(qs(r.risk));
    text += QLatin1Char('\n') + qs(r.message);
    if (r.recordId > 0)
        text += QStringLiteral("\n\nEnter or double-click opens this version in the timeline.");
    return text;
}

QVariant FindingsModel::data(const QModelIndex& index, int role) const
{
    const FindingRow* r = index.isValid() ? rowAt(index.row()) : nullptr;
    if (!r)
        return {};
    switch (role) {
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
        switch (index.column()) {
        case SeverityColumn:
            return qs(std::string(model::severityText(r->severity)));
        case KindColumn:
            return qs(std::string(model::findingKindText(r->kind)))
                + (r->risk.empty() ? QString() : QStringLiteral(" (%1)").arg(qs(r->risk)));
        case TableColumn:
            return qs(r->table);
        case KeyColumn:
            return r->grouped && r->affectedRecords > 1 ? QStringLiteral("first: %1").arg(qs(r->keyText))
                                                        : qs(r->keyText);
        case RecordsColumn:
            return QVariant::fromValue<qlonglong>(r->affectedRecords);
        case SequenceColumn:
            return qs(r->sequenceNumber);
        case MessageColumn:
            return qs(r->message);
        default:
            return {};
        }
    case Qt::TextAlignmentRole:
        return index.column() == RecordsColumn ? QVariant(static_cast<int>(Qt::AlignRight | Qt::AlignVCenter))
                                               : QVariant();
    case SortRole:
        switch (index.column()) {
        case SeverityColumn:
            return -static_cast<int>(r->severity); // error > warning > info
        case RecordsColumn:
            return QVariant::fromValue<qlonglong>(r->affectedRecords);
        case SequenceColumn:
            return qs(r->sequenceNumber).rightJustified(40, QLatin1Char('0')); // numeric order
        default:
            return data(index, Qt::DisplayRole);
        }
    case KindRole:
        return qs(std::string(model::findingKindText(r->kind)));
    case SearchTextRole:
        return qs(std::string(model::findingKindText(r->kind)) + '\n' + r->table + '\n' + r->keyText + '\n'
                  + r->sequenceNumber + '\n' + r->eventId + '\n' + r->path + '\n' + r->risk + '\n' + r->message);
    case DetailsRole:
        return details(*r);
    case ModelRoles::KeyIdRole:
        return QVariant::fromValue<qlonglong>(r->keyId);
    case ModelRoles::RecordIdRole:
        return QVariant::fromValue<qlonglong>(r->recordId);
    case ModelRoles::SeverityRole:
        return tintSeverity(r->severity);
    case ModelRoles::TableRole:
        return qs(r->table);
    default:
        return {};
    }
}

QVariant FindingsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case SeverityColumn:
        return tr("Severity");
    case KindColumn:
        return tr("Kind");
    case TableColumn:
        return tr("Table");
    case KeyColumn:
        return tr("Key");
    case RecordsColumn:
        return tr("Records");
    case SequenceColumn:
        return tr("Sequence");
    case MessageColumn:
        return tr("Message");
    default:
        return {};
    }
}

FindingsFilterModel::FindingsFilterModel(QObject* parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(FindingsModel::SortRole);
    setDynamicSortFilter(true);
}

void FindingsFilterModel::setKind(const QString& kind)
{
    m_kind = kind.toStdString();
    invalidateFilter();
}

void FindingsFilterModel::setMinimumSeverity(model::Severity minimum)
{
    m_minimum = minimum;
    invalidateFilter();
}

void FindingsFilterModel::setTable(const QString& table)
{
    m_table = table;
    invalidateFilter();
}

void FindingsFilterModel::setKeyFilter(const QString& text)
{
    m_key = text.trimmed();
    invalidateFilter();
}

void FindingsFilterModel::setSearch(const QString& text)
{
    m_search = text.trimmed();
    invalidateFilter();
}

const FindingRow* FindingsFilterModel::rowAt(int proxyRow) const
{
    auto* source = qobject_cast<const FindingsModel*>(sourceModel());
    if (!source || proxyRow < 0 || proxyRow >= rowCount())
        return nullptr;
    return source->rowAt(mapToSource(index(proxyRow, 0)).row());
}

bool FindingsFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex&) const
{
    auto* source = qobject_cast<const FindingsModel*>(sourceModel());
    const FindingRow* r = source ? source->rowAt(sourceRow) : nullptr;
    if (!r)
        return false;
    if (static_cast<int>(r->severity) > static_cast<int>(m_minimum))
        return false;
    if (!m_kind.empty() && model::findingKindText(r->kind) != m_kind)
        return false;
    if (!m_table.isEmpty() && qs(r->table) != m_table)
        return false;
    if (!m_key.isEmpty() && !qs(r->keyText).contains(m_key, Qt::CaseInsensitive))
        return false;
    if (!m_search.isEmpty()) {
        const QString text = source->index(sourceRow, 0).data(FindingsModel::SearchTextRole).toString();
        if (!text.contains(m_search, Qt::CaseInsensitive))
            return false;
    }
    return true;
}

std::map<std::string, std::pair<std::int64_t, std::int64_t>> FindingsFilterModel::visibleCountsByKind() const
{
    std::map<std::string, std::pair<std::int64_t, std::int64_t>> counts;
    for (int i = 0; i < rowCount(); ++i) {
        const FindingRow* r = rowAt(i);
        auto& c = counts[std::string(model::findingKindText(r->kind))];
        ++c.first;
        c.second += r->affectedRecords;
    }
    return counts;
}

QString FindingsFilterModel::exportCsv(const QString& path) const
{
    QString out = QStringLiteral("severity,kind,table,key,records,sequenceNumber,eventID,path,risk,message\n");
    for (int i = 0; i < rowCount(); ++i) {
        const FindingRow* r = rowAt(i);
        const QStringList fields{qs(std::string(model::severityText(r->severity))),
                                 qs(std::string(model::findingKindText(r->kind))),
                                 qs(r->table),
                                 qs(r->keyText),
                                 QString::number(r->affectedRecords),
                                 qs(r->sequenceNumber),
                                 qs(r->eventId),
                                 qs(r->path),
                                 qs(r->risk),
                                 qs(r->message)};
        QStringList line;
        for (const QString& f : fields)
            line << csvField(f);
        out += line.join(QLatin1Char(',')) + QLatin1Char('\n');
    }
    return writeAtomically(path, out.toUtf8());
}

QString FindingsFilterModel::exportJson(const QString& path) const
{
    QJsonArray array;
    for (int i = 0; i < rowCount(); ++i) {
        const FindingRow* r = rowAt(i);
        QJsonObject o{{QStringLiteral("severity"), qs(std::string(model::severityText(r->severity)))},
                      {QStringLiteral("kind"), qs(std::string(model::findingKindText(r->kind)))},
                      {QStringLiteral("table"), qs(r->table)},
                      {QStringLiteral("key"), qs(r->keyText)},
                      {QStringLiteral("records"), static_cast<qint64>(r->affectedRecords)},
                      {QStringLiteral("grouped"), r->grouped},
                      {QStringLiteral("sequenceNumber"), qs(r->sequenceNumber)},
                      {QStringLiteral("eventID"), qs(r->eventId)},
                      {QStringLiteral("message"), qs(r->message)}};
        if (!r->path.empty())
            o.insert(QStringLiteral("path"), qs(r->path));
        if (!r->risk.empty())
            o.insert(QStringLiteral("risk"), qs(r->risk));
        array.append(o);
    }
    return writeAtomically(path, QJsonDocument(array).toJson(QJsonDocument::Indented));
}
