#pragma once

// Drives the real window through its views and saves PNGs (scripts/screenshots.sh, hidden `--screenshots DIR`
// option): the start page, item history with its diff, events with the raw record, an event's context menu, the
// record tree, the Sources and State at a Time dialogs, an audit finding opened, the replay panel after a replay
// with failures. Waits for the background jobs instead of sleeping. Menus and dialogs are drawn over the window
// where they open (they are windows of their own), so each PNG looks like the screen.

#include <QObject>
#include <QString>
#include <QStringList>

class MainWindow;
class QWidget;

class Screenshotter : public QObject
{
    Q_OBJECT
public:
    Screenshotter(MainWindow* window, QString directory, QObject* parent = nullptr);
    /// Handler command for the replay screenshot (none: no replay screenshot).
    void setHandler(const QString& command) { m_handler = command; }
    /// Appended to every file name ("-1024x700", "-dark").
    void setSuffix(const QString& suffix) { m_suffix = suffix; }
    /// Only these views are saved (names as in the files: start, item-history, events, context-menu, record-tree,
    /// sources, state, audit, replay); empty: all of them.
    void setViews(const QStringList& views) { m_views = views; }
    /// Starts once the store's overview, keys and audit are loaded (call after the store was opened / import started).
    void start();

private:
    /// Stages 1 to 7: start page, item history, events, context menu, record tree.
    void step();
    void stepDialogsAuditReplay();
    /// Saves the window as `name`, with `overlay` (a menu or dialog, a window of its own) drawn where it shows.
    void save(const QString& name, QWidget* overlay = nullptr);
    bool wanted(const QString& name) const { return m_views.isEmpty() || m_views.contains(name); }
    void waitIdleThen(int stage);
    void finish();
    MainWindow* m_window;
    QString m_dir;
    QString m_handler;
    QString m_suffix;
    QStringList m_views;
    QString m_storePath;
    int m_stage = 0;
};
