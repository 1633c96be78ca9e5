#pragma once

#include <QWidget>

class QComboBox;
class QHBoxLayout;
class QPushButton;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QSplitter;
class QTableView;
class FindingsModel;
class FindingsFilterModel;
namespace splitdefaults {
class Placer;
}

/// The audit panel for triage: the findings as a sortable table (grouped: one row per cause with its record count;
/// flat: one row per finding), filtered by kind, severity, table, key and a text search, with the counts per kind of
/// what is visible, a details pane with the whole message, F8 / Shift+F8 for the next / previous finding, Enter or
/// double-click to open the finding's version, and export of the visible findings as CSV or JSON.
class FindingsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit FindingsPanel(FindingsModel* model, QWidget* parent = nullptr);
    ~FindingsPanel() override;

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
    QPushButton* exportButton() const { return m_exportButton; }
    /// Findings rows the table always has room for (the details pane gives way first).
    static constexpr int kMinimumRows = 5;
    /// Lines of the details pane the default split gives it where the table keeps its rows.
    static constexpr int kDetailsLines = 3;
    /// The height the panel wants for its filters, kMinimumRows findings and kDetailsLines lines of details.
    int wantedHeight() const;
    /// The text shown while the audit runs, or "" to show the counts again.
    void setStatus(const QString& text);
    /// Counts per kind known before the list (the findings kept in the store, StoreSession::keptFindingCounts),
    /// shown after the status text while it is shown; empty = none.
    void setKeptCounts(std::vector<std::pair<std::string, std::int64_t>> counts);

    /// Selects the next (forward) or previous visible finding, wrapping around; false when there is none.
    bool goToFinding(bool forward);
    /// Writes the visible findings to `path` (".json": a JSON array, else CSV); "" or the reason.
    QString exportVisible(const QString& path) const;

Q_SIGNALS:
    void findingActivated(qint64 keyId, qint64 recordId);

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void createFilterRow();
    /// The width the filters need on one row (choices at their natural width, the text fields at their minimum).
    int oneRowWidth() const;
    /// One filter row when the panel is wide enough, else the key, search and Export on a second row.
    void placeFilterRows();
    /// The Sequence column as wide as its numbers where there is room (see columnfit::fitNumberColumn).
    void fitSequenceColumn(bool mayNarrow);
    void createActions();
    void refillChoices();
    void updateCounts();
    void setCountsText(const QString& text);
    void showDetails();
    int detailsWanted() const;
    void exportWithDialog();

    FindingsModel* m_model;
    FindingsFilterModel* m_filter;
    QComboBox* m_mode = nullptr;
    QComboBox* m_severity = nullptr;
    QComboBox* m_kind = nullptr;
    QComboBox* m_table = nullptr;
    QLineEdit* m_key = nullptr;
    QLineEdit* m_search = nullptr;
    QPushButton* m_exportButton = nullptr;
    QHBoxLayout* m_choiceRow = nullptr;
    QHBoxLayout* m_textRow = nullptr;
    bool m_oneFilterRow = false; ///< starts on two rows; placeFilterRows joins them when the panel is wide
    QLabel* m_counts = nullptr;
    QTableView* m_view = nullptr;
    QPlainTextEdit* m_details = nullptr;
    QSplitter* m_split = nullptr;
    splitdefaults::Placer* m_splitPlacer = nullptr; ///< the findings / details split until the user moves it
    QString m_status;
    std::vector<std::pair<std::string, std::int64_t>> m_keptCounts;
};
