// StateJob (View ▸ State at a Time, issue 19): the items it lists for a table at a time are those of
// `streamscope state --at … --json` on the same store (key, sequence number, event ID, event, the image text exactly
// as stored), in the same order for these string keys; numeric, binary and composite keys are listed in typed key
// order as the keys list sorts them (Id=2 < Id=11 < Id=100), also under the cap; the list is capped and says how many
// rows it left out; a cancelled walk delivers no rows and the store is unchanged.

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

#include "app/viewmodels/importjob.h"
#include "app/viewmodels/statejob.h"
#include "storage/exporttestsupport.h"
#include "testsupport.h"

namespace {
QString importInto(const QString& store, const QString& capture)
{
    const ImportResultInfo info =
        storeImportFunction()(store, {capture}, [](const ImportProgressInfo&) { return true; });
    return info.filesImported == 1 ? QString() : QStringLiteral("import of %1 failed").arg(capture);
}

QString isoSeconds(qint64 micros)
{
    return QDateTime::fromMSecsSinceEpoch(micros / 1000, QTimeZone::utc()).toString(Qt::ISODate);
}

UserJob::Progress always()
{
    return [](qint64, qint64) { return true; };
}
} // namespace

class TestStateJob : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void equalsTheCli_data();
    void equalsTheCli();
    void unknownImagesListed();
    void cappedAndSaysSo();
    void typedKeyOrder();
    void beforeEverything();
    void unknownTable();
    void cancelLeavesNothing();
    void jobDeliversInBackground();

private:
    StateResult readNow(const QString& store, const QString& table, qint64 at, int rowLimit = 100000);
    QTemporaryDir m_dir;
    QString m_store;    ///< NEW_AND_OLD_IMAGES, 2 tables, removes
    QString m_keysOnly; ///< KEYS_ONLY
    QStringList m_tables;
    qint64 m_first = 0;
    qint64 m_last = 0;
};

void TestStateJob::initTestCase()
{
    REQUIRE_SHARED_DIR();
    const QString capture = m_dir.filePath(QStringLiteral("state.json"));
    QString error = testsupport::runGenerator(
        {QStringLiteral("--seed"), QStringLiteral("19"), QStringLiteral("--records"), QStringLiteral("900"),
         QStringLiteral("--keys"), QStringLiteral("120"), QStringLiteral("--tables"), QStringLiteral("2"),
         QStringLiteral("--remove-rate"), QStringLiteral("0.15"), QStringLiteral("--layout"), QStringLiteral("single"),
         QStringLiteral("--quiet"), QStringLiteral("--out"), capture});
    QVERIFY2(error.isEmpty(), qPrintable(error));
    m_store = m_dir.filePath(QStringLiteral("state.streamscope"));
    error = importInto(m_store, capture);
    QVERIFY2(error.isEmpty(), qPrintable(error));

    const QString keysOnly = m_dir.filePath(QStringLiteral("keysonly.json"));
    error = testsupport::runGenerator({QStringLiteral("--seed"), QStringLiteral("7"), QStringLiteral("--records"),
                                       QStringLiteral("200"), QStringLiteral("--keys"), QStringLiteral("30"),
                                       QStringLiteral("--view-type"), QStringLiteral("KEYS_ONLY"),
                                       QStringLiteral("--layout"), QStringLiteral("single"), QStringLiteral("--quiet"),
                                       QStringLiteral("--out"), keysOnly});
    QVERIFY2(error.isEmpty(), qPrintable(error));
    m_keysOnly = m_dir.filePath(QStringLiteral("keysonly.streamscope"));
    error = importInto(m_keysOnly, keysOnly);
    QVERIFY2(error.isEmpty(), qPrintable(error));

    auto store = storage::Store::open(m_store.toStdString(), storage::Database::OpenMode::ReadOnly);
    QVERIFY(store);
    auto tables = store->tables();
    QVERIFY(tables);
    QCOMPARE(tables->size(), std::size_t(2));
    for (const auto& t : *tables)
        m_tables << QString::fromStdString(t.name);
    auto totals = store->totals();
    QVERIFY(totals && totals->firstTimeMicros && totals->lastTimeMicros);
    m_first = *totals->firstTimeMicros;
    m_last = *totals->lastTimeMicros;
    QVERIFY(m_last - m_first > 10'000'000);
}

StateResult TestStateJob::readNow(const QString& store, const QString& table, qint64 at, int rowLimit)
{
    auto opened = storage::Store::open(store.toStdString(), storage::Database::OpenMode::ReadOnly);
    if (!opened) {
        StateResult r;
        r.error = QString::fromStdString(opened.error().message);
        return r;
    }
    StateRequest request;
    request.storePath = store;
    request.table = table;
    request.atMicros = at;
    request.rowLimit = rowLimit;
    return StateJob::read(*opened, request, always());
}

void TestStateJob::equalsTheCli_data()
{
    QTest::addColumn<int>("table");
    QTest::addColumn<int>("percent"); // of the store's time span
    QTest::newRow("table 1, a third in") << 0 << 33;
    QTest::newRow("table 2, half way") << 1 << 50;
    QTest::newRow("table 1, at the end") << 0 << 100;
}

void TestStateJob::equalsTheCli()
{
    QFETCH(int, table);
    QFETCH(int, percent);
    // Whole seconds: the CLI reads --at to the millisecond.
    const qint64 at = (m_first + (m_last - m_first) * percent / 100) / 1'000'000 * 1'000'000;
    const QString name = m_tables.at(table);
    const StateResult r = readNow(m_store, name, at);
    QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
    QVERIFY(!r.cancelled);
    QCOMPARE(r.leftOut, 0);
    QVERIFY(r.counts.items > 0);
    if (percent == 33)
        QVERIFY(r.counts.notYetSeen > 0); // keys first written later
    if (percent == 100)
        QCOMPARE(r.counts.notYetSeen, 0);

    const testsupport::CliRun cli =
        testsupport::runCli({QStringLiteral("state"), QStringLiteral("--store"), m_store, QStringLiteral("--table"),
                             name, QStringLiteral("--at"), isoSeconds(at), QStringLiteral("--json")});
    QVERIFY2(cli.exitCode == 0, cli.err.constData());
    // One entry per line between "items":[ and ],"unknown":[ (the CLI streams them).
    const QList<QByteArray> lines = cli.out.split('\n');
    qsizetype begin = -1;
    qsizetype end = -1;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        if (lines[i].endsWith("\"items\":["))
            begin = i + 1;
        else if (lines[i].startsWith("],\"unknown\":["))
            end = i;
    }
    QVERIFY(begin > 0 && end >= begin);
    QCOMPARE(end - begin, qsizetype(r.rows.size()));
    for (std::size_t i = 0; i < r.rows.size(); ++i) {
        const StateRow& row = r.rows[i];
        QByteArray line = lines[begin + qsizetype(i)];
        if (line.endsWith(','))
            line.chop(1);
        const QByteArray head = "{\"key\":" + row.keyJson.toUtf8() + ",\"sequenceNumber\":\""
            + row.sequenceNumber.toUtf8() + "\",\"eventID\":\"" + row.eventId.toUtf8() + "\",\"eventName\":\""
            + row.eventName.toUtf8() + "\"";
        QVERIFY2(line.startsWith(head),
                 qPrintable(
                     QStringLiteral("row %1: %2 vs %3").arg(i).arg(QString::fromUtf8(line), QString::fromUtf8(head))));
        QVERIFY2(line.endsWith(",\"image\":" + row.itemJson.toUtf8() + "}"), qPrintable(QString::number(i)));
        QVERIFY(row.imageKnown);
        QVERIFY(row.keyId > 0 && row.recordId > 0);
        QVERIFY(!row.plainJson.isEmpty());
    }
    // The counts line.
    const qsizetype countsAt = cli.out.lastIndexOf("\"counts\":");
    QVERIFY(countsAt > 0);
    const QByteArray countsJson = cli.out.mid(countsAt + 9).trimmed().chopped(1); // without the closing brace
    const QJsonObject counts = QJsonDocument::fromJson(countsJson).object();
    QCOMPARE(counts.value(QStringLiteral("items")).toInteger(), r.counts.items);
    QCOMPARE(counts.value(QStringLiteral("unknown")).toInteger(), r.counts.unknown);
    QCOMPARE(counts.value(QStringLiteral("absent")).toInteger(), r.counts.absent);
    QCOMPARE(counts.value(QStringLiteral("notYetSeen")).toInteger(), r.counts.notYetSeen);
    QVERIFY(r.summary().contains(QStringLiteral("%1 removed").arg(r.counts.absent)));
}

void TestStateJob::unknownImagesListed()
{
    auto store = storage::Store::open(m_keysOnly.toStdString(), storage::Database::OpenMode::ReadOnly);
    QVERIFY(store);
    auto tables = store->tables();
    QVERIFY(tables && !tables->empty() && tables->front().lastTimeMicros);
    const StateResult r =
        readNow(m_keysOnly, QString::fromStdString(tables->front().name), *tables->front().lastTimeMicros);
    QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
    QVERIFY(r.counts.unknown > 0);
    QCOMPARE(qint64(r.rows.size()), r.counts.items + r.counts.unknown);
    int unknown = 0;
    StateTableModel model;
    model.setRows(r.rows);
    for (int i = 0; i < model.rowCount(); ++i) {
        if (r.rows[std::size_t(i)].imageKnown)
            continue;
        ++unknown;
        QVERIFY(r.rows[std::size_t(i)].itemJson.isEmpty());
        QVERIFY(model.data(model.index(i, StateTableModel::ItemColumn)).toString().contains(QStringLiteral("unknown")));
    }
    QCOMPARE(unknown, r.counts.unknown);
}

void TestStateJob::cappedAndSaysSo()
{
    const QString name = m_tables.front();
    const StateResult full = readNow(m_store, name, m_last);
    QVERIFY(full.rows.size() > 10);
    const StateResult capped = readNow(m_store, name, m_last, 10);
    QVERIFY2(capped.error.isEmpty(), qPrintable(capped.error));
    QCOMPARE(capped.rows.size(), std::size_t(10));
    QCOMPARE(capped.leftOut, qint64(full.rows.size()) - 10);
    // Counts are of the whole table, and the first rows are the same rows.
    QCOMPARE(capped.counts.items, full.counts.items);
    QCOMPARE(capped.counts.absent, full.counts.absent);
    for (std::size_t i = 0; i < 10; ++i)
        QCOMPARE(capped.rows[i].keyJson, full.rows[i].keyJson);
    QVERIFY2(capped.summary().contains(QStringLiteral("showing the first 10 of %1").arg(full.rows.size())),
             qPrintable(capped.summary()));
    QVERIFY(!full.summary().contains(QStringLiteral("showing")));

    // The byte cap: only what fits in it is kept.
    auto store = storage::Store::open(m_store.toStdString(), storage::Database::OpenMode::ReadOnly);
    QVERIFY(store);
    StateRequest request;
    request.table = name;
    request.atMicros = m_last;
    request.byteLimit = 4096;
    const StateResult small = StateJob::read(*store, request, always());
    QVERIFY(!small.rows.empty());
    QVERIFY(small.rows.size() < full.rows.size());
    QCOMPARE(small.leftOut, qint64(full.rows.size() - small.rows.size()));
    qint64 bytes = 0;
    for (const StateRow& row : small.rows)
        bytes += 2 * (row.itemJson.size() + row.plainJson.size() + row.keyText.size() + row.keyJson.size());
    QVERIFY(bytes <= request.byteLimit);
}

void TestStateJob::typedKeyOrder()
{
    // Written in an order that is neither typed nor text order; one table of numeric keys, one of composite keys.
    const QString path = m_dir.filePath(QStringLiteral("typed.streamscope"));
    {
        auto store = storage::Store::open(path.toStdString());
        QVERIFY(store);
        std::vector<exporttest::Rec> records;
        int seq = 100;
        const auto add = [&](const std::string& table, const std::string& keys) {
            exporttest::Rec r;
            r.table = table;
            r.arn = "arn:aws:dynamodb:eu-central-1:1:table/" + table + "/stream/x";
            r.keysJson = keys;
            r.seq = std::to_string(seq++);
            r.micros = 1'700'000'000'000'000 + std::int64_t(seq) * 1'000'000;
            r.newImage = keys;
            records.push_back(r);
        };
        for (const char* id : {"100", "11", "2", "1000", "101", "9", "-3", "1.5"})
            add("Numbers", std::string(R"({"Id":{"N":")") + id + R"("}})");
        for (const char* pk : {"b", "a"})
            for (const char* sk : {"10", "9", "100"})
                add("Composite", std::string(R"({"pk":{"S":")") + pk + R"("},"sk":{"N":")" + sk + R"("}})");
        // Binary keys: decoded bytes (ff sorts after 00 01 although its base64 "/w==" sorts before "AAE=").
        for (const char* b : {"/w==", "AAE=", "AA=="})
            add("Binary", std::string(R"({"Id":{"B":")") + b + R"("}})");
        QCOMPARE(QString::fromStdString(exporttest::load(*store, records, "typed")), QString());
    }
    const qint64 end = 1'800'000'000'000'000;
    const auto keysOf = [](const StateResult& r) {
        QStringList keys;
        for (const StateRow& row : r.rows)
            keys << row.keyText;
        return keys;
    };
    StateResult r = readNow(path, QStringLiteral("Numbers"), end);
    QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
    QCOMPARE(keysOf(r),
             QStringList({QStringLiteral("Id=-3"), QStringLiteral("Id=1.5"), QStringLiteral("Id=2"),
                          QStringLiteral("Id=9"), QStringLiteral("Id=11"), QStringLiteral("Id=100"),
                          QStringLiteral("Id=101"), QStringLiteral("Id=1000")}));
    // Under the row cap the list is the first rows of that order (not the first the store's text order reads).
    r = readNow(path, QStringLiteral("Numbers"), end, 3);
    QCOMPARE(keysOf(r), QStringList({QStringLiteral("Id=-3"), QStringLiteral("Id=1.5"), QStringLiteral("Id=2")}));
    QCOMPARE(r.leftOut, 5);
    // Under the byte cap too: only a prefix of the order, whatever fits.
    {
        auto store = storage::Store::open(path.toStdString(), storage::Database::OpenMode::ReadOnly);
        QVERIFY(store);
        StateRequest request;
        request.table = QStringLiteral("Numbers");
        request.atMicros = end;
        request.byteLimit = 400;
        const StateResult small = StateJob::read(*store, request, always());
        QVERIFY(!small.rows.empty() && small.rows.size() < 8);
        QCOMPARE(keysOf(small),
                 keysOf(readNow(path, QStringLiteral("Numbers"), end)).mid(0, qsizetype(small.rows.size())));
        QCOMPARE(small.leftOut, qint64(8 - small.rows.size()));
    }
    r = readNow(path, QStringLiteral("Composite"), end);
    QCOMPARE(keysOf(r).size(), 6);
    QStringList composite;
    for (const char* pk : {"a", "b"})
        for (const char* sk : {"9", "10", "100"})
            composite << QStringLiteral("pk=%1, sk=%2").arg(QLatin1String(pk), QLatin1String(sk));
    QCOMPARE(keysOf(r).join(QLatin1Char('|')).remove(QLatin1Char(' ')),
             composite.join(QLatin1Char('|')).remove(QLatin1Char(' ')));
    r = readNow(path, QStringLiteral("Binary"), end);
    QStringList binary;
    for (const StateRow& row : r.rows)
        binary << row.keyJson;
    QCOMPARE(binary,
             QStringList({QStringLiteral(R"({"Id":{"B":"AA=="}})"), QStringLiteral(R"({"Id":{"B":"AAE="}})"),
                          QStringLiteral(R"({"Id":{"B":"/w=="}})")}));
}

void TestStateJob::beforeEverything()
{
    const StateResult r = readNow(m_store, m_tables.front(), m_first - 1);
    QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
    QVERIFY(r.rows.empty());
    QCOMPARE(r.counts.items, 0);
    QVERIFY(r.counts.notYetSeen > 0);
    QVERIFY(r.summary().contains(QStringLiteral("0 items")));
}

void TestStateJob::unknownTable()
{
    const StateResult r = readNow(m_store, QStringLiteral("NoSuchTable"), m_last);
    QVERIFY(r.rows.empty());
    QVERIFY2(r.error.contains(QStringLiteral("no table named NoSuchTable")), qPrintable(r.error));
    QVERIFY(r.summary().startsWith(QStringLiteral("Cannot read the state of NoSuchTable")));
}

void TestStateJob::cancelLeavesNothing()
{
    const QByteArray before = testsupport::fileSha256(m_store);
    auto store = storage::Store::open(m_store.toStdString(), storage::Database::OpenMode::ReadOnly);
    QVERIFY(store);
    StateRequest request;
    request.table = m_tables.front();
    request.atMicros = m_last;
    int calls = 0;
    qint64 lastTotal = 0;
    const StateResult r = StateJob::read(*store, request, [&](qint64, qint64 total) {
        lastTotal = total;
        return ++calls < 5; // the fifth item stops the walk
    });
    QCOMPARE(calls, 5);
    QVERIFY(lastTotal > 5); // the table's key count
    QVERIFY(r.cancelled);
    QVERIFY(r.rows.empty());
    QCOMPARE(r.leftOut, 0);
    QVERIFY(r.error.isEmpty());
    QCOMPARE(r.summary(), QStringLiteral("Cancelled: nothing listed"));

    // Through the job: cancelled at once, nothing is delivered but "cancelled".
    StateJob job;
    QSignalSpy done(&job, &StateJob::finished);
    request.storePath = m_store;
    job.start(request);
    QVERIFY(job.isRunning());
    job.cancel();
    QVERIFY(done.wait(20'000));
    const auto result = done.front().front().value<StateResult>();
    QVERIFY(result.cancelled);
    QVERIFY(result.rows.empty());
    QVERIFY(!job.isRunning());
    QCOMPARE(testsupport::fileSha256(m_store), before);
}

void TestStateJob::jobDeliversInBackground()
{
    StateJob job;
    job.setProgressIntervalMs(0);
    QSignalSpy done(&job, &StateJob::finished);
    QSignalSpy progress(&job, &StateJob::progressChanged);
    StateRequest request;
    request.storePath = m_store;
    request.table = m_tables.back();
    request.atMicros = m_last;
    job.start(request);
    QVERIFY(done.wait(20'000));
    const auto result = done.front().front().value<StateResult>();
    QVERIFY2(result.error.isEmpty(), qPrintable(result.error));
    QVERIFY(!result.cancelled);
    QCOMPARE(qint64(result.rows.size()), result.counts.items + result.counts.unknown);
    QVERIFY(!progress.isEmpty());
    const StateResult direct = readNow(m_store, m_tables.back(), m_last);
    QCOMPARE(result.rows.size(), direct.rows.size());

    // An unreadable store: the reason, no rows.
    request.storePath = m_dir.filePath(QStringLiteral("missing.streamscope"));
    done.clear();
    job.start(request);
    QVERIFY(done.wait(20'000));
    const auto failed = done.front().front().value<StateResult>();
    QVERIFY(!failed.error.isEmpty());
    QVERIFY(failed.rows.empty());
}

QTEST_GUILESS_MAIN(TestStateJob)
#include "tst_statejob.moc"
