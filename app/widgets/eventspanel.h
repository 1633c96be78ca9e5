#pragma once

#include <QWidget>
#include <optional>

class DisplayFilterEdit;
class QBoxLayout;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QSplitter;
class QTableView;
class QTimer;
class QToolButton;
class StoreSession;
class TimeField;
namespace splitdefaults {
class Placer;
}

/// Every record of the store in a lazy table, filterable by table, event type, time range (From/To edits, in
/// step with a drag on the activity chart) and text (optionally in the raw records); the raw record as
/// delivered below, in a resizable pane. Selecting a row opens its key at that version.
class EventsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit EventsPanel(StoreSession* session, QWidget* parent = nullptr);
    ~EventsPanel() override;
    QTableView* view() const { return m_view; }
    QLineEdit* textEdit() const { return m_text; }
    QComboBox* tableBox() const { return m_table; }
    QCheckBox* rawSearchBox() const { return m_inRaw; }
    /// The display filter (an expression on record fields and attribute values; mistakes shown inline).
    DisplayFilterEdit* displayFilterEdit() const { return m_where; }
    QCheckBox* fromBox() const { return m_fromOn; }
    QCheckBox* toBox() const { return m_toOn; }
    /// From / To: typed, pasted (ISO-8601) or picked times, exact to the microsecond.
    TimeField* fromEdit() const { return m_fromEdit; }
    TimeField* toEdit() const { return m_toEdit; }
    QPlainTextEdit* rawView() const { return m_raw; }
    /// Where the shown record came from (record id, file record #, byte offset, shape), above the raw text.
    QLabel* rawInfo() const { return m_rawInfo; }
    /// Ctrl+C on the table: the current row's cells, tab-separated, to the clipboard; returns the text.
    QString copyCurrentRow();
    /// Ctrl+Shift+C on the table: the current record exactly as delivered (JSON); returns the text.
    QString copyCurrentRecord();
    /// Table above, raw record below (its state is saved with the window layout).
    QSplitter* splitter() const { return m_split; }
    /// Events table rows the default split keeps above the raw record (its five lines give way first).
    static constexpr int kTableRows = 4;
    /// Keys up to this many characters ("customerId=CUST-17") show whole where the sequence numbers would not leave
    /// them the room (1024x700): the numbers give way.
    static constexpr int kWholeKeyChars = 18;
    /// The height the panel wants to show its filters, kTableRows events and five lines of the raw record.
    int wantedHeight() const;
    QLabel* countLabel() const { return m_count; }
    /// Time range filter in microseconds since the epoch (UTC); nullopt leaves that end open. `to` is exclusive.
    void setTimeRange(std::optional<qint64> fromMicros, std::optional<qint64> toMicros);
    std::optional<qint64> fromMicros() const { return m_from; }
    std::optional<qint64> toMicros() const { return m_to; }
    void focusFilter();
    /// A filter typed and not applied yet applies now, without the typing pause (a store's saved filter put back).
    void applyFilterNow();
    /// Selects the event `delta` rows away from the current one (the first when none); false when there is none.
    bool step(int delta);
    /// The record shown in the raw pane (0 = none).
    qint64 shownRecord() const { return m_shownRecord; }
    /// Marks the filter text in the raw record pane; returns the number of matches marked.
    int highlightMatches();

Q_SIGNALS:
    void recordSelected(qint64 keyId, qint64 recordId);
    /// A new filter hid the selected event: the raw pane was cleared (the window clears the diff).
    void selectionHidden();
    /// Something was copied (feedback for the status bar).
    void copied(const QString& what);
    /// The time range changed (from the edits or setTimeRange); both nullopt = no range.
    void timeRangeChanged(std::optional<qint64> fromMicros, std::optional<qint64> toMicros);

protected:
    void changeEvent(QEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;
    void showEvent(QShowEvent* event) override;
    /// The table and raw record splitter at its default shares, unless the user set it.
    void placeSplit();

private:
    /// The raw record pane's height with five lines of the record (its origin and tabs above / below them).
    int rawWanted() const;
    /// The events table's height with a header and kTableRows rows.
    int tableWanted() const;
    QBoxLayout* createSearchRow();
    QBoxLayout* createTypesRow();
    QBoxLayout* createRangeRow();
    QSplitter* createRecordSplit();
    void setupView();
    void connectFilters();
    void addCopyActions();
    void connectSession();
    void applyFilter();
    /// Enter / Down in a filter field: the filter applies now and the table takes the focus, its current event kept
    /// or, when there is none, the first listed event (after the reload the filter started) selected.
    void enterTable();
    void updateTables();
    void resetForNewStore();
    void showRecord(qint64 recordId);
    void updateCount();
    void eventsReloaded();
    /// After a reload: the shown event stays selected when listed; otherwise the raw pane is cleared.
    void keepSelection();
    void updateColors();
    /// The sequence-number column as wide as the numbers listed (first rows and rows in view), unless the Key column
    /// would then elide a key of up to kWholeKeyChars characters: the numbers give way, elided on the left (their
    /// distinguishing end in view; the tooltip and Ctrl+C hold the whole number).
    /// `mayNarrow`: after a reload; scrolling only widens it.
    void fitSequenceColumn(bool mayNarrow);
    void rangeEdited();
    void showRangeInEdits();
    StoreSession* m_session;
    QComboBox* m_table;
    QCheckBox* m_types[4];
    QLineEdit* m_text;
    QCheckBox* m_inRaw;
    DisplayFilterEdit* m_where;
    QCheckBox* m_fromOn;
    TimeField* m_fromEdit;
    QCheckBox* m_toOn;
    TimeField* m_toEdit;
    QToolButton* m_clearRange;
    QLabel* m_count;
    QTableView* m_view;
    QPlainTextEdit* m_raw;
    QLabel* m_rawInfo;
    QSplitter* m_split;
    QTimer* m_debounce;
    qint64 m_shownRecord = 0;
    bool m_splitPlaced = false;
    splitdefaults::Placer* m_splitPlacer = nullptr; ///< the table / raw record split until the user moves it
    bool m_reloading = false;                       ///< a filter sent from here is not listed yet (eventsReady to come)
    bool m_selectFirstOnReload = false;             ///< Enter in a filter while reloading: select when the rows arrive
    std::optional<qint64> m_from;
    std::optional<qint64> m_to;
};
