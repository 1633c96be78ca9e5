// CLI: `streamscope import` as a user runs it. Exit codes (0 imported, 1 skipped records, 2 usage, 3 a file failed,
// 4 store error), what is printed where (results on stdout, problems on stderr naming file, record index and byte
// offset), --strict, --json, re-import, the table of GetRecords output (named after the file, --table,
// --stream-arn), and the progress bar: drawn on a terminal (run under a pseudo-terminal here), never into a pipe.

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testsupport.h"

namespace {

using Run = testsupport::CliRun;

Run run(const QStringList& args)
{
    return testsupport::runCli(args);
}

/// Runs the binary with stdout and stderr on a pseudo-terminal (as in a terminal window); returns all it wrote.
Run runOnTerminal(const QStringList& args)
{
    std::vector<QByteArray> storage{QByteArray(STREAMSCOPE_BINARY)};
    for (const QString& a : args)
        storage.push_back(a.toLocal8Bit());
    std::vector<char*> argv;
    for (auto& s : storage)
        argv.push_back(s.data());
    argv.push_back(nullptr);
    Run r;
    int master = -1;
    const pid_t pid = forkpty(&master, nullptr, nullptr, nullptr);
    if (pid < 0)
        return r;
    if (pid == 0) {
        execv(argv[0], argv.data());
        _exit(127);
    }
    char buffer[4096];
    for (;;) {
        const ssize_t n = read(master, buffer, sizeof buffer);
        if (n <= 0)
            break; // EIO once the child has exited and closed the terminal
        r.out.append(buffer, static_cast<int>(n));
    }
    close(master);
    int status = 0;
    waitpid(pid, &status, 0);
    r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

QByteArray lambdaRecord(int id, bool withKeys)
{
    const QByteArray n = QByteArray::number(id);
    return R"({"eventID":")" + n + R"(","eventName":"INSERT","eventSource":"aws:dynamodb","awsRegion":"us-east-1",)"
        + R"("dynamodb":{)" + (withKeys ? R"("Keys":{"Id":{"N":")" + n + R"("}},)" : QByteArray())
        + R"("NewImage":{"Id":{"N":")" + n + R"("},"Price":{"N":"1.50"}},"SequenceNumber":")" + n
        + R"(00","SizeBytes":10,"StreamViewType":"NEW_IMAGE","ApproximateCreationDateTime":1700000000},)"
        + R"("eventSourceARN":"arn:aws:dynamodb:us-east-1:123456789012:table/T/stream/2024-01-01T00:00:00.000"})";
}

/// Runs `script` with bash (arguments $0, $1, ...: the binary first), stdout and stderr apart: for what QProcess cannot
/// pass as it is (file names that are not UTF-8, made with printf) or set up (ulimit).
Run runBash(const QString& script, const QStringList& arguments)
{
    QProcess p;
    p.start(QStringLiteral("bash"),
            QStringList{QStringLiteral("-c"), script, QStringLiteral(STREAMSCOPE_BINARY)} + arguments);
    Run r;
    if (!p.waitForFinished(120000)) {
        p.kill();
        p.waitForFinished();
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

} // namespace

class TestCliImport : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_stores = 0;

    QString newStore() { return m_dir.filePath(QStringLiteral("s%1.streamscope").arg(++m_stores)); }
    QString sample(const char* relative) const
    {
        return testsupport::samplesDir() + QLatin1Char('/') + QLatin1String(relative);
    }
    static int keyCount(const QString& store)
    {
        const Run r = run({QStringLiteral("keys"), QStringLiteral("--store"), store, QStringLiteral("--json")});
        if (r.exitCode != 0)
            return -1;
        return QJsonDocument::fromJson(r.out).object().value(QStringLiteral("count")).toInt(-1);
    }
    static QJsonArray keys(const QString& store)
    {
        const Run r = run({QStringLiteral("keys"), QStringLiteral("--store"), store, QStringLiteral("--json")});
        return QJsonDocument::fromJson(r.out).object().value(QStringLiteral("keys")).toArray();
    }

    /// A Lambda event of two records, the second without Keys; `offset` receives the byte offset of the second.
    QString writeSkipFile(qint64& offset)
    {
        const QString path = m_dir.filePath(QStringLiteral("one-bad-record.json"));
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return {};
        QByteArray content = "{\"Records\":[\n" + lambdaRecord(1, true) + ",\n";
        offset = content.size();
        content += lambdaRecord(2, false) + "\n]}\n";
        f.write(content);
        return path;
    }

private Q_SLOTS:
    void initTestCase()
    {
        REQUIRE_SHARED_DIR();
        QVERIFY(m_dir.isValid());
    }

    void importsAndReimports()
    {
        const QString store = newStore();
        const QString file = sample("aws-lambda-go/dynamodb-event.json");
        Run r = run({QStringLiteral("import"), QStringLiteral("--store"), store, file});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("imported " + file.toLocal8Bit() + " (lambda-dynamodb)"), r.out.constData());
        QVERIFY2(r.out.contains("total: 1 file(s)"), r.out.constData());
        QVERIFY2(r.err.isEmpty(), r.err.constData()); // no progress bar into a pipe, nothing else to report
        const int keysAfterFirst = keyCount(store);
        QVERIFY(keysAfterFirst > 0);

        r = run({QStringLiteral("import"), QStringLiteral("--store"), store, file});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("already imported " + file.toLocal8Bit()), r.out.constData());
        QVERIFY2(r.out.contains("nothing added"), r.out.constData());
        QVERIFY2(r.out.contains("0 new"), r.out.constData());
        QCOMPARE(keyCount(store), keysAfterFirst);
    }

    void skippedRecordExitsOne()
    {
        qint64 offset = 0;
        const QString file = writeSkipFile(offset);
        QVERIFY(!file.isEmpty());
        const QString store = newStore();
        const Run r = run({QStringLiteral("import"), QStringLiteral("--store"), store, file});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.out.contains("1 new") && r.out.contains("1 skipped"), r.out.constData());
        // Records counted from 1, with line and column (issue 17): the second record starts line 3.
        const QByteArray expected = "skipped " + file.toLocal8Bit() + " record 2 at line 3, column 1 (byte "
            + QByteArray::number(offset) + "): missing dynamodb.Keys";
        QVERIFY2(r.err.contains(expected), r.err.constData());
        QCOMPARE(keyCount(store), 1);
    }

    void strictFailsTheFile()
    {
        qint64 offset = 0;
        const QString file = writeSkipFile(offset);
        const QString store = newStore();
        const Run r =
            run({QStringLiteral("import"), QStringLiteral("--strict"), QStringLiteral("--store"), store, file});
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.err.contains("FAILED " + file.toLocal8Bit() + ": record 2 at line 3, column 1 (byte "
                                + QByteArray::number(offset) + ")"),
                 r.err.constData());
        QVERIFY2(r.err.contains("--strict: an invalid record: missing dynamodb.Keys (nothing imported from this file)"),
                 r.err.constData());
        QCOMPARE(r.err.count("(byte "), 1); // the position is said once
        QCOMPARE(keyCount(store), 0);       // the valid first record is not kept either
    }

    void malformedSampleExitsThree()
    {
        const QString store = newStore();
        const QString good = sample("aws-lambda-go/dynamodb-event.json");
        QCOMPARE(run({QStringLiteral("import"), QStringLiteral("--store"), store, good}).exitCode, 0);
        const int before = keyCount(store);
        const QString bad = sample("aws-lambda-go/dynamodb-event-malformed.2.json");
        const Run r = run({QStringLiteral("import"), QStringLiteral("--store"), store, bad});
        QCOMPARE(r.exitCode, 3);
        // Truncated inside its second record: reported at the end of the file, records counted from 1.
        QVERIFY2(r.err.contains("FAILED " + bad.toLocal8Bit() + ": record 2 at line "), r.err.constData());
        QVERIFY2(r.err.contains("truncated"), r.err.constData());
        QCOMPARE(keyCount(store), before);
    }

    void usageErrorsExitTwo_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        const QString file = sample("aws-lambda-go/dynamodb-event.json");
        const QString store = m_dir.filePath(QStringLiteral("usage.streamscope"));
        QTest::newRow("no --store") << QStringList{QStringLiteral("import"), file} << QStringLiteral("--store FILE");
        QTest::newRow("no path") << QStringList{QStringLiteral("import"), QStringLiteral("--store"), store}
                                 << QStringLiteral("no capture file or folder");
        QTest::newRow("bad --stream-arn")
            << QStringList{QStringLiteral("import"),       QStringLiteral("--store"),    store,
                           QStringLiteral("--stream-arn"), QStringLiteral("not-an-arn"), file}
            << QStringLiteral("--stream-arn must look like");
        QTest::newRow("unknown option") << QStringList{QStringLiteral("import"), QStringLiteral("--store"), store,
                                                       QStringLiteral("--frobnicate"), file}
                                        << QStringLiteral("frobnicate");
    }

    void usageErrorsExitTwo()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const Run r = run(args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(message.toUtf8()), r.err.constData());
        QVERIFY2(r.out.isEmpty(), r.out.constData());
        QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("usage.streamscope")))); // no store created
    }

    void storeErrorsExitFour()
    {
        const QString file = sample("aws-lambda-go/dynamodb-event.json");
        const QString folder = m_dir.filePath(QStringLiteral("a-folder"));
        QVERIFY(QDir().mkpath(folder));
        Run r = run({QStringLiteral("import"), QStringLiteral("--store"), folder, file});
        QCOMPARE(r.exitCode, 4);
        QVERIFY2(r.err.contains("is a folder"), r.err.constData());
        QVERIFY(QDir(folder).isEmpty());

        const QString text = m_dir.filePath(QStringLiteral("notes.txt"));
        {
            QFile f(text);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("these are my notes, not a store\n");
        }
        r = run({QStringLiteral("import"), QStringLiteral("--store"), text, file});
        QCOMPARE(r.exitCode, 4);
        QVERIFY2(r.err.contains("is not a Streamscope store"), r.err.constData());
        QFile f(text);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), QByteArray("these are my notes, not a store\n")); // untouched
    }

    void jsonSummary()
    {
        // A folder with a good file, a file with a skipped record and the malformed sample: one JSON document on
        // stdout whose exitCode is the process's (3: a file failed), every file with its status and positions.
        const QString folder = m_dir.filePath(QStringLiteral("mixed"));
        QVERIFY(QDir().mkpath(folder));
        qint64 offset = 0;
        const QString skipFile = writeSkipFile(offset);
        QVERIFY(QFile::copy(skipFile, folder + QStringLiteral("/b-skip.json")));
        QVERIFY(QFile::copy(sample("aws-lambda-go/dynamodb-event.json"), folder + QStringLiteral("/a-good.json")));
        QVERIFY(QFile::copy(sample("aws-lambda-go/dynamodb-event-malformed.2.json"),
                            folder + QStringLiteral("/c-bad.json")));
        const QString store = newStore();
        const Run r =
            run({QStringLiteral("import"), QStringLiteral("--store"), store, QStringLiteral("--json"), folder});
        QCOMPARE(r.exitCode, 3);
        QJsonParseError error;
        const QJsonObject o = QJsonDocument::fromJson(r.out, &error).object();
        QVERIFY2(error.error == QJsonParseError::NoError, r.out.constData());
        QCOMPARE(o.value(QStringLiteral("exitCode")).toInt(), 3);
        const QJsonArray files = o.value(QStringLiteral("files")).toArray();
        QCOMPARE(files.size(), 3);
        // Sorted: a-good, b-skip, c-bad.
        const QJsonObject good = files.at(0).toObject(), skip = files.at(1).toObject(), bad = files.at(2).toObject();
        QVERIFY(good.value(QStringLiteral("path")).toString().endsWith(QStringLiteral("a-good.json")));
        QCOMPARE(good.value(QStringLiteral("status")).toString(), QStringLiteral("imported"));
        QCOMPARE(good.value(QStringLiteral("format")).toString(), QStringLiteral("lambda-dynamodb"));
        QCOMPARE(skip.value(QStringLiteral("inserted")).toInt(), 1);
        QCOMPARE(skip.value(QStringLiteral("skipped")).toInt(), 1);
        const QJsonObject skipped = skip.value(QStringLiteral("skippedRecords")).toArray().at(0).toObject();
        QCOMPARE(skipped.value(QStringLiteral("record")).toInt(), 2); // counted from 1, as in every message
        QCOMPARE(skipped.value(QStringLiteral("byte")).toInteger(), offset);
        QCOMPARE(skipped.value(QStringLiteral("line")).toInt(), 3);
        QCOMPARE(skipped.value(QStringLiteral("column")).toInt(), 1);
        QVERIFY(skipped.value(QStringLiteral("reason")).toString().contains(QStringLiteral("Keys")));
        QCOMPARE(bad.value(QStringLiteral("status")).toString(), QStringLiteral("failed"));
        const QJsonObject failure = bad.value(QStringLiteral("failure")).toObject();
        QCOMPARE(failure.value(QStringLiteral("record")).toInt(), 2);
        QVERIFY(failure.value(QStringLiteral("byte")).toInteger() > 0);
        QVERIFY(failure.value(QStringLiteral("line")).toInt() > 0);
        QVERIFY(failure.value(QStringLiteral("column")).toInt() > 0);
        QVERIFY(!failure.value(QStringLiteral("reason")).toString().isEmpty());
        const QJsonObject totals = o.value(QStringLiteral("totals")).toObject();
        QCOMPARE(totals.value(QStringLiteral("files")).toInt(), 3);
        QCOMPARE(totals.value(QStringLiteral("inserted")).toInt(), good.value(QStringLiteral("inserted")).toInt() + 1);
        QCOMPARE(keyCount(store), good.value(QStringLiteral("inserted")).toInt() + 1);
    }

    void infoShowsMixedViewTypes()
    {
        // The aws-lambda-dotnet sample's records carry OLD_IMAGE and NEW_AND_OLD_IMAGES under one stream ARN: info
        // shows the stream as mixed (issue 17; it showed the first view type only).
        const QString store = newStore();
        QCOMPARE(run({QStringLiteral("import"), QStringLiteral("--store"), store,
                      sample("aws-lambda-dotnet/dynamodb-event.json")})
                     .exitCode,
                 0);
        const Run text = run({QStringLiteral("info"), QStringLiteral("--store"), store});
        QCOMPARE(text.exitCode, 0);
        QVERIFY2(text.out.contains("mixed (OLD_IMAGE, NEW_AND_OLD_IMAGES)"), text.out.constData());
        const Run json = run({QStringLiteral("info"), QStringLiteral("--store"), store, QStringLiteral("--json")});
        QCOMPARE(json.exitCode, 0);
        QVERIFY2(json.out.contains("\"viewType\":\"mixed\"") || json.out.contains("\"viewType\": \"mixed\""),
                 json.out.constData());
        QVERIFY2(json.out.contains("NEW_AND_OLD_IMAGES"), json.out.constData());
    }

    void tableOfGetRecordsOutput()
    {
        // GetRecords output carries no eventSourceARN: the stream and table come from --stream-arn or --table, else
        // from the stream its NextShardIterator names (issue 17), and the summary says which.
        const QString file = sample("dynamodb-developer-guide/API_streams_GetRecords.sample-response-body.json");
        struct Case
        {
            QStringList options;
            QString table;
            QByteArray note;
        };
        const QList<Case> cases{
            {{},
             QStringLiteral("Forum"),
             "of stream arn:aws:dynamodb:us-west-2:111122223333:table/Forum/stream/2015-05-20T20:51:10.252 (from the "
             "response's NextShardIterator)"},
            {{QStringLiteral("--table"), QStringLiteral("Music")}, QStringLiteral("Music"), "(from --table)"},
            {{QStringLiteral("--stream-arn"),
              QStringLiteral("arn:aws:dynamodb:eu-west-1:123456789012:table/Orders/stream/2024-01-01T00:00:00.000")},
             QStringLiteral("Orders"),
             "(from --stream-arn)"},
        };
        for (const Case& c : cases) {
            const QString store = newStore();
            const Run r = run(QStringList{QStringLiteral("import"), QStringLiteral("--store"), store} + c.options
                              + QStringList{file});
            QCOMPARE(r.exitCode, 0);
            QVERIFY2(r.out.contains("(getrecords): 3 records, 3 new"), r.out.constData());
            const QByteArray note = "note: 3 record(s) name no table";
            QVERIFY2(r.out.contains(note), r.out.constData());
            QVERIFY2(r.out.contains("stored in table \"" + c.table.toUtf8() + "\""), r.out.constData());
            QVERIFY2(r.out.contains(c.note), r.out.constData());
            const QJsonArray k = keys(store);
            QCOMPARE(k.size(), 3);
            for (const auto& key : k)
                QCOMPARE(key.toObject().value(QStringLiteral("table")).toString(), c.table);
        }
    }

    // A DynamoDB export folder as AWS writes it (issue 17 §1, §2): one table from tableArn, exit 0 with the sidecars
    // listed, items shown by `state --at` after exportTime, the export shown by `info` (text and --json).
    void exportFolder()
    {
        const QString exports = QStringLiteral(STREAMSCOPE_TEST_DATA_DIR "/exports");
        const QString store = newStore();
        const Run r =
            run({QStringLiteral("import"), QStringLiteral("--store"), store, exports + QStringLiteral("/full"),
                 QStringLiteral("--describe-table"), exports + QStringLiteral("/orders-describe-table.json")});
        QVERIFY2(r.exitCode == 0, r.out + r.err);
        QVERIFY2(r.out.contains("_started: the export's _started marker"), r.out);
        QVERIFY(r.out.contains("sidecar "));
        QVERIFY(r.out.contains("(+4 sidecar(s))"));
        QVERIFY(r.out.contains("FULL_EXPORT of table Orders at 2023-11-14T22:00:00.000Z, 5 items, 3 data files"));
        QVERIFY(r.out.contains("key attributes orderId, line from DescribeTable output"));
        QVERIFY2(r.err.isEmpty(), r.err);

        const Run before = run({QStringLiteral("state"), QStringLiteral("--store"), store, QStringLiteral("--table"),
                                QStringLiteral("Orders"), QStringLiteral("--at"),
                                QStringLiteral("2023-11-14T21:59:59Z"), QStringLiteral("--json")});
        const Run after = run({QStringLiteral("state"), QStringLiteral("--store"), store, QStringLiteral("--table"),
                               QStringLiteral("Orders"), QStringLiteral("--at"), QStringLiteral("2023-11-14T22:00:00Z"),
                               QStringLiteral("--json")});
        QCOMPARE(after.exitCode, 0);
        QCOMPARE(QJsonDocument::fromJson(before.out).object().value(QStringLiteral("items")).toArray().size(), 0);
        QCOMPARE(QJsonDocument::fromJson(after.out).object().value(QStringLiteral("items")).toArray().size(), 5);

        const Run info = run({QStringLiteral("info"), QStringLiteral("--store"), store});
        QVERIFY(info.out.contains("DynamoDB export arn:aws:dynamodb:eu-west-1:123456789012:table/Orders/export/"
                                  "01700000000000-a1b2c3d4 (FULL_EXPORT"));
        const Run infoJson = run({QStringLiteral("info"), QStringLiteral("--store"), store, QStringLiteral("--json")});
        const QJsonObject root = QJsonDocument::fromJson(infoJson.out).object();
        QCOMPARE(root.value(QStringLiteral("tables")).toArray().size(), 1);
        int exportSources = 0;
        for (const auto& source : root.value(QStringLiteral("sources")).toArray())
            if (source.toObject().value(QStringLiteral("format")).toString() == QLatin1String("dynamodb-export")) {
                ++exportSources;
                QVERIFY(
                    source.toObject().value(QStringLiteral("messages")).toString().contains(QLatin1String("5 items")));
            }
        QCOMPARE(exportSources, 1);

        const Run json = run({QStringLiteral("import"), QStringLiteral("--store"), newStore(),
                              exports + QStringLiteral("/chain"), QStringLiteral("--json")});
        QCOMPARE(json.exitCode, 0);
        const QJsonArray found = QJsonDocument::fromJson(json.out).object().value(QStringLiteral("exports")).toArray();
        QCOMPARE(found.size(), 2);
        QCOMPARE(found.at(1).toObject().value(QStringLiteral("exportType")).toString(),
                 QStringLiteral("INCREMENTAL_EXPORT"));
        QCOMPARE(found.at(1).toObject().value(QStringLiteral("exportFromTime")).toString(),
                 QStringLiteral("2023-11-14T22:00:00.000Z"));
    }

    // Incremental exports are compacted: one line per changed item and window. history says which versions are such
    // net changes; the audit finds nothing in the documented chain (full export, then incremental), and a NEW_IMAGE
    // line (a NewImage, no OldImage) for an item that exists is a net change, not an INSERT over an existing item.
    void compactedWindows()
    {
        const QString newImageLine = m_dir.filePath(QStringLiteral("new-image-window.jsonl"));
        {
            QFile f(newImageLine);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(R"({"Metadata":{"WriteTimestampMicros":{"N":"1700003700000000"}},"Keys":{"cartId":{"S":"c-1"}},)"
                    R"("NewImage":{"cartId":{"S":"c-1"},"total":{"N":"16"}}})"
                    "\n");
        }
        const QString store = newStore();
        const Run r = run({QStringLiteral("import"), QStringLiteral("--store"), store,
                           QStringLiteral(STREAMSCOPE_TEST_DATA_DIR "/exports/chain"), newImageLine,
                           QStringLiteral("--table"), QStringLiteral("Carts")});
        QVERIFY2(r.exitCode == 0, r.out + r.err);
        const Run audit = run({QStringLiteral("audit"), QStringLiteral("--store"), store, QStringLiteral("--json")});
        QCOMPARE(audit.exitCode, 0);
        QVERIFY2(QJsonDocument::fromJson(audit.out).object().value(QStringLiteral("findings")).toArray().isEmpty(),
                 audit.out);
        const Run history = run({QStringLiteral("history"), QStringLiteral("--store"), store, QStringLiteral("--table"),
                                 QStringLiteral("Carts"), QStringLiteral("--key"), QStringLiteral("cartId=c-1")});
        QCOMPARE(history.exitCode, 0);
        // The export folder's line names its window's start; the loose line (no manifest) cannot.
        QCOMPARE(history.out.count("(compacted export window from 2023-11-14T22:00:00Z: net change"), 1);
        QCOMPARE(history.out.count("(compacted export window: net change"), 1);
        const Run json = run({QStringLiteral("history"), QStringLiteral("--store"), store, QStringLiteral("--table"),
                              QStringLiteral("Carts"), QStringLiteral("--key"), QStringLiteral("cartId=c-1"),
                              QStringLiteral("--json")});
        const QJsonArray versions =
            QJsonDocument::fromJson(json.out).object().value(QStringLiteral("versions")).toArray();
        QCOMPARE(versions.size(), 3);
        QCOMPARE(versions.at(0).toObject().value(QStringLiteral("compacted")).toBool(), false); // the full export
        QCOMPARE(versions.at(1).toObject().value(QStringLiteral("compacted")).toBool(), true);
        QCOMPARE(versions.at(2).toObject().value(QStringLiteral("compacted")).toBool(), true);
        QVERIFY(versions.at(0).toObject().value(QStringLiteral("compactedWindowFrom")).isNull());
        QCOMPARE(versions.at(1).toObject().value(QStringLiteral("compactedWindowFrom")).toString(),
                 QStringLiteral("2023-11-14T22:00:00Z"));
        QVERIFY(versions.at(2).toObject().value(QStringLiteral("compactedWindowFrom")).isNull());
    }

    // A full export whose exportTime (22:30) lies inside the first incremental window (22:00 .. 23:00): the
    // window's OldImage (the item at 22:00) is no gap against the full export; the second window's OldImage that
    // differs from the first window's NewImage is one. history names each line's window start.
    void compactedWindowOverlappingFullExport()
    {
        const QString store = newStore();
        const Run r = run({QStringLiteral("import"), QStringLiteral("--store"), store,
                           QStringLiteral(STREAMSCOPE_TEST_DATA_DIR "/exports/overlap")});
        QVERIFY2(r.exitCode == 0, r.out + r.err);
        const Run audit = run({QStringLiteral("audit"), QStringLiteral("--store"), store, QStringLiteral("--json")});
        const QJsonArray findings =
            QJsonDocument::fromJson(audit.out).object().value(QStringLiteral("findings")).toArray();
        QVERIFY2(findings.size() == 1, audit.out);
        QCOMPARE(findings.at(0).toObject().value(QStringLiteral("kind")).toString(), QStringLiteral("gap"));
        QVERIFY2(audit.out.contains("b-1"), audit.out);
        const Run history = run({QStringLiteral("history"), QStringLiteral("--store"), store, QStringLiteral("--table"),
                                 QStringLiteral("Baskets"), QStringLiteral("--key"), QStringLiteral("basketId=b-1")});
        QCOMPARE(history.exitCode, 0);
        QVERIFY2(history.out.contains("(compacted export window from 2023-11-14T22:00:00Z: net change"), history.out);
        QVERIFY2(history.out.contains("(compacted export window from 2023-11-14T23:00:00Z: net change"), history.out);
        const Run json = run({QStringLiteral("history"), QStringLiteral("--store"), store, QStringLiteral("--table"),
                              QStringLiteral("Baskets"), QStringLiteral("--key"), QStringLiteral("basketId=b-1"),
                              QStringLiteral("--json")});
        const QJsonArray versions =
            QJsonDocument::fromJson(json.out).object().value(QStringLiteral("versions")).toArray();
        QCOMPARE(versions.size(), 3);
        QVERIFY(versions.at(0).toObject().value(QStringLiteral("compactedWindowFrom")).isNull()); // the full export
        QCOMPARE(versions.at(1).toObject().value(QStringLiteral("compactedWindowFrom")).toString(),
                 QStringLiteral("2023-11-14T22:00:00Z"));
        QCOMPARE(versions.at(2).toObject().value(QStringLiteral("compactedWindowFrom")).toString(),
                 QStringLiteral("2023-11-14T23:00:00Z"));
    }

    // A partial download: the missing data file is named on stderr, nothing is imported, exit 3.
    void exportFolderPartialDownload()
    {
        const QString copy = m_dir.filePath(QStringLiteral("partial"));
        QVERIFY(
            QProcess::execute(QStringLiteral("cp"),
                              {QStringLiteral("-r"), QStringLiteral(STREAMSCOPE_TEST_DATA_DIR "/exports/full"), copy})
            == 0);
        QVERIFY(QFile::remove(
            copy + QStringLiteral("/AWSDynamoDB/01700000000000-a1b2c3d4/data/p7x2mwl5cq9rvt3ehj8a.json.gz")));
        const QString store = newStore();
        const Run r = run({QStringLiteral("import"), QStringLiteral("--store"), store, copy});
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.err.contains("NOT imported"), r.err);
        QVERIFY(r.err.contains("data/p7x2mwl5cq9rvt3ehj8a.json.gz listed in manifest-files.json is missing "
                               "(partial download?)"));
        QCOMPARE(keyCount(store), 0);
    }

    // One verdict for a file that is no capture, named or found in a folder; next to captures it changes no exit code.
    void notCaptureVerdict()
    {
        const QString folder = m_dir.filePath(QStringLiteral("notes"));
        QVERIFY(QDir().mkpath(folder));
        const QString readme = folder + QStringLiteral("/README");
        {
            QFile f(readme);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("captured on Tuesday\n");
        }
        const Run named = run({QStringLiteral("import"), QStringLiteral("--store"), newStore(), readme});
        const Run found = run({QStringLiteral("import"), QStringLiteral("--store"), newStore(), folder});
        QCOMPARE(named.exitCode, 3);
        QCOMPARE(found.exitCode, 3);
        QVERIFY2(named.err.startsWith("not a capture: "), named.err);
        QVERIFY2(found.err.startsWith("not a capture: "), found.err);
        const Run withCapture = run({QStringLiteral("import"), QStringLiteral("--store"), newStore(), readme,
                                     QStringLiteral(STREAMSCOPE_TEST_DATA_DIR "/import/valid-three-records.json")});
        QCOMPARE(withCapture.exitCode, 0);
        QVERIFY(withCapture.out.contains("0 skipped"));
    }

    void storeFullSaidOnce()
    {
        // The store's file may not grow beyond 1.5 MiB (ulimit -f; SIGXFSZ ignored, so write(2) fails with EFBIG as
        // on a full disk) while 10 files of 200 records (~0.4 MB each) are imported. The store is blamed once (exit
        // 4, one "the store … failed" line); no capture file is "FAILED" nor given a made-up position ("at byte 0");
        // the files rolled back are "not imported", the ones after "not started"; the store still opens and holds
        // exactly the files listed as imported.
        const QString captures = m_dir.filePath(QStringLiteral("full-batches"));
        QCOMPARE(testsupport::runGenerator({QStringLiteral("--seed"), QStringLiteral("3"), QStringLiteral("--records"),
                                            QStringLiteral("2000"), QStringLiteral("--keys"), QStringLiteral("100"),
                                            QStringLiteral("--batch-size"), QStringLiteral("200"),
                                            QStringLiteral("--quiet"), QStringLiteral("--out"), captures}),
                 QString());
        const QString limited = QStringLiteral("trap '' XFSZ; ulimit -f 1536; exec \"$0\" \"$@\"");
        const QString store = newStore();
        // Each file named on its own: the files of one argument are committed together, a new argument commits
        // the files before it, so the store fills up in the middle (not only at the final commit).
        QStringList files;
        for (const QString& name : QDir(captures).entryList(QDir::Files, QDir::Name))
            files << captures + QLatin1Char('/') + name;
        QCOMPARE(files.size(), 10);
        const Run r = runBash(limited, QStringList{QStringLiteral("import"), QStringLiteral("--store"), store} + files);
        QCOMPARE(r.exitCode, 4);
        QCOMPARE(r.err.count("streamscope import: the store "), 1);
        QVERIFY2(r.err.contains("File too large") || r.err.contains("disk I/O error") || r.err.contains("full"),
                 r.err.constData());
        QVERIFY2(!r.err.contains("FAILED") && !r.out.contains("FAILED"), r.err.constData());
        QVERIFY2(!r.err.contains("at byte 0") && !r.out.contains("at byte 0"), r.out.constData());
        QVERIFY2(r.out.contains("not imported ") && r.out.contains("not started "), r.out.constData());
        QVERIFY2(r.err.contains("not at fault"), r.err.constData());
        const qsizetype imported = r.out.count("\nimported ") + (r.out.startsWith("imported ") ? 1 : 0);
        const Run info = run({QStringLiteral("info"), QStringLiteral("--store"), store, QStringLiteral("--json")});
        QCOMPARE(info.exitCode, 0);
        QCOMPARE(QJsonDocument::fromJson(info.out).object().value(QStringLiteral("sources")).toArray().size(),
                 imported);

        // --json: the same verdicts by status, the store's error once at the top level.
        const Run json = runBash(
            limited,
            QStringList{QStringLiteral("import"), QStringLiteral("--store"), newStore(), QStringLiteral("--json")}
                + files);
        QCOMPARE(json.exitCode, 4);
        const QJsonObject root = QJsonDocument::fromJson(json.out).object();
        QVERIFY2(root.value(QStringLiteral("storeError")).isString(), json.out.constData());
        QCOMPARE(root.value(QStringLiteral("exitCode")).toInt(), 4);
        QStringList statuses;
        for (const auto& f : root.value(QStringLiteral("files")).toArray())
            statuses << f.toObject().value(QStringLiteral("status")).toString();
        QVERIFY2(!statuses.contains(QStringLiteral("failed")), qPrintable(statuses.join(QLatin1Char(' '))));
        QVERIFY2(statuses.contains(QStringLiteral("store-failed")) && statuses.contains(QStringLiteral("not-started")),
                 qPrintable(statuses.join(QLatin1Char(' '))));
    }

    void fileNameNotUtf8Kept()
    {
        // A file named with bytes that are not UTF-8 (Latin-1 "café", a stray 0xff) is found when named on the
        // command line (argv is not decoded into U+FFFD), stored with its exact bytes (info --json gives them back
        // in pathBase64, with pathNotUtf8), printed escaped (\xe9, \xff), and recognised when imported again.
        const QString folder = m_dir.filePath(QStringLiteral("latin1"));
        QVERIFY(QDir().mkpath(folder));
        const QString name = QStringLiteral("\"$2/$(printf 'caf\\xe9-\\xff.json')\"");
        QCOMPARE(runBash(QStringLiteral("cat \"$1\" > ") + name, {sample("aws-lambda-go/dynamodb-event.json"), folder})
                     .exitCode,
                 0);
        const QByteArray bytes = folder.toUtf8() + "/caf\xe9-\xff.json";
        const QString store = newStore();
        Run r = runBash(QStringLiteral("exec \"$0\" import --store \"$1\" ") + name, {store, folder});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.out.contains("imported " + folder.toUtf8() + "/caf\\xe9-\\xff.json ("), r.out.constData());

        r = run({QStringLiteral("info"), QStringLiteral("--store"), store, QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject source =
            QJsonDocument::fromJson(r.out).object().value(QStringLiteral("sources")).toArray().at(0).toObject();
        QCOMPARE(source.value(QStringLiteral("pathNotUtf8")).toBool(), true);
        QCOMPARE(QByteArray::fromBase64(source.value(QStringLiteral("pathBase64")).toString().toLatin1()), bytes);
        QVERIFY(source.value(QStringLiteral("path")).toString().contains(QChar(0xfffd)));
        r = run({QStringLiteral("info"), QStringLiteral("--store"), store});
        QVERIFY2(r.out.contains("/caf\\xe9-\\xff.json"), r.out.constData());

        // The folder again: the same bytes, so already imported; --json says the name is not UTF-8.
        r = run({QStringLiteral("import"), QStringLiteral("--store"), store, QStringLiteral("--json"), folder});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject file =
            QJsonDocument::fromJson(r.out).object().value(QStringLiteral("files")).toArray().at(0).toObject();
        QCOMPARE(file.value(QStringLiteral("status")).toString(), QStringLiteral("already-imported"));
        QCOMPARE(file.value(QStringLiteral("pathNotUtf8")).toBool(), true);
        QCOMPARE(QByteArray::fromBase64(file.value(QStringLiteral("pathBase64")).toString().toLatin1()), bytes);
        // QTemporaryDir cannot remove a name Qt cannot decode.
        QCOMPARE(runBash(QStringLiteral("rm ") + name, {QString(), folder}).exitCode, 0);
    }

    void progressBarOnTerminal()
    {
        // A capture big enough to be read in several steps; on a terminal the bar is drawn (and cleared before the
        // summary), with --no-progress it is not.
        const QString capture = m_dir.filePath(QStringLiteral("progress.json"));
        QCOMPARE(testsupport::runGenerator({QStringLiteral("--seed"), QStringLiteral("3"), QStringLiteral("--records"),
                                            QStringLiteral("3000"), QStringLiteral("--keys"), QStringLiteral("100"),
                                            QStringLiteral("--layout"), QStringLiteral("single"),
                                            QStringLiteral("--quiet"), QStringLiteral("--out"), capture}),
                 QString());
        Run r = runOnTerminal({QStringLiteral("import"), QStringLiteral("--store"), newStore(), capture});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("\r[") && r.out.contains("records  file 1/1"), r.out.constData());
        QVERIFY2(r.out.contains("%"), r.out.constData());
        QVERIFY2(r.out.contains("total: 1 file(s), 3000 records, 3000 new"), r.out.constData());

        r = runOnTerminal({QStringLiteral("import"), QStringLiteral("--store"), newStore(),
                           QStringLiteral("--no-progress"), capture});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(!r.out.contains("\r[") && !r.out.contains("records  file"), r.out.constData());
        QVERIFY2(r.out.contains("total: 1 file(s), 3000 records, 3000 new"), r.out.constData());
    }
};

QTEST_GUILESS_MAIN(TestCliImport)
#include "tst_cli_import.moc"
