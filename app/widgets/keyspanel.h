#pragma once

#include <QWidget>

class QLineEdit;
class QComboBox;
class QTableView;
class QLabel;
class QTimer;
class StoreSession;

/// Left dock: tables with counts, then the keys of the selected table, filtered as you type and sortable.
class KeysPanel : public QWidget
{
    Q_OBJECT
public:
    explicit KeysPanel(StoreSession* session, QWidget* parent = nullptr);
    void focusFilter();
    QTableView* keyView() const { return m_keys; }
    QLineEdit* filterEdit() const { return m_filter; }
    QComboBox* sortBox() const { return m_sort; }
    /// Shows this key as the selected one without emitting keySelected (the key was opened elsewhere, e.g.
    /// from the events table). Looks the row up in the listed ids; clears the selection when the key is not
    /// listed (other table, filtered out). Re-applied whenever the list reloads.
    void selectKey(qint64 keyId);

Q_SIGNALS:
    void keySelected(qint64 keyId);

private:
    void applyFilter();
    void updateCount();
    void syncSortIndicator();
    StoreSession* m_session;
    QTableView* m_tables;
    QLineEdit* m_filter;
    QComboBox* m_sort;
    QTableView* m_keys;
    QLabel* m_count;
    QTimer* m_debounce;
    qint64 m_shownKey = 0;
    bool m_syncing = false;
};
