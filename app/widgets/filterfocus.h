#pragma once

class QAbstractItemView;
class QEvent;

/// From a filter field to the list it filters, by keyboard (issue 19): Enter or Down in the field moves the focus
/// into the list, so a person types a filter and goes on without the mouse.
namespace filterfocus {

/// A key press of Enter, Return or Down without modifiers (the keypad's included): the field hands over to its list.
bool movesIntoList(const QEvent* event);

/// Selects the first row of `view` when it has no current row (the current row is kept); true when a row is current.
bool selectFirstIfNone(QAbstractItemView* view);

/// After the field's filter was applied: `view` takes the focus, its first row selected now when none is current, or,
/// while `reloading` (the rows shown are the old filter's), when the rows arrive: returns true, the caller then calls
/// selectFirstIfNone.
bool enterList(QAbstractItemView* view, bool reloading);

} // namespace filterfocus
