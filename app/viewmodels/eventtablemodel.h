#pragma once

#include <functional>

#include "app/viewmodels/pagedtablemodel.h"

/// Every record of the store (or of a filtered view of it) as a lazy table: exact row count from the source,
/// rows fetched in 256-row pages into a bounded cache when a cell is displayed.
class EventTableModel : public PagedTableModel<EventRow>
{
    Q_OBJECT
public:
    enum Column { TimeColumn, TableColumn, KeyColumn, EventColumn, SequenceColumn, SizeColumn, ColumnCount };

    using PagedTableModel::PagedTableModel;

    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    /// Only indexed columns sort; the request is forwarded (the view is rebuilt in the background).
    void sort(int column, Qt::SortOrder order) override;
    static bool isSortable(int column);
    /// Row of the record with this id in the current view, -1 if it is not listed (filtered out).
    int rowOfRecord(std::int64_t recordId) const;
    /// An extra column after the others (the Lambda filter's verdict: Qt::DisplayRole, ToolTipRole,
    /// ForegroundRole of a row), or none (`data` empty). Columns are inserted/removed, not reset.
    using ExtraColumn = std::function<QVariant(const EventRow& row, int role)>;
    void setExtraColumn(const QString& header, ExtraColumn data);
    bool hasExtraColumn() const { return static_cast<bool>(m_extra); }
    /// The extra column's values changed (e.g. new criteria).
    void extraColumnChanged();

Q_SIGNALS:
    void sortRequested(EventSort sort, bool descending);

private:
    QString m_extraHeader;
    ExtraColumn m_extra;
};
