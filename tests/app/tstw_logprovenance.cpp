// Captures from logs (issue 20) in the GUI, offscreen: the raw record label of the Events tab says where a record
// read from a log was logged (log stream, log time, request ID of `aws logs tail --format detailed` over a Node.js
// runtime line), that a record printed by Python was reconstructed, and nothing of the kind for a capture file's
// record.

#include <QFile>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include "app/viewmodels/storesession.h"
#include "app/widgets/eventspanel.h"
#include "app/widgets/mainwindow.h"
#include "testsupport.h"

namespace {

/// One DynamoDB stream record of table Logged, key Id=1, in JSON (quote '"') or as Python prints it (quote '\'').
QString record(QChar quote, const QString& eventId, const QString& eventName, const QString& sequenceNumber)
{
    QString text =
        QStringLiteral("{'eventID':'%1','eventName':'%2','eventSource':'aws:dynamodb','awsRegion':'eu-west-1',"
                       "'eventSourceARN':'arn:aws:dynamodb:eu-west-1:123456789012:table/Logged/stream/"
                       "2024-01-01T00:00:00.000','dynamodb':{'Keys':{'Id':{'N':'1'}},'NewImage':{'Id':{'N':'1'},"
                       "'step':{'S':'%1'}},'SequenceNumber':'%3','StreamViewType':'NEW_IMAGE'}}")
            .arg(eventId, eventName, sequenceNumber);
    return text.replace(QLatin1Char('\''), quote);
}

bool writeFile(const QString& path, const QString& text)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(text.toUtf8()) == text.toUtf8().size();
}

} // namespace

class TestLogProvenance : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
    }

    void rawRecordLabelSaysWhereItWasLogged()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString tail = dir.filePath(QStringLiteral("tail.log"));
        const QString printed = dir.filePath(QStringLiteral("printed.log"));
        const QString capture = dir.filePath(QStringLiteral("capture.json"));
        QVERIFY(writeFile(
            tail,
            QStringLiteral("2023-11-14T22:13:20.000000+00:00 2023/11/14/[$LATEST]00ff "
                           "2023-11-14T22:13:20.000Z\tr-0001\tINFO\tEVENT {\"Records\":[")
                + record(QLatin1Char('"'), QStringLiteral("e1"), QStringLiteral("INSERT"), QStringLiteral("100"))
                + QStringLiteral("]}\n")));
        QVERIFY(writeFile(
            printed,
            QStringLiteral("{'Records': [")
                + record(QLatin1Char('\''), QStringLiteral("e3"), QStringLiteral("MODIFY"), QStringLiteral("300"))
                + QStringLiteral("]}\n")));
        QVERIFY(writeFile(
            capture,
            QStringLiteral("{\"Records\":[")
                + record(QLatin1Char('"'), QStringLiteral("e2"), QStringLiteral("MODIFY"), QStringLiteral("200"))
                + QStringLiteral("]}\n")));

        MainWindow window;
        window.setShowImportSummary(false);
        window.show();
        QVERIFY(window.openStore(dir.filePath(QStringLiteral("logged.streamscope")), true));
        QSignalSpy imported(&window, &MainWindow::importFinished);
        window.importPaths({tail, printed, capture});
        QVERIFY(imported.wait(60'000));
        auto* session = window.session();
        QTRY_VERIFY_WITH_TIMEOUT(!session->isBusy(), 20'000);
        QTRY_COMPARE_WITH_TIMEOUT(session->eventModel()->rowCount(), 3, 10'000);

        // What the label's second line says for each record, by event ID.
        const QMap<QString, QString> expected{
            {QStringLiteral("e1"),
             QStringLiteral("From a log: log stream 2023/11/14/[$LATEST]00ff · logged at "
                            "2023-11-14T22:13:20.000000+00:00 · request r-0001")},
            {QStringLiteral("e2"), QString()},
            {QStringLiteral("e3"), QStringLiteral("From a log: reconstructed from Python output")}};
        auto* events = window.eventsPanel();
        window.centerTabs()->setCurrentWidget(events);
        QMap<QString, QString> shown;
        for (int r = 0; r < session->eventModel()->rowCount(); ++r) {
            const auto row = session->record(session->eventModel()->rowAt(r)->recordId);
            QVERIFY(row);
            events->view()->setCurrentIndex(session->eventModel()->index(r, 0));
            const QString eventId = QString::fromStdString(row->eventId);
            QTRY_VERIFY(events->rawView()->toPlainText().contains(eventId));
            const QStringList lines = events->rawInfo()->text().split(QLatin1Char('\n'));
            QVERIFY2(lines.front().startsWith(QStringLiteral("Record %1 · file record #1").arg(row->id)),
                     qPrintable(lines.front()));
            QVERIFY(lines.size() <= 2);
            shown.insert(eventId, lines.size() == 2 ? lines.at(1) : QString());
        }
        QCOMPARE(shown, expected);
    }
};

QTEST_MAIN(TestLogProvenance)
#include "tstw_logprovenance.moc"
