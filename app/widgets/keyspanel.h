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
    /// A filter typed and not applied yet applies now, without the typing pause (a store's saved filter put back).
    void applyFilterNow();
    QTableView* keyView() const { return m_keys; }
    QTableView* tableView() const { return m_tables; }
    /// "N keys" under the list.
    QString countLabel() const;
    QLineEdit* filterEdit() const { return m_filter; }
    QComboBox* sortBox() const { return m_sort; }
    /// Shows this key as the selected one without emitting keySelected (the key was opened elsewhere, e.g.
    /// from the events table). Looks the row up in the listed ids; clears the selection when the key is not
    /// listed (other table, filtered out). Re-applied whenever the list reloads.
    void selectKey(qint64 keyId);

    /// Ctrl+C on the keys list: the current key as DynamoDB JSON (the Keys map); returns the text.
    QString copyKeyJson();
    /// Ctrl+Shift+C: the current key as its text ("orderId=ORD-1001"); returns the text.
    QString copyKeyText();

Q_SIGNALS:
    void keySelected(qint64 keyId);
    /// Something was copied (feedback for the status bar).
    void copied(const QString& what);

protected:
    void resizeEvent(QResizeEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void applyFilter();
    /// Enter / Down in the filter: the filter applies now and the list takes the focus, its current key kept or,
    /// when there is none, the first listed key (after the reload the filter started) selected.
    void enterList();
    void syncTableSelection();
    void resetForNewStore();
    void updateCount();
    void syncSortIndicator();
    /// Hides "Last change" while the key column would elide the listed keys beside it.
    void fitKeyColumn();
    int keyTextWidth() const;
    StoreSession* m_session;
    QTableView* m_tables;
    QLineEdit* m_filter;
    QComboBox* m_sort;
    QTableView* m_keys;
    QLabel* m_count;
    QTimer* m_debounce;
    qint64 m_shownKey = 0;
    bool m_syncing = false;
    bool m_reloading = false;           ///< a filter sent from here is not listed yet (keysReady to come)
    bool m_selectFirstOnReload = false; ///< Enter in the filter while reloading: select when the list arrives
    int m_lastChangeWidth = 170;        ///< "Last change" as wide as when it was last shown
};
