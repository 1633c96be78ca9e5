// Stream audit: every finding kind on inline records; exact agreement with the generator's --manifest (gaps,
// duplicates, TTL removes, orphan starts, late arrivals) for every view type; the public samples with reused event
// IDs and repeated sequence numbers.

#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <map>
#include <set>

#include "genreader.h"
#include "model/audit.h"
#include "model/dynamodbjson.h"
#include "model/sequencenumber.h"
#include "testsupport.h"

using namespace model;

namespace {

HistoryRecord rec(EventName event, std::string seq, const char* newImage, const char* oldImage, std::int64_t arrival,
                  std::optional<std::int64_t> time = std::nullopt)
{
    HistoryRecord r;
    r.table = "T";
    r.streamArn = "arn:aws:dynamodb:eu-central-1:1:table/T/stream/1";
    r.keysJson = R"({"Id":{"N":"1"}})";
    r.keys = *parseItem(r.keysJson).value;
    r.eventName = event;
    r.sequenceNumber = std::move(seq);
    r.eventId = "e" + r.sequenceNumber;
    r.viewType = ViewType::NewAndOldImages;
    r.creationTimeMicros = time;
    r.arrival = arrival;
    r.id = arrival;
    if (newImage)
        r.newImage = Image::fromJson(newImage);
    if (oldImage)
        r.oldImage = Image::fromJson(oldImage);
    return r;
}

const char* A = R"({"Id":{"N":"1"},"v":{"N":"1"}})";
const char* B = R"({"Id":{"N":"1"},"v":{"N":"2"}})";
const char* C = R"({"Id":{"N":"1"},"v":{"N":"3"}})";

std::vector<Finding> ofKind(const std::vector<Finding>& all, FindingKind kind)
{
    std::vector<Finding> out;
    std::copy_if(all.begin(), all.end(), std::back_inserter(out), [kind](const Finding& f) { return f.kind == kind; });
    return out;
}

QString kinds(const std::vector<Finding>& all)
{
    QStringList list;
    for (const auto& [k, n] : countFindings(all))
        list << QStringLiteral("%1=%2").arg(QString::fromStdString(k)).arg(n);
    return list.join(QLatin1Char(' '));
}

} // namespace

class TestAudit : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cleanHistoryHasNoFindings()
    {
        const auto f = auditRecords({rec(EventName::Insert, "1", A, nullptr, 1, 1'000'000),
                                     rec(EventName::Modify, "2", B, A, 2, 1'000'000),
                                     rec(EventName::Remove, "3", nullptr, B, 3, 2'000'000)});
        QCOMPARE(kinds(f), QString());
    }

    void gapWithDiff()
    {
        // B's MODIFY (v 1 -> 2) is missing: the next OldImage (v=2) differs from what the INSERT left (v=1).
        const auto f = auditRecords({rec(EventName::Insert, "1", A, nullptr, 1), rec(EventName::Modify, "3", C, B, 2)});
        QCOMPARE(kinds(f), QStringLiteral("gap=1"));
        QCOMPARE(f[0].severity, Severity::Error);
        QCOMPARE(f[0].sequenceNumber, std::string("3"));
        QCOMPARE(f[0].otherSequenceNumber, std::string("1"));
        QCOMPARE(QString::fromStdString(changesToJson(f[0].diff)),
                 QStringLiteral(R"([{"op":"replace","path":"/v","old":{"N":"1"},"new":{"N":"2"}}])"));
        QVERIFY(f[0].message.find("missing") != std::string::npos);
        const QString json = QString::fromStdString(findingToJson(f[0]));
        QVERIFY2(json.contains(QStringLiteral(R"("diff":[{"op":"replace","path":"/v")")), qPrintable(json));
    }

    void numericallyEqualOldImageIsNoGap()
    {
        const auto f = auditRecords({rec(EventName::Insert, "1", R"({"Id":{"N":"1"},"p":{"N":"1.50"}})", nullptr, 1),
                                     rec(EventName::Modify, "2", B, R"({"p":{"N":"1.5"},"Id":{"N":"1.0"}})", 2)});
        QCOMPARE(kinds(f), QString());
    }

    void structuralKinds_data()
    {
        QTest::addColumn<QString>("events");
        QTest::addColumn<QString>("expected");
        QTest::addRow("orphan start modify") << "M"
                                             << "orphan-start=1";
        QTest::addRow("orphan start remove") << "R"
                                             << "orphan-start=1";
        QTest::addRow("insert over existing") << "IMI"
                                              << "insert-over-existing=1";
        QTest::addRow("modify after remove") << "IRM"
                                             << "modify-after-remove=1";
        QTest::addRow("remove of absent") << "IRR"
                                          << "remove-of-absent=1";
        QTest::addRow("reinsert is fine") << "IMRIM"
                                          << "";
    }

    // KEYS_ONLY records: existence is still known from event names.
    void structuralKinds()
    {
        QFETCH(QString, events);
        QFETCH(QString, expected);
        std::vector<HistoryRecord> rs;
        for (int i = 0; i < events.size(); ++i) {
            const QChar e = events.at(i);
            HistoryRecord r =
                rec(e == QLatin1Char('I') ? EventName::Insert
                                          : (e == QLatin1Char('M') ? EventName::Modify : EventName::Remove),
                    std::to_string(10 + i), nullptr, nullptr, i + 1);
            r.viewType = ViewType::KeysOnly;
            rs.push_back(r);
        }
        QCOMPARE(kinds(auditRecords(rs)), expected);
    }

    void ttlRemove()
    {
        auto r = rec(EventName::Remove, "2", nullptr, A, 2);
        r.ttl = true;
        const auto f = auditRecords({rec(EventName::Insert, "1", A, nullptr, 1), r});
        QCOMPARE(kinds(f), QStringLiteral("ttl-remove=1"));
        QCOMPARE(f[0].severity, Severity::Info);
    }

    void arrivalAndTime()
    {
        // seq 2 arrives last (after 3), and 3's creation time goes back.
        const auto f = auditRecords({rec(EventName::Insert, "1", A, nullptr, 1, 5'000'000),
                                     rec(EventName::Modify, "3", C, B, 2, 4'000'000),
                                     rec(EventName::Modify, "2", B, A, 3, 6'000'000)});
        QCOMPARE(kinds(f), QStringLiteral("out-of-order-arrival=1 time-regression=1"));
        const auto late = ofKind(f, FindingKind::OutOfOrderArrival);
        QCOMPARE(late[0].sequenceNumber, std::string("2"));
        QCOMPARE(late[0].otherSequenceNumber, std::string("3"));
        QCOMPARE(late[0].affectedRecords, std::int64_t{1});
        QCOMPARE(late[0].severity, Severity::Warning);
        QCOMPARE(ofKind(f, FindingKind::TimeRegression)[0].sequenceNumber, std::string("3"));
    }

    void outOfOrderArrivalOncePerKey_data()
    {
        QTest::addColumn<QList<int>>("arrivalOfSequence"); // arrival position of sequence numbers 1, 2, 3, ...
        QTest::addColumn<int>("late");                     // expected affectedRecords (0 = no finding)
        QTest::addColumn<QString>("first");                // sequence number the finding points at
        QTest::addColumn<QString>("after");                // the record it arrived after
        QTest::addRow("in order") << QList<int>{1, 2, 3, 4, 5} << 0 << ""
                                  << "";
        QTest::addRow("one swap") << QList<int>{1, 3, 2, 4, 5} << 1 << "2"
                                  << "3";
        QTest::addRow("reversed") << QList<int>{5, 4, 3, 2, 1} << 4 << "1"
                                  << "5";
        QTest::addRow("first arrives last") << QList<int>{5, 1, 2, 3, 4} << 1 << "1"
                                            << "2";
        QTest::addRow("last arrives first") << QList<int>{2, 3, 4, 5, 1} << 4 << "1"
                                            << "5";
        QTest::addRow("two swaps") << QList<int>{2, 1, 3, 5, 4} << 2 << "1"
                                   << "2";
    }

    void outOfOrderArrivalOncePerKey()
    {
        // A shuffled delivery makes many records of a key late: one finding per key with the count, pointing at
        // the first late record in sequence order and at the earliest-arriving record after it.
        QFETCH(QList<int>, arrivalOfSequence);
        QFETCH(int, late);
        QFETCH(QString, first);
        QFETCH(QString, after);
        std::vector<HistoryRecord> records;
        for (int i = 0; i < arrivalOfSequence.size(); ++i) {
            const char* image = i % 2 == 0 ? A : B;
            const char* old = i == 0 ? nullptr : (i % 2 == 0 ? B : A);
            records.push_back(rec(i == 0 ? EventName::Insert : EventName::Modify, std::to_string(i + 1), image, old,
                                  arrivalOfSequence[i]));
        }
        // a second key, in order: no finding of its own
        records.push_back(rec(EventName::Insert, "100", R"({"Id":{"N":"2"}})", nullptr, 100));
        records.back().keysJson = R"({"Id":{"N":"2"}})";
        records.back().keys = *parseItem(records.back().keysJson).value;
        const auto f = ofKind(auditRecords(records), FindingKind::OutOfOrderArrival);
        if (late == 0) {
            QVERIFY(f.empty());
            return;
        }
        QCOMPARE(f.size(), std::size_t{1});
        QCOMPARE(f[0].affectedRecords, std::int64_t{late});
        QCOMPARE(f[0].affectedRecordIds.size(), static_cast<std::size_t>(late));
        QCOMPARE(f[0].affectedRecordIds.front(), f[0].recordId);
        QCOMPARE(QString::fromStdString(f[0].sequenceNumber), first);
        QCOMPARE(QString::fromStdString(f[0].otherSequenceNumber), after);
        QVERIFY2(f[0].message.starts_with(std::to_string(late) + " of this key's 5 records arrived after"),
                 f[0].message.c_str());
        const std::string json = findingToJson(f[0]);
        QVERIFY2(json.find("\"affectedRecords\":" + std::to_string(late)) != std::string::npos, json.c_str());
    }

    void duplicatesAndConflicts()
    {
        auto conflict = rec(EventName::Modify, "2", C, A, 4);
        const auto f = auditRecords({rec(EventName::Insert, "1", A, nullptr, 1), rec(EventName::Modify, "2", B, A, 2),
                                     rec(EventName::Insert, "1", A, nullptr, 3), conflict,
                                     rec(EventName::Insert, "1", R"({"v":{"N":"1"},"Id":{"N":"1.0"}})", nullptr, 5)});
        QCOMPARE(kinds(f), QStringLiteral("conflict=1 duplicate=2"));
        QVERIFY(ofKind(f, FindingKind::Conflict)[0].message.find("NewImage differs") != std::string::npos);
    }

    void valueChecksOnImageText_data()
    {
        // The value checks decide many attributes on their text (compact strings, sets, binary, nested numbers) and
        // decode the rest; either way the findings must be those of a full decode. Each row: one attribute of a
        // NewImage (as text) -> the finding kinds of the INSERT carrying it.
        QTest::addColumn<QString>("attribute");
        QTest::addColumn<QString>("expected");
        QTest::addRow("string set") << R"({"SS":["a","b","ü"]})"
                                    << "";
        QTest::addRow("string set duplicate") << R"({"SS":["a","b","a"]})"
                                              << "invalid-value=1";
        QTest::addRow("string set duplicate by escape") << R"({"SS":["a","\u0061"]})"
                                                        << "invalid-value=1";
        QTest::addRow("empty string set") << R"({"SS":[]})"
                                          << "invalid-value=1";
        QTest::addRow("number set") << R"({"NS":["1","2.5","-3"]})"
                                    << "";
        QTest::addRow("number set duplicate numerically") << R"({"NS":["1","1.0"]})"
                                                          << "invalid-value=1";
        QTest::addRow("number set bad member") << R"({"NS":["1","x"]})"
                                               << "invalid-value=1";
        QTest::addRow("number set js risk") << R"({"NS":["1","9007199254740993"]})"
                                            << "js-unsafe-number=1";
        QTest::addRow("binary") << R"({"B":"AAEC"})"
                                << "";
        QTest::addRow("binary invalid") << R"({"B":"@@@"})"
                                        << "invalid-value=1";
        QTest::addRow("binary set") << R"({"BS":["AAEC","AAED"]})"
                                    << "";
        QTest::addRow("binary set duplicate") << R"({"BS":["AAEC","AAEC"]})"
                                              << "invalid-value=1";
        QTest::addRow("binary set invalid") << R"({"BS":["AAEC","@"]})"
                                            << "invalid-value=1";
        QTest::addRow("nested binary invalid") << R"({"M":{"x":{"L":[{"B":"@@"}]}}})"
                                               << "invalid-value=1";
        QTest::addRow("nested NULL false") << R"({"L":[{"NULL":false}]})"
                                           << "invalid-value=1";
        QTest::addRow("nested bad number") << R"({"M":{"n":{"N":"1e999999"}}})"
                                           << "invalid-value=1 js-unsafe-number=1";
        QTest::addRow("nested risky number") << R"({"M":{"n":{"N":"0.1234567890123456789"}}})"
                                             << "js-unsafe-number=1";
        QTest::addRow("map member named like a tag") << R"({"M":{"B":{"S":"x"},"NS":{"N":"1"}}})"
                                                     << "";
        QTest::addRow("pretty-printed risky number") << "{ \"N\" : \"9007199254740993\" }"
                                                     << "js-unsafe-number=1";
        QTest::addRow("pretty-printed nested risky") << "{\"M\": {\"n\": { \"N\": \"9007199254740993\" }}}"
                                                     << "js-unsafe-number=1";
        QTest::addRow("pretty-printed nested bad binary") << "{\"L\": [ {\"B\": \"@@\"} ]}"
                                                          << "invalid-value=1";
    }

    void valueChecksOnImageText()
    {
        QFETCH(QString, attribute);
        QFETCH(QString, expected);
        const std::string image = R"({"Id":{"N":"1"},"a":)" + attribute.toStdString() + "}";
        const auto f = auditRecords({rec(EventName::Insert, "1", image.c_str(), nullptr, 1)});
        QCOMPARE(kinds(f), expected);
        // the same attribute again in a MODIFY, changed elsewhere: reported again (js per record) or not (invalid
        // values are reported where they change), exactly as with a full decode
        const std::string next = R"({"Id":{"N":"1"},"b":{"S":"x"},"a":)" + attribute.toStdString() + "}";
        const auto g = auditRecords({rec(EventName::Insert, "1", image.c_str(), nullptr, 1),
                                     rec(EventName::Modify, "2", next.c_str(), image.c_str(), 2)});
        QString twice = expected;
        twice.replace(QLatin1String("js-unsafe-number=1"), QLatin1String("js-unsafe-number=2"));
        QCOMPARE(kinds(g), twice);
    }

    void keyMismatch()
    {
        auto r = rec(EventName::Insert, "1", R"({"Id":{"N":"2"},"v":{"N":"1"}})", nullptr, 1);
        auto f = auditRecords({r});
        QCOMPARE(kinds(f), QStringLiteral("key-mismatch=1"));
        QCOMPARE(f[0].path, std::string("/Id"));
        f = auditRecords({rec(EventName::Insert, "1", R"({"v":{"N":"1"}})", nullptr, 1)});
        QCOMPARE(kinds(f), QStringLiteral("key-mismatch=1"));
    }

    void valueFindings_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<QString>("risk");
        QTest::addRow("safe") << R"({"N":"123.25"})"
                              << ""
                              << "";
        QTest::addRow("bigint") << R"({"N":"9007199254740993"})"
                                << "js-unsafe-number=2"
                                << "bigint";
        QTest::addRow("non-integer beyond 2^53") << R"({"N":"9007199254740993.5"})"
                                                 << "js-unsafe-number=2"
                                                 << "throws-non-integer";
        QTest::addRow("rounds silently") << R"({"N":"0.12345678901234567890123"})"
                                         << "js-unsafe-number=2"
                                         << "rounds-silently";
        QTest::addRow("nested in set") << R"({"M":{"s":{"NS":["1","12345678901234567890123456789.5"]}}})"
                                       << "js-unsafe-number=2"
                                       << "throws-non-integer";
        QTest::addRow("too many digits") << R"({"N":"123456789012345678901234567890123456789"})"
                                         << "invalid-value=1 js-unsafe-number=2"
                                         << "bigint";
        QTest::addRow("not a number") << R"({"N":"abc"})"
                                      << "invalid-value=1"
                                      << "";
        QTest::addRow("empty set") << R"({"SS":[]})"
                                   << "invalid-value=1"
                                   << "";
        QTest::addRow("duplicate set member") << R"({"NS":["1","1.0"]})"
                                              << "invalid-value=1"
                                              << "";
        QTest::addRow("bad base64") << R"({"B":"no!"})"
                                    << "invalid-value=1"
                                    << "";
    }

    void valueFindings()
    {
        QFETCH(QString, value);
        QFETCH(QString, expected);
        QFETCH(QString, risk);
        const std::string image = R"({"Id":{"N":"1"},"x":)" + value.toStdString() + "}";
        const std::string later = R"({"Id":{"N":"1"},"y":{"S":"new"},"x":)" + value.toStdString() + "}";
        // invalid-value: reported once, where the value appears, not again for unchanged attributes of later images.
        // js-unsafe-number: every record carrying the number (a JavaScript consumer unmarshalls whole images and
        // rejects the record), once per record.
        const auto f = auditRecords({rec(EventName::Insert, "1", image.c_str(), nullptr, 1),
                                     rec(EventName::Modify, "2", later.c_str(), image.c_str(), 2)});
        QCOMPARE(kinds(f), expected);
        std::vector<std::string> jsRecords;
        for (const auto& x : f) {
            QVERIFY(x.path.starts_with("/x"));
            if (x.kind == FindingKind::JsUnsafeNumber) {
                jsRecords.push_back(x.sequenceNumber);
                QCOMPARE(QString::fromStdString(std::string(jsRiskText(*x.jsRisk))), risk);
            } else {
                QCOMPARE(x.sequenceNumber, std::string("1"));
            }
        }
        if (!risk.isEmpty()) {
            QCOMPARE(jsRecords, (std::vector<std::string>{"1", "2"}));
            // Record 2 carries the number in NewImage and OldImage: both listed in its one finding.
            const auto& second = *std::find_if(f.begin(), f.end(), [](const Finding& x) {
                return x.kind == FindingKind::JsUnsafeNumber && x.sequenceNumber == "2";
            });
            QVERIFY2(second.message.starts_with("2 numbers"), second.message.c_str());
            QVERIFY2(second.message.find("NewImage /x") != std::string::npos, second.message.c_str());
            QVERIFY2(second.message.find("OldImage /x") != std::string::npos, second.message.c_str());
        }
    }

    void jsUnsafeOneFindingPerRecord()
    {
        // Six risky numbers (Keys, top level, in a list, in a set) in one record: one finding with the worst risk,
        // the first 3 listed, then "and 3 more". (1e100 is an integer in exponent form: BigInt("1e100") throws.)
        const char* image = R"({"Id":{"N":"9007199254740993"},"a":{"N":"0.12345678901234567890123"},)"
                            R"("b":{"L":[{"N":"1"},{"N":"9007199254740993.5"}]},"c":{"N":"1e100"},)"
                            R"("d":{"NS":["2","90071992547409931"]},"e":{"S":"9007199254740993.5"}})";
        auto r = rec(EventName::Insert, "1", image, nullptr, 1);
        r.keysJson = R"({"Id":{"N":"9007199254740993"}})";
        r.keys = *parseItem(r.keysJson).value;
        const auto f = auditRecords({r});
        QCOMPARE(kinds(f), QStringLiteral("js-unsafe-number=1"));
        QCOMPARE(f[0].path, std::string("/Id")); // Keys are listed first
        QCOMPARE(std::string(jsRiskText(*f[0].jsRisk)), std::string("throws-non-integer"));
        QVERIFY2(f[0].message.starts_with("6 numbers a JavaScript handler cannot hold exactly: Keys /Id (bigint)"),
                 f[0].message.c_str());
        QVERIFY2(f[0].message.find("NewImage /Id (bigint)") != std::string::npos, f[0].message.c_str());
        QVERIFY2(f[0].message.find("NewImage /a (rounds-silently)") != std::string::npos, f[0].message.c_str());
        QVERIFY2(f[0].message.ends_with("; and 3 more"), f[0].message.c_str());

        // A clean record next to it is not flagged.
        const auto clean =
            auditRecords({rec(EventName::Insert, "1", R"({"Id":{"N":"1"},"a":{"N":"1.5"}})", nullptr, 1)});
        QCOMPARE(kinds(clean), QString());
    }

    void reusedEventId()
    {
        auto a = rec(EventName::Insert, "1", A, nullptr, 1);
        auto b = rec(EventName::Modify, "2", B, A, 2);
        b.eventId = a.eventId;
        QCOMPARE(kinds(auditRecords({a, b})), QStringLiteral("reused-event-id=1"));
    }

    void sinkReceivesWhatWouldBeCollected()
    {
        // The same key audited with and without a sink: the same findings in the same order, key ids set, none kept.
        std::vector<HistoryRecord> records{
            rec(EventName::Insert, "1", A, nullptr, 1), rec(EventName::Modify, "3", C, B, 2),
            rec(EventName::Insert, "4", R"({"Id":{"N":"1"},"n":{"N":"9007199254740993"}})", nullptr, 3)};
        Auditor collecting;
        collecting.addKey(records, Ordering::Sequence, 7);
        const auto collected = collecting.takeFindings();
        Auditor streaming;
        std::vector<std::string> streamed;
        streaming.setSink([&](Finding&& f) {
            QCOMPARE(f.keyId, std::int64_t(7));
            streamed.push_back(findingToJson(f));
        });
        streaming.addKey(records, Ordering::Sequence, 7);
        QVERIFY(streaming.findings().empty());
        QCOMPARE(streamed.size(), collected.size());
        QCOMPARE(kinds(collected), QStringLiteral("gap=1 insert-over-existing=1 js-unsafe-number=1"));
        for (std::size_t i = 0; i < collected.size(); ++i)
            QCOMPARE(streamed[i], findingToJson(collected[i]));
    }

    void groupingKeepsProblemsVisible()
    {
        // 1,000 records each with a rounded number at /r, every tenth also a BigInt at /big, one gap, 300 TTL
        // removes: the grouper passes the gap on at once and reports each cause once, with its record count.
        std::vector<HistoryRecord> records;
        std::int64_t arrival = 0;
        for (int k = 0; k < 500; ++k) {
            const std::string keys = "{\"Id\":{\"N\":\"" + std::to_string(k) + "\"}}";
            const std::string big = k % 5 == 0 ? ",\"big\":{\"N\":\"9007199254740993\"}" : "";
            const std::string image = "{\"Id\":{\"N\":\"" + std::to_string(k)
                + "\"},\"r\":{\"N\":\"0.1000000000000000055511151231257827\"}" + big + "}";
            HistoryRecord a = rec(EventName::Insert, std::to_string(2 * k + 1), image.c_str(), nullptr, ++arrival);
            HistoryRecord b = rec(EventName::Remove, std::to_string(2 * k + 2), nullptr, image.c_str(), ++arrival);
            for (HistoryRecord* r : {&a, &b}) {
                r->keysJson = keys;
                r->keys = *parseItem(keys).value;
            }
            b.ttl = k < 300;
            records.push_back(std::move(a));
            records.push_back(std::move(b));
        }
        records.push_back(rec(EventName::Insert, "5000", A, nullptr, ++arrival));
        records.push_back(rec(EventName::Modify, "5001", C, B, ++arrival));
        const auto flat = auditRecords(records);
        QCOMPARE(kinds(flat), QStringLiteral("gap=1 js-unsafe-number=1000 ttl-remove=300"));

        std::vector<Finding> out;
        FindingGrouper grouper([&](Finding&& f) { out.push_back(std::move(f)); });
        for (auto f : flat)
            grouper.add(std::move(f));
        QCOMPARE(out.size(), std::size_t(1)); // the gap, at once
        QCOMPARE(out.front().kind, FindingKind::Gap);
        QCOMPARE(grouper.groupCount(), std::size_t(3));
        grouper.finish();
        QCOMPARE(grouper.groupCount(), std::size_t(0));
        QCOMPARE(kinds(out), QStringLiteral("gap=1 js-unsafe-number=2 ttl-remove=1"));
        std::map<std::string, const Finding*> byPath;
        for (const auto& f : out) {
            QCOMPARE(f.grouped, f.kind != FindingKind::Gap);
            if (f.kind == FindingKind::JsUnsafeNumber)
                byPath[f.path] = &f;
            if (f.kind == FindingKind::TtlRemove) {
                QCOMPARE(f.affectedRecords, std::int64_t(300));
                QCOMPARE(f.severity, Severity::Info);
                QVERIFY2(f.message.starts_with("300 REMOVEs were made by Time to Live"), f.message.c_str());
            }
        }
        QCOMPARE(byPath.size(), std::size_t(2));
        QCOMPARE(byPath.at("/r")->affectedRecords, std::int64_t(1000));
        QCOMPARE(*byPath.at("/r")->jsRisk, JsNumberRisk::RoundsSilently);
        QCOMPARE(byPath.at("/r")->severity, Severity::Warning);
        QCOMPARE(byPath.at("/big")->affectedRecords, std::int64_t(200));
        QCOMPARE(*byPath.at("/big")->jsRisk, JsNumberRisk::BigInt);
        QCOMPARE(byPath.at("/big")->severity, Severity::Info);
        QCOMPARE(byPath.at("/big")->sequenceNumber, std::string("1")); // the first record is the example
        QVERIFY2(byPath.at("/big")->message.starts_with("200 records hold a number at or under /big"),
                 byPath.at("/big")->message.c_str());
        const std::string json = findingToJson(*byPath.at("/big"));
        QVERIFY2(json.find("\"grouped\":true") != std::string::npos, json.c_str());
        QVERIFY2(json.find("\"affectedRecords\":200") != std::string::npos, json.c_str());

        // Nested map keys differ per item: grouped by the top-level attribute, the full path in the message.
        std::vector<Finding> nested;
        FindingGrouper byAttribute([&](Finding&& f) { nested.push_back(std::move(f)); });
        for (auto f :
             auditRecords({rec(EventName::Insert, "1", R"({"Id":{"N":"1"},"m":{"M":{"a":{"N":"9007199254740993"}}}})",
                               nullptr, 1),
                           rec(EventName::Modify, "2", R"({"Id":{"N":"1"},"m":{"M":{"b":{"N":"9007199254740995"}}}})",
                               R"({"Id":{"N":"1"},"m":{"M":{"a":{"N":"9007199254740993"}}}})", 2)}))
            byAttribute.add(std::move(f));
        byAttribute.finish();
        QCOMPARE(kinds(nested), QStringLiteral("js-unsafe-number=1"));
        QCOMPARE(nested.front().path, std::string("/m"));
        QCOMPARE(nested.front().affectedRecords, std::int64_t(2));
        QVERIFY2(nested.front().message.find("/m/a") != std::string::npos, nested.front().message.c_str());
    }

    void jsRiskSeverities()
    {
        QCOMPARE(jsRiskSeverity(JsNumberRisk::ThrowsInfinity), Severity::Error);
        QCOMPARE(jsRiskSeverity(JsNumberRisk::ThrowsNonInteger), Severity::Error);
        QCOMPARE(jsRiskSeverity(JsNumberRisk::RoundsSilently), Severity::Warning);
        QCOMPARE(jsRiskSeverity(JsNumberRisk::BigInt), Severity::Info);
        const auto f = auditRecords(
            {rec(EventName::Insert, "1", R"({"Id":{"N":"1"},"x":{"N":"12345678901234567890.5"}})", nullptr, 1)});
        QCOMPARE(kinds(f), QStringLiteral("js-unsafe-number=1"));
        QCOMPARE(*f.front().jsRisk, JsNumberRisk::ThrowsNonInteger);
        QCOMPARE(f.front().severity, Severity::Error);
    }

    void generatedAgainstManifest_data()
    {
        QTest::addColumn<QString>("viewType");
        QTest::addColumn<bool>("shuffle");
        QTest::addColumn<bool>("composite");
        QTest::addRow("NEW_AND_OLD_IMAGES shuffled") << "NEW_AND_OLD_IMAGES" << true << false;
        QTest::addRow("NEW_AND_OLD_IMAGES composite") << "NEW_AND_OLD_IMAGES" << false << true;
        QTest::addRow("NEW_IMAGE shuffled") << "NEW_IMAGE" << true << false;
        QTest::addRow("OLD_IMAGE") << "OLD_IMAGE" << false << true;
        QTest::addRow("KEYS_ONLY shuffled") << "KEYS_ONLY" << true << false;
    }

    // Gaps: a dropped record shows at the key's NEXT delivered record. Detectable when the key has a delivered
    // record before and after the drop(s) and either the existence breaks (INSERT while live: REMOVE missing;
    // MODIFY/REMOVE while absent: INSERT missing — every view type) or, with NEW_AND_OLD_IMAGES, the next record
    // carries an OldImage to compare with the state the previous record left. Dropped first records show as
    // orphan-start; dropped last records cannot be seen. Everything else must match exactly.
    void generatedAgainstManifest()
    {
        REQUIRE_SHARED_DIR();
        QFETCH(QString, viewType);
        QFETCH(bool, shuffle);
        QFETCH(bool, composite);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("cap.jsonl"));
        const QString manifestPath = dir.filePath(QStringLiteral("manifest.json"));
        QStringList args{QStringLiteral("--seed"),
                         QStringLiteral("5"),
                         QStringLiteral("--records"),
                         QStringLiteral("4000"),
                         QStringLiteral("--keys"),
                         QStringLiteral("300"),
                         QStringLiteral("--tables"),
                         QStringLiteral("2"),
                         QStringLiteral("--remove-rate"),
                         QStringLiteral("0.12"),
                         QStringLiteral("--gap-rate"),
                         QStringLiteral("0.06"),
                         QStringLiteral("--duplicate-rate"),
                         QStringLiteral("0.03"),
                         QStringLiteral("--ttl-rate"),
                         QStringLiteral("0.3"),
                         QStringLiteral("--batch-size"),
                         QStringLiteral("50"),
                         QStringLiteral("--view-type"),
                         viewType,
                         QStringLiteral("--layout"),
                         QStringLiteral("jsonl"),
                         QStringLiteral("--quiet"),
                         QStringLiteral("--out"),
                         path,
                         QStringLiteral("--manifest"),
                         manifestPath};
        if (shuffle)
            args << QStringLiteral("--shuffle");
        if (composite)
            args << QStringLiteral("--composite-keys");
        QCOMPARE(testsupport::runGenerator(args), QString());
        std::vector<HistoryRecord> records;
        genreader::readFile(path.toStdString(), records);
        const auto manifest = genreader::readJson(manifestPath.toStdString());
        const auto findings = auditRecords(records);
        const std::string vt = viewType.toStdString();

        // --- expected, from the manifest and the delivered records ---
        struct Ev
        {
            std::string seq;
            EventName event;
            bool dropped;
            std::int64_t arrival;
        };
        std::map<std::pair<std::string, std::string>, std::vector<Ev>> byKey;
        std::map<std::pair<std::string, std::string>, std::int64_t> firstArrival; // (table, seq) -> first copy
        for (const auto& r : records) {
            auto [it, inserted] = firstArrival.try_emplace({r.table, r.sequenceNumber}, r.arrival);
            if (inserted)
                byKey[{r.table, canonicalJson(r.keys)}].push_back({r.sequenceNumber, r.eventName, false, r.arrival});
        }
        std::set<std::string> droppedIds;
        for (const auto& d : manifest.at("dropped")) {
            droppedIds.insert(d.at("eventID").get<std::string>());
            const Item keys = *parseItem(d.at("Keys").dump()).value;
            byKey[{d.at("table").get<std::string>(), canonicalJson(keys)}].push_back(
                {d.at("SequenceNumber").get<std::string>(), *parseEventName(d.at("eventName").get<std::string>()), true,
                 0});
        }
        std::set<std::string> expectedBreaks;
        std::set<std::string> expectedOrphans;
        std::set<std::string> expectedLate;
        std::int64_t expectedLateRecords = 0;
        int undetectable = 0;
        for (auto& [key, evs] : byKey) {
            std::sort(evs.begin(), evs.end(),
                      [](const Ev& a, const Ev& b) { return compareSequenceNumbers(a.seq, b.seq) < 0; });
            const Ev* prev = nullptr;
            bool pendingDrop = false;
            for (const Ev& e : evs) {
                if (e.dropped) {
                    pendingDrop = true;
                    continue;
                }
                if (!prev && e.event != EventName::Insert)
                    expectedOrphans.insert(e.seq);
                if (prev && pendingDrop) {
                    const bool prevExists = prev->event != EventName::Remove;
                    const bool isInsert = e.event == EventName::Insert;
                    const bool detectable = (prevExists && isInsert) || (!prevExists && !isInsert)
                        || (vt == "NEW_AND_OLD_IMAGES" && prevExists && !isInsert);
                    if (detectable)
                        expectedBreaks.insert(e.seq);
                    else
                        ++undetectable;
                }
                pendingDrop = false;
                prev = &e;
            }
            // late arrivals: a record that arrived after a record following it in sequence order; one finding
            // per key, at the first late record in sequence order, with the key's count
            std::int64_t minLater = std::numeric_limits<std::int64_t>::max();
            std::string firstLate;
            std::int64_t lateInKey = 0;
            for (auto it = evs.rbegin(); it != evs.rend(); ++it) {
                if (it->dropped)
                    continue;
                if (it->arrival > minLater) {
                    firstLate = it->seq;
                    ++lateInKey;
                }
                minLater = std::min(minLater, it->arrival);
            }
            if (lateInKey > 0) {
                expectedLate.insert(firstLate);
                expectedLateRecords += lateInKey;
            }
        }
        std::multiset<std::string> expectedDuplicates;
        for (const auto& id : manifest.at("duplicated"))
            expectedDuplicates.insert(id.get<std::string>());
        std::set<std::string> expectedTtl;
        for (const auto& id : manifest.at("ttl"))
            if (!droppedIds.count(id.get<std::string>()))
                expectedTtl.insert(id.get<std::string>());

        // --- reported ---
        std::set<std::string> breaks;
        std::size_t breakCount = 0;
        std::set<std::string> orphans;
        std::set<std::string> late;
        std::set<std::string> lateKeys;
        std::int64_t lateRecords = 0;
        std::multiset<std::string> duplicates;
        std::set<std::string> ttl;
        for (const auto& f : findings) {
            switch (f.kind) {
            case FindingKind::Gap:
            case FindingKind::InsertOverExisting:
            case FindingKind::ModifyAfterRemove:
            case FindingKind::RemoveOfAbsent:
                breaks.insert(f.sequenceNumber);
                ++breakCount;
                break;
            case FindingKind::OrphanStart:
                orphans.insert(f.sequenceNumber);
                break;
            case FindingKind::OutOfOrderArrival:
                QVERIFY(lateKeys.insert(f.keyJson).second); // one per key
                late.insert(f.sequenceNumber);
                lateRecords += f.affectedRecords;
                break;
            case FindingKind::Duplicate:
                duplicates.insert(f.eventId);
                break;
            case FindingKind::TtlRemove:
                ttl.insert(f.eventId);
                break;
            case FindingKind::JsUnsafeNumber:
                QVERIFY(f.jsRisk.has_value());
                break;
            default:
                QFAIL(qPrintable(QStringLiteral("unexpected finding %1: %2")
                                     .arg(QString::fromStdString(std::string(findingKindText(f.kind))),
                                          QString::fromStdString(f.message))));
            }
        }
        qInfo("%s: %zu gaps/breaks expected (%d drops undetectable by this view type), %zu orphan starts, %zu "
              "duplicates, %zu TTL removes, %zu keys with %lld late arrivals",
              qPrintable(viewType), expectedBreaks.size(), undetectable, expectedOrphans.size(),
              expectedDuplicates.size(), expectedTtl.size(), expectedLate.size(),
              static_cast<long long>(expectedLateRecords));
        QVERIFY(!expectedBreaks.empty());
        QCOMPARE(breakCount, breaks.size()); // one finding per affected record
        QCOMPARE(breaks, expectedBreaks);
        QCOMPARE(orphans, expectedOrphans);
        QVERIFY(!expectedDuplicates.empty());
        QCOMPARE(duplicates, expectedDuplicates);
        QVERIFY(!expectedTtl.empty());
        QCOMPARE(ttl, expectedTtl);
        QCOMPARE(late, expectedLate);
        QCOMPARE(lateRecords, expectedLateRecords);
        QCOMPARE(late.empty(), !shuffle);
        if (vt == "NEW_AND_OLD_IMAGES")
            QCOMPARE(undetectable, 0);
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
        QTest::addRow("aws-lambda-dotnet") << "aws-lambda-dotnet/dynamodb-event.json"
                                           << "conflict=1";
        QTest::addRow("powertools-python") << "powertools-python/getting_started_dynamodb_event.json"
                                           << "insert-over-existing=1 key-mismatch=2 reused-event-id=1";
    }

    void publicSamples()
    {
        REQUIRE_SHARED_DIR();
        QFETCH(QString, file);
        QFETCH(QString, expected);
        std::vector<HistoryRecord> records;
        genreader::readFile((testsupport::samplesDir() + QLatin1Char('/') + file).toStdString(), records);
        const auto findings = auditRecords(records);
        for (const auto& f : findings)
            qInfo("%s", findingToJson(f).c_str());
        QCOMPARE(kinds(findings), expected);
    }
};

QTEST_APPLESS_MAIN(TestAudit)
#include "tst_audit.moc"
