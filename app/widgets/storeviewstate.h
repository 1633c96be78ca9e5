#pragma once

// What a store showed, kept with its filters (Preferences::storeGroup) and shown again when it is opened again: the
// key open in the timeline (its table and Keys, not its id) and its selected version, the selected event, the
// current tab, and where the keys list and the events table were scrolled to (their first visible rows). Written
// shortly after each change, when the store closes (also when another one is opened) and when the window closes.

#include <QObject>

class QTableView;
class QTimer;
class MainWindow;

class StoreViewState : public QObject
{
    Q_OBJECT
public:
    explicit StoreViewState(MainWindow* window);

    /// The open store's saved filters are in the panels and applied: its view comes back once the keys list and
    /// the events table list them (what no longer exists or the filters hide is left out, silently).
    void restoreWhenListed();
    /// Writes the open store's view now (not while it is being restored: that would write half of it).
    void save();
    /// A store was opened and its view is not back yet (nothing is written meanwhile).
    bool isRestoring() const { return m_restoring; }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void watchChanges();
    void listed();
    void restore();
    /// Selects the saved event when the events table lists it (as a click would: its key opens); false otherwise.
    bool restoreEvent(qint64 recordId, const QString& sequenceNumber);
    /// Scrolls `view` so that `row` is its first visible row (nothing when the list is shorter now).
    static void scrollToRow(QTableView* view, int row);
    static int firstVisibleRow(const QTableView* view);

    MainWindow* m_window;
    QTimer* m_saveTimer;
    bool m_restoring = false;   ///< from the store's opening until its view is back
    bool m_listing = false;     ///< its saved filters are applied: the view comes back when both lists are there
    bool m_keysPending = false; ///< the keys list with the saved filters has not arrived yet
    bool m_eventsPending = false;
};
