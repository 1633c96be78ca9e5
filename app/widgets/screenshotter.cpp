#include "app/widgets/screenshotter.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QHash>
#include <QImage>
#include <QLineEdit>
#include <QMenu>
#include <QPainter>
#include <QPixmap>
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
#include "app/viewmodels/sourcesjob.h"
#include "app/viewmodels/statejob.h"
#include "app/viewmodels/storesession.h"
#include "app/widgets/activitychart.h"
#include "app/widgets/contextmenus.h"
#include "app/widgets/diffpanel.h"
#include "app/widgets/eventspanel.h"
#include "app/widgets/findingspanel.h"
#include "app/widgets/keyspanel.h"
#include "app/widgets/mainwindow.h"
#include "app/widgets/mainwindowextras.h"
#include "app/widgets/recordtree.h"
#include "app/widgets/replaypanel.h"
#include "app/widgets/sourcesdialog.h"
#include "app/widgets/statedialog.h"
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
    // Poll: import finished, no query running (the dialogs' jobs included); then give the views a few event-loop
    // turns to paint.
    auto* timer = new QTimer(this);
    timer->setInterval(100);
    connect(timer, &QTimer::timeout, this, [this, timer, stage]() {
        if (m_window->importJob()->isRunning() || m_window->session()->isBusy() || m_window->replayPanel()->isRunning())
            return;
        if (const auto* sources = m_window->findChild<SourcesDialog*>(); sources && sources->job()->isRunning())
            return;
        if (const auto* state = m_window->findChild<StateDialog*>(); state && state->job()->isRunning())
            return;
        timer->deleteLater();
        m_stage = stage;
        QTimer::singleShot(300, this, &Screenshotter::step);
    });
    timer->start();
}

void Screenshotter::save(const QString& name, QWidget* overlay)
{
    if (!wanted(name))
        return;
    QPixmap shot = m_window->grab();
    if (overlay) {
        QPainter painter(&shot);
        const QPoint at = overlay->mapToGlobal(QPoint()) - m_window->mapToGlobal(QPoint());
        painter.drawPixmap(at, overlay->grab());
        painter.setPen(m_window->palette().color(QPalette::Dark));
        painter.drawRect(QRect(at, overlay->size()).adjusted(-1, -1, 0, 0));
    }
    // 256 colours keep the PNG small (README images stay well under 200 KB). The colour table is the image's
    // most frequent colours, so flat UI colours (tints, highlights) stay exact and only antialiased text edges
    // snap to their nearest neighbour (Qt's own palette choice shifted the row tints).
    const QImage full = shot.toImage().convertToFormat(QImage::Format_RGB32);
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

namespace {
/// Shows `dialog` centred over `window`, no larger than it (a dialog of 1000 px over a window of 1024).
void placeOver(QWidget* dialog, QWidget* window)
{
    dialog->resize(std::min(dialog->width(), window->width() - 40), std::min(dialog->height(), window->height() - 60));
    const QPoint center = window->mapToGlobal(window->rect().center());
    dialog->move(center - QPoint(dialog->width() / 2, dialog->height() / 2));
}

QAction* windowAction(QWidget* window, const char* objectName)
{
    return window->findChild<QAction*>(QLatin1String(objectName));
}
} // namespace

void Screenshotter::step()
{
    auto* session = m_window->session();
    switch (m_stage) {
    case 1: {
        if (!session->isOpen()) { // started without a store: what a newcomer sees first
            save(QStringLiteral("start"));
            finish();
            break;
        }
        if (!wanted(QStringLiteral("start"))) {
            m_stage = 2;
            step();
            break;
        }
        // The start page (its recent stores list this one): closed, shown, opened again.
        m_storePath = session->path();
        m_window->extras()->closeStore();
        QTimer::singleShot(300, this, [this]() {
            save(QStringLiteral("start"));
            m_window->openStore(m_storePath);
            waitIdleThen(2);
        });
        break;
    }
    case 2:
        // Busiest key: sort by record count, pick the first.
        m_window->keysPanel()->sortBox()->setCurrentIndex(int(KeySort::Count));
        waitIdleThen(3);
        break;
    case 3: {
        auto* view = m_window->keysPanel()->keyView();
        view->setCurrentIndex(view->model()->index(0, 0));
        waitIdleThen(4);
        break;
    }
    case 4: {
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
            m_stage = 5;
            step();
        });
        break;
    }
    case 5: {
        // Events limited to the first third of the store's time span (as a drag on the chart does: band on the
        // chart, From/To filled in).
        const auto& buckets = session->activity();
        if (!buckets.empty()) {
            const qint64 first = buckets.front().startMicros;
            const qint64 last = buckets.back().startMicros + session->activityBucketMicros();
            Q_EMIT m_window->activityPanel()->chart()->rangeSelected(first, first + (last - first) / 3);
        }
        waitIdleThen(6);
        break;
    }
    case 6: {
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
        waitIdleThen(7);
        break;
    }
    case 7: {
        save(QStringLiteral("events"));
        // The event's context menu, opened on its row.
        auto* view = m_window->eventsPanel()->view();
        const QModelIndex current = view->currentIndex().siblingAtColumn(EventTableModel::KeyColumn);
        QMenu* menu = m_window->extras()->contextMenus()->menuFor(view, current);
        if (menu) {
            const QRect cell = view->visualRect(current);
            menu->popup(view->viewport()->mapToGlobal(cell.center()));
        }
        QTimer::singleShot(300, this, [this, menu]() {
            if (menu) {
                save(QStringLiteral("context-menu"), menu);
                menu->close();
                menu->deleteLater();
            }
            // The record as a tree beside the text, given half the height.
            m_window->extras()->recordTabs()->setCurrentWidget(m_window->extras()->recordTree());
            m_window->extras()->recordTree()->expandAll();
            QSplitter* split = m_window->eventsPanel()->splitter();
            const QList<int> sizes = split->sizes();
            const int total = sizes.value(0) + sizes.value(1);
            split->setSizes({total * 2 / 5, total - total * 2 / 5});
            QTimer::singleShot(300, this, [this, split, sizes]() {
                save(QStringLiteral("record-tree"));
                split->setSizes(sizes);
                m_window->extras()->recordTabs()->setCurrentIndex(0);
                m_stage = 8;
                step();
            });
        });
        break;
    }
    default:
        stepDialogsAuditReplay();
        break;
    }
}

/// Stages 8 to 14: the Sources and State at a Time dialogs, an audit finding, a replay.
void Screenshotter::stepDialogsAuditReplay()
{
    switch (m_stage) {
    case 8:
        // View ▸ Sources…: the imported files and the tables' streams.
        if (QAction* sources = windowAction(m_window, "sourcesAction"); sources && wanted(QStringLiteral("sources"))) {
            sources->trigger();
            if (auto* dialog = m_window->findChild<SourcesDialog*>())
                placeOver(dialog, m_window);
        }
        waitIdleThen(9);
        break;
    case 9: {
        if (auto* dialog = m_window->findChild<SourcesDialog*>()) {
            save(QStringLiteral("sources"), dialog);
            dialog->close();
        }
        // View ▸ State at a Time…: a table's items at its last record, the first one selected.
        if (QAction* state = windowAction(m_window, "stateAtTimeAction"); state && wanted(QStringLiteral("state"))) {
            state->trigger();
            if (auto* dialog = m_window->findChild<StateDialog*>()) {
                placeOver(dialog, m_window);
                dialog->showState();
            }
        }
        waitIdleThen(10);
        break;
    }
    case 10: {
        auto* dialog = m_window->findChild<StateDialog*>();
        if (dialog && dialog->isVisible()) {
            dialog->view()->selectRow(0);
            dialog->view()->setFocus();
        }
        QTimer::singleShot(300, this, [this, dialog]() {
            if (dialog && dialog->isVisible()) {
                save(QStringLiteral("state"), dialog);
                dialog->close();
            }
            m_stage = 11;
            step();
        });
        break;
    }
    case 11: {
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
        waitIdleThen(12);
        break;
    }
    case 12:
        save(QStringLiteral("audit"));
        if (m_handler.isEmpty() || !wanted(QStringLiteral("replay"))) {
            finish();
            break;
        }
        m_stage = 13;
        step();
        break;
    case 13: {
        // Replay of the whole store through a handler that fails some records.
        m_window->centerTabs()->setCurrentWidget(m_window->replayPanel());
        m_window->replayPanel()->setRunner(ReplayPanel::Runner::Command);
        m_window->replayPanel()->handlerEdit()->setText(m_handler);
        if (!m_window->replayPanel()->startReplay()) {
            finish();
            break;
        }
        waitIdleThen(14);
        break;
    }
    case 14: {
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
