#include "app/widgets/screenshotter.h"

#include <QApplication>
#include <QDir>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QTreeView>

#include "app/viewmodels/importjob.h"
#include "app/viewmodels/modelroles.h"
#include "app/viewmodels/storesession.h"
#include "app/widgets/diffpanel.h"
#include "app/widgets/eventspanel.h"
#include "app/widgets/keyspanel.h"
#include "app/widgets/mainwindow.h"
#include "app/widgets/timelinepanel.h"

Screenshotter::Screenshotter(MainWindow* window, QString directory, QObject* parent)
    : QObject(parent)
    , m_window(window)
    , m_dir(std::move(directory))
{
    QDir().mkpath(m_dir);
}

void Screenshotter::start()
{
    waitIdleThen(1);
}

void Screenshotter::waitIdleThen(int stage)
{
    // Poll: import finished, no query running; then give the views two event-loop turns to paint.
    auto* timer = new QTimer(this);
    timer->setInterval(100);
    connect(timer, &QTimer::timeout, this, [this, timer, stage]() {
        if (m_window->importJob()->isRunning() || m_window->session()->isBusy())
            return;
        timer->deleteLater();
        m_stage = stage;
        QTimer::singleShot(300, this, &Screenshotter::step);
    });
    timer->start();
}

void Screenshotter::save(const QString& name)
{
    m_window->grab().save(QDir(m_dir).filePath(name), "PNG", 9);
}

void Screenshotter::step()
{
    auto* session = m_window->session();
    switch (m_stage) {
    case 1: {
        // Busiest key: sort by record count, pick the first.
        KeyFilter f = session->keyFilter();
        f.sort = KeySort::Count;
        f.descending = true;
        session->setKeyFilter(f);
        waitIdleThen(2);
        break;
    }
    case 2: {
        auto* view = m_window->keysPanel()->keyView();
        view->setCurrentIndex(view->model()->index(0, 0));
        waitIdleThen(3);
        break;
    }
    case 3: {
        // A MODIFY with several changes makes the clearest diff.
        auto* timeline = session->timelineModel();
        int best = timeline->rowCount() - 1;
        int bestChanged = -1;
        for (int r = 0; r < timeline->rowCount(); ++r) {
            const auto* v = timeline->versionAt(r);
            if (v->eventName == model::EventName::Modify && v->changedAttributes > bestChanged) {
                best = r;
                bestChanged = v->changedAttributes;
            }
        }
        m_window->timelinePanel()->view()->selectRow(best);
        QTimer::singleShot(300, this, [this]() {
            save(QStringLiteral("item-history.png"));
            m_window->diffPanel()->findChild<QObject*>(); // keep the panel alive
            m_stage = 4;
            step();
        });
        break;
    }
    case 4: {
        m_window->centerTabs()->setCurrentWidget(m_window->eventsPanel());
        auto* view = m_window->eventsPanel()->view();
        view->setCurrentIndex(view->model()->index(5, 0));
        waitIdleThen(5);
        break;
    }
    case 5:
        save(QStringLiteral("events.png"));
        QApplication::quit();
        break;
    default:
        break;
    }
}
