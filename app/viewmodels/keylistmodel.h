#pragma once

#include <QAbstractTableModel>

#include "app/viewmodels/pagedtablemodel.h"

/// The keys of one table (or all tables) with record counts: lazy, paged like EventTableModel.
class KeyListModel : public PagedTableModel<KeyRow>
{
    Q_OBJECT
public:
    enum Column { KeyColumn, CountColumn, LastChangeColumn, ColumnCount };

    using PagedTableModel::PagedTableModel;

    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    /// Every column sorts (key / count / last change); forwarded as sortRequested.
    void sort(int column, Qt::SortOrder order) override;

    /// Row of the key with this id in the current view, -1 if it is not listed (filtered out, other table).
    int rowOfKey(std::int64_t keyId) const;

Q_SIGNALS:
    void sortRequested(KeySort sort, bool descending);
};

/// Tables with key and record counts (small: loaded at once).
class TableListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { NameColumn, KeysColumn, RecordsColumn, ColumnCount };

    explicit TableListModel(QObject* parent = nullptr);
    /// The first row is "All tables" with the totals.
    void setTables(std::vector<TableRow> tables);
    /// "" for the "All tables" row.
    QString tableAt(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::vector<TableRow> m_tables; // [0] = all
};
