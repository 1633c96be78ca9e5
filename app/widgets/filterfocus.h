#pragma once

#include <functional>

class QAbstractItemView;
class QEvent;
class QModelIndex;
class QObject;

/// From a filter field to the list it filters, by keyboard (issue 19): Enter or Down in the field moves the focus
/// into the list, so a person types a filter and goes on without the mouse; and what counts as a row picked in a list.
namespace filterfocus {

/// A key press of Enter, Return or Down without modifiers (the keypad's included): the field hands over to its list.
bool movesIntoList(const QEvent* event);

/// Selects the first row of `view` when it has no current row (the current row is kept); true when a row is current.
bool selectFirstIfNone(QAbstractItemView* view);

/// After the field's filter was applied: `view` takes the focus, its first row selected now when none is current, or,
/// while `reloading` (the rows shown are the old filter's), when the rows arrive: returns true, the caller then calls
/// selectFirstIfNone.
bool enterList(QAbstractItemView* view, bool reloading);

/// Calls `picked` with the row the user picked in `view` (a click, an arrow key, Enter, a programmatic select): the
/// current row once it is also selected. A current row that is not selected was not picked: the view makes its first
/// row current when the keyboard enters it (Tab, a tab switched to) with none current. Arrow keys select the row and
/// then make it current, a click makes it current and then selects it: `picked` runs on whichever comes second.
/// The connections live as long as `context`.
void onPicked(QAbstractItemView* view, QObject* context, const std::function<void(const QModelIndex&)>& picked);

} // namespace filterfocus
