#pragma once

class QString;
class QTableView;

/// Number columns (sequence numbers) sized to what they list, shared by the events and the audit tables.
namespace columnfit {

/// Fits `column` of `view` to the numbers it lists (the first 200 rows and the rows in view), at least its header
/// (with the sort arrow) and `shortestNumber`. With a `flexibleColumn` (>= 0; a view that never scrolls sideways),
/// at most the room left beside the other visible columns where that column keeps `flexibleText` whole: narrower
/// than its numbers only where that room lacks, the column then elides in the middle (the view's or its delegate's
/// choice). Widens always, narrows only when `mayNarrow` (a reload, a resize; not a scroll).
void fitNumberColumn(QTableView* view, int column, int flexibleColumn, const QString& flexibleText,
                     const QString& shortestNumber, bool mayNarrow);

} // namespace columnfit
