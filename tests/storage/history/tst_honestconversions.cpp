// Conversions that change nothing silently (issue 17 §3), on the import and audit side: GetRecords output takes its
// stream from NextShardIterator, a placeholder eventSourceARN is called one, and a stream whose records carry
// several view types is shown as mixed and flagged by the audit (mixed-view-types). Fixtures: tests/data/conversions
// and the public GetRecords sample.

#include <QTemporaryDir>
#include <QTest>

#include "storage/history/auditscan.h"
#include "storage/import/captureimporter.h"
#include "storage/store/store.h"
#include "testsupport.h"

namespace {

QString fixture(const char* name)
{
    return QStringLiteral(STREAMSCOPE_TEST_DATA_DIR "/conversions/") + QLatin1String(name);
}

bool hasNote(const storage::FileImportResult& r, const std::string& text)
{
    for (const auto& n : r.notes)
        if (n.find(text) != std::string::npos)
            return true;
    return false;
}

} // namespace

class TestHonestConversions : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void getRecordsStreamFromIterator()
    {
        REQUIRE_SHARED_DIR();
        QTemporaryDir dir;
        auto store = storage::Store::open(dir.filePath(QStringLiteral("s.streamscope")).toStdString());
        QVERIFY(store);
        const QString sample = testsupport::samplesDir()
            + QStringLiteral("/dynamodb-developer-guide/API_streams_GetRecords.sample-response-body.json");
        const auto summary = storage::importCaptures(store->database(), {sample.toStdString()});
        QCOMPARE(summary.files.size(), std::size_t(1));
        const auto& file = summary.files.front();
        QVERIFY(file.records > 0);
        QVERIFY2(hasNote(file, "(from the response's NextShardIterator)"),
                 file.notes.empty() ? "" : file.notes[0].c_str());
        QVERIFY(!hasNote(file, "named after the file"));
        auto tables = store->tables();
        QVERIFY(tables);
        QCOMPARE(tables->size(), std::size_t(1));
        QCOMPARE(tables->front().name, std::string("Forum"));
        QCOMPARE(tables->front().streams.size(), std::size_t(1));
        QCOMPARE(tables->front().streams.front().arn,
                 std::string("arn:aws:dynamodb:us-west-2:111122223333:table/Forum/stream/2015-05-20T20:51:10.252"));
    }

    void placeholderArnIsCalledOne()
    {
        QTemporaryDir dir;
        auto store = storage::Store::open(dir.filePath(QStringLiteral("s.streamscope")).toStdString());
        QVERIFY(store);
        const auto summary =
            storage::importCaptures(store->database(), {fixture("placeholder-arn.json").toStdString()});
        QCOMPARE(summary.files.size(), std::size_t(1));
        const auto& file = summary.files.front();
        QCOMPARE(file.inserted, std::int64_t(1));
        QVERIFY(hasNote(file, "placeholder eventSourceARN (\"stream-ARN\")"));
        QVERIFY(hasNote(file, "no usable eventSourceARN"));
    }

    void mixedViewTypes()
    {
        QTemporaryDir dir;
        auto store = storage::Store::open(dir.filePath(QStringLiteral("s.streamscope")).toStdString());
        QVERIFY(store);
        const auto summary = storage::importCaptures(store->database(), {fixture("mixed-views.json").toStdString()});
        QCOMPARE(summary.total(&storage::FileImportResult::inserted), std::int64_t(2));
        auto tables = store->tables();
        QVERIFY(tables);
        const auto& stream = tables->front().streams.front();
        QCOMPARE(stream.viewType, model::ViewType::NewImage); // the first record's
        QCOMPARE(stream.mixedViewTypes.size(), std::size_t(2));
        QCOMPARE(stream.mixedViewTypes[0], model::ViewType::KeysOnly);
        QCOMPARE(stream.mixedViewTypes[1], model::ViewType::NewImage);
        auto report = storage::runAudit(*store, {});
        QVERIFY(report);
        int mixed = 0;
        for (const auto& f : report->findings) {
            if (f.kind != model::FindingKind::MixedViewTypes)
                continue;
            ++mixed;
            QCOMPARE(f.table, std::string("Mixed"));
            QVERIFY2(f.message.find("KEYS_ONLY, NEW_IMAGE") != std::string::npos, f.message.c_str());
        }
        QCOMPARE(mixed, 1);
        QCOMPARE(model::findingKindText(model::FindingKind::MixedViewTypes), std::string_view("mixed-view-types"));

        // One view type: not mixed, nothing flagged.
        QTemporaryDir other;
        auto single = storage::Store::open(other.filePath(QStringLiteral("s.streamscope")).toStdString());
        QVERIFY(single);
        storage::importCaptures(single->database(), {fixture("placeholder-arn.json").toStdString()});
        tables = single->tables();
        QVERIFY(tables);
        QVERIFY(tables->front().streams.front().mixedViewTypes.empty());
    }
};

QTEST_GUILESS_MAIN(TestHonestConversions)
#include "tst_honestconversions.moc"
