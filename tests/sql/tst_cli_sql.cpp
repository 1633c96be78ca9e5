// streamscope sql: options, errors and the printed text. The Athena, Trino and Spark texts are compared with golden
// files (tests/data/sql/changelog-<dialect>.sql, reviewed by eye: those engines are not run here); set
// STREAMSCOPE_UPDATE_GOLDEN=1 to rewrite them after a deliberate change. DuckDB's text is executed by tst_sqlduckdb.

#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include "testsupport.h"

using testsupport::runCli;

class TestCliSql : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void golden_data()
    {
        QTest::addColumn<QString>("dialect");
        for (const char* d : {"duckdb", "athena", "trino", "spark"})
            QTest::newRow(d) << QString::fromLatin1(d);
    }

    void golden()
    {
        QFETCH(QString, dialect);
        const auto run =
            runCli({QStringLiteral("sql"), QStringLiteral("--dialect"), dialect, QStringLiteral("--source"),
                    QStringLiteral("changelog"), QStringLiteral("--location"),
                    QStringLiteral("s3://example-bucket/streamscope/changelog/"), QStringLiteral("--table"),
                    QStringLiteral("Orders"), QStringLiteral("--at"), QStringLiteral("2023-11-14T22:15:00Z")});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QVERIFY(run.err.isEmpty());
        const QString path = QStringLiteral(STREAMSCOPE_TEST_DATA_DIR "/sql/changelog-%1.sql").arg(dialect);
        if (qEnvironmentVariableIsSet("STREAMSCOPE_UPDATE_GOLDEN")) {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(run.out);
        }
        QFile f(path);
        QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(path));
        QCOMPARE(QString::fromUtf8(run.out), QString::fromUtf8(f.readAll()));
        // Every dialect states the audit kinds SQL cannot report, and the state time in microseconds.
        QVERIFY(run.out.contains("invalid-value and js-unsafe-number need"));
        QVERIFY(run.out.contains("key-mismatch is"));
        QVERIFY(run.out.contains("reused-event-id is reported"));
        QVERIFY(run.out.contains("1700000100000000"));
        if (dialect != QLatin1String("duckdb"))
            QVERIFY(run.out.contains("Not executed by Streamscope's tests on " + dialect.toUtf8()));
    }

    void goldenRaw_data()
    {
        QTest::addColumn<QString>("dialect");
        QTest::addColumn<QString>("source");
        QTest::addColumn<QString>("table");    // s3-incremental with --table: the changes view, audit and state too
        QTest::addColumn<QStringList>("more"); // s3-full: key attributes, export time, the incremental export after it
        const QStringList full{
            QStringLiteral("--key-attributes"),       QStringLiteral("pk,sk"),
            QStringLiteral("--export-time"),          QStringLiteral("2023-11-14T22:30:00Z"),
            QStringLiteral("--incremental-location"), QStringLiteral("s3://example-bucket/raw-incremental/"),
            QStringLiteral("--window-from"),          QStringLiteral("2023-11-14T22:00:00Z")};
        for (const char* d : {"athena", "trino", "spark"}) {
            for (const char* source : {"s3-incremental", "s3-full", "kinesis-archive"})
                QTest::newRow(qPrintable(QStringLiteral("%1 %2").arg(QLatin1String(d), QLatin1String(source))))
                    << QString::fromLatin1(d) << QString::fromLatin1(source) << QString() << QStringList();
            QTest::newRow(qPrintable(QStringLiteral("%1 s3-incremental --table").arg(QLatin1String(d))))
                << QString::fromLatin1(d) << QStringLiteral("s3-incremental") << QStringLiteral("Orders")
                << QStringList();
            QTest::newRow(qPrintable(QStringLiteral("%1 s3-full --table").arg(QLatin1String(d))))
                << QString::fromLatin1(d) << QStringLiteral("s3-full") << QStringLiteral("Orders") << full;
        }
    }

    // The generic (JSON text) definitions of the raw layouts for the engines not run here, and the views and queries
    // over S3 incremental export lines and Kinesis records, reviewed by eye as golden files (DuckDB's are executed by
    // tst_sqlduckdb rawLayoutsRead and rawAudit; the views the dialects share are parsed by DuckDB there).
    void goldenRaw()
    {
        QFETCH(QString, dialect);
        QFETCH(QString, source);
        QFETCH(QString, table);
        QFETCH(QStringList, more);
        QStringList arguments{QStringLiteral("sql"), QStringLiteral("--dialect"), dialect, QStringLiteral("--source")};
        arguments << source << QStringLiteral("--location") << QStringLiteral("s3://example-bucket/raw/");
        if (!table.isEmpty())
            arguments << QStringLiteral("--table") << table;
        arguments << more;
        const auto run = runCli(arguments);
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QString path = QStringLiteral(STREAMSCOPE_TEST_DATA_DIR "/sql/raw-%1%3-%2.sql")
                                 .arg(source, dialect, table.isEmpty() ? QString() : QStringLiteral("-views"));
        // With the views: the golden file holds what reads the raw lines; the changes view, audit and state after it
        // are the changelog's (golden()).
        // A Kinesis archive's records name their table: the views follow without --table.
        const bool views = !table.isEmpty() || source == QLatin1String("kinesis-archive");
        QByteArray text = run.out;
        if (views) {
            const qsizetype analysis = text.indexOf("-- The changes view:");
            QVERIFY(analysis > 0);
            text.truncate(analysis);
        }
        if (qEnvironmentVariableIsSet("STREAMSCOPE_UPDATE_GOLDEN")) {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(text);
        }
        QFile f(path);
        QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(path));
        QCOMPARE(QString::fromUtf8(text), QString::fromUtf8(f.readAll()));
        QVERIFY(run.out.contains("Not executed by Streamscope's tests on " + dialect.toUtf8()));
        QCOMPARE(run.out.contains("CREATE OR REPLACE VIEW streamscope_audit AS"), views);
        QVERIFY(run.out.contains("LOCATION 's3://example-bucket/raw/'")
                || run.out.contains("external_location = 's3://example-bucket/raw/'"));
    }

    void goldenFromStore_data()
    {
        QTest::addColumn<QString>("dialect");
        QTest::addColumn<QString>("source");
        for (const char* d : {"duckdb", "athena", "trino", "spark"}) {
            for (const char* source : {"s3-incremental", "s3-full", "kinesis-archive", "changelog"})
                QTest::newRow(qPrintable(QStringLiteral("%1 %2").arg(QLatin1String(d), QLatin1String(source))))
                    << QString::fromLatin1(d) << QString::fromLatin1(source);
        }
    }

    // --from-store: nested types from a store holding the public sample with every DynamoDB type (an S3 full-export
    // item: maps, lists of mixed types, sets, binary, NULL, BOOL, deep nesting).
    void goldenFromStore()
    {
        QFETCH(QString, dialect);
        QFETCH(QString, source);
        REQUIRE_SHARED_DIR();
        if (m_store.isEmpty()) {
            QVERIFY(m_dir.isValid());
            m_store = m_dir.filePath(QStringLiteral("all-types.streamscope"));
            const auto imported =
                runCli({QStringLiteral("import"), QStringLiteral("--store"), m_store, QStringLiteral("--no-progress"),
                        QStringLiteral("--table"), QStringLiteral("AllTypes"),
                        testsupport::samplesDir() + QStringLiteral("/olpa-streaming-json/all-types-dynamodb.json")});
            QVERIFY2(imported.exitCode == 0, imported.err.constData());
        }
        const auto run = runCli({QStringLiteral("sql"), QStringLiteral("--dialect"), dialect,
                                 QStringLiteral("--source"), source, QStringLiteral("--location"),
                                 QStringLiteral("s3://example-bucket/exports/data/"), QStringLiteral("--from-store"),
                                 m_store, QStringLiteral("--at"), QStringLiteral("2023-11-14T22:15:00Z")});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QByteArray text = run.out;
        if (source == QLatin1String("changelog")) // only the typed view: the rest is the golden() text
            text = text.mid(text.indexOf("-- The versions of AllTypes"));
        const QString path = QStringLiteral(STREAMSCOPE_TEST_DATA_DIR "/sql/from-store-%1-%2.sql").arg(source, dialect);
        if (qEnvironmentVariableIsSet("STREAMSCOPE_UPDATE_GOLDEN")) {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(text);
        }
        QFile f(path);
        QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(path));
        QCOMPARE(QString::fromUtf8(text), QString::fromUtf8(f.readAll()));
        QVERIFY(text.contains("deepValue"));
        QVERIFY(text.contains("NS"));
    }

    void fromStoreErrors()
    {
        const auto noStore =
            runCli({QStringLiteral("sql"), QStringLiteral("--dialect"), QStringLiteral("athena"),
                    QStringLiteral("--location"), QStringLiteral("s3://b/"), QStringLiteral("--from-store"),
                    m_dir.filePath(QStringLiteral("missing.streamscope"))});
        QCOMPARE(noStore.exitCode, 2);
        QVERIFY2(noStore.err.contains("no store at"), noStore.err.constData());
        if (m_store.isEmpty())
            QSKIP("needs goldenFromStore's store");
        const auto noTable = runCli(
            {QStringLiteral("sql"), QStringLiteral("--dialect"), QStringLiteral("athena"), QStringLiteral("--source"),
             QStringLiteral("s3-full"), QStringLiteral("--location"), QStringLiteral("s3://b/"),
             QStringLiteral("--from-store"), m_store, QStringLiteral("--table"), QStringLiteral("Nope")});
        QCOMPARE(noTable.exitCode, 2);
        QVERIFY2(noTable.err.contains("no table Nope"), noTable.err.constData());
    }

    void dialectSpecifics()
    {
        const auto sql = [](const QString& dialect, const QString& location) {
            return runCli(
                {QStringLiteral("sql"), QStringLiteral("--dialect"), dialect, QStringLiteral("--location"), location});
        };
        auto run = sql(QStringLiteral("athena"), QStringLiteral("s3://b/p"));
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.out.contains("ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'"));
        QVERIFY(run.out.contains("LOCATION 's3://b/p/'"));
        QVERIFY(run.out.contains("MSCK REPAIR TABLE"));
        run = sql(QStringLiteral("duckdb"), QStringLiteral("/data/it's"));
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.out.contains("read_json('/data/it''s/table=*/hour=*/part-*.jsonl*'"), run.out.constData());
        QVERIFY(run.out.contains("columns = {"));
        run = sql(QStringLiteral("spark"), QStringLiteral("s3://b/it's"));
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.out.contains("LOCATION 's3://b/it\\'s/'"));
        QVERIFY(run.out.contains("USING json"));
        run = sql(QStringLiteral("trino"), QStringLiteral("s3://b/p/"));
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.out.contains("partitioned_by = ARRAY['table', 'hour']"));
        // Without --at the state query asks for the latest time in the data.
        QVERIFY(run.out.contains("(SELECT max(time_us) FROM streamscope_changes)"));
    }

    void errors_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        const QString loc = QStringLiteral("--location");
        QTest::newRow("no dialect") << QStringList{loc, QStringLiteral("x")} << QStringLiteral("--dialect");
        QTest::newRow("bad dialect") << QStringList{QStringLiteral("--dialect"), QStringLiteral("mysql"), loc,
                                                    QStringLiteral("x")}
                                     << QStringLiteral("--dialect takes duckdb, athena, trino or spark");
        QTest::newRow("bad source") << QStringList{QStringLiteral("--dialect"),
                                                   QStringLiteral("duckdb"),
                                                   QStringLiteral("--source"),
                                                   QStringLiteral("kafka"),
                                                   loc,
                                                   QStringLiteral("x")}
                                    << QStringLiteral("--source takes");
        QTest::newRow("no location") << QStringList{QStringLiteral("--dialect"), QStringLiteral("duckdb")}
                                     << QStringLiteral("--location URI is required");
        QTest::newRow("bad time")
            << QStringList{QStringLiteral("--dialect"), QStringLiteral("duckdb"), loc,
                           QStringLiteral("x"),         QStringLiteral("--at"),   QStringLiteral("noon")}
            << QStringLiteral("--at takes");
        QTest::newRow("extra argument") << QStringList{QStringLiteral("--dialect"), QStringLiteral("duckdb"), loc,
                                                       QStringLiteral("x"), QStringLiteral("y")}
                                        << QStringLiteral("unexpected argument 'y'");
        const QStringList full{QStringLiteral("--dialect"),
                               QStringLiteral("duckdb"),
                               QStringLiteral("--source"),
                               QStringLiteral("s3-full"),
                               loc,
                               QStringLiteral("x")};
        QTest::newRow("key attributes without s3-full")
            << QStringList{QStringLiteral("--dialect"), QStringLiteral("duckdb"),           loc,
                           QStringLiteral("x"),         QStringLiteral("--key-attributes"), QStringLiteral("pk")}
            << QStringLiteral("are for --source s3-full");
        QTest::newRow("window without incremental lines")
            << (QStringList(full) << QStringLiteral("--window-from") << QStringLiteral("2023-11-14T22:00:00Z")
                                  << QStringLiteral("--table") << QStringLiteral("T")
                                  << QStringLiteral("--key-attributes") << QStringLiteral("pk")
                                  << QStringLiteral("--export-time") << QStringLiteral("2023-11-14T22:30:00Z"))
            << QStringLiteral("--window-from is for --source s3-incremental");
        const QStringList twoIncrementals = QStringList(full)
            << QStringLiteral("--table") << QStringLiteral("T") << QStringLiteral("--key-attributes")
            << QStringLiteral("pk") << QStringLiteral("--export-time") << QStringLiteral("2023-11-14T22:30:00Z")
            << QStringLiteral("--incremental-location") << QStringLiteral("a")
            << QStringLiteral("--incremental-location") << QStringLiteral("b");
        QTest::newRow("two incremental exports, one window")
            << (QStringList(twoIncrementals)
                << QStringLiteral("--window-from") << QStringLiteral("2023-11-14T22:00:00Z"))
            << QStringLiteral("2 --incremental-location but 1 --window-from: give one --window-from per incremental");
        QTest::newRow("two incremental exports, three windows")
            << (QStringList(twoIncrementals)
                << QStringLiteral("--window-from") << QStringLiteral("1700000000") << QStringLiteral("--window-from")
                << QStringLiteral("1700000001") << QStringLiteral("--window-from") << QStringLiteral("1700000002"))
            << QStringLiteral("2 --incremental-location but 3 --window-from");
        QTest::newRow("two windows for one incremental export")
            << QStringList{QStringLiteral("--dialect"),
                           QStringLiteral("duckdb"),
                           QStringLiteral("--source"),
                           QStringLiteral("s3-incremental"),
                           loc,
                           QStringLiteral("x"),
                           QStringLiteral("--table"),
                           QStringLiteral("T"),
                           QStringLiteral("--window-from"),
                           QStringLiteral("1700000000"),
                           QStringLiteral("--window-from"),
                           QStringLiteral("1700000001")}
            << QStringLiteral("2 --window-from: one export's lines have one window start");
        QTest::newRow("two incremental exports without full export, one window")
            << QStringList{QStringLiteral("--dialect"),
                           QStringLiteral("duckdb"),
                           QStringLiteral("--source"),
                           QStringLiteral("s3-incremental"),
                           loc,
                           QStringLiteral("x"),
                           QStringLiteral("--table"),
                           QStringLiteral("T"),
                           QStringLiteral("--incremental-location"),
                           QStringLiteral("y"),
                           QStringLiteral("--window-from"),
                           QStringLiteral("1700000000")}
            << QStringLiteral("2 exports (--location and 1 --incremental-location) but 1 --window-from");
        QTest::newRow("full export without export time")
            << (QStringList(full) << QStringLiteral("--table") << QStringLiteral("T")
                                  << QStringLiteral("--key-attributes") << QStringLiteral("pk"))
            << QStringLiteral("need --table, --key-attributes and --export-time");
        QTest::newRow("bad export time") << (QStringList(full)
                                             << QStringLiteral("--export-time") << QStringLiteral("later"))
                                         << QStringLiteral("--export-time takes");
        QTest::newRow("empty key attributes")
            << (QStringList(full) << QStringLiteral("--key-attributes") << QStringLiteral(","))
            << QStringLiteral("needs attribute names");
        QTest::newRow("control character")
            << QStringList{QStringLiteral("--dialect"), QStringLiteral("duckdb"), loc, QStringLiteral("a\nb")}
            << QStringLiteral("control character");
    }

    void errors()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        const auto run = runCli(QStringList{QStringLiteral("sql")} + arguments);
        QCOMPARE(run.exitCode, 2);
        QVERIFY(run.out.isEmpty());
        QVERIFY2(QString::fromUtf8(run.err).contains(message), run.err.constData());
    }

    // A full export and two incremental exports after it: one table per incremental export, and each export's
    // lines in streamscope_raw_lines with its own window start (--window-from paired with --incremental-location in
    // order). tst_sqlduckdb rawAudit runs this on DuckDB.
    void twoIncrementalExports()
    {
        const auto run = runCli({QStringLiteral("sql"),
                                 QStringLiteral("--dialect"),
                                 QStringLiteral("trino"),
                                 QStringLiteral("--source"),
                                 QStringLiteral("s3-full"),
                                 QStringLiteral("--location"),
                                 QStringLiteral("s3://b/full/"),
                                 QStringLiteral("--table"),
                                 QStringLiteral("T"),
                                 QStringLiteral("--key-attributes"),
                                 QStringLiteral("pk"),
                                 QStringLiteral("--export-time"),
                                 QStringLiteral("1700000000"),
                                 QStringLiteral("--incremental-location"),
                                 QStringLiteral("s3://b/first/"),
                                 QStringLiteral("--window-from"),
                                 QStringLiteral("1700000000"),
                                 QStringLiteral("--incremental-location"),
                                 QStringLiteral("s3://b/second/"),
                                 QStringLiteral("--window-from"),
                                 QStringLiteral("1700000300")});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QString out = QString::fromUtf8(run.out);
        QVERIFY(out.contains(QStringLiteral("CREATE TABLE IF NOT EXISTS streamscope_s3_incremental (")));
        QVERIFY(out.contains(QStringLiteral("external_location = 's3://b/first/'")));
        QVERIFY(out.contains(QStringLiteral("CREATE TABLE IF NOT EXISTS streamscope_s3_incremental_2 (")));
        QVERIFY(out.contains(QStringLiteral("external_location = 's3://b/second/'")));
        // Each window with the lines of its own export.
        const QRegularExpression first(QStringLiteral(
            R"(CAST\(1700000000000000 AS bigint\) AS window_from_us,[^;]*?FROM streamscope_s3_incremental\n)"));
        const QRegularExpression second(QStringLiteral(
            R"(CAST\(1700000300000000 AS bigint\) AS window_from_us,[^;]*?FROM streamscope_s3_incremental_2\n)"));
        QVERIFY2(first.match(out).hasMatch(), qPrintable(out));
        QVERIFY(second.match(out).hasMatch());
    }

    void help()
    {
        const auto run = runCli({QStringLiteral("sql"), QStringLiteral("--help")});
        QCOMPARE(run.exitCode, 0);
        for (const char* option :
             {"--dialect", "--source", "--location", "--table", "--at", "--from-store", "s3-incremental", "s3-full",
              "kinesis-archive", "--key-attributes", "--export-time", "--incremental-location", "--window-from"})
            QVERIFY2(run.out.contains(option), option);
        const auto global = runCli({QStringLiteral("--help")});
        QVERIFY(global.out.contains("sql"));
    }

private:
    QTemporaryDir m_dir;
    QString m_store;
};

QTEST_GUILESS_MAIN(TestCliSql)
#include "tst_cli_sql.moc"
