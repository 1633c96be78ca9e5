#pragma once

#include <QAbstractTableModel>

#include "app/viewmodels/pagecache.h"

/// Every record of the store (or of a filtered view of it) as a lazy table: exact row count from the source,
/// rows fetched in 256-row pages into a bounded cache when a cell is displayed.
class EventTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { TimeColumn, TableColumn, KeyColumn, EventColumn, SequenceColumn, SizeColumn, ColumnCount };

    explicit EventTableModel(QObject* parent = nullptr);

    /// Replaces the rows (model reset). The source's count() is called once here.
    void setSource(RowSource<EventRow> source);
    void clear();

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    /// Only indexed columns sort; the request is forwarded (the view is rebuilt in the background).
    void sort(int column, Qt::SortOrder order) override;
    static bool isSortable(int column);

    /// nullptr if out of range. Loads the page if needed.
    const EventRow* rowAt(int row) const;
    int pageLoads() const { return m_cache.pageLoads(); }
    int cachedPages() const { return m_cache.cachedPages(); }

Q_SIGNALS:
    void sortRequested(EventSort sort, bool descending);

private:
    mutable PageCache<EventRow> m_cache;
};
