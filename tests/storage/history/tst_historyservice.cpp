// The store-backed history/audit/state service: same results as the in-memory engine on generated captures,
// exact duplicates/TTL/gaps against the manifest, key text parsing, state at a time, public samples.

#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <map>
#include <set>

#include "../../model/genreader.h"
#include "model/dynamodbjson.h"
#include "model/sequencenumber.h"
#include "storage/genimport.h"
#include "storage/history/auditscan.h"
#include "storage/history/keyhistory.h"
#include "storage/history/keytext.h"
#include "storage/history/tablestate.h"
#include "testsupport.h"

using namespace storage;

namespace {

std::multiset<std::string> signature(const std::vector<model::Finding>& findings)
{
    std::multiset<std::string> out;
    for (const auto& f : findings)
        out.insert(std::string(model::findingKindText(f.kind)) + " " + f.table + " " + f.sequenceNumber + " "
                   + f.eventId + " " + (f.jsRisk ? std::string(model::jsRiskText(*f.jsRisk)) : "") + " " + f.path);
    return out;
}

QString kinds(const std::vector<model::Finding>& all)
{
    QStringList list;
    for (const auto& [k, n] : model::countFindings(all))
        list << QStringLiteral("%1=%2").arg(QString::fromStdString(k)).arg(n);
    return list.join(QLatin1Char(' '));
}

} // namespace

class TestHistoryService : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_capture;
    QString m_manifest;
    std::optional<Store> m_store;

private Q_SLOTS:
    void initTestCase()
    {
        REQUIRE_SHARED_DIR();
        m_capture = m_dir.filePath(QStringLiteral("cap.jsonl"));
        m_manifest = m_dir.filePath(QStringLiteral("cap.manifest.json"));
        QCOMPARE(testsupport::runGenerator({QStringLiteral("--seed"),
                                            QStringLiteral("9"),
                                            QStringLiteral("--records"),
                                            QStringLiteral("5000"),
                                            QStringLiteral("--keys"),
                                            QStringLiteral("400"),
                                            QStringLiteral("--tables"),
                                            QStringLiteral("3"),
                                            QStringLiteral("--remove-rate"),
                                            QStringLiteral("0.1"),
                                            QStringLiteral("--gap-rate"),
                                            QStringLiteral("0.04"),
                                            QStringLiteral("--duplicate-rate"),
                                            QStringLiteral("0.03"),
                                            QStringLiteral("--ttl-rate"),
                                            QStringLiteral("0.3"),
                                            QStringLiteral("--shuffle"),
                                            QStringLiteral("--batch-size"),
                                            QStringLiteral("40"),
                                            QStringLiteral("--layout"),
                                            QStringLiteral("jsonl"),
                                            QStringLiteral("--quiet"),
                                            QStringLiteral("--out"),
                                            m_capture,
                                            QStringLiteral("--manifest"),
                                            m_manifest}),
                 QString());
        auto store = Store::open(m_dir.filePath(QStringLiteral("s.streamscope")).toStdString());
        QVERIFY2(store, store ? "" : store.error().message.c_str());
        m_store.emplace(std::move(*store));
        QCOMPARE(QString::fromStdString(genimport::importFile(*m_store, m_capture.toStdString())), QString());
    }

    void auditMatchesEngineAndManifest()
    {
        auto report = runAudit(*m_store);
        QVERIFY2(report, report ? "" : report.error().message.c_str());
        QVERIFY(report->complete);
        std::vector<model::HistoryRecord> records;
        genreader::readFile(m_capture.toStdString(), records);
        const auto inMemory = model::auditRecords(records);
        QCOMPARE(kinds(report->findings), kinds(inMemory));
        QVERIFY(signature(report->findings) == signature(inMemory));

        const auto manifest = genreader::readJson(m_manifest.toStdString());
        std::multiset<std::string> expectedDuplicates;
        for (const auto& id : manifest.at("duplicated"))
            expectedDuplicates.insert(id.get<std::string>());
        std::set<std::string> dropped;
        for (const auto& d : manifest.at("dropped"))
            dropped.insert(d.at("eventID").get<std::string>());
        std::set<std::string> expectedTtl;
        for (const auto& id : manifest.at("ttl"))
            if (!dropped.count(id.get<std::string>()))
                expectedTtl.insert(id.get<std::string>());
        std::multiset<std::string> duplicates;
        std::set<std::string> ttl;
        for (const auto& f : report->findings) {
            if (f.kind == model::FindingKind::Duplicate) {
                duplicates.insert(f.eventId);
                QVERIFY2(f.message.find("cap.jsonl record ") != std::string::npos, f.message.c_str());
            }
            if (f.kind == model::FindingKind::TtlRemove)
                ttl.insert(f.eventId);
            QVERIFY(f.keyId > 0);
            QVERIFY(f.recordId > 0);
            QVERIFY(!f.message.empty());
        }
        QCOMPARE(duplicates, expectedDuplicates);
        QCOMPARE(ttl, expectedTtl);
        QCOMPARE(report->records, std::int64_t(records.size() - expectedDuplicates.size()));

        // Read in file order and sorted by key in temporary files (a store file, a disk with room), and the same
        // findings in the same order read through the key index.
        QVERIFY(report->sortedScan);
        AuditRequest byIndex;
        byIndex.sortedScan = false;
        auto indexed = runAudit(*m_store, byIndex);
        QVERIFY(indexed && indexed->complete);
        QVERIFY(!indexed->sortedScan);
        QVERIFY(signature(indexed->findings) == signature(report->findings));
        QCOMPARE(indexed->findings.size(), report->findings.size());
        for (std::size_t i = 0; i < report->findings.size(); ++i)
            QCOMPARE(model::findingToJson(indexed->findings[i]), model::findingToJson(report->findings[i]));
    }

    /// The sorted read's temporary bytes (what decides whether the full audit sorts or reads through the key index),
    /// estimated from a sample: near the bytes every row carries, and nothing for an empty store.
    void sortedScanBytesEstimate()
    {
        auto exact =
            m_store->database().queryInt("SELECT sum(coalesce(keys_len, length(CAST(keys_text AS BLOB)), 0) "
                                         "+ coalesce(new_len, length(CAST(new_text AS BLOB)), 0) + 176) FROM records");
        QVERIFY(exact);
        QVERIFY(*exact > 0);
        const auto estimate = sortedScanBytes(*m_store);
        QVERIFY(estimate.has_value());
        const double ratio = static_cast<double>(*estimate) / static_cast<double>(*exact);
        QVERIFY2(ratio > 0.85 && ratio < 1.15,
                 qPrintable(QStringLiteral("estimate %1, exact %2").arg(*estimate).arg(*exact)));

        QTemporaryDir dir;
        auto empty = Store::open(dir.filePath(QStringLiteral("e.streamscope")).toStdString());
        QVERIFY(empty);
        QCOMPARE(sortedScanBytes(*empty), std::optional<std::int64_t>(0));
    }

    void auditStreamsFindings()
    {
        // onFinding: the same findings in the same order as the collected report, handed over one by one and none
        // kept in the report; grouped through a FindingGrouper, every kind stays and the counts add up.
        auto full = runAudit(*m_store);
        QVERIFY(full);
        AuditRequest request;
        std::vector<std::string> streamed;
        std::vector<model::Finding> grouped;
        model::FindingGrouper grouper([&](model::Finding&& f) { grouped.push_back(std::move(f)); });
        request.onFinding = [&](model::Finding&& f) {
            streamed.push_back(model::findingToJson(f));
            grouper.add(std::move(f));
        };
        auto report = runAudit(*m_store, request);
        QVERIFY(report && report->complete);
        QVERIFY(report->findings.empty());
        QCOMPARE(streamed.size(), full->findings.size());
        for (std::size_t i = 0; i < streamed.size(); ++i)
            QCOMPARE(streamed[i], model::findingToJson(full->findings[i]));
        grouper.finish();
        std::map<model::FindingKind, std::int64_t> flatCounts, groupedCounts;
        for (const auto& f : full->findings)
            ++flatCounts[f.kind];
        for (const auto& f : grouped)
            groupedCounts[f.kind] += f.grouped ? f.affectedRecords : 1;
        QVERIFY(flatCounts.count(model::FindingKind::TtlRemove));
        for (const auto& [kind, n] : flatCounts) {
            if (kind != model::FindingKind::JsUnsafeNumber) // a record may count in several js groups
                QCOMPARE(groupedCounts[kind], n);
        }
        QVERIFY(grouped.size() < full->findings.size());
    }

    void auditIsDeterministicAndStops()
    {
        // runAudit reads on one thread and audits on another (handing work over by load): the findings, their
        // order and the progress calls must not depend on that.
        auto full = runAudit(*m_store);
        QVERIFY(full);
        std::vector<std::string> expected;
        for (const auto& f : full->findings)
            expected.push_back(model::findingToJson(f));
        for (int run = 0; run < 3; ++run) {
            AuditRequest request;
            std::vector<std::int64_t> calls;
            request.progress = [&](std::int64_t done) {
                calls.push_back(done);
                return true;
            };
            auto again = runAudit(*m_store, request);
            QVERIFY(again && again->complete);
            std::vector<std::string> got;
            for (const auto& f : again->findings)
                got.push_back(model::findingToJson(f));
            QVERIFY(got == expected);
            QCOMPARE(static_cast<std::int64_t>(calls.size()), again->keys); // once per key
            QVERIFY(std::is_sorted(calls.begin(), calls.end()));
            QCOMPARE(calls.back(), again->records);
        }
        // Stop after ~a third of the records: no call after the refusal, the findings are a prefix of the full
        // audit's per-key findings, and the report says it is incomplete.
        AuditRequest request;
        int callsAfterStop = 0;
        bool stopped = false;
        request.progress = [&](std::int64_t done) {
            if (stopped)
                ++callsAfterStop;
            if (done * 3 >= full->records)
                stopped = true;
            return !stopped;
        };
        auto partial = runAudit(*m_store, request);
        QVERIFY(partial);
        QVERIFY(!partial->complete);
        QCOMPARE(callsAfterStop, 0);
        QVERIFY(partial->records < full->records);
        QVERIFY(partial->findings.size() < expected.size());
        for (std::size_t i = 0; i < partial->findings.size(); ++i)
            QCOMPARE(model::findingToJson(partial->findings[i]), expected[i]);
    }

    void historyMatchesEngine()
    {
        std::vector<model::HistoryRecord> records;
        genreader::readFile(m_capture.toStdString(), records);
        std::map<std::pair<std::string, std::string>, std::vector<model::HistoryRecord>> byKey;
        std::set<std::string> seen;
        for (const auto& r : records)
            if (seen.insert(r.table + r.sequenceNumber).second)
                byKey[{r.table, model::canonicalJson(r.keys)}].push_back(r);
        int checked = 0;
        for (auto& [key, list] : byKey) {
            if (checked++ > 60)
                break;
            auto table = resolveTable(*m_store, key.first);
            QVERIFY(table);
            auto info = resolveKey(*m_store, table->id, key.second);
            QVERIFY2(info, info ? "" : info.error().message.c_str());
            auto loaded = loadHistory(*m_store, info->id);
            QVERIFY(loaded);
            const auto expected = model::ItemHistory::build(list);
            QCOMPARE(loaded->history.size(), expected.size());
            QCOMPARE(loaded->history.ordering(), model::Ordering::Sequence);
            for (std::size_t i = 0; i < expected.size(); ++i) {
                const auto& a = loaded->history.version(i);
                const auto& b = expected.version(i);
                QCOMPARE(a.record.sequenceNumber, b.record.sequenceNumber);
                QCOMPARE(a.state, b.state);
                if (a.state == model::StateKind::Present)
                    QVERIFY(a.image.sameAs(b.image));
                const auto ca = loaded->history.changes(i);
                const auto cb = expected.changes(i);
                QCOMPARE(ca.has_value(), cb.has_value());
                if (ca)
                    QCOMPARE(model::changesToJson(ca->changes), model::changesToJson(cb->changes));
            }
        }
    }

    void keyText_data()
    {
        QTest::addColumn<QString>("table");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected"); // canonical JSON, or "error:<substring>"
        QTest::addRow("json") << "ExampleTableWithStream"
                              << R"({"Id":{"N":"101"}})"
                              << R"({"Id":{"N":"101"}})";
        QTest::addRow("name=value number") << "ExampleTableWithStream"
                                           << "Id=101"
                                           << R"({"Id":{"N":"101"}})";
        QTest::addRow("name=value number spaces") << "ExampleTableWithStream"
                                                  << " Id = 101.0 "
                                                  << R"({"Id":{"N":"101"}})";
        QTest::addRow("string key") << "Orders"
                                    << "userId=orde-0000001"
                                    << R"({"userId":{"S":"orde-0000001"}})";
        QTest::addRow("not a number") << "ExampleTableWithStream"
                                      << "Id=abc"
                                      << "error:not a number";
        QTest::addRow("unknown attribute") << "ExampleTableWithStream"
                                           << "Name=1"
                                           << "error:no key attribute 'Name'";
        QTest::addRow("bad json") << "ExampleTableWithStream"
                                  << R"({"Id":{"X":"1"}})"
                                  << "error:not valid DynamoDB JSON";
        QTest::addRow("not a key form") << "ExampleTableWithStream"
                                        << "101"
                                        << "error:cannot read the key";
        QTest::addRow("empty") << "ExampleTableWithStream"
                               << " "
                               << "error:empty key";
    }

    void keyText()
    {
        QFETCH(QString, table);
        QFETCH(QString, text);
        QFETCH(QString, expected);
        auto t = resolveTable(*m_store, table.toStdString());
        QVERIFY2(t, t ? "" : t.error().message.c_str());
        auto item = parseKeyText(*m_store, t->id, text.toStdString());
        if (expected.startsWith(QLatin1String("error:"))) {
            QVERIFY(!item);
            QCOMPARE(item.error().kind, Error::Kind::InvalidArgument);
            QVERIFY2(QString::fromStdString(item.error().message).contains(expected.mid(6)),
                     item.error().message.c_str());
        } else {
            QVERIFY2(item, item ? "" : item.error().message.c_str());
            QCOMPARE(QString::fromStdString(model::canonicalJson(*item)), expected);
        }
    }

    void missingKeyAndTable()
    {
        auto t = resolveTable(*m_store, "NoSuchTable");
        QVERIFY(!t);
        QVERIFY(t.error().message.find("ExampleTableWithStream") != std::string::npos);
        auto table = resolveTable(*m_store, "ExampleTableWithStream");
        auto k = resolveKey(*m_store, table->id, "Id=99999999");
        QVERIFY(!k);
        QVERIFY2(k.error().message.find("no item with key Id=99999999") != std::string::npos,
                 k.error().message.c_str());
    }

    void stateAtTime()
    {
        std::vector<model::HistoryRecord> records;
        genreader::readFile(m_capture.toStdString(), records);
        std::int64_t lo = INT64_MAX;
        std::int64_t hi = INT64_MIN;
        for (const auto& r : records) {
            lo = std::min(lo, *r.creationTimeMicros);
            hi = std::max(hi, *r.creationTimeMicros);
        }
        const std::int64_t at = lo + (hi - lo) / 2;
        auto table = resolveTable(*m_store, "Orders");
        auto state = stateAt(*m_store, table->id, at);
        QVERIFY(state);
        // Brute force: per key, the record with the highest sequence number among those at or before `at`.
        std::map<std::string, const model::HistoryRecord*> last;
        for (const auto& r : records) {
            if (r.table != "Orders" || *r.creationTimeMicros > at)
                continue;
            auto& slot = last[model::canonicalJson(r.keys)];
            if (!slot || model::compareSequenceNumbers(slot->sequenceNumber, r.sequenceNumber) < 0)
                slot = &r;
        }
        std::size_t present = 0;
        std::size_t absent = 0;
        for (const auto& [key, r] : last)
            (r->eventName == model::EventName::Remove ? absent : present)++;
        QCOMPARE(state->items.size(), present);
        QCOMPARE(state->absent, std::int64_t(absent));
        QVERIFY(state->unknown.empty());
        for (const auto& item : state->items) {
            const auto* r = last.at(item.key.canonicalKeys);
            QCOMPARE(item.version.record.sequenceNumber, r->sequenceNumber);
            QVERIFY(item.version.image.sameAs(r->newImage));
        }
    }

    void publicSamples_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("expected");
        QTest::addRow("powertools-java big") << "powertools-java/dynamo_event_big.json"
                                             << "duplicate=7 gap=1 insert-over-existing=1 out-of-order-arrival=1 "
                                                "reused-event-id=2";
        QTest::addRow("aws-lambda-go") << "aws-lambda-go/dynamodb-event.json"
                                       << "conflict=1";
        // Its records carry OLD_IMAGE and NEW_AND_OLD_IMAGES under one stream ARN: mixed-view-types (issue 17).
        QTest::addRow("aws-lambda-dotnet") << "aws-lambda-dotnet/dynamodb-event.json"
                                           << "conflict=1 mixed-view-types=1";
        QTest::addRow("powertools-python") << "powertools-python/getting_started_dynamodb_event.json"
                                           << "insert-over-existing=1 key-mismatch=2 reused-event-id=1";
    }

    void publicSamples()
    {
        QFETCH(QString, file);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        auto store = Store::open(dir.filePath(QStringLiteral("p.streamscope")).toStdString());
        QVERIFY(store);
        QCOMPARE(QString::fromStdString(genimport::importFile(
                     *store, (testsupport::samplesDir() + QLatin1Char('/') + file).toStdString())),
                 QString());
        auto report = runAudit(*store);
        QVERIFY2(report, report ? "" : report.error().message.c_str());
        for (const auto& f : report->findings)
            qInfo("%s", model::findingToJson(f).c_str());
        QCOMPARE(kinds(report->findings), expected);
        if (file.contains(QLatin1String("powertools-java"))) {
            // two records of one key arrived late: one finding for the key, counting both
            for (const auto& f : report->findings) {
                if (f.kind == model::FindingKind::OutOfOrderArrival) {
                    QCOMPARE(f.affectedRecords, std::int64_t{2});
                    QCOMPARE(f.affectedRecordIds.size(), std::size_t{2});
                    QCOMPARE(f.affectedRecordIds.front(), f.recordId);
                    QVERIFY(f.otherRecordId.has_value());
                    QVERIFY2(f.message.starts_with("2 of this key's "), f.message.c_str());
                }
            }
        }
        if (file.contains(QLatin1String("aws-lambda-go"))) {
            QVERIFY(report->findings[0].message.find("eventID") != std::string::npos);
            auto one = auditKey(*store, report->findings[0].keyId);
            QVERIFY(one);
            QCOMPARE(kinds(*one), QStringLiteral("conflict=1"));
        }
    }
};

QTEST_GUILESS_MAIN(TestHistoryService)
#include "tst_historyservice.moc"
