// Smoke test of the real main window offscreen: import a generated capture, select a key, see its diff, filter
// the events table.

#include <QLineEdit>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

#include "app/viewmodels/attributediffmodel.h"
#include "app/viewmodels/importjob.h"
#include "app/viewmodels/storesession.h"
#include "app/widgets/diffpanel.h"
#include "app/widgets/eventspanel.h"
#include "app/widgets/keyspanel.h"
#include "app/widgets/mainwindow.h"
#include "app/widgets/timelinepanel.h"
#include "testsupport.h"

class TestMainWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

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
