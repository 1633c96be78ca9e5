// Crash safety (issue 7): a large generated capture is imported by the `streamscope import` binary in a child
// process that is killed with SIGKILL at seeded random moments (at least 20 kills that landed while it ran).
// After every kill: PRAGMA integrity_check is "ok", no source is left half-written (every source row is complete
// and holds exactly the records its file has), and at the end a plain re-import reaches exactly the totals of an
// import that was never interrupted.

#include <QDir>
#include <QElapsedTimer>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <map>

#include "storage/reliabilitysupport.h"
#include "storage/store/store.h"
#include "testsupport.h"

namespace {

/// What an uninterrupted import produces.
struct Reference
{
    reliability::StoreSnapshot totals;
    std::map<std::string, std::int64_t> recordsByPath; ///< inserted records per source path
    qint64 millis = 0;
};

} // namespace

class TestCrashSafety : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QStringList m_inputs;
    Reference m_reference;

    QStringList importArguments(const QString& store) const
    {
        return QStringList{QStringLiteral("import"), QStringLiteral("--store"), store, QStringLiteral("--no-progress")}
        + m_inputs;
    }

    /// Checks the store after a kill; returns a description of what is wrong ("" = fine).
    QString checkAfterKill(const QString& storePath, std::int64_t* recordsOut);

private Q_SLOTS:
    void initTestCase();
    void killAtRandomMoments();
};

void TestCrashSafety::initTestCase()
{
    REQUIRE_SHARED_DIR();
    QVERIFY(m_dir.isValid());
    QVERIFY2(QFileInfo::exists(reliability::binary()), qPrintable(reliability::binary()));
    const int records = reliability::sanitized() ? 4000 : 10000;
    // Many small files (kills between and inside file transactions) and one big file (kills deep inside one long
    // transaction). Different regions give different stream ARNs, so the two never collide.
    const QString batches = m_dir.filePath(QStringLiteral("batches"));
    const QString single = m_dir.filePath(QStringLiteral("single.json"));
    QCOMPARE(testsupport::runGenerator(
                 {QStringLiteral("--seed"), QStringLiteral("21"), QStringLiteral("--records"), QString::number(records),
                  QStringLiteral("--keys"), QString::number(records / 10), QStringLiteral("--ttl-rate"),
                  QStringLiteral("0.2"), QStringLiteral("--out"), batches, QStringLiteral("--quiet")}),
             QString());
    QCOMPARE(testsupport::runGenerator(
                 {QStringLiteral("--seed"), QStringLiteral("22"), QStringLiteral("--records"), QString::number(records),
                  QStringLiteral("--keys"), QString::number(records / 10), QStringLiteral("--region"),
                  QStringLiteral("eu-west-1"), QStringLiteral("--layout"), QStringLiteral("single"),
                  QStringLiteral("--out"), single, QStringLiteral("--quiet")}),
             QString());
    m_inputs = {batches, single};

    // The uninterrupted reference.
    const QString referenceStore = m_dir.filePath(QStringLiteral("reference.streamscope"));
    QElapsedTimer timer;
    timer.start();
    QByteArray err;
    QCOMPARE(reliability::runStreamscope(importArguments(referenceStore), nullptr, &err), 0);
    m_reference.millis = timer.elapsed();
    auto store = storage::Store::open(referenceStore.toStdString(), storage::Database::OpenMode::ReadOnly);
    QVERIFY2(store, store ? "" : store.error().message.c_str());
    auto totals = reliability::snapshot(*store);
    QVERIFY(totals);
    m_reference.totals = *totals;
    QCOMPARE(m_reference.totals.records, 2 * records);
    auto sources = store->sources();
    QVERIFY(sources);
    for (const auto& source : *sources)
        m_reference.recordsByPath[source.path] = source.inserted;
    qInfo("reference import: %lld records from %zu files in %lld ms", static_cast<long long>(totals->records),
          sources->size(), m_reference.millis);
}

QString TestCrashSafety::checkAfterKill(const QString& storePath, std::int64_t* recordsOut)
{
    *recordsOut = 0;
    if (!QFileInfo::exists(storePath))
        return {}; // killed before the store file existed
    const std::string integrity = reliability::integrityCheck(storePath.toStdString());
    if (integrity != "ok") {
        // A store killed before its schema was written may be empty: that is not corruption.
        if (integrity.find("not a Streamscope store") == std::string::npos)
            return QStringLiteral("integrity_check: ") + QString::fromStdString(integrity);
    }
    // Opened read-write as a user would next (this also recovers the WAL).
    auto store = storage::Store::open(storePath.toStdString());
    if (!store)
        return QStringLiteral("reopen failed: ") + QString::fromStdString(store.error().message);
    auto incomplete = store->database().queryInt("SELECT count(*) FROM sources WHERE status <> 'complete'");
    if (!incomplete)
        return QString::fromStdString(incomplete.error().message);
    if (*incomplete != 0)
        return QStringLiteral("%1 source rows are not complete").arg(*incomplete);
    auto sources = store->sources();
    if (!sources)
        return QString::fromStdString(sources.error().message);
    auto perSource = reliability::recordsPerSource(store->database());
    if (!perSource)
        return QString::fromStdString(perSource.error().message);
    std::int64_t sum = 0;
    for (const auto& source : *sources) {
        const auto expected = m_reference.recordsByPath.find(source.path);
        if (expected == m_reference.recordsByPath.end())
            return QStringLiteral("unexpected source ") + QString::fromStdString(source.path);
        const std::int64_t count = perSource->count(source.id) ? perSource->at(source.id) : 0;
        if (count != expected->second || source.inserted != expected->second)
            return QStringLiteral("%1: %2 records stored (source says %3), the file has %4")
                .arg(QString::fromStdString(source.path))
                .arg(count)
                .arg(source.inserted)
                .arg(expected->second);
        sum += count;
    }
    if (perSource->size() != sources->size())
        return QStringLiteral("records of %1 sources stored, %2 complete sources")
            .arg(perSource->size())
            .arg(sources->size());
    auto totals = store->totals();
    if (!totals)
        return QString::fromStdString(totals.error().message);
    if (totals->records != sum)
        return QStringLiteral("%1 records in the store, %2 in complete sources").arg(totals->records).arg(sum);
    *recordsOut = sum;
    return {};
}

void TestCrashSafety::killAtRandomMoments()
{
    const int requiredKills = qEnvironmentVariableIsSet("STREAMSCOPE_CRASH_KILLS")
        ? qEnvironmentVariableIntValue("STREAMSCOPE_CRASH_KILLS")
        : 20;
    const quint32 seed = qEnvironmentVariableIsSet("STREAMSCOPE_CRASH_SEED")
        ? quint32(qEnvironmentVariableIntValue("STREAMSCOPE_CRASH_SEED"))
        : 20261124u;
    QRandomGenerator random(seed);
    const QString storePath = m_dir.filePath(QStringLiteral("killed.streamscope"));
    // Kill moments span the whole reference import (plus process start-up), so some land while the store is
    // created, some between files and some deep inside the big file's transaction.
    const qint64 window = std::max<qint64>(m_reference.millis, 200);

    int kills = 0;
    int completedBeforeKill = 0;
    int attempt = 0;
    for (; kills < requiredKills && attempt < requiredKills * 4; ++attempt) {
        const int delay = int(random.bounded(quint32(window)));
        QProcess importer;
        importer.start(reliability::binary(), importArguments(storePath));
        QVERIFY(importer.waitForStarted());
        const bool finished = importer.waitForFinished(delay);
        if (!finished) {
            importer.kill(); // SIGKILL
            QVERIFY(importer.waitForFinished());
            ++kills;
        } else {
            ++completedBeforeKill;
            QVERIFY2(importer.exitStatus() == QProcess::NormalExit && importer.exitCode() == 0,
                     importer.readAllStandardError().constData());
        }
        std::int64_t records = 0;
        const QString problem = checkAfterKill(storePath, &records);
        QVERIFY2(problem.isEmpty(),
                 qPrintable(QStringLiteral("after %1 (kill at %2 ms, attempt %3, seed %4): %5")
                                .arg(finished ? QStringLiteral("a finished import") : QStringLiteral("SIGKILL"))
                                .arg(delay)
                                .arg(attempt)
                                .arg(seed)
                                .arg(problem)));
        // Once everything is in, start over so the next kills land in real work again.
        if (records == m_reference.totals.records) {
            for (const char* suffix : {"", "-wal", "-shm"})
                QFile::remove(storePath + QLatin1String(suffix));
        }
    }
    qInfo("SIGKILL iterations survived: %d (attempts %d, %d finished before the kill), seed %u", kills, attempt,
          completedBeforeKill, seed);
    QVERIFY2(kills >= requiredKills, qPrintable(QStringLiteral("only %1 kills landed").arg(kills)));

    // Re-import after the last kill: exactly the uninterrupted totals.
    QByteArray err;
    const int code = reliability::runStreamscope(importArguments(storePath), nullptr, &err);
    QVERIFY2(code == 0, err.constData());
    QCOMPARE(QString::fromStdString(reliability::integrityCheck(storePath.toStdString())), QStringLiteral("ok"));
    auto store = storage::Store::open(storePath.toStdString(), storage::Database::OpenMode::ReadOnly);
    QVERIFY(store);
    auto totals = reliability::snapshot(*store);
    QVERIFY(totals);
    auto expected = m_reference.totals;
    expected.maxRecordId = totals->maxRecordId; // ids may differ by import order; counts may not
    expected.sourceRows = totals->sourceRows;
    QVERIFY2(*totals == expected,
             qPrintable(reliability::describe(*totals) + QStringLiteral(" != ") + reliability::describe(expected)));
    QCOMPARE(totals->sourceRows, m_reference.totals.sourceRows);
    QCOMPARE(totals->maxRecordId, totals->records); // dense ids: rolled-back imports left no gaps
}

int main(int argc, char** argv)
{
    // 20+ kills with an integrity check each can outlast Qt Test's 5-minute watchdog on a loaded machine.
    if (!qEnvironmentVariableIsSet("QTEST_FUNCTION_TIMEOUT"))
        qputenv("QTEST_FUNCTION_TIMEOUT", "1800000");
    QCoreApplication app(argc, argv);
    TestCrashSafety test;
    return QTest::qExec(&test, argc, argv);
}
#include "tst_crashsafety.moc"
