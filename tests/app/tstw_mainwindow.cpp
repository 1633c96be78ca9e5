// Smoke test of the real main window offscreen: import a generated capture, select a key, see its diff, filter
// the events table.

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QDockWidget>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSplitter>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

#include "app/viewmodels/attributediffmodel.h"
#include "app/viewmodels/importjob.h"
#include "app/viewmodels/modelroles.h"
#include "app/viewmodels/storesession.h"
#include "app/widgets/activitychart.h"
#include "app/widgets/diffpanel.h"
#include "app/widgets/eventspanel.h"
#include "app/widgets/importdialog.h"
#include "app/widgets/keyspanel.h"
#include "app/widgets/mainwindow.h"
#include "app/widgets/timelinepanel.h"
#include "testsupport.h"

namespace {
QString sampleCapture()
{
    return testsupport::sourceDir() + QStringLiteral("/resources/samples/orders-capture.json");
}

/// Opens a fresh store in `dir`, imports the bundled sample and waits until every list is loaded.
bool openSample(MainWindow& window, const QTemporaryDir& dir)
{
    window.setShowImportSummary(false);
    if (!window.openStore(dir.filePath(QStringLiteral("sample.streamscope")), true))
        return false;
    QSignalSpy imported(&window, &MainWindow::importFinished);
    window.importPaths({sampleCapture()});
    if (!imported.wait(60'000))
        return false;
    auto* session = window.session();
    return QTest::qWaitFor([session]() { return !session->isBusy() && session->keyModel()->rowCount() == 10; }, 20'000);
}

void drop(QWidget* target, const QList<QUrl>& urls, bool* accepted = nullptr)
{
    QMimeData mime;
    mime.setUrls(urls);
    const QPoint at = target->rect().center();
    QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(target, &enter);
    if (accepted)
        *accepted = enter.isAccepted();
    if (!enter.isAccepted())
        return;
    QDropEvent dropEvent(QPointF(at), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(target, &dropEvent);
}
} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear(); // no remembered layout or store from an earlier run
    }

    void importSelectKeySeeDiff()
    {
        REQUIRE_SHARED_DIR();
        QTemporaryDir dir;
        const QString capture = dir.filePath(QStringLiteral("cap.json"));
        const QString failure = testsupport::runGenerator(
            {QStringLiteral("--seed"), QStringLiteral("5"), QStringLiteral("--records"), QStringLiteral("600"),
             QStringLiteral("--keys"), QStringLiteral("40"), QStringLiteral("--layout"), QStringLiteral("single"),
             QStringLiteral("--quiet"), QStringLiteral("--out"), capture});
        QVERIFY2(failure.isEmpty(), qPrintable(failure));

        MainWindow window;
        window.setShowImportSummary(false);
        window.show();
        QVERIFY(window.openStore(dir.filePath(QStringLiteral("t.streamscope")), true));
        QSignalSpy imported(&window, &MainWindow::importFinished);
        window.importPaths({capture});
        QVERIFY(imported.wait(60'000));
        auto* session = window.session();
        QTRY_VERIFY_WITH_TIMEOUT(!session->isBusy(), 20'000);
        QTRY_COMPARE_WITH_TIMEOUT(session->keyModel()->rowCount(), 40, 10'000);
        QVERIFY(session->eventModel()->rowCount() > 500);
        QCOMPARE(session->totals().keys, 40);

        // Select the first key: its timeline loads and the diff shows the last version.
        QSignalSpy history(session, &StoreSession::historyReady);
        auto* keys = window.keysPanel()->keyView();
        keys->setCurrentIndex(keys->model()->index(0, 0));
        QVERIFY(history.wait(10'000));
        QTRY_VERIFY(session->timelineModel()->rowCount() > 0);
        QTRY_VERIFY(window.timelinePanel()->view()->selectionModel()->hasSelection());
        auto* diff = window.diffPanel()->model();
        QVERIFY(diff->rowCount() > 0);

        // Up steps to the previous version.
        const int row = window.timelinePanel()->view()->currentIndex().row();
        if (row > 0) {
            window.timelinePanel()->view()->setFocus();
            QTest::keyClick(window.timelinePanel()->view(), Qt::Key_Up);
            QCOMPARE(window.timelinePanel()->view()->currentIndex().row(), row - 1);
        }
        QVERIFY(!window.diffPanel()->copySelection().isEmpty());

        // Filter keys as you type.
        QSignalSpy keysReady(session, &StoreSession::keysReady);
        QTest::keyClicks(window.keysPanel()->filterEdit(), QStringLiteral("zzz-no-such-key"));
        QVERIFY(keysReady.wait(10'000));
        QCOMPARE(session->keyModel()->rowCount(), 0);

        // Events filtered to REMOVE only, in a background job.
        EventFilter f;
        f.eventMask = 1u << int(model::EventName::Remove);
        QSignalSpy eventsReady(session, &StoreSession::eventsReady);
        session->setEventFilter(f);
        QVERIFY(eventsReady.wait(10'000));
        for (int r = 0; r < session->eventModel()->rowCount(); ++r)
            QVERIFY(session->eventModel()
                        ->index(r, EventTableModel::EventColumn)
                        .data()
                        .toString()
                        .startsWith(QStringLiteral("REMOVE")));

        // Selecting an event opens its key at that version.
        window.centerTabs()->setCurrentWidget(window.eventsPanel());
        if (session->eventModel()->rowCount() > 0) {
            const qint64 recordId = session->eventModel()->rowAt(0)->recordId;
            QSignalSpy h2(session, &StoreSession::historyReady);
            window.eventsPanel()->view()->setCurrentIndex(session->eventModel()->index(0, 0));
            if (session->currentKeyId() != session->eventModel()->rowAt(0)->keyId || h2.count() == 0)
                h2.wait(10'000);
            QTRY_COMPARE(
                session->timelineModel()->versionAt(window.timelinePanel()->view()->currentIndex().row())->recordId,
                recordId);
        }
    }

    void dropFilesAndFolders()
    {
        QTemporaryDir dir;
        MainWindow window;
        window.setShowImportSummary(false);
        window.show();
        QVERIFY(window.openStore(dir.filePath(QStringLiteral("d.streamscope")), true));
        // Something that is not a file (no local URL) is refused at drag enter.
        bool accepted = true;
        QMimeData text;
        text.setText(QStringLiteral("hello"));
        QDragEnterEvent enterText(QPoint(5, 5), Qt::CopyAction, &text, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(&window, &enterText);
        QVERIFY(!enterText.isAccepted());

        // A dropped file is imported into the open store.
        QSignalSpy imported(&window, &MainWindow::importFinished);
        drop(&window, {QUrl::fromLocalFile(sampleCapture())}, &accepted);
        QVERIFY(accepted);
        QVERIFY(imported.wait(60'000));
        auto summary = imported.takeFirst().at(0).value<ImportResultInfo>();
        QCOMPARE(summary.filesImported, 1);
        QTRY_COMPARE_WITH_TIMEOUT(window.session()->totals().records, 30, 10'000);

        // A dropped folder is searched for captures (the same file again: already imported, nothing added).
        const QString folder = dir.filePath(QStringLiteral("captures"));
        QVERIFY(QDir().mkpath(folder + QStringLiteral("/nested")));
        QVERIFY(QFile::copy(sampleCapture(), folder + QStringLiteral("/nested/copy.json")));
        QFile other(folder + QStringLiteral("/notes.txt"));
        QVERIFY(other.open(QIODevice::WriteOnly));
        other.write("not a capture");
        other.close();
        drop(&window, {QUrl::fromLocalFile(folder)});
        QVERIFY(imported.wait(60'000));
        summary = imported.takeFirst().at(0).value<ImportResultInfo>();
        QCOMPARE(summary.filesImported + summary.filesAlreadyImported, 1); // notes.txt is not picked up
        QCOMPARE(summary.inserted, qint64(0));                             // same records: duplicates
        QTRY_VERIFY_WITH_TIMEOUT(!window.session()->isBusy(), 20'000);
        QCOMPARE(window.session()->totals().records, 30);

        // A dropped store is opened, not imported.
        const QString otherStore = dir.filePath(QStringLiteral("other.streamscope"));
        {
            StoreSession s;
            QCOMPARE(s.open(otherStore, true), QString());
        }
        drop(&window, {QUrl::fromLocalFile(otherStore)});
        QCOMPARE(window.session()->path(), QFileInfo(otherStore).absoluteFilePath());
        QVERIFY(!window.importJob()->isRunning());
    }

    void cancelRunningImport()
    {
        REQUIRE_SHARED_DIR();
        QTemporaryDir dir;
        const QString capture = dir.filePath(QStringLiteral("big.json"));
        // ~35 MB: about a second of importing, long enough to cancel after the first progress report.
        const QString failure = testsupport::runGenerator(
            {QStringLiteral("--seed"), QStringLiteral("11"), QStringLiteral("--records"), QStringLiteral("15000"),
             QStringLiteral("--keys"), QStringLiteral("300"), QStringLiteral("--layout"), QStringLiteral("single"),
             QStringLiteral("--quiet"), QStringLiteral("--out"), capture});
        QVERIFY2(failure.isEmpty(), qPrintable(failure));

        MainWindow window;
        window.show();
        QVERIFY(openSample(window, dir));
        const auto before = window.session()->totals();
        QCOMPARE(before.records, 30);

        QSignalSpy imported(&window, &MainWindow::importFinished);
        window.importJob()->setProgressIntervalMs(0); // first report right away: cancel early even on a fast machine
        bool clicked = false;
        // Cancel from the status bar's Cancel button as soon as the first progress arrives.
        connect(window.importJob(), &ImportJob::progressChanged, &window, [&]() {
            if (clicked)
                return;
            clicked = true;
            QVERIFY(window.importProgress()->isVisible());
            QVERIFY(window.importProgress()->cancelButton()->isEnabled());
            QTest::mouseClick(window.importProgress()->cancelButton(), Qt::LeftButton);
            QVERIFY(!window.importProgress()->cancelButton()->isEnabled());
            QVERIFY(window.importProgress()->label()->text().contains(QStringLiteral("Cancelling")));
        });
        window.importPaths({capture});
        QVERIFY(window.importJob()->isRunning());
        QVERIFY(imported.wait(120'000));
        QVERIFY(clicked);
        const auto summary = imported.takeFirst().at(0).value<ImportResultInfo>();
        QVERIFY(summary.cancelled);
        QCOMPARE(summary.filesImported, 0);
        QVERIFY(!window.importProgress()->isVisible());
        QVERIFY2(window.statusBar()->currentMessage().contains(QStringLiteral("cancelled")),
                 qPrintable(window.statusBar()->currentMessage()));
        // The file being imported was rolled back: the store holds what it held before.
        QTRY_VERIFY_WITH_TIMEOUT(!window.session()->isBusy(), 20'000);
        QCOMPARE(window.session()->totals().records, before.records);
        QCOMPARE(window.session()->totals().keys, before.keys);
        QCOMPARE(window.session()->totals().sources, before.sources);
        QCOMPARE(window.session()->keyModel()->rowCount(), 10);
    }

    void eventsTimeRangeEditsFollowChart()
    {
        QTemporaryDir dir;
        MainWindow window;
        window.show();
        QVERIFY(openSample(window, dir));
        auto* session = window.session();
        auto* events = window.eventsPanel();
        QCOMPARE(session->eventModel()->rowCount(), 30);
        QVERIFY(!events->fromBox()->isChecked());
        QVERIFY(!events->toEdit()->isEnabled());

        // A drag on the chart (its signal) sets both edits and filters the table.
        const qint64 from = QDateTime(QDate(2026, 11, 1), QTime(9, 0), Qt::UTC).toMSecsSinceEpoch() * 1000;
        const qint64 to = QDateTime(QDate(2026, 11, 1), QTime(9, 30), Qt::UTC).toMSecsSinceEpoch() * 1000;
        QSignalSpy eventsReady(session, &StoreSession::eventsReady);
        Q_EMIT window.activityPanel()->chart()->rangeSelected(from, to);
        QCOMPARE(window.centerTabs()->currentWidget(), events);
        QVERIFY(events->fromBox()->isChecked() && events->toBox()->isChecked());
        QCOMPARE(events->fromEdit()->dateTime().toMSecsSinceEpoch() * 1000, from);
        QCOMPARE(events->toEdit()->dateTime().toMSecsSinceEpoch() * 1000, to);
        QCOMPARE(events->fromEdit()->dateTime().timeSpec(), Qt::UTC);
        QVERIFY(eventsReady.wait(10'000));
        const int inRange = session->eventModel()->rowCount();
        QVERIFY(inRange > 0 && inRange < 30);
        for (int r = 0; r < inRange; ++r) {
            const auto t = session->eventModel()->rowAt(r)->timeMicros;
            QVERIFY(t && *t >= from && *t < to);
        }

        // Editing To narrows the range (after the debounce), clearing From opens that end.
        events->toEdit()->setDateTime(QDateTime(QDate(2026, 11, 1), QTime(9, 5), Qt::UTC));
        QCOMPARE(*events->toMicros(), QDateTime(QDate(2026, 11, 1), QTime(9, 5), Qt::UTC).toMSecsSinceEpoch() * 1000);
        QVERIFY(eventsReady.wait(10'000));
        const int narrower = session->eventModel()->rowCount();
        QVERIFY(narrower > 0 && narrower < inRange);
        QCOMPARE(session->eventFilter().toMicros, events->toMicros());
        events->fromBox()->setChecked(false);
        QVERIFY(!events->fromMicros());
        QVERIFY(eventsReady.wait(10'000));
        QVERIFY(!session->eventFilter().fromMicros);
        QCOMPARE(session->eventModel()->rowCount(), narrower); // nothing before 09:00 in the sample

        // The clear button drops the range entirely.
        events->setTimeRange(std::nullopt, std::nullopt);
        QVERIFY(!events->toBox()->isChecked());
        QTRY_COMPARE_WITH_TIMEOUT(session->eventModel()->rowCount(), 30, 10'000); // unfiltered: no job
    }

    void eventsTextSearchesRawRecords()
    {
        QTemporaryDir dir;
        MainWindow window;
        window.show();
        QVERIFY(openSample(window, dir));
        auto* session = window.session();
        auto* events = window.eventsPanel();
        QSignalSpy eventsReady(session, &StoreSession::eventsReady);
        // "Hauptstraße" is only in the images (shipping address), not in keys, event IDs or sequence numbers.
        events->textEdit()->setText(QStringLiteral("Hauptstraße"));
        QVERIFY(eventsReady.wait(10'000));
        QCOMPARE(session->eventModel()->rowCount(), 0);
        QVERIFY(!session->eventFilter().textInRaw);
        events->rawSearchBox()->setChecked(true);
        QVERIFY(session->eventFilter().textInRaw);
        QVERIFY(events->countLabel()->text().contains(QStringLiteral("raw")));
        QVERIFY(eventsReady.wait(10'000));
        const int hits = session->eventModel()->rowCount();
        QVERIFY(hits > 0);
        for (int r = 0; r < hits; ++r) {
            const auto record = session->record(session->eventModel()->rowAt(r)->recordId);
            QVERIFY(record);
            QVERIFY(QString::fromStdString(record->raw).contains(QStringLiteral("Hauptstra")));
        }
        // Stale results are dropped: a newer filter started before the raw scan ends wins.
        events->textEdit()->setText(QStringLiteral("ORD-1001"));
        events->rawSearchBox()->setChecked(false);
        QTRY_VERIFY_WITH_TIMEOUT(!session->isBusy(), 10'000);
        QTest::qWait(400); // debounce
        QTRY_VERIFY_WITH_TIMEOUT(!session->isBusy(), 10'000);
        QCOMPARE(session->eventModel()->rowCount(), 6);
        QCOMPARE(events->countLabel()->text(), QStringLiteral("6 events"));
        // Selecting a row shows its raw record in the (resizable) raw pane.
        window.centerTabs()->setCurrentWidget(events);
        events->view()->setCurrentIndex(session->eventModel()->index(0, 0));
        QVERIFY(events->rawView()->toPlainText().contains(QStringLiteral("ORD-1001")));
        // ... with the filter text marked (at least in Keys and NewImage).
        QVERIFY(events->highlightMatches() >= 2);
        QCOMPARE(events->rawView()->extraSelections().size(), events->highlightMatches());
        QCOMPARE(events->splitter()->count(), 2);
        QVERIFY(events->splitter()->sizes().at(1) >= 60);
    }

    void keysListFollowsSelection()
    {
        QTemporaryDir dir;
        MainWindow window;
        window.show();
        QVERIFY(openSample(window, dir));
        auto* session = window.session();
        auto* keys = window.keysPanel();
        auto* header = keys->keyView()->horizontalHeader();
        // Sort picker and header indicator agree.
        QCOMPARE(header->sortIndicatorSection(), 0);
        QCOMPARE(header->sortIndicatorOrder(), Qt::AscendingOrder);
        QSignalSpy keysReady(session, &StoreSession::keysReady);
        keys->sortBox()->setCurrentIndex(int(KeySort::Count));
        QVERIFY(keysReady.wait(10'000));
        QCOMPARE(header->sortIndicatorSection(), int(KeyListModel::CountColumn));
        QCOMPARE(header->sortIndicatorOrder(), Qt::DescendingOrder);
        QCOMPARE(session->keyModel()->rowAt(0)->recordCount, 6);
        // A header click sorts and moves the picker.
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {},
                          QPoint(header->sectionViewportPosition(2) + 5, header->height() / 2));
        QVERIFY(keysReady.wait(10'000));
        QCOMPARE(session->keyFilter().sort, KeySort::LastChange);
        QCOMPARE(keys->sortBox()->currentIndex(), int(KeySort::LastChange));
        QCOMPARE(header->sortIndicatorSection(), int(KeyListModel::LastChangeColumn));

        // Pick a key in the list, then an event of another key: the list follows.
        QSignalSpy history(session, &StoreSession::historyReady);
        keys->keyView()->setCurrentIndex(session->keyModel()->index(0, 0));
        QVERIFY(history.wait(10'000));
        const qint64 first = session->keyModel()->rowAt(0)->keyId;
        QCOMPARE(session->currentKeyId(), first);
        window.centerTabs()->setCurrentWidget(window.eventsPanel());
        int other = -1;
        for (int r = 0; r < session->eventModel()->rowCount(); ++r)
            if (session->eventModel()->rowAt(r)->keyId != first) {
                other = r;
                break;
            }
        QVERIFY(other >= 0);
        const qint64 otherKey = session->eventModel()->rowAt(other)->keyId;
        const qint64 otherRecord = session->eventModel()->rowAt(other)->recordId;
        window.eventsPanel()->view()->setCurrentIndex(session->eventModel()->index(other, 0));
        QVERIFY(history.wait(10'000));
        QCOMPARE(session->currentKeyId(), otherKey);
        const QModelIndex current = keys->keyView()->currentIndex();
        QVERIFY(current.isValid());
        QCOMPARE(current.data(ModelRoles::KeyIdRole).toLongLong(), otherKey);
        QVERIFY(keys->keyView()->selectionModel()->isRowSelected(current.row(), {}));
        // ... and the timeline shows the event's version, not the key's last one (no keySelected echo).
        QTRY_COMPARE(
            session->timelineModel()->versionAt(window.timelinePanel()->view()->currentIndex().row())->recordId,
            otherRecord);

        // A key that the list does not show (filtered out) clears the list's selection.
        QTest::keyClicks(keys->filterEdit(), QStringLiteral("CUST-17"));
        QVERIFY(keysReady.wait(10'000));
        QCOMPARE(session->keyModel()->rowCount(), 1);
        const qint64 customer = session->keyModel()->rowAt(0)->keyId;
        if (customer != otherKey)
            QVERIFY(!keys->keyView()->selectionModel()->hasSelection());
        QCOMPARE(session->keyModel()->rowOfKey(customer), 0);
        QCOMPARE(session->keyModel()->rowOfKey(987654), -1);
    }

    void statusBarShortcutsAndRefresh()
    {
        QTemporaryDir dir;
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.pathText().contains(QStringLiteral("No store open")));
        QVERIFY(openSample(window, dir));
        QCOMPARE(window.totalsText(), QStringLiteral("30 records · 10 keys · 2 tables · 1 file"));
        QVERIFY(window.pathText().endsWith(QStringLiteral("sample.streamscope")));
        QVERIFY(window.windowTitle().startsWith(QStringLiteral("sample.streamscope")));

        // Ctrl+F focuses the keys filter on the timeline tab and the events filter on the events tab.
        window.activateWindow();
        window.timelinePanel()->view()->setFocus();
        QTest::keyClick(&window, Qt::Key_F, Qt::ControlModifier);
        QTRY_VERIFY(window.keysPanel()->filterEdit()->hasFocus());
        window.centerTabs()->setCurrentWidget(window.eventsPanel());
        QTest::keyClick(&window, Qt::Key_F, Qt::ControlModifier);
        QTRY_VERIFY(window.eventsPanel()->textEdit()->hasFocus());

        // Alt+Down / Alt+Up step through the versions while the keys list has the focus.
        QSignalSpy history(window.session(), &StoreSession::historyReady);
        window.centerTabs()->setCurrentWidget(window.timelinePanel());
        auto* keyView = window.keysPanel()->keyView();
        keyView->setCurrentIndex(window.session()->keyModel()->index(0, 0));
        QVERIFY(history.wait(10'000));
        auto* timeline = window.timelinePanel()->view();
        QTRY_VERIFY(timeline->currentIndex().isValid());
        const int last = timeline->currentIndex().row();
        QVERIFY(last > 0); // ORD-1001 (first by key) has 6 versions; the last one is selected
        keyView->setFocus();
        QTest::keyClick(&window, Qt::Key_Up, Qt::AltModifier);
        QCOMPARE(timeline->currentIndex().row(), last - 1);
        QTest::keyClick(&window, Qt::Key_Down, Qt::AltModifier);
        QCOMPARE(timeline->currentIndex().row(), last);
        QVERIFY(!window.timelinePanel()->step(1));  // already the newest
        QCOMPARE(keyView->currentIndex().row(), 0); // the keys list did not move

        // F5 re-reads the store (an import by another process shows up).
        QSignalSpy overview(window.session(), &StoreSession::overviewReady);
        QTest::keyClick(&window, Qt::Key_F5);
        QVERIFY(overview.wait(10'000));
    }

    void importWithoutStoreUsesDefaultStore()
    {
        // `streamscope capture.json` without --store: the paths go to importPaths with no store open.
        const QString store = MainWindow::defaultStorePath();
        QVERIFY(store.contains(QStringLiteral("qttest"))); // test mode: never the user's real default store
        for (const QString& suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
            QFile::remove(store + suffix);
        MainWindow window;
        window.setShowImportSummary(false);
        window.show();
        QVERIFY(!window.session()->isOpen());
        QVERIFY(window.pathText().contains(QStringLiteral("Ctrl+I")));
        QSignalSpy imported(&window, &MainWindow::importFinished);
        window.importPaths({sampleCapture()});
        QCOMPARE(window.session()->path(), QFileInfo(store).absoluteFilePath());
        QVERIFY(imported.wait(60'000));
        QTRY_COMPARE_WITH_TIMEOUT(window.session()->totals().records, 30, 10'000);
        window.session()->close();
        for (const QString& suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
            QFile::remove(store + suffix);
    }

    void layoutIsRemembered()
    {
        QSettings().clear();
        QList<int> saved;
        {
            MainWindow window;
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            auto* split = window.eventsPanel()->splitter();
            QVERIFY(split->sizes().at(1) > 0);
            split->setSizes({100, 400});
            saved = split->sizes();
            window.close();
        }
        MainWindow again;
        again.show();
        QVERIFY(QTest::qWaitForWindowExposed(&again));
        QCOMPARE(again.eventsPanel()->splitter()->sizes(), saved);
        QSettings().clear();
    }

    void openBadStoreShowsError()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("not-a-store.streamscope"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("this is not sqlite");
        f.close();
        MainWindow window; // not shown: the error goes to the status bar only
        QVERIFY(!window.openStore(path));
        QVERIFY(!window.session()->isOpen());
    }
};

QTEST_MAIN(TestMainWindow)
#include "tstw_mainwindow.moc"
