// Concurrency (issue 7): while `streamscope import` runs in another process, readers (this process through the
// Store API, and `streamscope info` processes) never see "database is locked" or a partly imported file; two
// importers started at once into one store serialise safely and end with exactly the totals of one import.

#include <QDir>
#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <map>

#include "storage/reliabilitysupport.h"
#include "storage/store/store.h"
#include "testsupport.h"

class TestConcurrency : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_batchesA;
    QString m_batchesB;
    QString m_single;
    reliability::StoreSnapshot m_reference;
    std::map<std::string, std::int64_t> m_recordsByPath;

    QStringList importArguments(const QString& store, const QStringList& inputs) const
    {
        return QStringList{QStringLiteral("import"), QStringLiteral("--store"), store, QStringLiteral("--no-progress")}
        + inputs;
    }

    /// One consistent read: every visible source is complete and holds exactly its file's records. "" = fine.
    QString readOnce(storage::Store& store, std::int64_t* records);

private Q_SLOTS:
    void initTestCase();
    void readTransactionIsOneSnapshot();
    void readersDuringImport();
    void twoImportersOneStore();
};

void TestConcurrency::initTestCase()
{
    REQUIRE_SHARED_DIR();
    QVERIFY(m_dir.isValid());
    const int records = reliability::sanitized() ? 3000 : 8000;
    m_batchesA = m_dir.filePath(QStringLiteral("a"));
    m_batchesB = m_dir.filePath(QStringLiteral("b"));
    m_single = m_dir.filePath(QStringLiteral("single.json"));
    QCOMPARE(
        testsupport::runGenerator({QStringLiteral("--seed"), QStringLiteral("31"), QStringLiteral("--records"),
                                   QString::number(records), QStringLiteral("--keys"), QString::number(records / 10),
                                   QStringLiteral("--out"), m_batchesA, QStringLiteral("--quiet")}),
        QString());
    QCOMPARE(testsupport::runGenerator(
                 {QStringLiteral("--seed"), QStringLiteral("32"), QStringLiteral("--records"), QString::number(records),
                  QStringLiteral("--keys"), QString::number(records / 10), QStringLiteral("--region"),
                  QStringLiteral("ap-south-1"), QStringLiteral("--out"), m_batchesB, QStringLiteral("--quiet")}),
             QString());
    QCOMPARE(testsupport::runGenerator(
                 {QStringLiteral("--seed"), QStringLiteral("33"), QStringLiteral("--records"), QString::number(records),
                  QStringLiteral("--keys"), QString::number(records / 10), QStringLiteral("--region"),
                  QStringLiteral("eu-west-1"), QStringLiteral("--layout"), QStringLiteral("single"),
                  QStringLiteral("--out"), m_single, QStringLiteral("--quiet")}),
             QString());

    const QString reference = m_dir.filePath(QStringLiteral("reference.streamscope"));
    QByteArray err;
    QCOMPARE(reliability::runStreamscope(importArguments(reference, {m_batchesA, m_single, m_batchesB}), nullptr, &err),
             0);
    auto store = storage::Store::open(reference.toStdString(), storage::Database::OpenMode::ReadOnly);
    QVERIFY(store);
    auto snap = reliability::snapshot(*store);
    QVERIFY(snap);
    m_reference = *snap;
    QCOMPARE(m_reference.records, 3 * records);
    auto sources = store->sources();
    QVERIFY(sources);
    for (const auto& source : *sources)
        m_recordsByPath[source.path] = source.inserted;
}

QString TestConcurrency::readOnce(storage::Store& store, std::int64_t* records)
{
    // One read transaction: all queries below see the same committed state (as a GUI page refresh would).
    auto snapshotTransaction = storage::Transaction::begin(store.database(), storage::Transaction::Kind::Deferred);
    if (!snapshotTransaction)
        return QStringLiteral("BEGIN: ") + QString::fromStdString(snapshotTransaction.error().message);
    auto sources = store.sources();
    if (!sources)
        return QStringLiteral("sources(): ") + QString::fromStdString(sources.error().message);
    auto perSource = reliability::recordsPerSource(store.database());
    if (!perSource)
        return QStringLiteral("records per source: ") + QString::fromStdString(perSource.error().message);
    std::int64_t sum = 0;
    for (const auto& source : *sources) {
        if (source.status != storage::SourceStatus::Complete)
            return QStringLiteral("a source that is not complete is visible: ") + QString::fromStdString(source.path);
        const auto expected = m_recordsByPath.find(source.path);
        if (expected == m_recordsByPath.end())
            return QStringLiteral("unexpected source ") + QString::fromStdString(source.path);
        const std::int64_t count = perSource->count(source.id) ? perSource->at(source.id) : 0;
        if (count != expected->second)
            return QStringLiteral("%1: %2 of %3 records visible (a partial file)")
                .arg(QString::fromStdString(source.path))
                .arg(count)
                .arg(expected->second);
        sum += count;
    }
    if (perSource->size() != sources->size())
        return QStringLiteral("records of %1 sources visible, %2 complete sources")
            .arg(perSource->size())
            .arg(sources->size());
    auto totals = store.totals();
    if (!totals)
        return QStringLiteral("totals(): ") + QString::fromStdString(totals.error().message);
    if (totals->records < sum)
        return QStringLiteral("totals went backwards");
    *records = sum;
    return {};
}

void TestConcurrency::readTransactionIsOneSnapshot()
{
    // Deterministic form of the race readersDuringImport looks for. A reader that reads sources and records in two
    // statements outside one read transaction can see a file committed between them ("records of 38 sources
    // visible, 37 complete sources", seen once under load before readOnce took a transaction). Inside one read
    // transaction a whole import committed by another process stays invisible until the transaction ends, and the
    // importer is not blocked by the open reader (WAL).
    const QString storePath = m_dir.filePath(QStringLiteral("snapshot.streamscope"));
    QByteArray err;
    QCOMPARE(reliability::runStreamscope(importArguments(storePath, {m_batchesA}), nullptr, &err), 0);
    auto reader = storage::Store::open(storePath.toStdString(), storage::Database::OpenMode::ReadOnly);
    QVERIFY2(reader, reader ? "" : reader.error().message.c_str());
    std::int64_t before = 0;
    QCOMPARE(readOnce(*reader, &before), QString());
    QVERIFY(before > 0);
    {
        auto transaction = storage::Transaction::begin(reader->database(), storage::Transaction::Kind::Deferred);
        QVERIFY(transaction);
        auto sourcesBefore = reader->sources();
        QVERIFY(sourcesBefore);
        // Another process imports a whole file and commits while this read transaction is open.
        QElapsedTimer timer;
        timer.start();
        QCOMPARE(reliability::runStreamscope(importArguments(storePath, {m_single}), nullptr, &err), 0);
        QVERIFY2(!err.contains("locked"), err.constData());
        auto perSource = reliability::recordsPerSource(reader->database());
        QVERIFY(perSource);
        QCOMPARE(perSource->size(), sourcesBefore->size()); // the new file's records are not visible ...
        auto sourcesAfter = reader->sources();
        QVERIFY(sourcesAfter);
        QCOMPARE(sourcesAfter->size(), sourcesBefore->size()); // ... nor its source row
        auto totals = reader->totals();
        QVERIFY(totals);
        QCOMPARE(totals->records, before);
        qInfo("the import committed in %lld ms while a read transaction was open",
              static_cast<long long>(timer.elapsed()));
        QVERIFY(!transaction->commit());
    }
    std::int64_t after = 0;
    QCOMPARE(readOnce(*reader, &after), QString()); // a new transaction sees the whole new file
    std::int64_t singleRecords = 0;
    for (const auto& [path, inserted] : m_recordsByPath)
        singleRecords += QString::fromStdString(path).endsWith(QStringLiteral("single.json")) ? inserted : 0;
    QVERIFY(singleRecords > 0);
    QCOMPARE(after, before + singleRecords);
}

void TestConcurrency::readersDuringImport()
{
    const QString storePath = m_dir.filePath(QStringLiteral("read-while-import.streamscope"));
    {
        auto created = storage::Store::open(storePath.toStdString()); // schema exists before readers start
        QVERIFY2(created, created ? "" : created.error().message.c_str());
    }
    QProcess importer;
    importer.start(reliability::binary(), importArguments(storePath, {m_batchesA, m_single, m_batchesB}));
    QVERIFY(importer.waitForStarted());

    // A long-lived read-only connection (the GUI keeps one) and fresh ones (a CLI command per read).
    auto longLived = storage::Store::open(storePath.toStdString(), storage::Database::OpenMode::ReadOnly);
    QVERIFY2(longLived, longLived ? "" : longLived.error().message.c_str());
    int reads = 0;
    int cliReads = 0;
    std::int64_t lastSeen = 0;
    std::int64_t distinctStates = 0;
    QProcess cli;
    while (importer.state() != QProcess::NotRunning) {
        std::int64_t records = 0;
        QString problem = readOnce(*longLived, &records);
        QVERIFY2(problem.isEmpty(), qPrintable(QStringLiteral("long-lived reader: ") + problem));
        QVERIFY2(records >= lastSeen, "the long-lived reader saw records disappear");
        distinctStates += records != lastSeen ? 1 : 0;
        lastSeen = records;
        {
            auto fresh = storage::Store::open(storePath.toStdString(), storage::Database::OpenMode::ReadOnly);
            QVERIFY2(fresh, fresh ? "" : fresh.error().message.c_str());
            problem = readOnce(*fresh, &records);
            QVERIFY2(problem.isEmpty(), qPrintable(QStringLiteral("fresh reader: ") + problem));
        }
        ++reads;
        // A CLI reader process alongside.
        if (cli.state() == QProcess::NotRunning) {
            if (cliReads > 0) {
                const QByteArray err = cli.readAllStandardError();
                QVERIFY2(cli.exitStatus() == QProcess::NormalExit && cli.exitCode() == 0, err.constData());
                QVERIFY2(!err.contains("locked"), err.constData());
            }
            cli.start(reliability::binary(), {QStringLiteral("info"), QStringLiteral("--store"), storePath});
            QVERIFY(cli.waitForStarted());
            ++cliReads;
        }
        importer.waitForFinished(20);
    }
    QVERIFY(cli.waitForFinished(60000));
    QCOMPARE(cli.exitCode(), 0);
    const QByteArray err = importer.readAllStandardError();
    QVERIFY2(importer.exitStatus() == QProcess::NormalExit && importer.exitCode() == 0, err.constData());
    std::int64_t records = 0;
    QCOMPARE(readOnce(*longLived, &records), QString());
    QCOMPARE(records, m_reference.records);
    qInfo("%d consistent reads (%lld distinct states) and %d `streamscope info` runs during the import", reads,
          static_cast<long long>(distinctStates), cliReads);
    QVERIFY2(distinctStates >= 2, "the reads never overlapped the import: the test proved nothing");
}

void TestConcurrency::twoImportersOneStore()
{
    // Overlapping inputs: both import `a` and the big file; each also has its own batch folder.
    const QString storePath = m_dir.filePath(QStringLiteral("two-importers.streamscope"));
    QProcess first;
    QProcess second;
    first.start(reliability::binary(), importArguments(storePath, {m_batchesA, m_single}));
    second.start(reliability::binary(), importArguments(storePath, {m_single, m_batchesB, m_batchesA}));
    QVERIFY(first.waitForStarted());
    QVERIFY(second.waitForStarted());
    QVERIFY(first.waitForFinished(600000));
    QVERIFY(second.waitForFinished(600000));
    const QByteArray firstErr = first.readAllStandardError();
    const QByteArray secondErr = second.readAllStandardError();
    QVERIFY2(first.exitStatus() == QProcess::NormalExit && first.exitCode() == 0, firstErr.constData());
    QVERIFY2(second.exitStatus() == QProcess::NormalExit && second.exitCode() == 0, secondErr.constData());
    QVERIFY2(!firstErr.contains("locked") && !secondErr.contains("locked"), (firstErr + secondErr).constData());

    QCOMPARE(QString::fromStdString(reliability::integrityCheck(storePath.toStdString())), QStringLiteral("ok"));
    auto store = storage::Store::open(storePath.toStdString(), storage::Database::OpenMode::ReadOnly);
    QVERIFY(store);
    auto snap = reliability::snapshot(*store);
    QVERIFY(snap);
    auto expected = m_reference;
    expected.maxRecordId = snap->maxRecordId;
    QVERIFY2(*snap == expected,
             qPrintable(reliability::describe(*snap) + QStringLiteral(" != ") + reliability::describe(expected)));
    QCOMPARE(snap->duplicates, 0); // a file both imported is "already imported", never counted twice
    std::int64_t records = 0;
    QCOMPARE(readOnce(*store, &records), QString());
    QCOMPARE(records, m_reference.records);
}

int main(int argc, char** argv)
{
    if (!qEnvironmentVariableIsSet("QTEST_FUNCTION_TIMEOUT"))
        qputenv("QTEST_FUNCTION_TIMEOUT", "1800000");
    QCoreApplication app(argc, argv);
    TestConcurrency test;
    return QTest::qExec(&test, argc, argv);
}
#include "tst_concurrency.moc"
