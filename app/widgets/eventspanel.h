#pragma once

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QTableView;
class QTimer;
class QToolButton;
class StoreSession;

/// Every record of the store in a lazy table, filterable by table, event type, time range and text; the raw
/// record as delivered below. Selecting a row opens its key at that version.
class EventsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit EventsPanel(StoreSession* session, QWidget* parent = nullptr);
    QTableView* view() const { return m_view; }
    /// Time range filter (from the activity chart); nullopt clears it. `to` is exclusive.
    void setTimeRange(std::optional<qint64> fromMicros, std::optional<qint64> toMicros);
    void focusFilter();

Q_SIGNALS:
    void recordSelected(qint64 keyId, qint64 recordId);

private:
    void applyFilter();
    void updateTables();
    void showRecord(qint64 recordId);
    void updateCount();
    StoreSession* m_session;
    QComboBox* m_table;
    QCheckBox* m_types[4];
    QLineEdit* m_text;
    QLabel* m_range;
    QToolButton* m_clearRange;
    QLabel* m_count;
    QTableView* m_view;
    QPlainTextEdit* m_raw;
    QTimer* m_debounce;
    std::optional<qint64> m_from;
    std::optional<qint64> m_to;
};
