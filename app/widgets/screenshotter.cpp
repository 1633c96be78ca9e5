#include "app/widgets/screenshotter.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QHash>
#include <QImage>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QTreeView>
#include <QTreeWidget>
#include <algorithm>

#include "app/viewmodels/auditmodel.h"
#include "app/viewmodels/importjob.h"
#include "app/viewmodels/modelroles.h"
#include "app/viewmodels/storesession.h"
#include "app/widgets/activitychart.h"
#include "app/widgets/diffpanel.h"
#include "app/widgets/eventspanel.h"
#include "app/widgets/findingspanel.h"
#include "app/widgets/keyspanel.h"
#include "app/widgets/mainwindow.h"
#include "app/widgets/replaypanel.h"
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
    // Poll: import finished, no query running; then give the views a few event-loop turns to paint.
    auto* timer = new QTimer(this);
    timer->setInterval(100);
    connect(timer, &QTimer::timeout, this, [this, timer, stage]() {
        if (m_window->importJob()->isRunning() || m_window->session()->isBusy() || m_window->replayPanel()->isRunning())
            return;
        timer->deleteLater();
        m_stage = stage;
        QTimer::singleShot(300, this, &Screenshotter::step);
    });
    timer->start();
}

void Screenshotter::save(const QString& name)
{
    // 256 colours keep the PNG small (README images stay well under 200 KB). The colour table is the image's
    // most frequent colours, so flat UI colours (tints, highlights) stay exact and only antialiased text edges
    // snap to their nearest neighbour (Qt's own palette choice shifted the row tints).
    const QImage full = m_window->grab().toImage().convertToFormat(QImage::Format_RGB32);
    QHash<QRgb, int> counts;
    for (int y = 0; y < full.height(); ++y) {
        const auto* line = reinterpret_cast<const QRgb*>(full.constScanLine(y));
        for (int x = 0; x < full.width(); ++x)
            ++counts[line[x]];
    }
    std::vector<std::pair<int, QRgb>> byCount;
    byCount.reserve(static_cast<std::size_t>(counts.size()));
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        byCount.emplace_back(it.value(), it.key());
    std::sort(byCount.begin(), byCount.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    // First the frequent colours that differ clearly from those already taken (so a small orange marker keeps
    // its slot instead of losing it to forty shades of antialiased grey), then fill up by frequency.
    QList<QRgb> table;
    const auto distinct = [&table](QRgb c) {
        for (QRgb t : table) {
            const int dr = qRed(c) - qRed(t);
            const int dg = qGreen(c) - qGreen(t);
            const int db = qBlue(c) - qBlue(t);
            if (dr * dr + dg * dg + db * db < 24 * 24)
                return false;
        }
        return true;
    };
    for (const auto& [count, color] : byCount) {
        if (table.size() >= 256 || count < 4)
            break;
        if (distinct(color))
            table << color;
    }
    for (std::size_t i = 0; i < byCount.size() && table.size() < 256; ++i)
        if (!table.contains(byCount[i].second))
            table << byCount[i].second;
    const QImage image = full.convertToFormat(QImage::Format_Indexed8, table, Qt::ThresholdDither | Qt::AvoidDither);
    image.save(QDir(m_dir).filePath(name + m_suffix + QStringLiteral(".png")), "PNG", 9);
}

void Screenshotter::finish()
{
    QApplication::quit();
}

void Screenshotter::step()
{
    auto* session = m_window->session();
    switch (m_stage) {
    case 1: {
        if (!session->isOpen()) { // started without a store: what a newcomer sees first
            save(QStringLiteral("welcome"));
            finish();
            break;
        }
        // Busiest key: sort by record count, pick the first.
        m_window->keysPanel()->sortBox()->setCurrentIndex(int(KeySort::Count));
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
        m_window->timelinePanel()->view()->setFocus();
        QTimer::singleShot(300, this, [this]() {
            save(QStringLiteral("item-history"));
            m_stage = 4;
            step();
        });
        break;
    }
    case 4: {
        // Events limited to the first third of the store's time span (as a drag on the chart does: band on the
        // chart, From/To filled in).
        const auto& buckets = session->activity();
        if (!buckets.empty()) {
            const qint64 first = buckets.front().startMicros;
            const qint64 last = buckets.back().startMicros + session->activityBucketMicros();
            Q_EMIT m_window->activityPanel()->chart()->rangeSelected(first, first + (last - first) / 3);
        }
        waitIdleThen(10);
        break;
    }
    case 10: {
        // Events: a MODIFY row selected, its raw record below.
        m_window->centerTabs()->setCurrentWidget(m_window->eventsPanel());
        auto* view = m_window->eventsPanel()->view();
        int row = 0;
        for (int r = 0; r < view->model()->rowCount() && r < 200; ++r) {
            if (view->model()->index(r, 0).data(ModelRoles::EventKindRole).toInt() == int(model::EventName::Modify)) {
                row = r;
                if (r >= 5)
                    break;
            }
        }
        view->setCurrentIndex(view->model()->index(row, 0));
        view->setFocus();
        waitIdleThen(5);
        break;
    }
    case 5:
        save(QStringLiteral("events"));
        m_stage = 6;
        step();
        break;
    case 6: {
        // Audit: the worst finding opened at its version (the timeline shows the audit marker); the audit dock
        // widened so the findings' messages read in full.
        m_window->resizeDocks({m_window->auditDock()}, {m_window->width() * 3 / 5}, Qt::Horizontal);
        auto* audit = m_window->auditPanel()->view();
        // Sorted by severity, worst first: the first row is the worst finding.
        const QModelIndex target = audit->model()->index(0, 0);
        m_window->centerTabs()->setCurrentWidget(m_window->timelinePanel());
        if (target.isValid()) {
            audit->setCurrentIndex(target);
            audit->scrollTo(target);
            Q_EMIT audit->activated(target);
        }
        waitIdleThen(7);
        break;
    }
    case 7:
        save(QStringLiteral("audit"));
        if (m_handler.isEmpty()) {
            finish();
            break;
        }
        m_stage = 8;
        step();
        break;
    case 8: {
        // Replay of the whole store through a handler that fails some records.
        m_window->centerTabs()->setCurrentWidget(m_window->replayPanel());
        m_window->replayPanel()->setRunner(ReplayPanel::Runner::Command);
        m_window->replayPanel()->handlerEdit()->setText(m_handler);
        if (!m_window->replayPanel()->startReplay()) {
            finish();
            break;
        }
        waitIdleThen(9);
        break;
    }
    case 9: {
        auto* runs = m_window->replayPanel()->runsView();
        runs->expandAll();
        // Show the first failed record of the last run selected.
        if (runs->topLevelItemCount() > 0) {
            QTreeWidgetItem* run = runs->topLevelItem(runs->topLevelItemCount() - 1);
            for (int b = 0; b < run->childCount(); ++b) {
                QTreeWidgetItem* batch = run->child(b);
                for (int i = 0; i < batch->childCount(); ++i)
                    if (batch->child(i)->data(0, Qt::UserRole + 1).isValid()) {
                        runs->setCurrentItem(batch->child(i));
                        b = run->childCount();
                        break;
                    }
            }
        }
        QTimer::singleShot(300, this, [this]() {
            save(QStringLiteral("replay"));
            finish();
        });
        break;
    }
    default:
        break;
    }
}
