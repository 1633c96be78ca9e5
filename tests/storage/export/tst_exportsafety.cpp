// Export data safety at the storage level (what the CLI and the GUI export dialog both call): a forced re-export
// cancelled through the progress callback leaves the earlier export byte-identical and no staging folder; a symlink
// at a name the manifest lists proves nothing; the manifest's SHA-256 is the real one; CSV cells hold no raw control
// characters and a leading tab or CR is guarded like a leading =.

#include <QDir>
#include <QFile>
#include <QMap>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

#include "storage/export/exporter.h"
#include "storage/export/sha256.h"
#include "storage/exporttestsupport.h"
#include "testsupport.h"

namespace {

} // namespace

class TestExportSafety : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cancelledForcedReexportKeepsEarlierExport();
    void symlinkAtListedNameIsForeign();
    void manifestHashesAreSha256();
    void csvFieldHasNoRawControls();

private:
    QString out(const QString& name) const { return m_dir->filePath(name); }
    std::unique_ptr<QTemporaryDir> m_dir;
    std::optional<storage::Store> m_store;
};

void TestExportSafety::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_store.reset();
    auto store = storage::Store::open(out(QStringLiteral("s.streamscope")).toStdString());
    QVERIFY2(store, store ? "" : store.error().message.c_str());
    m_store.emplace(std::move(*store));
    std::vector<exporttest::Rec> records;
    for (int i = 0; i < 600; ++i) {
        exporttest::Rec r;
        r.table = "Orders";
        r.arn = "arn:aws:dynamodb:eu-central-1:123456789012:table/Orders/stream/2024-01-01T00:00:00.000";
        r.keysJson = "{\"Id\":{\"N\":\"" + std::to_string(i) + "\"}}";
        r.seq = std::to_string(100 + i);
        r.newImage = "{\"Id\":{\"N\":\"" + std::to_string(i) + "\"}}";
        r.micros = 1700000000000000LL + i * 1000000LL;
        records.push_back(r);
    }
    const std::string loaded = exporttest::load(*m_store, records, "orders.json");
    QVERIFY2(loaded.empty(), loaded.c_str());
}

void TestExportSafety::cancelledForcedReexportKeepsEarlierExport()
{
    storage::ExportOptions opt;
    opt.folder = out(QStringLiteral("earlier")).toStdString();
    opt.limits.maxRecords = 10;
    QVERIFY(storage::exportRecords(*m_store, {}, opt));
    QFile notes(out(QStringLiteral("earlier/notes.txt")));
    QVERIFY(notes.open(QIODevice::WriteOnly));
    notes.write("mine\n");
    notes.close();
    const auto before = testsupport::folderSha256(out(QStringLiteral("earlier")));
    QCOMPARE(before.size(), 60 + 1 + 1);
    const QStringList besideBefore =
        QDir(m_dir->path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot);

    // Cancelled half way through writing the new files (the old code had truncated and removed the earlier ones).
    opt.force = true;
    opt.limits.maxRecords = 5;
    int calls = 0;
    auto cancelled = storage::exportRecords(*m_store, {}, opt, [&](std::int64_t, std::int64_t) { return ++calls < 3; });
    QVERIFY(!cancelled);
    QCOMPARE(cancelled.error().kind, storage::Error::Kind::Interrupted);
    QCOMPARE(testsupport::folderSha256(out(QStringLiteral("earlier"))), before);
    QCOMPARE(QDir(m_dir->path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot), besideBefore);

    // Not cancelled: swapped in, the notes kept.
    auto replaced = storage::exportRecords(*m_store, {}, opt);
    QVERIFY2(replaced, replaced ? "" : replaced.error().message.c_str());
    QCOMPARE(replaced->replacedFiles.size(), std::size_t(61));
    const auto after = testsupport::folderSha256(out(QStringLiteral("earlier")));
    QCOMPARE(after.size(), 120 + 1 + 1);
    QCOMPARE(after.value(QStringLiteral("notes.txt")), before.value(QStringLiteral("notes.txt")));
    QCOMPARE(QDir(m_dir->path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot), besideBefore);
}

void TestExportSafety::symlinkAtListedNameIsForeign()
{
    storage::ExportOptions opt;
    opt.folder = out(QStringLiteral("linked")).toStdString();
    opt.limits.maxRecords = 300;
    QVERIFY(storage::exportRecords(*m_store, {}, opt));
    // The user keeps the real data elsewhere and links it in under a listed name: not the export's file.
    const QString real = out(QStringLiteral("precious.json"));
    QVERIFY(QFile::rename(out(QStringLiteral("linked/batch-000002.json")), real));
    QVERIFY(QFile::link(real, out(QStringLiteral("linked/batch-000002.json"))));
    const auto state = storage::inspectExportFolder(opt.folder);
    QCOMPARE(state.foreign, std::vector<std::string>{"batch-000002.json"});
    QCOMPARE(state.earlier, (std::vector<std::string>{"batch-000001.json", "manifest.json"}));
    const auto before = testsupport::folderSha256(out(QStringLiteral("linked")));
    opt.force = true;
    auto refused = storage::exportRecords(*m_store, {}, opt);
    QVERIFY(!refused);
    QVERIFY(refused.error().message.find("batch-000002.json") != std::string::npos);
    QCOMPARE(testsupport::folderSha256(out(QStringLiteral("linked"))),
             before); // the earlier export's own files kept too
    QVERIFY(QFile::exists(real));
    QCOMPARE(QFileInfo(out(QStringLiteral("linked/batch-000002.json"))).symLinkTarget(), real);
}

void TestExportSafety::manifestHashesAreSha256()
{
    storage::Sha256 abc;
    abc.add("ab");
    abc.add("c");
    QCOMPARE(abc.finishHex(), std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    storage::Sha256 empty;
    QCOMPARE(empty.finishHex(), std::string("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    storage::Sha256 million; // FIPS 180-2 long message: a million 'a'
    const std::string chunk(1000, 'a');
    for (int i = 0; i < 1000; ++i)
        million.add(chunk);
    QCOMPARE(million.finishHex(), std::string("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));

    storage::ExportOptions opt;
    opt.folder = out(QStringLiteral("hashed")).toStdString();
    opt.limits.maxRecords = 70;
    auto report = storage::exportRecords(*m_store, {}, opt);
    QVERIFY(report);
    const auto files = testsupport::folderSha256(out(QStringLiteral("hashed")));
    for (const auto& f : report->files)
        QCOMPARE(QByteArray::fromStdString(f.sha256), files.value(QString::fromStdString(f.name)));
}

void TestExportSafety::csvFieldHasNoRawControls()
{
    QCOMPARE(storage::csvField(std::string("a\x1b[2Jb", 6)), std::string("a\\u001b[2Jb"));
    QCOMPARE(storage::csvField(std::string("n\0l", 3)), std::string("n\\u0000l"));
    QCOMPARE(storage::csvField("d\x7f"), std::string("d\\u007f"));
    QCOMPARE(storage::csvField("\t=cmd()"), std::string("'\t=cmd()"));
    QCOMPARE(storage::csvField("\r=cmd()"), std::string("\"'\r=cmd()\""));
    QCOMPARE(storage::csvField("-1"), std::string("'-1"));
    QCOMPARE(storage::csvField("a\tb"), std::string("a\tb")); // tab, CR, LF inside a cell are data (quoted if needed)
    QCOMPARE(storage::csvField("a\nb"), std::string("\"a\nb\""));
}

QTEST_GUILESS_MAIN(TestExportSafety)
#include "tst_exportsafety.moc"
