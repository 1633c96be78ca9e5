// The audit kept in the store (issue 22): a generated capture with faults (duplicates, gaps, shuffled files, TTL
// deletes) imported in several parts; after each part the stored findings, brought up to date by re-auditing only
// the keys the import touched (plus the store-wide kinds), must equal a fresh full audit of the store, finding for
// finding and in the same order. A stopped update leaves the previous set; the status says when the set is stale.

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>

#include "model/dynamodbjson.h"
#include "model/findingcodec.h"
#include "storage/history/auditscan.h"
#include "storage/history/findingstore.h"
#include "storage/import/captureimporter.h"
#include "storage/store/schema.h"
#include "storage/store/store.h"
#include "testsupport.h"

namespace {

const char* kArn = "arn:aws:dynamodb:us-east-1:123456789012:table/Counts/stream/2024-01-01T00:00:00.000";

QByteArray record(const char* eventId, const char* id, const char* sequence, const char* value)
{
    return QByteArray(R"({"eventID":")") + eventId + R"(","eventName":"INSERT","eventSourceARN":")" + kArn
        + R"(","dynamodb":{"Keys":{"Id":{"S":")" + id + R"("}},"SequenceNumber":")" + sequence
        + R"(","StreamViewType":"NEW_IMAGE","NewImage":{"Id":{"S":")" + id + R"("},"v":{"N":")" + value + "\"}}}}";
}

std::string write(const QTemporaryDir& dir, const char* name, const QByteArray& records)
{
    const QString path = dir.filePath(QLatin1String(name));
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return {};
    f.write("{\"Records\":[" + records + "]}\n");
    return path.toStdString();
}

/// Every finding of a fresh full audit, encoded (every field).
std::vector<std::string> freshAudit(storage::Store& store, storage::AuditReport* report = nullptr)
{
    auto audit = storage::runAudit(store);
    if (!audit) {
        qWarning("audit failed: %s", audit.error().message.c_str());
        return {};
    }
    std::vector<std::string> out;
    for (const auto& f : audit->findings)
        out.push_back(model::encodeFinding(f));
    if (report)
        *report = std::move(*audit);
    return out;
}

std::vector<std::string> storedAudit(storage::Store& store, const storage::StoredFindingFilter& filter = {})
{
    std::vector<std::string> out;
    if (auto error = storage::forEachStoredFinding(store, filter,
                                                   [&](model::Finding&& f) { out.push_back(model::encodeFinding(f)); }))
        qWarning("reading stored findings failed: %s", error->message.c_str());
    return out;
}

} // namespace

class TestStoredFindings : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::vector<std::string> m_files; ///< the generated batch files, in the (shuffled) order of the capture

    /// Imports `files` and checks the stored findings equal a fresh audit after the update.
    void importAndCompare(storage::Store& store, const std::vector<std::string>& files, bool expectFull)
    {
        const auto summary = storage::importCaptures(store.database(), files);
        QCOMPARE(summary.files.size(), files.size());
        auto before = storage::findingsStatus(store);
        QVERIFY(before);
        QVERIFY(before->supported);
        QVERIFY(!before->current);
        QVERIFY(before->newRecords > 0);
        auto update = storage::updateStoredFindings(store);
        QVERIFY2(update, update ? "" : update.error().message.c_str());
        QVERIFY(update->written);
        QVERIFY(update->complete);
        QCOMPARE(update->full, expectFull);
        storage::AuditReport report;
        const auto fresh = freshAudit(store, &report);
        QVERIFY(!fresh.empty());
        const auto stored = storedAudit(store);
        QCOMPARE(stored.size(), fresh.size());
        for (std::size_t i = 0; i < fresh.size(); ++i)
            QCOMPARE(stored[i], fresh[i]);
        QCOMPARE(update->coverage.keys, report.keys);
        QCOMPARE(update->coverage.records, report.records);
        if (!expectFull) {
            // Only the keys of the new records were audited again.
            QVERIFY(update->keysAudited > 0);
            QVERIFY2(update->keysAudited < report.keys, qPrintable(QString::number(update->keysAudited)));
            QVERIFY(update->recordsAudited < report.records);
        }
        auto after = storage::findingsStatus(store);
        QVERIFY(after && after->current);
        QCOMPARE(after->newRecords, std::int64_t{0});
        // A second update finds it current and writes nothing.
        auto again = storage::updateStoredFindings(store);
        QVERIFY(again);
        QVERIFY(!again->written);
    }

private Q_SLOTS:
    void initTestCase()
    {
        REQUIRE_SHARED_DIR();
        QVERIFY(m_dir.isValid());
        const QString out = m_dir.filePath(QStringLiteral("capture"));
        QCOMPARE(testsupport::runGenerator({QStringLiteral("--seed"),
                                            QStringLiteral("22"),
                                            QStringLiteral("--records"),
                                            QStringLiteral("3000"),
                                            QStringLiteral("--keys"),
                                            QStringLiteral("600"),
                                            QStringLiteral("--tables"),
                                            QStringLiteral("2"),
                                            QStringLiteral("--duplicate-rate"),
                                            QStringLiteral("0.03"),
                                            QStringLiteral("--gap-rate"),
                                            QStringLiteral("0.02"),
                                            QStringLiteral("--shuffle"),
                                            QStringLiteral("--ttl-rate"),
                                            QStringLiteral("0.3"),
                                            QStringLiteral("--batch-size"),
                                            QStringLiteral("50"),
                                            QStringLiteral("--layout"),
                                            QStringLiteral("lambda-batches"),
                                            QStringLiteral("--quiet"),
                                            QStringLiteral("--out"),
                                            out}),
                 QString());
        const QDir dir(out);
        for (const QString& name : dir.entryList(QDir::Files, QDir::Name))
            m_files.push_back(dir.filePath(name).toStdString());
        QVERIFY(m_files.size() > 10);
    }

    // Three parts of the generated capture, then a file of another table with a conflict and a reused event ID: after
    // each, the incrementally updated findings equal a full audit.
    void incrementalEqualsFull()
    {
        auto store = storage::Store::open(m_dir.filePath(QStringLiteral("parts.streamscope")).toStdString());
        QVERIFY(store);
        const std::size_t n = m_files.size();
        const std::vector<std::string> first(m_files.begin(), m_files.begin() + static_cast<std::ptrdiff_t>(n / 2));
        const std::vector<std::string> second(m_files.begin() + static_cast<std::ptrdiff_t>(n / 2), m_files.end() - 1);
        const std::vector<std::string> last(m_files.end() - 1, m_files.end());
        importAndCompare(*store, first, true);
        if (QTest::currentTestFailed())
            return;
        importAndCompare(*store, second, false);
        if (QTest::currentTestFailed())
            return;
        importAndCompare(*store, last, false);
        if (QTest::currentTestFailed())
            return;
        QTemporaryDir extra;
        importAndCompare(*store, {write(extra, "a.json", record("e1", "A", "100", "1"))}, false);
        if (QTest::currentTestFailed())
            return;
        importAndCompare(*store,
                         {write(extra, "b.json", record("e2", "B", "100", "2") + "," + record("e1", "C", "300", "3"))},
                         false);
        const auto stored = storedAudit(*store);
        for (const char* kind : {"\"kind\":1,", "\"kind\":2,", "\"kind\":13,", "\"kind\":0,", "\"kind\":7,"}) {
            QVERIFY2(std::any_of(stored.begin(), stored.end(),
                                 [&](const std::string& f) { return f.find(kind) != std::string::npos; }),
                     kind); // duplicate, conflict, reused-event-id, gap, ttl-remove all present
        }
        // Filters by table and kind read the same findings as filtering the whole set.
        storage::StoredFindingFilter counts;
        counts.table = "Counts";
        counts.kinds = {model::FindingKind::Conflict};
        QCOMPARE(storedAudit(*store, counts).size(), std::size_t{1});
    }

    // The incremental re-audit looks up only the new records' event IDs: a new record reusing an old record's event
    // ID (e7), a third use of an event ID already reused (e3) and two new records sharing one (e9) are all found, in
    // the order of a full audit (the kept e3 finding before the new ones), each naming the first record of its ID.
    void reusedEventIdsOfNewRecords()
    {
        auto store = storage::Store::open(m_dir.filePath(QStringLiteral("eventids.streamscope")).toStdString());
        QVERIFY(store);
        QTemporaryDir files;
        importAndCompare(*store,
                         {write(files, "old.json",
                                record("e3", "A", "100", "1") + "," + record("e3", "B", "200", "1") + ","
                                    + record("e7", "C", "300", "1") + "," + record("e8", "K", "310", "1"))},
                         true);
        if (QTest::currentTestFailed())
            return;
        importAndCompare(*store,
                         {write(files, "new.json",
                                record("e1", "D", "400", "1") + "," + record("e7", "E", "500", "1") + ","
                                    + record("e9", "F", "600", "1") + "," + record("e9", "G", "700", "1") + ","
                                    + record("e3", "H", "800", "1"))},
                         false);
        if (QTest::currentTestFailed())
            return;
        std::vector<std::pair<std::int64_t, std::int64_t>> reused; // (record, first record of its event ID)
        if (auto error = storage::forEachStoredFinding(*store, {}, [&](model::Finding&& f) {
                if (f.kind == model::FindingKind::ReusedEventId)
                    reused.emplace_back(f.recordId, f.otherRecordId.value_or(0));
            }))
            QFAIL(error->message.c_str());
        // Record ids in import order: A 1, B 2, C 3, K 4, D 5, E 6, F 7, G 8, H 9.
        const std::vector<std::pair<std::int64_t, std::int64_t>> expected{{2, 1}, {9, 1}, {6, 3}, {8, 7}};
        QCOMPARE(reused, expected);
    }

    // A stopped (or failed) update keeps the previous set and its coverage; the status says the set is stale.
    void stoppedUpdateKeepsPrevious()
    {
        auto store = storage::Store::open(m_dir.filePath(QStringLiteral("stopped.streamscope")).toStdString());
        QVERIFY(store);
        const std::vector<std::string> first(m_files.begin(), m_files.begin() + 4);
        QCOMPARE(storage::importCaptures(store->database(), first).files.size(), first.size());
        auto update = storage::updateStoredFindings(store.value());
        QVERIFY(update && update->written);
        const auto before = storedAudit(*store);
        QVERIFY(!before.empty());
        const std::vector<std::string> more(m_files.begin() + 4, m_files.begin() + 12);
        QCOMPARE(storage::importCaptures(store->database(), more).files.size(), more.size());
        auto stopped = storage::updateStoredFindings(*store, [](std::int64_t) { return false; });
        QVERIFY(stopped);
        QVERIFY(!stopped->complete);
        QVERIFY(!stopped->written);
        QCOMPARE(storedAudit(*store), before);
        auto status = storage::findingsStatus(*store);
        QVERIFY(status && !status->current);
        QCOMPARE(status->stored->recordsThrough, update->coverage.recordsThrough);
        // A store whose findings were found by other rules is audited again in full.
        QVERIFY(!store->database().exec("UPDATE audit_coverage SET rules = 'older rules'"));
        auto full = storage::updateStoredFindings(*store);
        QVERIFY(full && full->written && full->full);
        QCOMPARE(storedAudit(*store), freshAudit(*store));
    }

    // A stored finding that does not decode is an error naming the store, never a finding made up.
    void undecodableFindingIsAnError()
    {
        auto store = storage::Store::open(m_dir.filePath(QStringLiteral("bad.streamscope")).toStdString());
        QVERIFY(store);
        QCOMPARE(storage::importCaptures(store->database(), {m_files.front()}).files.size(), std::size_t{1});
        QVERIFY(storage::updateStoredFindings(*store));
        QVERIFY(!store->database().exec("UPDATE findings SET body = '{\"kind\":99}'"));
        auto error = storage::forEachStoredFinding(*store, {}, [](model::Finding&&) {});
        QVERIFY(error);
        QCOMPARE(error->kind, storage::Error::Kind::Corrupt);
    }

    // Every field survives the store's encoding.
    void codecKeepsEveryField()
    {
        model::Finding f;
        f.kind = model::FindingKind::Gap;
        f.severity = model::Severity::Warning;
        f.table = "T";
        f.keyJson = "{\"Id\":{\"N\":\"1\"}}";
        f.keyId = 7;
        f.recordId = 9;
        f.sequenceNumber = "100";
        f.eventId = "e";
        f.message = "m \xE2\x9C\x93";
        model::AttributeChange change;
        change.path = "/price";
        change.oldValue = model::parseAttributeValue(R"({"N":"123456789012345678901234567890.5"})").value;
        change.newValue = model::parseAttributeValue(R"({"SS":["a","b"]})").value;
        change.added = {"b"};
        f.diff.push_back(change);
        f.path = "/p";
        f.jsRisk = model::JsNumberRisk::RoundsSilently;
        f.otherRecordId = 3;
        f.otherSequenceNumber = "90";
        f.affectedRecords = 2;
        f.affectedRecordIds = {9, 10};
        f.jsNumbers.push_back({"NewImage", "/price", model::JsNumberRisk::BigInt, "r"});
        f.source = "a.json";
        f.grouped = true;
        const std::string text = model::encodeFinding(f);
        const auto back = model::decodeFinding(text);
        QVERIFY(back);
        QCOMPARE(model::encodeFinding(*back), text);
        QVERIFY(back->diff == f.diff);
        QCOMPARE(*back->jsRisk, model::JsNumberRisk::RoundsSilently);
        QVERIFY(!model::decodeFinding("{}"));
        QVERIFY(!model::decodeFinding("not json"));
    }

    // Issue 16 item 9: a key whose rows hold more than AuditRequest::maxKeyBytes is not read whole but audited a
    // window of records at a time, with the same findings (in another order within the key); the kept findings'
    // per-key audit (auditKeyRecords) makes the same choice with the same limit, finding for finding in the same order.
    void keysTooLargeToHoldAreAuditedInWindows()
    {
        const std::string path = m_dir.filePath(QStringLiteral("windows.streamscope")).toStdString();
        {
            auto store = storage::Store::open(path);
            QVERIFY(store);
            const auto summary = storage::importCaptures(store->database(), m_files);
            QCOMPARE(summary.files.size(), m_files.size());
        }
        auto store = storage::Store::open(path, storage::Database::OpenMode::ReadOnly);
        QVERIFY(store);
        const auto audit = [&](std::int64_t maxKeyBytes) {
            storage::AuditRequest request;
            request.maxKeyBytes = maxKeyBytes;
            auto report = storage::runAudit(*store, request);
            return report ? std::optional(std::move(*report)) : std::nullopt;
        };
        const auto whole = audit(0);
        const auto windowed = audit(1); // every key over the limit
        const auto some = audit(6000);  // the keys of more than a few records
        QVERIFY(whole && windowed && some);
        QCOMPARE(windowed->keys, whole->keys);
        QCOMPARE(windowed->records, whole->records);
        const auto sorted = [](const storage::AuditReport& r) {
            std::vector<std::string> out;
            for (const auto& f : r.findings)
                out.push_back(model::encodeFinding(f));
            std::sort(out.begin(), out.end());
            return out;
        };
        QVERIFY(whole->findings.size() > 100);
        QCOMPARE(sorted(*windowed), sorted(*whole));
        QCOMPARE(sorted(*some), sorted(*whole));

        // The scan hands a key over the limit without its records.
        std::int64_t leftOut = 0;
        std::vector<std::int64_t> keyIds; // in the audit's key order
        storage::ScanOptions scan;
        scan.maxKeyBytes = 6000;
        QVERIFY(!store->forEachKeyHistory(scan, [&](storage::KeyHistory& h) {
            keyIds.push_back(h.key.id);
            if (h.recordsLeftOut > 0) {
                ++leftOut;
                return h.records.empty();
            }
            return !h.records.empty();
        }));
        QCOMPARE(std::int64_t(keyIds.size()), whole->keys);
        QVERIFY2(leftOut > 0 && leftOut < whole->keys, qPrintable(QString::number(leftOut)));

        // auditKeyRecords with the same limit, key after key: runAudit's per-key findings (they come first, the
        // store-wide ones after), finding for finding and in the same order.
        std::vector<std::string> perKey;
        std::int64_t records = 0;
        for (const std::int64_t keyId : keyIds) {
            std::int64_t keyRecords = 0;
            QVERIFY(!storage::auditKeyRecords(
                *store, keyId, model::AuditOptions{},
                [&](model::Finding&& f) { perKey.push_back(model::encodeFinding(f)); }, keyRecords, 6000));
            records += keyRecords;
        }
        QCOMPARE(records, whole->records);
        QVERIFY(perKey.size() > 100 && perKey.size() <= some->findings.size());
        for (std::size_t i = 0; i < perKey.size(); ++i)
            QCOMPARE(perKey[i], model::encodeFinding(some->findings[i]));
    }
};

QTEST_GUILESS_MAIN(TestStoredFindings)
#include "tst_storedfindings.moc"
