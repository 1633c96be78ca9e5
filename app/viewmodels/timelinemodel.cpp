#include "app/viewmodels/timelinemodel.h"

#include <algorithm>

#include "app/viewmodels/formatting.h"
#include "app/viewmodels/modelroles.h"

using formatting::fromStd;

int changedAttributeCount(const std::optional<model::Item>& before, const std::optional<model::Item>& after)
{
    static const model::Item empty;
    const model::Item& b = before ? *before : empty;
    const model::Item& a = after ? *after : empty;
    int changed = 0;
    for (const auto& [name, value] : b) {
        auto it = a.find(name);
        if (it == a.end() || it->second != value)
            ++changed;
    }
    for (const auto& [name, value] : a)
        if (b.find(name) == b.end())
            ++changed;
    return changed;
}

void VersionAudit::add(const std::string& kind, int severity, const std::string& message)
{
    auto it = std::find_if(kinds.begin(), kinds.end(), [&kind](const Kind& k) { return k.kind == kind; });
    if (it == kinds.end())
        kinds.push_back({kind, 1});
    else
        ++it->count;
    worstSeverity = std::max(worstSeverity, severity);
    if (!message.empty() && messages.size() < kMaxMessages)
        messages.push_back(message);
}

std::string VersionAudit::text() const
{
    std::string out;
    for (const auto& k : kinds) {
        if (!out.empty())
            out += "; ";
        out += k.kind;
        if (k.count > 1)
            out += " \u00d7" + std::to_string(k.count);
    }
    return out;
}

TimelineModel::TimelineModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void TimelineModel::setSource(TimelineSource source)
{
    beginResetModel();
    m_source = std::move(source);
    m_pages.clear();
    m_images.clear();
    endResetModel();
}

void TimelineModel::setVersions(std::vector<VersionRow> versions, std::vector<VersionImages> images)
{
    TimelineSource source;
    source.heads.reserve(versions.size());
    for (const auto& v : versions) {
        source.heads.push_back({v.recordId, v.timeMicros, v.eventName, v.ttl, v.sequenceNumber});
        if (v.auditMarkers.empty())
            continue;
        VersionAudit& audit = source.audit[v.recordId];
        for (const auto& marker : v.auditMarkers)
            audit.add(marker, v.worstSeverity, {});
    }
    auto rows = std::make_shared<std::vector<VersionRow>>(std::move(versions));
    source.page = [rows](std::int64_t first, int limit) -> PageRead<VersionRow> {
        const auto n = static_cast<std::int64_t>(rows->size());
        if (first < 0 || first >= n)
            return {};
        const auto last = std::min(n, first + limit);
        return std::vector<VersionRow>(rows->begin() + first, rows->begin() + last);
    };
    auto shared = std::make_shared<std::vector<VersionImages>>(std::move(images));
    source.images = [rows, shared](int row, std::string&) -> std::optional<VersionImages> {
        const auto r = static_cast<std::size_t>(row);
        if (r < shared->size())
            return (*shared)[r];
        return VersionImages{r < rows->size() ? (*rows)[r].recordId : 0, std::nullopt, std::nullopt};
    };
    setSource(std::move(source));
}

void TimelineModel::setAudit(std::unordered_map<std::int64_t, VersionAudit> audit)
{
    m_source.audit = std::move(audit);
    if (!m_source.heads.empty())
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

const VersionRow* TimelineModel::versionAt(int row) const
{
    if (row < 0 || row >= rowCount() || !m_source.page)
        return nullptr;
    const int page = row / PageSize;
    auto* rows = m_pages.object(page);
    if (!rows) {
        PageRead<VersionRow> read = m_source.page(std::int64_t{page} * PageSize, PageSize);
        ++m_pageLoads;
        rows = new std::vector<VersionRow>(std::move(read.rows));
        m_pages.insert(page, rows); // a failed page stays cached empty: repaints do not query again
        if (!read.error.empty())
            Q_EMIT const_cast<TimelineModel*>(this)->pageReadFailed(QString::fromStdString(read.error));
    }
    const auto offset = static_cast<std::size_t>(row % PageSize);
    return offset < rows->size() ? &(*rows)[offset] : nullptr;
}

std::shared_ptr<const VersionImages> TimelineModel::images(int row) const
{
    if (row < 0 || row >= rowCount() || !m_source.images)
        return nullptr;
    const std::int64_t recordId = m_source.heads[static_cast<std::size_t>(row)].recordId;
    auto it = std::find_if(m_images.begin(), m_images.end(),
                           [recordId](const auto& images) { return images->recordId == recordId; });
    if (it != m_images.end()) {
        auto found = *it;
        m_images.erase(it);
        m_images.push_front(found);
        return found;
    }
    std::string error;
    auto read = m_source.images(row, error);
    ++m_imageLoads;
    if (!read) {
        if (!error.empty())
            Q_EMIT const_cast<TimelineModel*>(this)->pageReadFailed(QString::fromStdString(error));
        return nullptr;
    }
    auto images = std::make_shared<const VersionImages>(std::move(*read));
    m_images.push_front(images);
    while (m_images.size() > static_cast<std::size_t>(MaxImages))
        m_images.pop_back();
    return images;
}

const VersionAudit* TimelineModel::auditAt(int row) const
{
    if (row < 0 || row >= rowCount())
        return nullptr;
    auto it = m_source.audit.find(m_source.heads[static_cast<std::size_t>(row)].recordId);
    return it == m_source.audit.end() ? nullptr : &it->second;
}

int TimelineModel::rowOfRecord(std::int64_t recordId) const
{
    for (std::size_t i = 0; i < m_source.heads.size(); ++i)
        if (m_source.heads[i].recordId == recordId)
            return static_cast<int>(i);
    return -1;
}

int TimelineModel::residentRows() const
{
    int rows = 0;
    for (int page : m_pages.keys())
        rows += static_cast<int>(m_pages.object(page)->size());
    return rows;
}

int TimelineModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_source.heads.size());
}

int TimelineModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TimelineModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const VersionHead& v = m_source.heads[static_cast<std::size_t>(index.row())];
    const VersionAudit* audit = auditAt(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case IndexColumn:
            return index.row() + 1;
        case TimeColumn:
            return formatting::timeText(v.timeMicros);
        case EventColumn:
            return formatting::eventText(v.eventName, v.ttl);
        case SequenceColumn:
            return fromStd(v.sequenceNumber);
        case ChangedColumn: {
            const VersionRow* row = versionAt(index.row()); // the only column that reads the page
            return row ? QVariant(row->changedAttributes) : QVariant();
        }
        case AuditColumn:
            return audit ? fromStd(audit->text()) : QString();
        default:
            return {};
        }
    case Qt::ToolTipRole:
        if (index.column() == AuditColumn && audit) {
            QStringList lines;
            for (const auto& m : audit->messages)
                lines << fromStd(m);
            return lines.isEmpty() ? fromStd(audit->text()) : lines.join(QLatin1Char('\n'));
        }
        if (index.column() == EventColumn) {
            const VersionRow* row = versionAt(index.row());
            if (!row || !row->compacted)
                return {};
            return row->compactedWindowFrom
                ? tr("Compacted export window from %1 UTC: the item's net change, writes in between not exported")
                      .arg(formatting::timeText(row->compactedWindowFrom))
                : tr("Compacted export window: the item's net change, writes in between not exported");
        }
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == IndexColumn || index.column() == ChangedColumn || index.column() == SequenceColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case ModelRoles::EventKindRole:
        return int(v.eventName);
    case ModelRoles::TtlRole:
        return v.ttl;
    case ModelRoles::RecordIdRole:
        return qlonglong(v.recordId);
    case ModelRoles::SeverityRole:
        return audit ? audit->worstSeverity : -1;
    case ModelRoles::TimeMicrosRole:
        return v.timeMicros ? QVariant(qlonglong(*v.timeMicros)) : QVariant();
    default:
        return {};
    }
}

QVariant TimelineModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case IndexColumn:
        return tr("#");
    case TimeColumn:
        return tr("Time (UTC)");
    case EventColumn:
        return tr("Event");
    case SequenceColumn:
        return tr("Sequence number");
    case ChangedColumn:
        return tr("Changed");
    case AuditColumn:
        return tr("Audit");
    default:
        return {};
    }
}
