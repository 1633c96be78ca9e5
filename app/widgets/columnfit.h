#pragma once

class QString;
class QTableView;

/// Number columns (sequence numbers) sized to what they list, shared by the events and the audit tables.
namespace columnfit {

/// Fits `column` of `view` to the numbers it lists (the first 200 rows and the rows in view), at least its header
/// (with the sort arrow) and `shortestNumber`. Widens always, narrows only when `mayNarrow` (a reload, a resize; not a
/// scroll).
///
/// With a `flexibleColumn` (>= 0: a stretched column of a view that never scrolls sideways) the numbers give way to
/// it: the number column takes at most the room the other visible columns leave once `flexibleColumn` has what shows
/// its listed texts (the same rows) whole up to `flexibleChars` characters each. Where that room lacks, the number
/// column is narrower than its numbers and elides them (the view's or its delegate's elide mode); a text longer than
/// `flexibleChars` may elide too. Both widths come from the view's font metrics and margins.
void fitNumberColumn(QTableView* view, int column, int flexibleColumn, int flexibleChars, const QString& shortestNumber,
                     bool mayNarrow);

} // namespace columnfit
