// Issue 19 defect 14: "Changes only", "DynamoDB JSON" and column widths are remembered between sessions, and every
// store's last filters come back when that store is opened again (another store still starts clean).

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QHeaderView>
#include <QLineEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include "app/viewmodels/eventtablemodel.h"
#include "app/viewmodels/importjob.h"
#include "app/viewmodels/storesession.h"
#include "app/widgets/diffpanel.h"
#include "app/widgets/eventspanel.h"
#include "app/widgets/keyspanel.h"
#include "app/widgets/mainwindow.h"
#include "app/widgets/preferences.h"
#include "ordersfixture.h"
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

QCheckBox* box(QWidget* parent, const QString& text)
{
    for (QCheckBox* b : parent->findChildren<QCheckBox*>())
        if (b->text() == text)
            return b;
    return nullptr;
}

bool openAndSettle(MainWindow& window, const QString& path, qint64 records)
{
    if (!window.openStore(path))
        return false;
    auto* session = window.session();
    return QTest::qWaitFor([&]() { return !session->isBusy() && session->totals().records == records; }, 20'000)
        && QTest::qWaitFor([&]() { return !session->isBusy(); }, 5'000);
}
} // namespace

class TestPreferences : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
    }
    void cleanupTestCase() { QSettings().clear(); }

    void rememberedAcrossSessionsAndStores()
    {
        QTemporaryDir dir;
        const QString sample = sampleStore(dir);
        QVERIFY(!sample.isEmpty());
        const QString other = dir.filePath(QStringLiteral("numbers.streamscope"));
        QCOMPARE(appfixture::writeOrdersStore(other, 50), QString());
        const qint64 from = QDateTime(QDate(2026, 11, 1), QTime(9, 0), Qt::UTC).toMSecsSinceEpoch() * 1000;
        const qint64 to = from + 1'800'000'000;
        bool changesOnlyBefore = false;
        bool dynamoBefore = false;
        int tableWidth = 0;
        KeyFilter keyFilter;
        EventFilter eventFilter;
        {
            MainWindow window;
            window.resize(1280, 800);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            QVERIFY(openAndSettle(window, sample, 30));
            QCheckBox* changesOnly = box(window.diffPanel(), QStringLiteral("Changes only"));
            QCheckBox* dynamo = box(window.diffPanel(), QStringLiteral("DynamoDB JSON"));
            QVERIFY(changesOnly && dynamo);
            changesOnlyBefore = changesOnly->isChecked();
            dynamoBefore = dynamo->isChecked();
            changesOnly->setChecked(!changesOnlyBefore);
            dynamo->setChecked(!dynamoBefore);
            QHeaderView* header = window.eventsPanel()->view()->horizontalHeader();
            tableWidth = header->sectionSize(EventTableModel::TableColumn) + 37;
            header->resizeSection(EventTableModel::TableColumn, tableWidth);

            // Filters of the sample: the Customers table and "CUST" in the keys; Orders, "ORD", a time range and
            // no MODIFY in the events, sorted by time, newest first.
            auto* session = window.session();
            KeysPanel* keys = window.keysPanel();
            for (int r = 0; r < session->tableModel()->rowCount(); ++r)
                if (session->tableModel()->tableAt(r) == QStringLiteral("Customers"))
                    keys->tableView()->setCurrentIndex(session->tableModel()->index(r, 0));
            keys->filterEdit()->setText(QStringLiteral("CUST"));
            EventsPanel* events = window.eventsPanel();
            events->tableBox()->setCurrentIndex(events->tableBox()->findData(QStringLiteral("Orders")));
            events->textEdit()->setText(QStringLiteral("ORD"));
            box(events, QStringLiteral("MODIFY"))->setChecked(false);
            events->setTimeRange(from, to);
            events->view()->horizontalHeader()->setSortIndicator(EventTableModel::TimeColumn, Qt::DescendingOrder);
            QTest::qWait(400); // the text filters' debounce
            QTRY_VERIFY_WITH_TIMEOUT(!session->isBusy(), 10'000);
            keyFilter = session->keyFilter();
            eventFilter = session->eventFilter();
            QCOMPARE(keyFilter.text, std::string("CUST"));
            QCOMPARE(keyFilter.table, std::string("Customers"));
            QCOMPARE(eventFilter.text, std::string("ORD"));
            QCOMPARE(eventFilter.table, std::string("Orders"));
            QCOMPARE(eventFilter.eventMask, 0xDu);
            QCOMPARE(eventFilter.fromMicros, std::optional<std::int64_t>(from));
            QCOMPARE(eventFilter.sort, EventSort::Time);
            QVERIFY(eventFilter.descending);
            QTest::qWait(400); // the column widths are written shortly after a change
            window.close();
        }

        MainWindow window;
        window.resize(1280, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(box(window.diffPanel(), QStringLiteral("Changes only"))->isChecked(), !changesOnlyBefore);
        QCOMPARE(box(window.diffPanel(), QStringLiteral("DynamoDB JSON"))->isChecked(), !dynamoBefore);
        QCOMPARE(window.eventsPanel()->view()->horizontalHeader()->sectionSize(EventTableModel::TableColumn),
                 tableWidth);

        // Another store starts clean: its filters were never set.
        QVERIFY(openAndSettle(window, other, 50));
        auto* session = window.session();
        QVERIFY(session->keyFilter() == KeyFilter{});
        QVERIFY(session->eventFilter().isDefault());
        QCOMPARE(session->eventModel()->rowCount(), 50);

        // The sample again: its filters are back, in the fields and applied.
        QVERIFY(openAndSettle(window, sample, 30));
        QTest::qWait(400);
        QTRY_VERIFY_WITH_TIMEOUT(!session->isBusy(), 10'000);
        QVERIFY(session->keyFilter() == keyFilter);
        QVERIFY(session->eventFilter() == eventFilter);
        QCOMPARE(window.keysPanel()->filterEdit()->text(), QStringLiteral("CUST"));
        QCOMPARE(session->tableModel()->tableAt(window.keysPanel()->tableView()->currentIndex().row()),
                 QStringLiteral("Customers"));
        EventsPanel* events = window.eventsPanel();
        QCOMPARE(events->textEdit()->text(), QStringLiteral("ORD"));
        QCOMPARE(events->tableBox()->currentData().toString(), QStringLiteral("Orders"));
        QVERIFY(!box(events, QStringLiteral("MODIFY"))->isChecked());
        QVERIFY(box(events, QStringLiteral("INSERT"))->isChecked());
        QCOMPARE(events->fromMicros(), std::optional<qint64>(from));
        QCOMPARE(events->toMicros(), std::optional<qint64>(to));
        QVERIFY(events->fromBox()->isChecked() && events->toBox()->isChecked());

        // And the other store once more: still clean (nothing of the sample leaks into it).
        QVERIFY(openAndSettle(window, other, 50));
        QTest::qWait(300);
        QVERIFY(session->keyFilter() == KeyFilter{});
        QVERIFY(session->eventFilter().isDefault());
        QCOMPARE(window.keysPanel()->filterEdit()->text(), QString());
    }
};

QTEST_MAIN(TestPreferences)
#include "tstw_preferences.moc"
