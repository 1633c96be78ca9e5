#pragma once

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QTableView;
class FindingsModel;
class FindingsFilterModel;

/// The audit panel for triage: the findings as a sortable table (grouped: one row per cause with its record count;
/// flat: one row per finding), filtered by kind, severity, table, key and a text search, with the counts per kind of
/// what is visible, a details pane with the whole message, F8 / Shift+F8 for the next / previous finding, Enter or
/// double-click to open the finding's version, and export of the visible findings as CSV or JSON.
class FindingsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit FindingsPanel(FindingsModel* model, QWidget* parent = nullptr);

    QTableView* view() const { return m_view; }
    FindingsFilterModel* filterModel() const { return m_filter; }
    QComboBox* modeBox() const { return m_mode; }
    QComboBox* kindBox() const { return m_kind; }
    QComboBox* severityBox() const { return m_severity; }
    QComboBox* tableBox() const { return m_table; }
    QLineEdit* keyField() const { return m_key; }
    QLineEdit* searchField() const { return m_search; }
    QLabel* countsLabel() const { return m_counts; }
    QPlainTextEdit* detailsPane() const { return m_details; }
    /// The text shown while the audit runs, or "" to show the counts again.
    void setStatus(const QString& text);

    /// Selects the next (forward) or previous visible finding, wrapping around; false when there is none.
    bool goToFinding(bool forward);
    /// Writes the visible findings to `path` (".json": a JSON array, else CSV); "" or the reason.
    QString exportVisible(const QString& path) const;

Q_SIGNALS:
    void findingActivated(qint64 keyId, qint64 recordId);

private:
    void createFilterRow();
    void createActions();
    void refillChoices();
    void updateCounts();
    void showDetails();
    void exportWithDialog();

    FindingsModel* m_model;
    FindingsFilterModel* m_filter;
    QComboBox* m_mode = nullptr;
    QComboBox* m_severity = nullptr;
    QComboBox* m_kind = nullptr;
    QComboBox* m_table = nullptr;
    QLineEdit* m_key = nullptr;
    QLineEdit* m_search = nullptr;
    QLabel* m_counts = nullptr;
    QTableView* m_view = nullptr;
    QPlainTextEdit* m_details = nullptr;
    QString m_status;
};
