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

Q_SIGNALS:
    void keySelected(qint64 keyId);

private:
    void applyFilter();
    void updateCount();
    StoreSession* m_session;
    QTableView* m_tables;
    QLineEdit* m_filter;
    QComboBox* m_sort;
    QTableView* m_keys;
    QLabel* m_count;
    QTimer* m_debounce;
};
