#include "app/viewmodels/statejob.h"

#include <algorithm>

#include "app/viewmodels/formatting.h"
#include "app/viewmodels/isotime.h"
#include "app/viewmodels/keyorder.h"
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

/// A row with its key's typed value (the keys list's order: numbers numerically, binaries by bytes, part by part).
struct OrderedRow
{
    KeyOrderValue order;
    StateRow row;
};

/// Key order first, then key id (as the keys list breaks ties).
bool before(const OrderedRow& a, const OrderedRow& b)
{
    const int c = a.order.compare(b.order);
    return c != 0 ? c < 0 : a.row.keyId < b.row.keyId;
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
    // The store walks keys in text order (Id=100 before Id=11); the list is in typed key order. Under the caps the
    // list keeps the first rows in that order: a max-heap drops its last row when a cap is passed, and once a row is
    // dropped, every row ordered after it is left out too (so the list stays a prefix of the whole order).
    std::vector<OrderedRow> kept;
    std::optional<OrderedRow> cut; ///< the first row (in key order) left out
    auto counts = storage::forEachItemAt(store, table->id, request.atMicros, [&](const storage::ItemAtTime& item) {
        if (!progress(++seen, total)) {
            stopped = true;
            return false;
        }
        OrderedRow next{KeyOrderValue::fromCanonical(item.key.canonicalKeys), toRow(item)};
        if (cut && !before(next, *cut)) {
            ++result.leftOut;
            return true;
        }
        bytes += textBytes(next.row);
        kept.push_back(std::move(next));
        std::push_heap(kept.begin(), kept.end(), before);
        while (!kept.empty() && (std::ssize(kept) > request.rowLimit || bytes > request.byteLimit)) {
            std::pop_heap(kept.begin(), kept.end(), before);
            bytes -= textBytes(kept.back().row);
            cut = std::move(kept.back());
            kept.pop_back();
            ++result.leftOut;
        }
        return true;
    });
    std::sort_heap(kept.begin(), kept.end(), before);
    result.rows.reserve(kept.size());
    for (OrderedRow& r : kept)
        result.rows.push_back(std::move(r.row));
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
