#include "app/viewmodels/keylistmodel.h"

#include "app/viewmodels/formatting.h"
#include "app/viewmodels/modelroles.h"

using formatting::fromStd;

int KeyListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

int KeyListModel::rowOfKey(std::int64_t keyId) const
{
    const std::int64_t row = m_cache.find(keyId);
    return row >= 0 && row < rowCount() ? static_cast<int>(row) : -1;
}

QVariant KeyListModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const KeyRow* row = rowAt(index.row());
    if (!row)
        return {};
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case KeyColumn:
            return fromStd(row->keyText);
        case CountColumn:
            return qlonglong(row->recordCount);
        case LastChangeColumn:
            return formatting::timeText(row->lastChangeMicros).left(19); // seconds are enough in a list
        default:
            return {};
        }
    case Qt::ToolTipRole:
        return fromStd(row->table) + QStringLiteral("  ") + fromStd(row->keyJson) + QStringLiteral("\n")
            + tr("%1 · last change %2 UTC")
                  .arg(formatting::count(row->recordCount, "record", "records"),
                       formatting::timeText(row->lastChangeMicros).left(19));
    case Qt::TextAlignmentRole:
        return index.column() == CountColumn ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter)) : QVariant();
    case ModelRoles::KeyIdRole:
        return qlonglong(row->keyId);
    case ModelRoles::TableRole:
        return fromStd(row->table);
    default:
        return {};
    }
}

QVariant KeyListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case KeyColumn:
        return tr("Key");
    case CountColumn:
        return tr("Records");
    case LastChangeColumn:
        return tr("Last change (UTC)");
    default:
        return {};
    }
}

void KeyListModel::sort(int column, Qt::SortOrder order)
{
    const bool descending = order == Qt::DescendingOrder;
    switch (column) {
    case KeyColumn:
        Q_EMIT sortRequested(KeySort::Key, descending);
        break;
    case CountColumn:
        Q_EMIT sortRequested(KeySort::Count, descending);
        break;
    case LastChangeColumn:
        Q_EMIT sortRequested(KeySort::LastChange, descending);
        break;
    default:
        break;
    }
}

TableListModel::TableListModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void TableListModel::setTables(std::vector<TableRow> tables)
{
    beginResetModel();
    TableRow all;
    for (const auto& t : tables) {
        all.keyCount += t.keyCount;
        all.recordCount += t.recordCount;
    }
    m_tables.clear();
    if (!tables.empty()) {
        m_tables.push_back(all);
        m_tables.insert(m_tables.end(), tables.begin(), tables.end());
    }
    endResetModel();
}

QString TableListModel::tableAt(int row) const
{
    if (row <= 0 || row >= static_cast<int>(m_tables.size()))
        return {};
    return fromStd(m_tables[static_cast<std::size_t>(row)].name);
}

int TableListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_tables.size());
}

int TableListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TableListModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const TableRow& t = m_tables[static_cast<std::size_t>(index.row())];
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case NameColumn:
            return index.row() == 0 ? tr("All tables") : fromStd(t.name);
        case KeysColumn:
            return qlonglong(t.keyCount);
        case RecordsColumn:
            return qlonglong(t.recordCount);
        default:
            return {};
        }
    }
    if (role == Qt::TextAlignmentRole && index.column() != NameColumn)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == ModelRoles::TableRole)
        return tableAt(index.row());
    return {};
}

QVariant TableListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case NameColumn:
        return tr("Table");
    case KeysColumn:
        return tr("Keys");
    case RecordsColumn:
        return tr("Records");
    default:
        return {};
    }
}
