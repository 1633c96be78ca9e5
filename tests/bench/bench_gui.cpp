// GUI responsiveness on a big store: bench_gui [--records N] [--keys K] [--workdir DIR] [--store FILE]
// Generates a capture with gen_capture.py and imports it once (kept in --workdir for later runs), or opens the store
// given with --store as it is (e.g. bench_scale's 10M store), then, offscreen:
// time from window creation to the first rows shown and to the audit panel's finding counts, worst GUI-thread stall
// while scrolling 10,000 rows of the events table, jump to the end, key filtering while typing, and resident memory.

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QLineEdit>
#include <QProcess>
#include <QScrollBar>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <cstdio>

#include "app/viewmodels/importjob.h"
#include "app/viewmodels/storesession.h"
#include "app/widgets/eventspanel.h"
#include "app/widgets/keyspanel.h"
#include "app/widgets/mainwindow.h"

static long statusKb(const char* field)
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : f.readAll().split('\n'))
        if (line.startsWith(field))
            return line.mid(qsizetype(qstrlen(field))).trimmed().split(' ').value(0).toLong();
    return -1;
}

/// Runs the event loop until `done` or timeout; returns elapsed ms.
template<typename F>
static double waitFor(F done, int timeoutMs = 600000)
{
    QElapsedTimer t;
    t.start();
    while (!done() && t.elapsed() < timeoutMs)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    return double(t.nsecsElapsed()) / 1e6;
}

int main(int argc, char** argv)
{
    qputenv("QT_QPA_PLATFORM", qgetenv("QT_QPA_PLATFORM").isEmpty() ? "offscreen" : qgetenv("QT_QPA_PLATFORM"));
    // Settings of its own: the window remembers filters per store (a key filter typed by the run before would list
    // a few thousand keys instead of every key).
    QTemporaryDir settings;
    qputenv("XDG_CONFIG_HOME", settings.path().toUtf8());
    QApplication app(argc, argv);
    QString records = QStringLiteral("1000000"), keys = QStringLiteral("100000"),
            work = QStringLiteral("/tmp/bench_gui"), given;
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); i += 2) {
        if (args[i] == QLatin1String("--records"))
            records = args[i + 1];
        else if (args[i] == QLatin1String("--keys"))
            keys = args[i + 1];
        else if (args[i] == QLatin1String("--workdir"))
            work = args[i + 1];
        else if (args[i] == QLatin1String("--store"))
            given = args[i + 1];
    }
    if (!given.isEmpty() && !QFileInfo::exists(given)) {
        std::fprintf(stderr, "no store at %s\n", qPrintable(given));
        return 1;
    }
    QDir().mkpath(work);
    const QString capture = work + QStringLiteral("/capture-%1.json").arg(records);
    const QString store = given.isEmpty() ? work + QStringLiteral("/store-%1.streamscope").arg(records) : given;
    if (!QFileInfo::exists(store)) {
        if (!QFileInfo::exists(capture)) {
            std::printf("generating %s records...\n", qPrintable(records));
            std::fflush(stdout);
            const int rc = QProcess::execute(
                QStringLiteral("python3"),
                {QStringLiteral(STREAMSCOPE_SHARED_DIR "/tools/gen_capture.py"), QStringLiteral("--seed"),
                 QStringLiteral("1"), QStringLiteral("--records"), records, QStringLiteral("--keys"), keys,
                 QStringLiteral("--tables"), QStringLiteral("3"), QStringLiteral("--layout"), QStringLiteral("single"),
                 QStringLiteral("--quiet"), QStringLiteral("--out"), capture});
            if (rc != 0)
                return 1;
        }
        std::printf("importing...\n");
        std::fflush(stdout);
        QElapsedTimer t;
        t.start();
        const ImportResultInfo s =
            storeImportFunction()(store, {capture}, [](const ImportProgressInfo&) { return true; });
        std::printf("import: %lld records in %.1f s\n", static_cast<long long>(s.inserted), double(t.elapsed()) / 1000);
        if (s.filesImported != 1)
            return 1;
    }

    // 1. First window with data.
    QElapsedTimer launch;
    launch.start();
    MainWindow window;
    window.resize(1400, 900);
    window.show();
    window.openStore(store);
    auto* session = window.session();
    bool auditShown = false;
    double auditMs = 0;
    double keptCountsMs = -1; // the counts of the findings kept in the store, shown with the overview
    QObject::connect(session, &StoreSession::overviewReady, &window, [&]() {
        if (keptCountsMs < 0 && !session->keptFindingCounts().empty())
            keptCountsMs = double(launch.nsecsElapsed()) / 1e6;
    });
    QObject::connect(session, &StoreSession::auditReady, &window, [&]() {
        if (!auditShown)
            auditMs = double(launch.nsecsElapsed()) / 1e6;
        auditShown = true;
    });
    const double firstRows = waitFor([&]() { return session->eventModel()->rowCount() > 0; });
    QApplication::processEvents();
    const double firstPaint = double(launch.nsecsElapsed()) / 1e6;
    waitFor([&]() { return session->keyModel()->rowCount() > 0; });
    const double keysShown = double(launch.nsecsElapsed()) / 1e6;
    std::printf("events rows: %d, keys: %d\n", session->eventModel()->rowCount(), session->keyModel()->rowCount());
    std::printf("first window with data (events table filled): %.0f ms (wait %.0f ms), keys list: %.0f ms\n",
                firstPaint, firstRows, keysShown);
    // The audit panel's counts per kind (the findings kept in the store, or an audit when the store has none).
    waitFor([&]() { return auditShown; });
    std::int64_t rows = 0, affected = 0;
    for (const auto& [kind, counts] : session->findingsModel()->countsByKind()) {
        rows += counts.first;
        affected += counts.second;
    }
    if (keptCountsMs >= 0) {
        std::int64_t kept = 0;
        for (const auto& [kind, n] : session->keptFindingCounts())
            kept += n;
        std::printf("audit panel with the kept finding counts: %.0f ms (%d kinds, %lld findings)\n", keptCountsMs,
                    int(session->keptFindingCounts().size()), static_cast<long long>(kept));
    } else {
        std::printf("audit panel with the kept finding counts: none kept (the counts come with the list)\n");
    }
    std::printf("audit panel with its list: %.0f ms (%d kinds, %lld rows standing for %lld records, %s)\n", auditMs,
                int(session->findingsModel()->countsByKind().size()), static_cast<long long>(rows),
                static_cast<long long>(affected),
                session->findingsModel()->fromStore() ? "kept in the store" : "computed on open");

    // 2. Scroll 10,000 rows of the events table, one row step per frame; worst stall per step.
    window.centerTabs()->setCurrentWidget(window.eventsPanel());
    QTableView* view = window.eventsPanel()->view();
    QApplication::processEvents();
    double worst = 0, total = 0;
    for (int row = 0; row < 10'000; row += 3) {
        QElapsedTimer step;
        step.start();
        view->scrollTo(view->model()->index(row, 0), QAbstractItemView::PositionAtTop);
        view->viewport()->repaint();
        QApplication::processEvents();
        const double ms = double(step.nsecsElapsed()) / 1e6;
        worst = std::max(worst, ms);
        total += ms;
    }
    std::printf("scroll 10,000 rows: worst GUI stall %.1f ms, mean %.2f ms per step\n", worst, total / 3334);

    // 3. Jump to the end.
    QElapsedTimer jump;
    jump.start();
    view->scrollToBottom();
    view->viewport()->repaint();
    QApplication::processEvents();
    std::printf("jump to end: %.1f ms\n", double(jump.nsecsElapsed()) / 1e6);

    // 4. Key filter as you type: worst stall of each keystroke, then time until the filtered list shows.
    QLineEdit* filter = window.keysPanel()->filterEdit();
    double worstKey = 0;
    for (QChar c : QStringLiteral("100")) {
        QElapsedTimer k;
        k.start();
        QTest::keyClick(filter, c.toLatin1());
        QApplication::processEvents();
        worstKey = std::max(worstKey, double(k.nsecsElapsed()) / 1e6);
    }
    QElapsedTimer filtered;
    filtered.start();
    int stalls = 0;
    double worstWhileFiltering = 0;
    waitFor([&]() {
        QElapsedTimer s;
        s.start();
        QApplication::processEvents();
        worstWhileFiltering = std::max(worstWhileFiltering, double(s.nsecsElapsed()) / 1e6);
        ++stalls;
        return !session->jobs()->isBusy() && session->keyFilter().text == "100";
    });
    std::printf("key filter: worst keystroke %.1f ms, filtered list after %.0f ms (worst GUI stall meanwhile %.1f ms), "
                "%d keys\n",
                worstKey, double(filtered.nsecsElapsed()) / 1e6, worstWhileFiltering, session->keyModel()->rowCount());
    // VmRSS includes the store file pages SQLite maps (history service sets mmap_size; shared, reclaimable);
    // RssAnon is the process's own heap.
    std::printf("resident memory: %ld MB (heap/anonymous %ld MB), cached event pages: %d\n", statusKb("VmRSS:") / 1024,
                statusKb("RssAnon:") / 1024, session->eventModel()->cachedPages());
    return 0;
}
