// GoToJob (Go to, Ctrl+G): finds records by sequence number or event ID in the background, says what it matched,
// and delivers only the newest search.

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "app/viewmodels/gotojob.h"
#include "ordersfixture.h"

class TestGoToJob : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void normalize();
    void findsBySequenceNumber();
    void findsByEventId();
    void nothingFound();
    void newestSearchWins();
    void unreadableStore();

private:
    GoToResult findNow(const QString& text);
    QTemporaryDir m_dir;
    QString m_store;
};

void TestGoToJob::initTestCase()
{
    m_store = m_dir.filePath(QStringLiteral("orders.streamscope"));
    // Orders Id 0..49, sequence numbers 100..149, event IDs e100..e149.
    const QString error = appfixture::writeOrdersStore(m_store, 50);
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

GoToResult TestGoToJob::findNow(const QString& text)
{
    GoToJob job;
    QSignalSpy done(&job, &GoToJob::finished);
    job.find(m_store, text);
    if (!done.wait(20'000))
        return GoToResult{text, {}, {}, QStringLiteral("timed out")};
    return done.front().front().value<GoToResult>();
}

void TestGoToJob::normalize()
{
    QCOMPARE(GoToJob::normalize(QStringLiteral("  \"400000000000000001000\"\n")),
             QStringLiteral("400000000000000001000"));
    QCOMPARE(GoToJob::normalize(QStringLiteral("'e5'")), QStringLiteral("e5"));
    QCOMPARE(GoToJob::normalize(QStringLiteral("\"e5")), QStringLiteral("\"e5")); // unbalanced: kept
    QCOMPARE(GoToJob::normalize(QStringLiteral(" \t ")), QString());
}

void TestGoToJob::findsBySequenceNumber()
{
    const GoToResult r = findNow(QStringLiteral(" \"117\" "));
    QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
    QCOMPARE(r.query, QStringLiteral("117"));
    QCOMPARE(r.matchedAs, QStringLiteral("sequence number"));
    QCOMPARE(r.matches.size(), std::size_t(1));
    const GoToMatch& m = r.matches.front();
    QCOMPARE(m.recordId, 18); // arrival order: record 1 has sequence number 100
    QCOMPARE(m.sequenceNumber, QStringLiteral("117"));
    QCOMPARE(m.eventId, QStringLiteral("e117"));
    QCOMPARE(m.table, QStringLiteral("Orders"));
    QCOMPARE(m.keyText, QStringLiteral("Id=17"));
    QVERIFY(m.keyId > 0);
    QCOMPARE(m.eventName, QStringLiteral("INSERT"));
    QCOMPARE(r.summary(), QStringLiteral("Found record 18 (sequence number)"));
}

void TestGoToJob::findsByEventId()
{
    const GoToResult r = findNow(QStringLiteral("e142"));
    QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
    QCOMPARE(r.matchedAs, QStringLiteral("event ID"));
    QCOMPARE(r.matches.size(), std::size_t(1));
    QCOMPARE(r.matches.front().recordId, 43);
    QCOMPARE(r.matches.front().keyText, QStringLiteral("Id=42"));
}

void TestGoToJob::nothingFound()
{
    for (const char* text : {"150", "e150", "E142", "e14"}) {
        const GoToResult r = findNow(QString::fromLatin1(text));
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QVERIFY2(r.matches.empty(), text);
        QVERIFY(r.matchedAs.isEmpty());
        QVERIFY(r.summary().startsWith(QStringLiteral("No record has")));
    }
    QCOMPARE(findNow(QStringLiteral("  ")).summary(), QStringLiteral("Type a sequence number or an event ID"));
}

void TestGoToJob::newestSearchWins()
{
    GoToJob job;
    QSignalSpy done(&job, &GoToJob::finished);
    job.find(m_store, QStringLiteral("e101"));
    job.find(m_store, QStringLiteral("e102"));
    QVERIFY(done.wait(20'000));
    job.waitForDone();
    QCoreApplication::processEvents();
    QCOMPARE(done.count(), 1);
    const auto r = done.front().front().value<GoToResult>();
    QCOMPARE(r.query, QStringLiteral("e102"));
    QCOMPARE(r.matches.front().recordId, 3);
}

void TestGoToJob::unreadableStore()
{
    GoToJob job;
    QSignalSpy done(&job, &GoToJob::finished);
    job.find(m_dir.filePath(QStringLiteral("missing.streamscope")), QStringLiteral("100"));
    QVERIFY(done.wait(20'000));
    const auto r = done.front().front().value<GoToResult>();
    QVERIFY(!r.error.isEmpty());
    QVERIFY(r.matches.empty());
    QVERIFY(r.summary().startsWith(QStringLiteral("Cannot search the store: ")));
    QVERIFY(r.summary().contains(QStringLiteral("missing.streamscope")));
}

QTEST_GUILESS_MAIN(TestGoToJob)
#include "tst_gotojob.moc"
