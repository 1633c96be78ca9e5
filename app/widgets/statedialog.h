#pragma once

// View ▸ State at a Time (Ctrl+T), the GUI's `streamscope state --at`: pick a table and a time (typed, pasted or
// from the calendar; UTC), Enter lists every item of the table as it was then (StateJob: background, cancellable,
// progress, a capped list that says so). The selected item is shown exactly as stored (DynamoDB JSON); Enter or
// Open in Timeline opens its key at the version that left it in that state.

#include <QDialog>

#include "app/viewmodels/statejob.h"

class MainWindow;
class QAction;
class QComboBox;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTableView;
class StoreSession;
class TimeField;

class StateDialog : public QDialog
{
    Q_OBJECT
public:
    explicit StateDialog(StoreSession* session, QWidget* parent = nullptr);

    /// View ▸ State at a Time… (Ctrl+T) for `window`: shows the dialog (one per window) and opens the chosen key in
    /// the timeline. Enabled while a store is open.
    static QAction* createAction(MainWindow* window);

    QComboBox* tableBox() const { return m_table; }
    TimeField* timeField() const { return m_time; }
    QTableView* view() const { return m_view; }
    StateTableModel* model() const { return m_model; }
    QLabel* statusLabel() const { return m_status; }
    QPlainTextEdit* itemView() const { return m_item; }
    StateJob* job() const { return m_job; }
    QPushButton* showButton() const { return m_show; }
    QPushButton* cancelButton() const { return m_cancel; }
    QPushButton* openButton() const { return m_open; }

    /// Fills the table list from the open store and puts the time at its last record (keeps what the user set
    /// when the store is the same).
    void reload();
    /// Lists the state for the chosen table and time (what Enter / Show does); false (and says why) when it cannot.
    bool showState();

Q_SIGNALS:
    /// An item was opened: the window opens the key in the timeline at that record.
    void keyChosen(qint64 keyId, qint64 recordId);

private:
    void showResult(const StateResult& result);
    void showCurrentItem();
    void openCurrent();
    void setRunning(bool running);
    void fitColumns();

    StoreSession* m_session;
    StateJob* m_job;
    StateTableModel* m_model;
    QComboBox* m_table;
    TimeField* m_time;
    QLabel* m_status;
    QProgressBar* m_progress;
    QTableView* m_view;
    QPlainTextEdit* m_item;
    QPushButton* m_show;
    QPushButton* m_cancel;
    QPushButton* m_open;
    QString m_storePath; ///< the store the table list was read from
};
