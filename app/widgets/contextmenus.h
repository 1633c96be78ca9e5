#pragma once

// Context menus of the keys list, the events table and the audit findings: by right click, the Menu key or
// Shift+F10. Each menu acts on the item it was opened on (it becomes the current one).

#include <QMenu>
#include <QObject>
#include <QPointer>
#include <string>

class QAbstractItemView;
class QMenu;
class QModelIndex;
class QPoint;
class MainWindow;

class ContextMenus : public QObject
{
    Q_OBJECT
public:
    explicit ContextMenus(MainWindow* window);

    /// A new menu (the caller owns it) for the item at `index` of one of the three views; nullptr for another view
    /// or an invalid index (group rows of the audit tree included).
    QMenu* menuFor(QAbstractItemView* view, const QModelIndex& index);
    /// The menu shown last (nullptr once it closed).
    QMenu* shownMenu() const { return m_shown; }

    /// What the menus do (public for the window's other parts and for tests).
    /// The Events tab on this key: exactly it (a display filter, keyexpression::exactKey) when `keysJson` (its
    /// Keys as DynamoDB JSON) is given and can be said so, else the key text filter (a substring).
    void filterEventsOnKey(const QString& table, const QString& keyText, const std::string& keysJson = {});
    void exportKey(qint64 keyId);
    /// Selects the record's first audit finding in the audit dock; false when it has none.
    bool showInAudit(qint64 recordId);
    /// The audit row of the record's first finding (invalid when none).
    QModelIndex findingOf(qint64 recordId) const;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void attach(QAbstractItemView* view);
    void popup(QAbstractItemView* view, const QModelIndex& index, const QPoint& globalPos);
    void fillKeyMenu(QMenu* menu, const QModelIndex& index);
    void fillEventMenu(QMenu* menu, const QModelIndex& index);
    void fillFindingMenu(QMenu* menu, const QModelIndex& index);
    void copyImage(qint64 recordId, bool plain);
    void copy(const QString& text, const QString& what);
    void openVersion(qint64 keyId, qint64 recordId);
    /// The Keys (DynamoDB JSON) of a stored record, "" when it cannot be read.
    std::string keysOfRecord(qint64 recordId) const;

    MainWindow* m_window;
    QPointer<QMenu> m_shown;
};
