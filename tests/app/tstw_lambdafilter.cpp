// The Lambda filter pane (offscreen main window on the bundled sample): criteria pasted or opened add a verdict
// column to the events table (checked record by record against the matcher on the whole Lambda record), counts
// over the events view, lints inline, a mistake shown and not applied, Export and Replay take the criteria, Clear
// removes them.

#include <QAction>
#include <QDockWidget>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <map>

#include "app/viewmodels/lambdafilter.h"
#include "app/viewmodels/storesession.h"
#include "app/widgets/displayfilteredit.h"
#include "app/widgets/eventspanel.h"
#include "app/widgets/exportdialog.h"
#include "app/widgets/lambdafilterpanel.h"
#include "app/widgets/mainwindow.h"
#include "model/eventpattern.h"
#include "model/jsontree.h"
#include "samplewindow.h"
#include "storage/delivery/deliveryreader.h"
#include "testsupport.h"

namespace {
using samplewindow::openSample;
using samplewindow::sampleCapture;

const char* const kPatterns[] = {R"({"eventName":["REMOVE"]})",
                                 R"({"dynamodb":{"NewImage":{"status":{"S":["SHIPPED"]}}}})"};

/// The first of kPatterns matching the record's whole Lambda JSON (the matcher alone, no evaluator), -1 if none.
int expectedFilter(StoreSession* session, qint64 recordId)
{
    const auto row = session->record(recordId);
    if (!row)
        return -2;
    const auto record = storage::toStreamRecord(*row);
    if (!record)
        return -2;
    std::map<std::string, std::uint64_t> counters;
    const auto event = model::JsonTree::parse(storage::lambdaForm(*row, *record, counters).lambda.json);
    if (!event)
        return -2;
    for (int i = 0; i < 2; ++i) {
        if (model::EventPattern::compile(kPatterns[i], model::PatternSemantics::LambdaEsm).pattern->matches(*event))
            return i;
    }
    return -1;
}

QString criteriaJson()
{
    QString filters;
    for (const char* p : kPatterns) {
        QString quoted = QString::fromUtf8(p);
        quoted.replace(QLatin1Char('"'), QStringLiteral("\\\""));
        filters +=
            (filters.isEmpty() ? QString() : QStringLiteral(",")) + QStringLiteral("{\"Pattern\":\"%1\"}").arg(quoted);
    }
    return QStringLiteral("{\"Filters\":[%1]}").arg(filters);
}

} // namespace

class TestLambdaFilter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void verdictsCountsAndSelection()
    {
        QTemporaryDir dir;
        MainWindow window;
        window.show();
        QVERIFY(openSample(window, dir));
        auto* session = window.session();
        auto* panel = window.lambdaFilterPanel();
        auto* events = session->eventModel();
        QVERIFY(panel && window.lambdaFilterDock());
        // Hidden until opened (View ▸ Lambda filter), then tabbed with the audit.
        QVERIFY(window.lambdaFilterDock()->isHidden());
        window.lambdaFilterDock()->toggleViewAction()->trigger();
        QVERIFY(window.lambdaFilterDock()->isVisible());
        QVERIFY(window.tabifiedDockWidgets(window.lambdaFilterDock()).contains(window.auditDock()));
        QTRY_COMPARE_WITH_TIMEOUT(events->rowCount(), 30, 10'000);
        QCOMPARE(events->columnCount(), int(EventTableModel::ColumnCount));

        panel->criteriaEdit()->setPlainText(criteriaJson());
        QSignalSpy counted(window.lambdaFilter(), &LambdaFilter::countsReady);
        QCOMPARE(panel->apply(), QString());
        QVERIFY2(panel->statusLabel()->text().startsWith(QStringLiteral("2 filters (lambda-api")),
                 qPrintable(panel->statusLabel()->text()));
        QCOMPARE(events->columnCount(), int(EventTableModel::ColumnCount) + 1);
        QCOMPARE(events->headerData(EventTableModel::ColumnCount, Qt::Horizontal).toString(),
                 QStringLiteral("Lambda filter"));
        int perFilter[2] = {0, 0};
        int dropped = 0;
        for (int r = 0; r < events->rowCount(); ++r) {
            const qint64 id = events->rowAt(r)->recordId;
            const int expected = expectedFilter(session, id);
            QVERIFY(expected >= -1);
            const QModelIndex cell = events->index(r, EventTableModel::ColumnCount);
            const QString text = cell.data().toString();
            const QString tip = cell.data(Qt::ToolTipRole).toString();
            if (expected >= 0) {
                ++perFilter[expected];
                QCOMPARE(text, QStringLiteral("delivered (filter %1)").arg(expected + 1));
                QVERIFY(tip.contains(QStringLiteral("deliver")));
            } else {
                ++dropped;
                QVERIFY2(text.startsWith(QStringLiteral("dropped: filter 1: eventName: ")), qPrintable(text));
                QVERIFY(tip.contains(text.mid(9)));
            }
        }
        QVERIFY(perFilter[0] > 0 && perFilter[1] > 0 && dropped > 0);
        // The counts over the events view (background), the same figures.
        const QString counts = QStringLiteral("30 events: %1 delivered (filter 1: %2, filter 2: %3), %4 dropped")
                                   .arg(perFilter[0] + perFilter[1])
                                   .arg(perFilter[0])
                                   .arg(perFilter[1])
                                   .arg(dropped);
        QTRY_COMPARE_WITH_TIMEOUT(panel->countsLabel()->text(), counts, 10'000);

        // Export and Replay take the criteria.
        QVERIFY(session->lambdaCriteria());
        QCOMPARE(session->lambdaCriteria()->patterns.size(), std::size_t(2));
        {
            ExportDialog dialog(session);
            const storage::RecordSelection s = dialog.selection();
            QVERIFY(s.lambdaFilter);
            QCOMPARE(s.lambdaFilter->patterns, session->lambdaCriteria()->patterns);
            QCOMPARE(s.lambdaFilter->shape, std::string("lambda-api"));
        }

        // With a display filter: counted over what the table lists.
        window.eventsPanel()->displayFilterEdit()->lineEdit()->setText(QStringLiteral("eventName == \"REMOVE\""));
        QTRY_VERIFY_WITH_TIMEOUT(panel->countsLabel()->text().endsWith(QStringLiteral(", 0 dropped")), 10'000);
        QVERIFY2(panel->countsLabel()->text().startsWith(QStringLiteral("%1 events: %1 delivered (filter 1: %1, "
                                                                        "filter 2: 0)")
                                                             .arg(perFilter[0])),
                 qPrintable(panel->countsLabel()->text()));
        window.eventsPanel()->displayFilterEdit()->lineEdit()->clear();
        QTRY_COMPARE_WITH_TIMEOUT(panel->countsLabel()->text(), counts, 10'000);

        // A mistake: shown, not applied (the criteria set before stay).
        panel->criteriaEdit()->setPlainText(QStringLiteral("{\"eventName\":[{\"prefix\":1}]}"));
        const QString problem = panel->apply();
        QVERIFY(!problem.isEmpty());
        QVERIFY2(panel->statusLabel()->text().startsWith(QStringLiteral("Not applied: filter 1: ")),
                 qPrintable(panel->statusLabel()->text()));
        QVERIFY(panel->statusLabel()->text().contains(QStringLiteral("at `eventName`")));
        QCOMPARE(session->lambdaCriteria()->patterns.size(), std::size_t(2));
        QCOMPARE(events->columnCount(), int(EventTableModel::ColumnCount) + 1);

        // A bare pattern from a file, with a lint shown inline.
        const QString file = dir.filePath(QStringLiteral("pattern.json"));
        {
            QFile f(file);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(R"({"dynamodb":{"NewImage":{"status":["SHIPPED"]}}})");
        }
        QVERIFY(panel->openFile(file));
        QVERIFY(panel->statusLabel()->text().startsWith(QStringLiteral("1 filter (pattern")));
        QVERIFY2(panel->lintsLabel()->text().contains(QStringLiteral("missing-type-descriptor")),
                 qPrintable(panel->lintsLabel()->text()));
        QCOMPARE(session->lambdaCriteria()->source, file.toStdString());
        const QString first = events->index(0, EventTableModel::ColumnCount).data().toString();
        QVERIFY2(first.startsWith(QStringLiteral("dropped: filter 1: dynamodb.NewImage.status: ")), qPrintable(first));
        QTRY_VERIFY_WITH_TIMEOUT(panel->countsLabel()->text().endsWith(QStringLiteral(", 30 dropped")), 10'000);

        // Clear: no column, nothing for export/replay.
        panel->clearButton()->click();
        QCOMPARE(events->columnCount(), int(EventTableModel::ColumnCount));
        QVERIFY(!session->lambdaCriteria());
        QVERIFY(panel->statusLabel()->text().startsWith(QStringLiteral("No Lambda filter")));
    }
};

QTEST_MAIN(TestLambdaFilter)
#include "tstw_lambdafilter.moc"
