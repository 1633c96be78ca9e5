// Issue 19 defect 1 ("every filter, selection and scroll position belongs to its store") and item 14: a store opened
// again shows what it showed when it was left — the key open in the timeline and its selected version, the selected
// event, the current tab, the keys list's and the events table's scroll positions — while another store shows
// nothing of it; what no longer exists is left out without a word.

#include <QApplication>
#include <QFile>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QSettings>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include "app/viewmodels/modelroles.h"
#include "app/viewmodels/storesession.h"
#include "app/widgets/eventspanel.h"
#include "app/widgets/keyspanel.h"
#include "app/widgets/mainwindow.h"
#include "app/widgets/preferences.h"
#include "app/widgets/timelinepanel.h"
#include "storage/exporttestsupport.h"

namespace {
/// `keys` Orders keys (Id 0..keys-1), each inserted then modified: record k + 1 is key k's INSERT, record keys + k + 1
/// its MODIFY; sequence numbers start at `firstSequence`. "" or the error.
QString writeStore(const QString& path, int keys, int firstSequence = 100)
{
    auto store = storage::Store::open(path.toStdString());
    if (!store)
        return QString::fromStdString(store.error().message);
    std::vector<exporttest::Rec> records;
    for (int round = 0; round < 2; ++round)
        for (int k = 0; k < keys; ++k) {
            exporttest::Rec r;
            r.table = "Orders";
            r.arn = "arn:aws:dynamodb:eu-central-1:1:table/Orders/stream/x";
            r.keysJson = "{\"Id\":{\"N\":\"" + std::to_string(k) + "\"}}";
            r.event = round == 0 ? "INSERT" : "MODIFY";
            r.seq = std::to_string(firstSequence + round * keys + k);
            r.newImage =
                "{\"Id\":{\"N\":\"" + std::to_string(k) + "\"},\"v\":{\"N\":\"" + std::to_string(round) + "\"}}";
            if (round == 1)
                r.oldImage = "{\"Id\":{\"N\":\"" + std::to_string(k) + "\"},\"v\":{\"N\":\"0\"}}";
            r.micros = 1'790'000'000'000'000LL + (round * keys + k) * 1'000'000LL;
            records.push_back(r);
        }
    return QString::fromStdString(exporttest::load(*store, records, "fixture"));
}

bool openAndSettle(MainWindow& window, const QString& path, qint64 records)
{
    if (!window.openStore(path))
        return false;
    auto* session = window.session();
    return QTest::qWaitFor([&]() { return !session->isBusy() && session->totals().records == records; }, 20'000)
        && QTest::qWaitFor([&]() { return !session->isBusy(); }, 5'000);
}

/// Selects a row as a click does (current and selected).
void clickRow(QTableView* view, int row)
{
    view->selectionModel()->setCurrentIndex(view->model()->index(row, 0),
                                            QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
}

void scrollTop(QTableView* view, int row)
{
    view->scrollTo(view->model()->index(row, 0), QAbstractItemView::PositionAtTop);
}

int rowOfText(const QTableView* view, const QString& text)
{
    for (int r = 0; r < view->model()->rowCount(); ++r)
        if (view->model()->index(r, 0).data().toString() == text)
            return r;
    return -1;
}

/// The record id of the timeline's selected version (0 = none).
qint64 selectedVersion(MainWindow& window)
{
    const QModelIndex current = window.timelinePanel()->view()->currentIndex();
    return current.isValid() ? current.data(ModelRoles::RecordIdRole).toLongLong() : 0;
}

/// The key open in the timeline, by its text ("" = none or still loading).
QString openKeyText(MainWindow& window)
{
    const auto& key = window.session()->currentKey();
    return key && window.session()->isKeyLoaded(key->id) ? QString::fromStdString(key->displayText) : QString();
}

bool anyMessageBox()
{
    for (QWidget* w : QApplication::topLevelWidgets())
        if (qobject_cast<QMessageBox*>(w) && w->isVisible())
            return true;
    return false;
}

void removeStore(const QString& path)
{
    for (const QString& suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
        QFile::remove(path + suffix);
}
} // namespace

class TestStoreViewState : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        // Settings of its own: other tests running at the same time neither see nor clear them.
        QCoreApplication::setOrganizationName(QStringLiteral("StreamscopeTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tstw_storeviewstate"));
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
    }
    void cleanupTestCase() { QSettings().clear(); }

    void comesBackWithTheStore()
    {
        QTemporaryDir dir;
        const QString a = dir.filePath(QStringLiteral("a.streamscope"));
        const QString b = dir.filePath(QStringLiteral("b.streamscope"));
        QCOMPARE(writeStore(a, 300), QString());
        QCOMPARE(writeStore(b, 40), QString());
        MainWindow window;
        window.resize(1280, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(openAndSettle(window, a, 600));
        auto* session = window.session();
        QTabWidget* tabs = window.centerTabs();
        QTableView* keys = window.keysPanel()->keyView();
        QTableView* events = window.eventsPanel()->view();
        QTableView* versions = window.timelinePanel()->view();

        // In A: filters (keys with "Id=2": 111 of them; events of keys with "Id=1": 222), the event of record 451
        // (Id=150's MODIFY) under the Events tab, then the key Id=200 from the keys list (the timeline tab), its first
        // version (record 201), and both lists scrolled.
        window.keysPanel()->filterEdit()->setText(QStringLiteral("Id=2"));
        window.eventsPanel()->textEdit()->setText(QStringLiteral("Id=1"));
        QTRY_VERIFY_WITH_TIMEOUT(
            session->keyFilter().text == "Id=2" && session->eventFilter().text == "Id=1" && !session->isBusy(), 10'000);
        QCOMPARE(session->keyModel()->rowCount(), 111);
        QCOMPARE(session->eventModel()->rowCount(), 222);
        const int eventRow = session->eventModel()->rowOfRecord(451);
        QVERIFY(eventRow > 0);
        tabs->setCurrentWidget(window.eventsPanel());
        clickRow(events, eventRow);
        QTRY_COMPARE_WITH_TIMEOUT(openKeyText(window), QStringLiteral("Id=150"), 10'000);
        QCOMPARE(window.eventsPanel()->shownRecord(), qint64(451));
        const int keyRow = rowOfText(keys, QStringLiteral("Id=200"));
        QVERIFY(keyRow > 0);
        clickRow(keys, keyRow);
        QVERIFY(tabs->currentWidget() == window.timelinePanel());
        QTRY_COMPARE_WITH_TIMEOUT(openKeyText(window), QStringLiteral("Id=200"), 10'000);
        QTRY_COMPARE_WITH_TIMEOUT(selectedVersion(window), qint64(501), 10'000); // a key opens at its last version
        versions->selectRow(0);
        QCOMPARE(selectedVersion(window), qint64(201));
        scrollTop(keys, 50);
        scrollTop(events, 150);
        QCOMPARE(keys->rowAt(0), 50);
        QCOMPARE(events->rowAt(0), 150);

        // B at once (no pause for the delayed write: switching writes A's view first): nothing of A shows.
        QVERIFY(openAndSettle(window, b, 80));
        QTest::qWait(200);
        QCOMPARE(session->currentKeyId(), std::int64_t{0});
        QCOMPARE(session->timelineModel()->rowCount(), 0);
        QCOMPARE(window.eventsPanel()->shownRecord(), qint64(0));
        QVERIFY(!events->currentIndex().isValid());
        QVERIFY(!keys->selectionModel()->hasSelection());
        QCOMPARE(keys->verticalScrollBar()->value(), 0);   // at the top (the events table under the other tab
        QCOMPARE(events->verticalScrollBar()->value(), 0); // lays its rows out when shown)
        QVERIFY(window.eventsPanel()->rawView()->toPlainText().isEmpty());
        // B's own view: the Events tab and record 11 (Id=10's INSERT).
        tabs->setCurrentWidget(window.eventsPanel());
        clickRow(events, 10);
        QTRY_COMPARE_WITH_TIMEOUT(openKeyText(window), QStringLiteral("Id=10"), 10'000);

        // A again: its filters, and its key, version, event, tab and scroll positions in the filtered lists.
        QVERIFY(openAndSettle(window, a, 600));
        QTRY_COMPARE_WITH_TIMEOUT(openKeyText(window), QStringLiteral("Id=200"), 10'000);
        QTRY_COMPARE_WITH_TIMEOUT(selectedVersion(window), qint64(201), 10'000);
        QTest::qWait(400); // longer than the filters' typing pause: nothing applies late
        QCOMPARE(session->keyModel()->rowCount(), 111);
        QCOMPARE(session->eventModel()->rowCount(), 222);
        QVERIFY(tabs->currentWidget() == window.timelinePanel());
        QCOMPARE(window.eventsPanel()->shownRecord(), qint64(451));
        QCOMPARE(events->currentIndex().row(), eventRow);
        QVERIFY(window.eventsPanel()->rawView()->toPlainText().contains(QStringLiteral("MODIFY")));
        QVERIFY(keys->selectionModel()->isRowSelected(keyRow, {}));
        QCOMPARE(keys->rowAt(0), 50);
        QCOMPARE(events->rowAt(0), 150);

        // And B again: its Events tab and event (the timeline holds that event's key).
        QVERIFY(openAndSettle(window, b, 80));
        QTRY_COMPARE_WITH_TIMEOUT(openKeyText(window), QStringLiteral("Id=10"), 10'000);
        QVERIFY(tabs->currentWidget() == window.eventsPanel());
        QCOMPARE(window.eventsPanel()->shownRecord(), qint64(11));
        QCOMPARE(events->currentIndex().row(), 10);
        QCOMPARE(keys->rowAt(0), 0);
        QVERIFY(!anyMessageBox());
    }

    void goneIsLeftOutQuietly()
    {
        QTemporaryDir dir;
        const QString c = dir.filePath(QStringLiteral("c.streamscope"));
        QCOMPARE(writeStore(c, 300), QString());
        {
            MainWindow window;
            window.resize(1280, 800);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            QVERIFY(openAndSettle(window, c, 600));
            // The event of record 151 (Id=150's INSERT), then the key Id=280, the keys list scrolled far down.
            window.centerTabs()->setCurrentWidget(window.eventsPanel());
            clickRow(window.eventsPanel()->view(), 150);
            QTRY_COMPARE_WITH_TIMEOUT(openKeyText(window), QStringLiteral("Id=150"), 10'000);
            clickRow(window.keysPanel()->keyView(), 280);
            QTRY_COMPARE_WITH_TIMEOUT(openKeyText(window), QStringLiteral("Id=280"), 10'000);
            scrollTop(window.keysPanel()->keyView(), 250);
            window.close(); // writes the view
        }
        QSettings settings;
        settings.beginGroup(Preferences::storeGroup(c));
        QCOMPARE(settings.value(QStringLiteral("event")).toLongLong(), 151LL);
        settings.endGroup();

        // The store made again with 100 keys and other sequence numbers: Id=280 is gone, and record 151 is now
        // another event (Id=50's MODIFY).
        removeStore(c);
        QCOMPARE(writeStore(c, 100, 5000), QString());
        MainWindow window;
        window.resize(1280, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(openAndSettle(window, c, 200));
        QTest::qWait(500);
        QVERIFY(!window.session()->isBusy());
        QCOMPARE(window.session()->currentKeyId(), std::int64_t{0});
        QCOMPARE(window.eventsPanel()->shownRecord(), qint64(0));
        QVERIFY(!window.eventsPanel()->view()->currentIndex().isValid());
        QCOMPARE(window.keysPanel()->keyView()->rowAt(0), 0);
        QVERIFY(window.centerTabs()->currentWidget() == window.timelinePanel());
        QVERIFY(!anyMessageBox());

        // The restore is over: what is picked now is written.
        clickRow(window.eventsPanel()->view(), 5);
        QTRY_COMPARE_WITH_TIMEOUT(openKeyText(window), QStringLiteral("Id=5"), 10'000);
        QTest::qWait(500);
        settings.beginGroup(Preferences::storeGroup(c));
        QCOMPARE(settings.value(QStringLiteral("event")).toLongLong(), 6LL);
    }
};

QTEST_MAIN(TestStoreViewState)
#include "tstw_storeviewstate.moc"
