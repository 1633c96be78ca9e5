// The display filter in the Events filter bar (offscreen main window on the bundled sample): an expression filters
// the table (checked against each listed record), a mistake is shown inline with its column and a caret and is not
// applied, Enter puts the cursor on it, the export/replay selection takes the applied expression, and opening
// another store clears it.

#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "app/viewmodels/exportselection.h"
#include "app/viewmodels/storesession.h"
#include "app/widgets/displayfilteredit.h"
#include "app/widgets/eventspanel.h"
#include "app/widgets/mainwindow.h"
#include "model/displayfilter.h"
#include "samplewindow.h"
#include "testsupport.h"

namespace {
using samplewindow::openSample;
using samplewindow::sampleCapture;

/// Record ids listed by the events table.
std::vector<qint64> listed(StoreSession* session)
{
    std::vector<qint64> ids;
    for (int r = 0; r < session->eventModel()->rowCount(); ++r)
        ids.push_back(session->eventModel()->rowAt(r)->recordId);
    return ids;
}

} // namespace

class TestDisplayFilter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void filtersTheEventsTable()
    {
        QTemporaryDir dir;
        MainWindow window;
        window.show();
        QVERIFY(openSample(window, dir));
        auto* session = window.session();
        auto* events = window.eventsPanel();
        QTRY_COMPARE_WITH_TIMEOUT(session->eventModel()->rowCount(), 30, 10'000);
        const std::vector<qint64> all = listed(session);
        // What the expression should keep, record by record (the matcher on each stored record).
        const std::string expression = R"(NewImage.status == "SHIPPED" or eventName in {REMOVE})";
        const auto compiled = model::DisplayFilter::compile(expression);
        QVERIFY(compiled.filter);
        std::vector<qint64> expected;
        for (qint64 id : all) {
            const auto row = session->record(id);
            QVERIFY(row);
            const auto record = storage::toStreamRecord(*row);
            QVERIFY(record);
            if (compiled.filter->matches(*record))
                expected.push_back(id);
        }
        QVERIFY(!expected.empty() && expected.size() < all.size());

        QSignalSpy eventsReady(session, &StoreSession::eventsReady);
        events->displayFilterEdit()->lineEdit()->setText(QString::fromStdString(expression));
        QVERIFY(eventsReady.wait(10'000));
        QTRY_VERIFY_WITH_TIMEOUT(!session->isBusy(), 10'000);
        QCOMPARE(session->eventFilter().where, expression);
        QCOMPARE(listed(session), expected);
        QCOMPARE(events->countLabel()->text(), QStringLiteral("%1 events").arg(expected.size()));
        QVERIFY(events->displayFilterEdit()->errorLabel()->isHidden());
        // Export and replay take what the table shows.
        QCOMPARE(exportSelectionOf(session->eventFilter()).where, expression);

        // A mistake: shown inline with its column and a caret, not applied (every event listed again).
        events->displayFilterEdit()->lineEdit()->setText(QStringLiteral("NewImage.status = \"SHIPPED\""));
        QVERIFY(events->displayFilterEdit()->isInvalid());
        QLabel* error = events->displayFilterEdit()->errorLabel();
        QVERIFY(!error->isHidden());
        QVERIFY2(error->text().contains(QStringLiteral("column 17")), qPrintable(error->text()));
        QVERIFY2(error->text().contains(QStringLiteral("\n                ^")), qPrintable(error->text()));
        QCOMPARE(events->displayFilterEdit()->errorPosition(), 16);
        QVERIFY(eventsReady.wait(10'000));
        QTRY_VERIFY_WITH_TIMEOUT(!session->isBusy(), 10'000);
        QCOMPARE(session->eventFilter().where, std::string());
        QCOMPARE(session->eventModel()->rowCount(), 30);
        // Enter puts the cursor on the mistake.
        events->displayFilterEdit()->lineEdit()->setCursorPosition(0);
        QTest::keyClick(events->displayFilterEdit()->lineEdit(), Qt::Key_Return);
        QCOMPARE(events->displayFilterEdit()->lineEdit()->cursorPosition(), 16);

        // Corrected: applied again; combined with the event-type boxes and the text filter.
        events->displayFilterEdit()->lineEdit()->setText(QStringLiteral("exists(OldImage.status)"));
        QVERIFY(!events->displayFilterEdit()->isInvalid());
        QVERIFY(error->isHidden());
        QVERIFY(eventsReady.wait(10'000));
        QTRY_VERIFY_WITH_TIMEOUT(!session->isBusy(), 10'000);
        const int withOld = session->eventModel()->rowCount();
        QVERIFY(withOld > 0 && withOld < 30);
        for (int r = 0; r < withOld; ++r)
            QVERIFY(session->eventModel()->rowAt(r)->eventName != model::EventName::Insert);

        // Another store starts without it.
        QTemporaryDir other;
        QVERIFY(window.openStore(other.filePath(QStringLiteral("o.streamscope")), true));
        QTRY_VERIFY_WITH_TIMEOUT(!session->isBusy(), 10'000);
        QCOMPARE(events->displayFilterEdit()->lineEdit()->text(), QString());
        QCOMPARE(session->eventFilter().where, std::string());
    }
};

QTEST_MAIN(TestDisplayFilter)
#include "tstw_displayfilter.moc"
