// The main window's genre features (issue 19, "Expected of a tool in this genre"), offscreen: the start page and
// File ▸ Close Store.

#include <QAction>
#include <QApplication>
#include <QFile>
#include <QLabel>
#include <QTableView>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QMimeData>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "app/viewmodels/storesession.h"
#include "app/widgets/keyspanel.h"
#include "app/widgets/mainwindow.h"
#include "app/widgets/mainwindowextras.h"
#include "app/widgets/startpage.h"
#include "testsupport.h"

namespace {
QString sampleCapture()
{
    return testsupport::sourceDir() + QStringLiteral("/resources/samples/orders-capture.json");
}

bool waitForKeys(MainWindow& window, int keys)
{
    auto* session = window.session();
    return QTest::qWaitFor([session, keys]() { return !session->isBusy() && session->keyModel()->rowCount() == keys; },
                           30'000);
}

/// Opens a fresh store in `dir` and imports the bundled sample into it.
bool openSample(MainWindow& window, const QTemporaryDir& dir)
{
    window.setShowImportSummary(false);
    if (!window.openStore(dir.filePath(QStringLiteral("sample.streamscope")), true))
        return false;
    QSignalSpy imported(&window, &MainWindow::importFinished);
    window.importPaths({sampleCapture()});
    return imported.wait(60'000) && waitForKeys(window, 10);
}

void dropOn(QWidget* target, const QList<QUrl>& urls)
{
    QMimeData mime;
    mime.setUrls(urls);
    const QPoint at = target->rect().center();
    QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(target, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent dropEvent(QPointF(at), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(target, &dropEvent);
}
} // namespace

class TestMainWindowExtras : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        for (const QString& store : {MainWindowExtras::sampleStorePath(), MainWindow::defaultStorePath()})
            for (const QString& suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
                QFile::remove(store + suffix);
    }
    void init() { QSettings().clear(); }

    void startPageUntilAStoreOpens();
    void closeStoreReturnsToStartPage();
    void recentStoresAndDropZone();
};

void TestMainWindowExtras::startPageUntilAStoreOpens()
{
    MainWindow window;
    window.setShowImportSummary(false);
    window.resize(1024, 700);
    window.show();
    auto* extras = window.extras();
    QVERIFY(extras);
    StartPage* start = extras->startPage();
    QCOMPARE(extras->centerStack()->currentWidget(), start);
    QVERIFY(start->isVisible());
    QVERIFY(start->findChild<QLabel*>(QStringLiteral("startPageWhat"))->text().contains(QStringLiteral("DynamoDB")));
    QVERIFY(start->recentList()->isHidden()); // no recent stores yet: says so instead
    QVERIFY(!extras->closeStoreAction()->isEnabled());

    // The bundled sample: its own store, created and imported on first use.
    start->setSamplePath(sampleCapture());
    QVERIFY(start->sampleButton()->isEnabled());
    QSignalSpy imported(&window, &MainWindow::importFinished);
    QTest::mouseClick(start->sampleButton(), Qt::LeftButton);
    QVERIFY(window.session()->isOpen());
    QCOMPARE(window.session()->path(), MainWindowExtras::sampleStorePath());
    QVERIFY(imported.wait(60'000));
    QVERIFY(waitForKeys(window, 10));
    QVERIFY(extras->centerStack()->currentWidget() != start);
    QVERIFY(!start->isVisible());
    QVERIFY(extras->closeStoreAction()->isEnabled());

    // Opened again it is not imported again (nothing to add).
    QVERIFY(extras->closeStore());
    imported.clear();
    QTest::mouseClick(start->sampleButton(), Qt::LeftButton);
    QVERIFY(waitForKeys(window, 10));
    QVERIFY(!imported.wait(1000));

    // Without a sample the button says why it is disabled.
    start->setSamplePath(QString());
    QVERIFY(!start->sampleButton()->isEnabled());
    QVERIFY(start->sampleButton()->toolTip().contains(QStringLiteral("not found")));
}

void TestMainWindowExtras::closeStoreReturnsToStartPage()
{
    QTemporaryDir dir;
    MainWindow window;
    window.show();
    QVERIFY(openSample(window, dir));
    auto* extras = window.extras();
    QVERIFY(extras->centerStack()->currentWidget() != extras->startPage());
    QVERIFY(!QSettings().value(QStringLiteral("stores/last")).toString().isEmpty());

    // File ▸ Close Store is in the File menu, with Ctrl+W.
    auto* file = window.menuBar()->findChild<QMenu*>(QStringLiteral("fileMenu"));
    QVERIFY(file);
    QVERIFY(file->actions().contains(extras->closeStoreAction()));
    QCOMPARE(extras->closeStoreAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_W));
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QSignalSpy closed(window.session(), &StoreSession::closed);
    QTest::keyClick(&window, Qt::Key_W, Qt::ControlModifier);
    QCOMPARE(closed.count(), 1);
    QVERIFY(!window.session()->isOpen());
    QCOMPARE(extras->centerStack()->currentWidget(), extras->startPage());
    QCOMPARE(window.keysPanel()->keyView()->model()->rowCount(), 0);
    // Closed on purpose: the next start shows the start page, not this store.
    QVERIFY(QSettings().value(QStringLiteral("stores/last")).toString().isEmpty());
    QVERIFY(!extras->closeStoreAction()->isEnabled());
    QVERIFY(!extras->closeStore()); // nothing open: nothing to close
}

void TestMainWindowExtras::recentStoresAndDropZone()
{
    QTemporaryDir dir;
    MainWindow window;
    window.show();
    QVERIFY(openSample(window, dir));
    const QString store = window.session()->path();
    QVERIFY(window.extras()->closeStore());
    StartPage* start = window.extras()->startPage();

    // The recent store is listed first; Enter opens it.
    QVERIFY(start->recentList()->isVisible());
    QVERIFY(start->recentList()->count() >= 1);
    QCOMPARE(start->recentList()->item(0)->text(), QDir::toNativeSeparators(store));
    start->recentList()->setFocus();
    QTest::keyClick(start->recentList(), Qt::Key_Return);
    QVERIFY(window.session()->isOpen());
    QCOMPARE(window.session()->path(), store);
    QVERIFY(waitForKeys(window, 10));

    // A store that no longer exists is listed as missing and cannot be opened.
    QVERIFY(window.extras()->closeStore());
    start->setRecentStores({dir.filePath(QStringLiteral("gone.streamscope")), store});
    QVERIFY(start->recentList()->item(0)->text().contains(QStringLiteral("missing")));
    QVERIFY(!(start->recentList()->item(0)->flags() & Qt::ItemIsEnabled));

    // Dropping a capture on the drop zone imports it (into the default store: none is open).
    QVERIFY(QFile::copy(sampleCapture(), dir.filePath(QStringLiteral("drop.json"))));
    QSignalSpy imported(&window, &MainWindow::importFinished);
    dropOn(start->dropZone(), {QUrl::fromLocalFile(dir.filePath(QStringLiteral("drop.json")))});
    QVERIFY(imported.wait(60'000));
    QCOMPARE(window.session()->path(), MainWindow::defaultStorePath());
    QVERIFY(window.extras()->centerStack()->currentWidget() != start);

    // Dropping a store opens it.
    QVERIFY(window.extras()->closeStore());
    dropOn(start->dropZone(), {QUrl::fromLocalFile(store)});
    QCOMPARE(window.session()->path(), store);
}

QTEST_MAIN(TestMainWindowExtras)
#include "tstw_mainwindowextras.moc"
