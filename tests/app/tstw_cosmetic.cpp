// Issue 19 defect 15: keys are not elided while the keys list has room for them; the SNAPSHOT check box explains
// itself; File ▸ Export Selection… is disabled while no store is open.

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QHeaderView>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include "app/viewmodels/importjob.h"
#include "app/viewmodels/storesession.h"
#include "app/widgets/eventspanel.h"
#include "app/widgets/keyspanel.h"
#include "app/widgets/mainwindow.h"
#include "testsupport.h"

namespace {
QString sampleStore(const QTemporaryDir& dir)
{
    const QString store = dir.filePath(QStringLiteral("sample.streamscope"));
    const QString sample = testsupport::sourceDir() + QStringLiteral("/resources/samples/orders-capture.json");
    const ImportResultInfo info =
        storeImportFunction()(store, {sample}, [](const ImportProgressInfo&) { return true; });
    return info.filesImported == 1 ? store : QString();
}
} // namespace

class TestCosmetic : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
    }

    void keysNotElidedWhileThereIsRoom()
    {
        QTemporaryDir dir;
        const QString store = sampleStore(dir);
        QVERIFY(!store.isEmpty());
        StoreSession session;
        QVERIFY(session.open(store).isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(!session.isBusy() && session.keyModel()->rowCount() == 10, 20'000);
        KeysPanel panel(&session);
        panel.resize(700, 500);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QTableView* view = panel.keyView();
        const QFontMetrics fm = view->fontMetrics();
        int widest = 0;
        for (int r = 0; r < session.keyModel()->rowCount(); ++r)
            widest = std::max(widest, fm.horizontalAdvance(session.keyModel()->index(r, 0).data().toString()));
        QVERIFY(widest > fm.averageCharWidth() * 14); // the sample has keys longer than the old fixed room
        int shownAt = -1;
        int hiddenAt = -1;
        for (int width = 220; width <= 700; width += 10) {
            panel.resize(width, 500);
            QCoreApplication::processEvents();
            panel.resize(width, 480); // a second resize at the same width must not flip the column back
            QCoreApplication::processEvents();
            const bool lastChangeShown = !view->isColumnHidden(KeyListModel::LastChangeColumn);
            (lastChangeShown ? shownAt : hiddenAt) = width;
            // Whenever "Last change" takes room, every key is shown whole beside it.
            if (lastChangeShown)
                QVERIFY2(view->columnWidth(KeyListModel::KeyColumn) >= widest + 6,
                         qPrintable(QStringLiteral("panel %1 px: key column %2 px, widest key %3 px")
                                        .arg(width)
                                        .arg(view->columnWidth(KeyListModel::KeyColumn))
                                        .arg(widest)));
        }
        QCOMPARE(shownAt, 700);   // a wide panel shows the last change
        QVERIFY(hiddenAt >= 220); // a narrow one drops it for the keys
    }

    void snapshotTooltipAndExportWithoutStore()
    {
        QTemporaryDir dir;
        const QString store = sampleStore(dir);
        QVERIFY(!store.isEmpty());
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(!window.session()->isOpen());
        QVERIFY(!window.exportAction()->isEnabled());

        bool found = false;
        for (QCheckBox* box : window.eventsPanel()->findChildren<QCheckBox*>())
            if (box->text() == QStringLiteral("SNAPSHOT")) {
                found = true;
                QVERIFY2(box->toolTip().contains(QStringLiteral("state")), qPrintable(box->toolTip()));
            }
        QVERIFY(found);

        QVERIFY(window.openStore(store));
        QVERIFY(window.exportAction()->isEnabled());
        window.session()->close();
        QTRY_VERIFY(!window.exportAction()->isEnabled());
        // With no store, the shortcut does nothing either (no dialog opens).
        QTest::keyClick(&window, Qt::Key_E, Qt::ControlModifier);
        QVERIFY(QApplication::activeModalWidget() == nullptr);
    }
};

QTEST_MAIN(TestCosmetic)
#include "tstw_cosmetic.moc"
