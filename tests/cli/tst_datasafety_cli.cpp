// CLI data safety ("never lose the user's data"), run as a user runs the binary:
// - export --force replaces only what an earlier export's manifest.json proves it wrote; export-shaped files of the
//   user are refused (listed, without advising --force) and left byte-identical; a forced re-export that fails
//   leaves the earlier export byte-identical; other files in --out are never touched;
// - store paths that are no file (empty, :memory:, file: URIs, a FIFO) are refused quickly by every command;
// - table names, keys and file names holding ESC, newline and U+202E are printed escaped in human output and
//   exactly in --json; the CSV export holds no raw NUL or ESC and guards cells starting with a tab.

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

#include "testsupport.h"

namespace {

using Run = testsupport::CliRun;

/// A table name, key and file name that would drive a terminal if printed raw: ESC sequences (clear screen, window
/// title), a newline forging a line, a right-to-left override.
const QString kEvilTable = QStringLiteral("T\x1b]0;owned\x07\nFORGED\u202e");
const QString kEvilKey = QStringLiteral("k\x1b[2J\nFORGED\u202eX");
const QString kEvilFile = QStringLiteral("evil\x1b[1m\n\u202e.json");

/// A Lambda DynamoDB event of `count` INSERTs into `table`, each with ~300 bytes of payload.
QByteArray lambdaEvent(const QString& table, int count, const QString& keyPrefix = QStringLiteral("id-"),
                       const QString& payload = QString(300, QLatin1Char('x')))
{
    QJsonArray records;
    for (int i = 0; i < count; ++i) {
        const QJsonObject keys{
            {QStringLiteral("Id"), QJsonObject{{QStringLiteral("S"), keyPrefix + QString::number(i)}}}};
        QJsonObject image = keys;
        image.insert(QStringLiteral("v"), QJsonObject{{QStringLiteral("S"), payload}});
        records.append(QJsonObject{
            {QStringLiteral("eventID"), QStringLiteral("e%1").arg(i)},
            {QStringLiteral("eventName"), QStringLiteral("INSERT")},
            {QStringLiteral("eventVersion"), QStringLiteral("1.1")},
            {QStringLiteral("eventSource"), QStringLiteral("aws:dynamodb")},
            {QStringLiteral("awsRegion"), QStringLiteral("us-east-1")},
            {QStringLiteral("eventSourceARN"),
             QStringLiteral("arn:aws:dynamodb:us-east-1:123456789012:table/%1/stream/2023-01-01T00:00:00.000")
                 .arg(table)},
            {QStringLiteral("dynamodb"),
             QJsonObject{{QStringLiteral("ApproximateCreationDateTime"), 1700000000 + i},
                         {QStringLiteral("Keys"), keys},
                         {QStringLiteral("NewImage"), image},
                         {QStringLiteral("SequenceNumber"), QString::number(1000 + i)},
                         {QStringLiteral("SizeBytes"), 100},
                         {QStringLiteral("StreamViewType"), QStringLiteral("NEW_AND_OLD_IMAGES")}}},
        });
    }
    return QJsonDocument(QJsonObject{{QStringLiteral("Records"), records}}).toJson(QJsonDocument::Compact);
}

bool writeFile(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

QByteArray readFile(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

/// Entries of `folder` (hidden ones too, no . and ..).
QStringList entries(const QString& folder)
{
    return QDir(folder).entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDir::Name);
}

/// The first object of the array `name` in a JSON output.
QJsonObject firstEntry(const QByteArray& json, const QString& name)
{
    return QJsonDocument::fromJson(json).object().value(name).toArray().at(0).toObject();
}

QString text(const QByteArray& bytes)
{
    return QString::fromUtf8(bytes);
}

/// True when `bytes` hold a raw ESC, a raw U+202E or the forged line a raw newline in a name would start.
bool hasRawControls(const QByteArray& bytes)
{
    return bytes.contains('\x1b') || bytes.contains("\xe2\x80\xae") || bytes.contains("\nFORGED");
}

} // namespace

class TestDataSafetyCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void exportRefusesForeignFiles();
    void exportReplacesOnlyWhatItsManifestProves();
    void failedForcedReexportKeepsEarlierExport();

    void emptyStorePathRefused();
    void memoryStorePathsRefused();
    void fifoStoreRefusedWithoutBlocking();

    void untrustedTextEscapedInHumanOutputExactInJson();
    void csvHasNoRawControlCharacters();

private:
    Run run(const QStringList& args, int timeoutMs = 120000) { return testsupport::runCli(args, timeoutMs); }
    QString path(const QString& name) const { return m_dir.filePath(name); }

    QTemporaryDir m_dir;
    QString m_store;
};

void TestDataSafetyCli::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY(QDir().mkpath(path(QStringLiteral("captures"))));
    QVERIFY(writeFile(path(QStringLiteral("captures/orders.json")), lambdaEvent(QStringLiteral("Orders"), 60)));
    m_store = path(QStringLiteral("s.streamscope"));
    const Run r = run({QStringLiteral("import"), QStringLiteral("--store"), m_store, path(QStringLiteral("captures"))});
    QVERIFY2(r.exitCode == 0, r.err.constData());
}

void TestDataSafetyCli::exportRefusesForeignFiles()
{
    // Capture files named like batches, a spreadsheet of the user's and notes: no manifest vouches for any of them.
    const QString out = path(QStringLiteral("foreign"));
    QVERIFY(QDir().mkpath(out));
    QVERIFY(writeFile(out + QStringLiteral("/batch-000001.json"), lambdaEvent(QStringLiteral("Mine"), 3)));
    QVERIFY(writeFile(out + QStringLiteral("/batch-000002.jsonl"), "{\"mine\":1}\n"));
    QVERIFY(writeFile(out + QStringLiteral("/changes.csv"), "my,own,numbers\r\n1,2,3\r\n"));
    QVERIFY(writeFile(out + QStringLiteral("/notes.txt"), "do not lose me\n"));
    const auto before = testsupport::folderSha256(out);
    for (const bool force : {false, true}) {
        QStringList args{QStringLiteral("export"), QStringLiteral("--store"), m_store, QStringLiteral("--out"), out};
        if (force)
            args << QStringLiteral("--force");
        const Run r = run(args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("batch-000001.json") && r.err.contains("batch-000002.jsonl")
                     && r.err.contains("changes.csv"),
                 r.err.constData());
        QVERIFY2(!r.err.contains("--force"), r.err.constData()); // --force would not help: never advise it
        QVERIFY2(!r.err.contains("notes.txt"), r.err.constData());
        QCOMPARE(testsupport::folderSha256(out), before);
        QCOMPARE(entries(out).size(), before.size());
    }
    // A manifest that is not an export's proves nothing either.
    QVERIFY(writeFile(out + QStringLiteral("/manifest.json"), "{\"generator\":\"my tool\",\"files\":[]}"));
    const auto withManifest = testsupport::folderSha256(out);
    const Run r = run({QStringLiteral("export"), QStringLiteral("--store"), m_store, QStringLiteral("--out"), out,
                       QStringLiteral("--force")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("manifest.json"), r.err.constData());
    QCOMPARE(testsupport::folderSha256(out), withManifest);
}

void TestDataSafetyCli::exportReplacesOnlyWhatItsManifestProves()
{
    const QString out = path(QStringLiteral("earlier"));
    const QStringList exportArgs{
        QStringLiteral("export"),      QStringLiteral("--store"), m_store, QStringLiteral("--out"), out,
        QStringLiteral("--batch-size")};
    QCOMPARE(run(exportArgs + QStringList{QStringLiteral("10")}).exitCode, 0); // 6 batches + manifest
    QVERIFY(writeFile(out + QStringLiteral("/notes.txt"), "mine\n"));
    const QJsonObject manifest = QJsonDocument::fromJson(readFile(out + QStringLiteral("/manifest.json"))).object();
    QCOMPARE(manifest.value(QStringLiteral("files")).toArray().size(), 6);
    QVERIFY(manifest.value(QStringLiteral("files")).toArray().at(0).toObject().contains(QStringLiteral("sha256")));

    // Without --force an earlier export is kept, and the message says how to replace it.
    Run r = run(exportArgs + QStringList{QStringLiteral("20")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("--force"), r.err.constData());
    // Proven by its manifest: replaced (3 batches now), the user's notes untouched.
    r = run(exportArgs + QStringList{QStringLiteral("20"), QStringLiteral("--force")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY2(r.out.contains("replaced an earlier export (7 files)"), r.out.constData());
    QCOMPARE(entries(out),
             (QStringList{QStringLiteral("batch-000001.json"), QStringLiteral("batch-000002.json"),
                          QStringLiteral("batch-000003.json"), QStringLiteral("manifest.json"),
                          QStringLiteral("notes.txt")}));
    QCOMPARE(readFile(out + QStringLiteral("/notes.txt")), QByteArray("mine\n"));
    QVERIFY(!entries(path(QString()))
                 .join(QLatin1Char(' '))
                 .contains(QStringLiteral("streamscope-export"))); // no staging left

    // A batch the user edited since (same size, other bytes): foreign, refused even with --force, kept as it is.
    QByteArray edited = readFile(out + QStringLiteral("/batch-000002.json"));
    edited[edited.size() / 2] = edited[edited.size() / 2] == 'x' ? 'y' : 'x';
    QVERIFY(writeFile(out + QStringLiteral("/batch-000002.json"), edited));
    const auto beforeRefusal = testsupport::folderSha256(out);
    r = run(exportArgs + QStringList{QStringLiteral("10"), QStringLiteral("--force")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("batch-000002.json") && !r.err.contains("batch-000001.json"), r.err.constData());
    QCOMPARE(testsupport::folderSha256(out), beforeRefusal);

    // A manifest from before sha256 was recorded: sizes alone decide (the edit above kept the size, so it passes).
    QJsonObject old = QJsonDocument::fromJson(readFile(out + QStringLiteral("/manifest.json"))).object();
    QJsonArray files = old.value(QStringLiteral("files")).toArray();
    for (auto it = files.begin(); it != files.end(); ++it) {
        QJsonObject f = it->toObject();
        f.remove(QStringLiteral("sha256"));
        *it = f;
    }
    old.insert(QStringLiteral("files"), files);
    QVERIFY(writeFile(out + QStringLiteral("/manifest.json"), QJsonDocument(old).toJson()));
    QVERIFY(writeFile(out + QStringLiteral("/batch-000003.json"),
                      readFile(out + QStringLiteral("/batch-000003.json")) + "\n"));
    r = run(exportArgs + QStringList{QStringLiteral("10"), QStringLiteral("--force")});
    QCOMPARE(r.exitCode, 2); // batch-000003.json changed size: not the earlier export's any more
    QVERIFY2(r.err.contains("batch-000003.json") && !r.err.contains("batch-000002.json"), r.err.constData());
    QVERIFY(QFile::remove(out + QStringLiteral("/batch-000003.json")));
    r = run(exportArgs + QStringList{QStringLiteral("10"), QStringLiteral("--force")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(entries(out).size(), 6 + 1 + 1);
    QCOMPARE(readFile(out + QStringLiteral("/notes.txt")), QByteArray("mine\n"));
}

void TestDataSafetyCli::failedForcedReexportKeepsEarlierExport()
{
    // Its own store: 40 records of ~4 KB, so one 100-record file (~170 KB) outgrows the limit below.
    const QString capture = path(QStringLiteral("big.json"));
    QVERIFY(writeFile(capture,
                      lambdaEvent(QStringLiteral("Big"), 40, QStringLiteral("id-"), QString(4000, QLatin1Char('b')))));
    const QString store = path(QStringLiteral("big.streamscope"));
    QCOMPARE(run({QStringLiteral("import"), QStringLiteral("--store"), store, capture}).exitCode, 0);
    const QString out = path(QStringLiteral("kept"));
    const QStringList exportArgs{
        QStringLiteral("export"),      QStringLiteral("--store"), store, QStringLiteral("--out"), out,
        QStringLiteral("--batch-size")};
    QCOMPARE(run(exportArgs + QStringList{QStringLiteral("10")}).exitCode, 0);
    QVERIFY(writeFile(out + QStringLiteral("/notes.txt"), "mine\n"));
    const auto before = testsupport::folderSha256(out);
    const QStringList parentBefore = entries(path(QString()));
    // The re-export's one 40-record file outgrows a 96 KiB file size limit: write(2) fails with EFBIG (the signal is
    // ignored), as on a full disk, in the middle of the export.
    QStringList bashArgs{QStringLiteral("-c"), QStringLiteral("trap '' XFSZ; ulimit -f 96; exec \"$0\" \"$@\""),
                         QStringLiteral(STREAMSCOPE_BINARY)};
    bashArgs << exportArgs << QStringLiteral("100") << QStringLiteral("--force");
    QProcess p;
    p.start(QStringLiteral("bash"), bashArgs);
    QVERIFY(p.waitForFinished(60000));
    const QByteArray err = p.readAllStandardError();
    QVERIFY2(p.exitCode() != 0, err.constData());
    QVERIFY2(err.contains("File too large") || err.contains("cannot write"), err.constData());
    QCOMPARE(testsupport::folderSha256(out), before); // the earlier export and the notes, byte for byte
    QCOMPARE(entries(path(QString())), parentBefore); // no staging folder left beside it
}

void TestDataSafetyCli::emptyStorePathRefused()
{
    // `--store "$STORE"` with STORE unset: a usage error (2) at once, for every command that takes --store.
    const QString capture = path(QStringLiteral("captures/orders.json"));
    const QList<QStringList> commands{
        {QStringLiteral("import"), QStringLiteral("--store"), QString(), capture},
        {QStringLiteral("info"), QStringLiteral("--store"), QString()},
        {QStringLiteral("keys"), QStringLiteral("--store"), QString()},
        {QStringLiteral("audit"), QStringLiteral("--store"), QString()},
        {QStringLiteral("export"), QStringLiteral("--store"), QString(), QStringLiteral("--out"),
         path(QStringLiteral("e"))},
        {QStringLiteral("replay"), QStringLiteral("--store"), QString(), QStringLiteral("--list")},
    };
    for (const QStringList& args : commands) {
        const Run r = run(args, 20000);
        QVERIFY2(r.exitCode == 2, qPrintable(args.first() + QStringLiteral(": ") + text(r.out) + text(r.err)));
        QVERIFY2(r.err.contains("no store file given"), r.err.constData());
        QVERIFY2(!r.out.contains("new"), r.out.constData());
    }
    QVERIFY(!QFile::exists(path(QStringLiteral("e"))));
}

void TestDataSafetyCli::memoryStorePathsRefused()
{
    // SQLite would keep these stores in memory: import said "60 new", exited 0 and stored nothing.
    const QString capture = path(QStringLiteral("captures/orders.json"));
    for (const QString& store : {QStringLiteral(":memory:"), QStringLiteral("file:cap?mode=memory"),
                                 QStringLiteral("file::memory:?cache=shared")}) {
        for (const QString& command : {QStringLiteral("import"), QStringLiteral("info"), QStringLiteral("keys")}) {
            QStringList args{command, QStringLiteral("--store"), store};
            if (command == QLatin1String("import"))
                args << capture;
            const Run r = run(args, 20000);
            QVERIFY2(r.exitCode == 4,
                     qPrintable(args.join(QLatin1Char(' ')) + QStringLiteral(": ") + text(r.out) + text(r.err)));
            QVERIFY2(r.err.contains("not a store file") || r.err.contains("SQLite URI"), r.err.constData());
            QVERIFY2(!r.out.contains("new"), r.out.constData());
        }
    }
}

void TestDataSafetyCli::fifoStoreRefusedWithoutBlocking()
{
    const QString fifo = path(QStringLiteral("pipe.streamscope"));
    QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
    const QString capture = path(QStringLiteral("captures/orders.json"));
    const QList<QStringList> commands{
        {QStringLiteral("info"), QStringLiteral("--store"), fifo},
        {QStringLiteral("keys"), QStringLiteral("--store"), fifo},
        {QStringLiteral("audit"), QStringLiteral("--store"), fifo},
        {QStringLiteral("export"), QStringLiteral("--store"), fifo, QStringLiteral("--out"), path(QStringLiteral("f"))},
        {QStringLiteral("import"), QStringLiteral("--store"), fifo, capture},
    };
    for (const QStringList& args : commands) {
        QElapsedTimer timer;
        timer.start();
        const Run r = run(args, 10000); // it used to block in open(2) forever: the test's own bound
        QVERIFY2(r.exitCode == 4, qPrintable(args.first() + QStringLiteral(": ") + text(r.err)));
        QVERIFY2(r.err.contains("named pipe (FIFO)"), r.err.constData());
        QVERIFY(timer.elapsed() < 10000);
    }
}

void TestDataSafetyCli::untrustedTextEscapedInHumanOutputExactInJson()
{
    const QString folder = path(QStringLiteral("evil"));
    QVERIFY(QDir().mkpath(folder));
    const QString file = folder + QLatin1Char('/') + kEvilFile;
    QVERIFY(writeFile(file, lambdaEvent(kEvilTable, 1, kEvilKey)));
    const QString store = path(QStringLiteral("evil.streamscope"));

    Run r = run({QStringLiteral("import"), QStringLiteral("--store"), store, file});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY2(!hasRawControls(r.out) && !hasRawControls(r.err), r.out.constData());
    QVERIFY2(r.out.contains("evil\\x1b[1m\\n\\u202e.json"), r.out.constData());

    const QString keyJson = QString::fromUtf8(
        QJsonDocument(
            QJsonObject{{QStringLiteral("Id"), QJsonObject{{QStringLiteral("S"), kEvilKey + QStringLiteral("0")}}}})
            .toJson(QJsonDocument::Compact));
    const QList<QStringList> human{
        {QStringLiteral("keys"), QStringLiteral("--store"), store},
        {QStringLiteral("info"), QStringLiteral("--store"), store},
        {QStringLiteral("history"), QStringLiteral("--store"), store, QStringLiteral("--table"), kEvilTable,
         QStringLiteral("--key"), keyJson},
        {QStringLiteral("audit"), QStringLiteral("--store"), store},
        {QStringLiteral("export"), QStringLiteral("--store"), store, QStringLiteral("--out"),
         path(QStringLiteral("ex"))},
    };
    for (const QStringList& args : human) {
        r = run(args);
        QVERIFY2(r.exitCode == 0, qPrintable(args.first() + QStringLiteral(": ") + text(r.err)));
        QVERIFY2(!hasRawControls(r.out) && !hasRawControls(r.err),
                 qPrintable(args.first() + QStringLiteral(": ") + text(r.out)));
        if (args.first() != QLatin1String("audit"))
            QVERIFY2(r.out.contains("T\\x1b]0;owned\\x07\\nFORGED\\u202e"), qPrintable(args.first() + text(r.out)));
        if (args.first() == QLatin1String("keys") || args.first() == QLatin1String("history"))
            QVERIFY2(r.out.contains("k\\x1b[2J\\nFORGED\\u202eX0"), qPrintable(args.first() + text(r.out)));
    }

    // --json: the exact names, as JSON (which escapes control characters its own way).
    r = run({QStringLiteral("keys"), QStringLiteral("--store"), store, QStringLiteral("--json")});
    QCOMPARE(firstEntry(r.out, QStringLiteral("keys")).value(QStringLiteral("table")).toString(), kEvilTable);
    QCOMPARE(firstEntry(r.out, QStringLiteral("keys"))
                 .value(QStringLiteral("key"))
                 .toObject()
                 .value(QStringLiteral("Id"))
                 .toObject()
                 .value(QStringLiteral("S"))
                 .toString(),
             kEvilKey + QStringLiteral("0"));
    r = run({QStringLiteral("info"), QStringLiteral("--store"), store, QStringLiteral("--json")});
    QCOMPARE(firstEntry(r.out, QStringLiteral("tables")).value(QStringLiteral("name")).toString(), kEvilTable);
    QVERIFY(firstEntry(r.out, QStringLiteral("sources")).value(QStringLiteral("path")).toString().endsWith(kEvilFile));
    r = run({QStringLiteral("history"), QStringLiteral("--store"), store, QStringLiteral("--table"), kEvilTable,
             QStringLiteral("--key"), keyJson, QStringLiteral("--json")});
    QCOMPARE(QJsonDocument::fromJson(r.out).object().value(QStringLiteral("table")).toString(), kEvilTable);
    r = run({QStringLiteral("import"), QStringLiteral("--store"), path(QStringLiteral("evil2.streamscope")), file,
             QStringLiteral("--json")});
    QVERIFY(firstEntry(r.out, QStringLiteral("files")).value(QStringLiteral("path")).toString().endsWith(kEvilFile));
}

void TestDataSafetyCli::csvHasNoRawControlCharacters()
{
    // A table whose name starts with a tab and a formula, a value with NUL and ESC.
    const QString capture = path(QStringLiteral("csvcap.json"));
    QVERIFY(writeFile(capture,
                      lambdaEvent(QStringLiteral("\t=HYPERLINK(1)"), 1, kEvilKey,
                                  QStringLiteral("a\x1b") + QChar(0) + QStringLiteral("b"))));
    const QString store = path(QStringLiteral("csv.streamscope"));
    QCOMPARE(run({QStringLiteral("import"), QStringLiteral("--store"), store, capture}).exitCode, 0);
    const QString out = path(QStringLiteral("csv"));
    const Run r = run({QStringLiteral("export"), QStringLiteral("--store"), store, QStringLiteral("--out"), out,
                       QStringLiteral("--format"), QStringLiteral("csv")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QByteArray csv = readFile(out + QStringLiteral("/changes.csv"));
    QVERIFY(!csv.isEmpty());
    QVERIFY2(!csv.contains('\x1b') && !csv.contains('\0'), csv.constData());
    QVERIFY2(csv.contains("k\\u001b[2J"), csv.constData());
    QVERIFY2(csv.contains(",'\t=HYPERLINK(1),"), csv.constData()); // a leading tab is guarded like a leading =
}

QTEST_GUILESS_MAIN(TestDataSafetyCli)
#include "tst_datasafety_cli.moc"
