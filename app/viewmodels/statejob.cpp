#include "app/viewmodels/statejob.h"

#include "app/viewmodels/formatting.h"
#include "app/viewmodels/isotime.h"
#include "model/dynamodbjson.h"
#include "model/streamrecord.h"

namespace {
using formatting::fromStd;

StateRow toRow(const storage::ItemAtTime& item)
{
    const model::Version& v = item.version;
    StateRow row;
    row.keyId = item.key.id;
    row.recordId = v.record.id;
    row.keyText = fromStd(item.key.displayText);
    row.keyJson = fromStd(item.key.canonicalKeys);
    row.imageKnown = v.state == model::StateKind::Present;
    row.eventName = fromStd(std::string(model::eventNameText(v.record.eventName)));
    row.sequenceNumber = fromStd(v.record.sequenceNumber);
    row.eventId = fromStd(v.record.eventId);
    row.timeMicros = v.record.creationTimeMicros;
    if (row.imageKnown && !v.image.isNull()) {
        row.itemJson = fromStd(v.image.json());
        row.plainJson = fromStd(model::toPlainJson(v.image.item()));
    }
    return row;
}

qint64 textBytes(const StateRow& row)
{
    return 2 * (row.itemJson.size() + row.plainJson.size() + row.keyText.size() + row.keyJson.size());
}
} // namespace

QString StateResult::summary() const
{
    const QString at = isotime::format(request.atMicros);
    if (!error.isEmpty())
        return QObject::tr("Cannot read the state of %1 at %2: %3").arg(request.table, at, error);
    if (cancelled)
        return QObject::tr("Cancelled: nothing listed");
    QString text = QObject::tr("%1 at %2 (UTC): %3, %4 with unknown image, %5 removed, %6 not seen yet")
                       .arg(request.table, at, formatting::count(counts.items, "item", "items"))
                       .arg(counts.unknown)
                       .arg(counts.absent)
                       .arg(counts.notYetSeen);
    if (leftOut > 0)
        text += QObject::tr(" — showing the first %1 of %2 (the list is capped at %3 rows / %4 MiB of item text)")
                    .arg(rows.size())
                    .arg(rows.size() + leftOut)
                    .arg(request.rowLimit)
                    .arg(request.byteLimit / (1024LL * 1024));
    return text;
}

StateJob::StateJob(QObject* parent)
    : UserJob(parent)
{
    qRegisterMetaType<StateResult>();
}

StateJob::~StateJob()
{
    cancel();
    waitForDone();
}

StateResult StateJob::read(storage::Store& store, const StateRequest& request, const Progress& progress)
{
    StateResult result;
    result.request = request;
    const std::string tableName = request.table.toStdString();
    auto tables = store.tables();
    if (!tables) {
        result.error = fromStd(tables.error().message);
        return result;
    }
    const storage::TableInfo* table = nullptr;
    for (const auto& t : *tables)
        if (t.name == tableName)
            table = &t;
    if (!table) {
        result.error = QObject::tr("the store has no table named %1").arg(request.table);
        return result;
    }
    const qint64 total = table->keyCount;
    qint64 seen = 0;
    qint64 bytes = 0;
    bool stopped = false;
    auto counts = storage::forEachItemAt(store, table->id, request.atMicros, [&](const storage::ItemAtTime& item) {
        if (!progress(++seen, total)) {
            stopped = true;
            return false;
        }
        if (result.leftOut > 0 || std::ssize(result.rows) >= request.rowLimit) {
            ++result.leftOut;
            return true;
        }
        StateRow row = toRow(item);
        bytes += textBytes(row);
        if (bytes > request.byteLimit) {
            ++result.leftOut;
            return true;
        }
        result.rows.push_back(std::move(row));
        return true;
    });
    if (stopped) {
        result.rows.clear();
        result.leftOut = 0;
        result.cancelled = true;
        return result;
    }
    if (!counts) {
        result.rows.clear();
        result.leftOut = 0;
        result.error = fromStd(counts.error().message);
        return result;
    }
    result.counts = *counts;
    return result;
}

void StateJob::start(const StateRequest& request)
{
    launch<StateResult>(
        [request](const Progress& progress) {
            auto store = storage::Store::open(request.storePath.toStdString(), storage::Database::OpenMode::ReadOnly);
            if (!store) {
                StateResult result;
                result.request = request;
                result.error = fromStd(store.error().message);
                return result;
            }
            return read(*store, request, progress);
        },
        [this](StateResult result, bool cancelled) {
            if (cancelled && !result.cancelled) { // cancelled after the walk ended: still nothing is shown
                result.rows.clear();
                result.leftOut = 0;
                result.cancelled = true;
            }
            Q_EMIT finished(result);
        });
}

void StateTableModel::setRows(std::vector<StateRow> rows)
{
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
}

int StateTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int StateTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant StateTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const StateRow& row = m_rows[static_cast<std::size_t>(index.row())];
    switch (role) {
    case KeyIdRole:
        return row.keyId;
    case RecordIdRole:
        return row.recordId;
    case ItemJsonRole:
        return row.itemJson;
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
        switch (index.column()) {
        case KeyColumn:
            return row.keyText;
        case EventColumn:
            return row.eventName;
        case TimeColumn:
            return row.timeMicros ? isotime::format(*row.timeMicros) : QString();
        case SequenceColumn:
            return row.sequenceNumber;
        case ItemColumn:
            if (!row.imageKnown)
                return tr("(image unknown: the stream's view type carries no image for this record)");
            if (role == Qt::ToolTipRole && row.plainJson.size() > 2000)
                return QVariant(row.plainJson.left(2000) + QStringLiteral("…"));
            return row.plainJson;
        default:
            return {};
        }
    default:
        return {};
    }
}

QVariant StateTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case KeyColumn:
        return tr("Key");
    case EventColumn:
        return tr("Last event");
    case TimeColumn:
        return tr("Time (UTC)");
    case SequenceColumn:
        return tr("Sequence number");
    case ItemColumn:
        return tr("Item (plain JSON)");
    default:
        return {};
    }
}
