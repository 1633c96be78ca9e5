#pragma once

// Go ▸ Go to Sequence Number / Event ID (Ctrl+G): type or paste one, Enter searches the store in the background
// (GoToJob); one match opens at once, several are listed to pick from.

#include <QDialog>

#include "app/viewmodels/gotojob.h"

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTreeWidget;
class StoreSession;

class GoToDialog : public QDialog
{
    Q_OBJECT
public:
    explicit GoToDialog(StoreSession* session, QWidget* parent = nullptr);

    QLineEdit* edit() const { return m_edit; }
    QTreeWidget* results() const { return m_results; }
    QLabel* statusLabel() const { return m_status; }
    GoToJob* job() const { return m_job; }
    /// Starts the search for the edit's text (what Enter / Find does).
    void search();

Q_SIGNALS:
    /// A record was picked (or was the only match): the window opens it.
    void recordChosen(qint64 keyId, qint64 recordId);

private:
    void showResult(const GoToResult& result);
    void openCurrent();

    StoreSession* m_session;
    GoToJob* m_job;
    QLineEdit* m_edit;
    QLabel* m_status;
    QTreeWidget* m_results;
    QPushButton* m_find;
    QPushButton* m_open;
};
