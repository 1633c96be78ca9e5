#pragma once

// What the window remembers between sessions besides its layout (QSettings): the diff's "Changes only" and
// "DynamoDB JSON", the column widths of the keys list, events table, timeline, diff and audit, and the last
// filters of every store (keyed by the store's absolute path), applied again when that store is opened, and what the
// store showed (StoreViewState: open key, selected event and version, tab, scroll positions).

#include <QHash>
#include <QObject>
#include <QPointer>

#include "app/viewmodels/rowtypes.h"

class QCheckBox;
class QHeaderView;
class QTimer;
class MainWindow;

class Preferences : public QObject
{
    Q_OBJECT
public:
    /// Restores the view options and column widths into `window`'s panels now, and follows their changes.
    explicit Preferences(MainWindow* window);

    /// The settings group of a store's filters and view (StoreViewState): "storeFilters/<hash of the absolute path>".
    static QString storeGroup(const QString& storePath);
    /// The remembered filters of a store (defaults when none were saved).
    static KeyFilter savedKeyFilter(const QString& storePath);
    static EventFilter savedEventFilter(const QString& storePath);
    /// Writes the column widths now (they are also written shortly after every change).
    void saveColumns();

private:
    void watchToggle(QCheckBox* box, const QString& key);
    void watchHeader(QHeaderView* header, const QString& key);
    void restoreColumns();
    void saveFilters();
    void applySavedFilters();
    MainWindow* m_window;
    QTimer* m_columnsTimer;
    QHash<QHeaderView*, QString> m_headers; ///< header -> settings key
    bool m_restoring = false;               ///< a store was opened, its saved filters not applied yet
};
