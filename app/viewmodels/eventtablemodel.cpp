#include "app/viewmodels/eventtablemodel.h"

#include "app/viewmodels/formatting.h"
#include "app/viewmodels/modelroles.h"

using formatting::fromStd;

int EventTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount + (m_extra ? 1 : 0);
}

void EventTableModel::setExtraColumn(const QString& header, ExtraColumn data)
{
    const bool had = static_cast<bool>(m_extra);
    if (had && !data) {
        beginRemoveColumns({}, ColumnCount, ColumnCount);
        m_extra = nullptr;
        endRemoveColumns();
        return;
    }
    if (!had && data) {
        beginInsertColumns({}, ColumnCount, ColumnCount);
        m_extraHeader = header;
        m_extra = std::move(data);
        endInsertColumns();
        return;
    }
    m_extraHeader = header;
    m_extra = std::move(data);
    if (m_extra) {
        Q_EMIT headerDataChanged(Qt::Horizontal, ColumnCount, ColumnCount);
        extraColumnChanged();
    }
}

void EventTableModel::extraColumnChanged()
{
    if (m_extra && rowCount() > 0)
        Q_EMIT dataChanged(index(0, ColumnCount), index(rowCount() - 1, ColumnCount));
}

QVariant EventTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const EventRow* row = rowAt(index.row());
    if (!row)
        return {};
    if (index.column() == ColumnCount
        && (role == Qt::DisplayRole || role == Qt::ToolTipRole || role == Qt::ForegroundRole))
        return m_extra ? m_extra(*row, role) : QVariant();
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn:
            return formatting::timeText(row->timeMicros);
        case TableColumn:
            return fromStd(row->table);
        case KeyColumn:
            return fromStd(row->keyText);
        case EventColumn:
            return formatting::eventText(row->eventName, row->ttl);
        case SequenceColumn:
            return fromStd(row->sequenceNumber);
        case SizeColumn:
            return qlonglong(row->sizeBytes);
        default:
            return {};
        }
    case Qt::ToolTipRole: // the whole number where the column is too narrow for it (elided in the middle)
        return index.column() == SequenceColumn ? QVariant(fromStd(row->sequenceNumber)) : QVariant();
    case Qt::TextAlignmentRole:
        if (index.column() == SizeColumn || index.column() == SequenceColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case ModelRoles::EventKindRole:
        return int(row->eventName);
    case ModelRoles::TtlRole:
        return row->ttl;
    case ModelRoles::RecordIdRole:
        return qlonglong(row->recordId);
    case ModelRoles::KeyIdRole:
        return qlonglong(row->keyId);
    case ModelRoles::TableRole:
        return fromStd(row->table);
    case ModelRoles::TimeMicrosRole:
        return row->timeMicros ? QVariant(qlonglong(*row->timeMicros)) : QVariant();
    default:
        return {};
    }
}

QVariant EventTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && role == Qt::ToolTipRole && section == SizeColumn)
        return tr("The record's size in bytes (its SizeBytes)");
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TimeColumn:
        return tr("Time (UTC)");
    case TableColumn:
        return tr("Table");
    case KeyColumn:
        return tr("Key");
    case EventColumn:
        return tr("Event");
    case SequenceColumn:
        return tr("Sequence number");
    case SizeColumn:
        return tr("Bytes"); // short: its room goes to the sequence numbers at 1024 px
    case ColumnCount:
        return m_extra ? m_extraHeader : QVariant();
    default:
        return {};
    }
}

bool EventTableModel::isSortable(int column)
{
    return column == TimeColumn || column == SequenceColumn;
}

void EventTableModel::sort(int column, Qt::SortOrder order)
{
    const bool descending = order == Qt::DescendingOrder;
    if (column == TimeColumn)
        Q_EMIT sortRequested(EventSort::Time, descending);
    else if (column == SequenceColumn)
        Q_EMIT sortRequested(EventSort::Sequence, descending);
    else if (column < 0)
        Q_EMIT sortRequested(EventSort::Arrival, false);
}

int EventTableModel::rowOfRecord(std::int64_t recordId) const
{
    const std::int64_t row = m_cache.find(recordId);
    return row >= 0 && row < rowCount() ? static_cast<int>(row) : -1;
}
