#pragma once

// Drives the real window through its main views and saves PNGs (scripts/screenshots.sh, hidden
// `--screenshots DIR` option). Waits for the background jobs instead of sleeping.

#include <QObject>
#include <QString>

class MainWindow;

class Screenshotter : public QObject
{
    Q_OBJECT
public:
    Screenshotter(MainWindow* window, QString directory, QObject* parent = nullptr);
    /// Starts once the store's overview, keys and audit are loaded (call after the store was opened / import started).
    void start();

private:
    void step();
    void save(const QString& name);
    void waitIdleThen(int stage);
    MainWindow* m_window;
    QString m_dir;
    int m_stage = 0;
};
