#pragma once

// Drives the real window through its main views and saves PNGs (scripts/screenshots.sh, hidden
// `--screenshots DIR` option): item history with its diff, events with the raw record, an audit finding opened,
// the replay panel after a replay with failures. Waits for the background jobs instead of sleeping.

#include <QObject>
#include <QString>

class MainWindow;

class Screenshotter : public QObject
{
    Q_OBJECT
public:
    Screenshotter(MainWindow* window, QString directory, QObject* parent = nullptr);
    /// Handler command for the replay screenshot (none: no replay screenshot).
    void setHandler(const QString& command) { m_handler = command; }
    /// Appended to every file name ("-dark" for the dark palette run).
    void setSuffix(const QString& suffix) { m_suffix = suffix; }
    /// Starts once the store's overview, keys and audit are loaded (call after the store was opened / import started).
    void start();

private:
    void step();
    void save(const QString& name);
    void waitIdleThen(int stage);
    void finish();
    MainWindow* m_window;
    QString m_dir;
    QString m_handler;
    QString m_suffix;
    int m_stage = 0;
};
