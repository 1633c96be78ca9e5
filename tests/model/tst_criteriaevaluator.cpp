// The criteria evaluator (model/criteriaevaluator.h), which reads only the members the patterns look at out of each
// event, against AWS and against the matcher on the whole event:
// - every case of ../shared/filter-patterns (one row each) gives AWS's verdict through the evaluator, under both
//   semantics for the EventBridge cases (a case whose pattern uses an operator Pipes/ESM filtering does not support
//   must be refused under lambda-esm, as tst_eventpattern explains) and per record for the ESM cases;
// - for every pattern of a list of our own (dotted keys, $or, arrays of objects, exists:false, duplicate members,
//   anything-but, numeric) and every event of the shared data, the verdict, failing path and reason are exactly
//   those of EventPattern::match on the whole event;
// - the tree handed to the matcher holds only the addressed members; not JSON is dropped and said so (where the
//   patterns look: simdjson On-Demand does not validate what it skips; stored records are validated at import).

#include <QDir>
#include <QFile>
#include <QTest>
#include <string>
#include <vector>

#include "filtercases.h"
#include "model/attributevalue.h"
#include "model/criteriaevaluator.h"
#include "model/dynamodbjson.h"
#include "model/eventpattern.h"
#include "model/jsontree.h"
#include "model/jsunsafetext.h"
#include "testsupport.h"

using namespace model;

namespace {
using filtercases::filterPatternsDir;
using filtercases::patternOf;
using filtercases::readCase;

std::string whole(const JsonTree& t)
{
    return t.compact(std::string::npos - 1);
}

/// Every event of the shared data as JSON text: the EventBridge events and the ESM records.
std::vector<std::string> sharedEvents()
{
    std::vector<std::string> events;
    for (const char* folder : {"eventbridge", "esm-dynamodb"}) {
        const QDir dir(filterPatternsDir() + QLatin1Char('/') + QLatin1String(folder));
        for (const QString& f : dir.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name)) {
            const std::optional<JsonTree> c = readCase(dir.filePath(f));
            if (!c)
                continue;
            if (const JsonTree* e = c->member("event"))
                events.push_back(whole(*e));
            if (const JsonTree* records = c->member("records")) {
                for (const JsonTree& r : records->items)
                    events.push_back(whole(r));
            }
        }
    }
    return events;
}

} // namespace

class TestCriteriaEvaluator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void eventbridgeCases_data();
    void eventbridgeCases();
    void esmCases_data();
    void esmCases();
    void sameAsWholeEvent_data();
    void sameAsWholeEvent();
    void readsOnlyAddressedMembers();
    void firstMatchingFilter();
    void notJson();
    void jsUnsafeFromText_data();
    void jsUnsafeFromText();
};

void TestCriteriaEvaluator::eventbridgeCases_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("semantics");
    const QDir dir(filterPatternsDir() + QStringLiteral("/eventbridge"));
    const QStringList files = dir.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
    QVERIFY2(files.size() >= 100, qPrintable(QStringLiteral("conformance cases not found in ") + dir.path()));
    for (const QString& f : files) {
        for (PatternSemantics s : {PatternSemantics::EventBridge, PatternSemantics::LambdaEsm})
            QTest::addRow("%s/%s", semanticsName(s).data(), qPrintable(f)) << dir.filePath(f) << static_cast<int>(s);
    }
}

void TestCriteriaEvaluator::eventbridgeCases()
{
    QFETCH(QString, file);
    QFETCH(int, semantics);
    const auto sem = static_cast<PatternSemantics>(semantics);
    const std::optional<JsonTree> c = readCase(file);
    QVERIFY(c && c->member("event") && c->member("expected"));
    const std::string expected = c->member("expected")->text;
    const bool unsupported = sem == PatternSemantics::LambdaEsm && c->member("pipesUnsupportedOperators");
    CriteriaCompileResult compiled = CriteriaEvaluator::compile({patternOf(*c)}, sem);
    if (expected == "invalid" || unsupported) {
        QVERIFY(!compiled.evaluator);
        QCOMPARE(compiled.problemFilter, 0);
        // As tst_eventpattern: under lambda-esm an operator Pipes/ESM filtering lacks is reported first.
        QCOMPARE(compiled.problem->kind,
                 unsupported ? PatternProblem::Kind::Unsupported : PatternProblem::Kind::Invalid);
        return;
    }
    QVERIFY2(compiled.evaluator, compiled.problem ? compiled.problem->message().c_str() : "");
    const CriteriaVerdict v = compiled.evaluator->evaluate(whole(*c->member("event")), true);
    QVERIFY(!v.badEvent);
    QVERIFY2((v.filter == 0) == (expected == "match"),
             qPrintable(QStringLiteral("AWS: %1, got filter %2 (%3)")
                            .arg(QString::fromStdString(expected))
                            .arg(v.filter)
                            .arg(QString::fromStdString(v.failure.message()))));
    QCOMPARE(compiled.evaluator->firstMatch(whole(*c->member("event"))), v.filter);
}

void TestCriteriaEvaluator::esmCases_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("record"); // -1: the pattern is expected to be invalid
    const QDir dir(filterPatternsDir() + QStringLiteral("/esm-dynamodb"));
    const QStringList files = dir.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
    QVERIFY2(files.size() >= 9, qPrintable(QStringLiteral("ESM cases not found in ") + dir.path()));
    for (const QString& f : files) {
        const std::optional<JsonTree> c = readCase(dir.filePath(f));
        QVERIFY(c && c->member("expected"));
        const JsonTree& expected = *c->member("expected");
        if (expected.isString()) {
            QTest::addRow("%s", qPrintable(f)) << dir.filePath(f) << -1;
            continue;
        }
        // The evidence of some records is weak (README "evidence"): named in the row, the verdict still AWS's.
        const JsonTree& evidence = *c->member("evidence");
        for (std::size_t i = 0; i < expected.items.size(); ++i) {
            const std::string& e = evidence.items[i].text;
            const char* note = e == "delivered" ? ""
                : e == "upstream-comment"       ? " (upstream comment)"
                                                : " (unconfirmed)";
            QTest::addRow("%s#%d%s", qPrintable(f), static_cast<int>(i), note)
                << dir.filePath(f) << static_cast<int>(i);
        }
    }
}

void TestCriteriaEvaluator::esmCases()
{
    QFETCH(QString, file);
    QFETCH(int, record);
    const std::optional<JsonTree> c = readCase(file);
    QVERIFY(c);
    CriteriaCompileResult compiled = CriteriaEvaluator::compile({patternOf(*c)});
    if (record < 0) {
        QVERIFY(!compiled.evaluator);
        QCOMPARE(compiled.problem->kind, PatternProblem::Kind::Invalid);
        return;
    }
    QVERIFY2(compiled.evaluator, compiled.problem ? compiled.problem->message().c_str() : "");
    const auto index = static_cast<std::size_t>(record);
    const bool expected = c->member("expected")->items[index].kind == JsonTree::Kind::True;
    const CriteriaVerdict v = compiled.evaluator->evaluate(whole(c->member("records")->items[index]), true);
    QVERIFY2((v.filter == 0) == expected, v.failure.message().c_str());
}

void TestCriteriaEvaluator::sameAsWholeEvent_data()
{
    QTest::addColumn<QString>("pattern");
    const char* patterns[] = {
        R"({"dynamodb":{"NewImage":{"id":{"S":[{"prefix":"test"}]}}}})",
        R"({"dynamodb":{"NewImage":{"id":["x"]}}})", // no type descriptor: an object, never a value
        R"({"dynamodb":{"NewImage":{"id":[{"exists":false}]}}})",
        R"({"dynamodb":{"Keys":{"id":{"S":[{"exists":true}]}}},"eventName":["INSERT","MODIFY"]})",
        R"({"dynamodb.NewImage.id.S":[{"anything-but":["x"]}]})", // dotted key
        R"({"dynamodb.NewImage":{"id":{"S":[{"suffix":"1"}]}}})", // dotted key, then nested
        R"({"$or":[{"eventName":["REMOVE"]},{"dynamodb":{"ApproximateCreationDateTime":[{"numeric":[">",0]}]}}]})",
        R"({"detail":{"state":["running"]},"source":[{"prefix":"aws."}]})", // EventBridge events
        R"({"detail":{"c-count":[{"numeric":[">",0,"<=",5]}],"d-count":[{"exists":false}]}})",
        R"({"detail":{"x-limit":[{"anything-but":[100,200,300]}],"state":[{"equals-ignore-case":"STOPPED"}]}})",
        R"({"resources":[{"prefix":"arn:"}],"account":[""]})",
        R"({"detail":{"ip":[{"cidr":"10.0.0.0/8"}]},"detail-type":[null]})",
        R"({"a":{"b":["x"]},"a.b":["y"]})",
        R"({"detail":{"location":[{"prefix":"us-"}],"location":[{"anything-but":"us-east"}]}})", // duplicate member
        R"({})",
    };
    for (const char* p : patterns)
        QTest::newRow(p) << QString::fromUtf8(p);
}

void TestCriteriaEvaluator::sameAsWholeEvent()
{
    QFETCH(QString, pattern);
    for (PatternSemantics sem : {PatternSemantics::EventBridge, PatternSemantics::LambdaEsm}) {
        PatternCompileResult single = EventPattern::compile(pattern.toStdString(), sem);
        QVERIFY2(single.pattern, single.problem ? single.problem->message().c_str() : "");
        CriteriaCompileResult set = CriteriaEvaluator::compile({pattern.toStdString()}, sem);
        QVERIFY(set.evaluator);
        const std::vector<std::string> events = sharedEvents();
        QVERIFY(events.size() > 100);
        int matched = 0;
        for (const std::string& e : events) {
            const std::optional<JsonTree> event = JsonTree::parse(e);
            QVERIFY(event);
            const MatchResult expected = single.pattern->match(*event);
            const CriteriaVerdict v = set.evaluator->evaluate(e, true);
            QVERIFY2((v.filter == 0) == expected.matched, e.c_str());
            if (!expected.matched) {
                QCOMPARE(v.failure.path, expected.path);
                QCOMPARE(v.failure.reason, expected.reason);
            }
            matched += expected.matched;
        }
        if (pattern == QLatin1String("{}"))
            QCOMPARE(matched, static_cast<int>(events.size()));
    }
}

void TestCriteriaEvaluator::readsOnlyAddressedMembers()
{
    CriteriaCompileResult set = CriteriaEvaluator::compile({R"({"dynamodb":{"NewImage":{"status":{"S":["A"]}}}})",
                                                            R"({"eventName":["REMOVE"],"a.b":{"c":["x"]}})",
                                                            R"({"dynamodb":{"SizeBytes":[{"numeric":["<",1]}]}})"});
    QVERIFY(set.evaluator);
    const std::string event =
        R"({"eventID":"1","eventName":"INSERT","dynamodb":{"Keys":{"pk":{"S":"k"}},"SizeBytes":12.50,)"
        R"("NewImage":{"pk":{"S":"k"},"status":{"S":"A","X":1.50},"n":{"N":"1"}}},"a":[{"b":{"c":"x","d":2}},3],)"
        R"("a.b":{"c":"y"},"eventName":"MODIFY"})";
    std::string error;
    const std::optional<JsonTree> tree = set.evaluator->relevantTree(event, &error);
    QVERIFY2(tree, error.c_str());
    // Addressed leaves whole (the number text as written), the rest left out; a member named twice keeps its first
    // place and its last value.
    QCOMPARE(tree->compact(std::string::npos - 1),
             std::string(R"({"eventName":"MODIFY","dynamodb":{"SizeBytes":12.50,"NewImage":{"status":{"S":"A"}}},)"
                         R"("a":[{"b":{"c":"x"}},3],"a.b":{"c":"y"}})"));
    QCOMPARE(set.evaluator->firstMatch(event), 0);
}

void TestCriteriaEvaluator::firstMatchingFilter()
{
    CriteriaCompileResult set = CriteriaEvaluator::compile(
        {R"({"eventName":["REMOVE"]})", R"({"eventName":["INSERT"]})", R"({"eventName":[{"prefix":"IN"}]})"});
    QVERIFY(set.evaluator);
    QCOMPARE(set.evaluator->patterns().size(), std::size_t(3));
    QCOMPARE(set.evaluator->firstMatch(R"({"eventName":"INSERT"})"), 1);
    QCOMPARE(set.evaluator->firstMatch(R"({"eventName":"REMOVE"})"), 0);
    const CriteriaVerdict dropped = set.evaluator->evaluate(R"({"eventName":"MODIFY"})", true);
    QCOMPARE(dropped.filter, -1);
    QCOMPARE(dropped.failure.message(), std::string(R"(eventName: "MODIFY" does not match ["REMOVE"])"));
    // The filter that does not compile is named.
    CriteriaCompileResult bad = CriteriaEvaluator::compile(
        {R"({"eventName":["REMOVE"]})", R"({"dynamodb":{"Keys":{"pk":{"S":[{"prefix":1}]}}}})"});
    QVERIFY(!bad.evaluator);
    QCOMPARE(bad.problemFilter, 1);
    QCOMPARE(bad.problem->path, std::string("dynamodb.Keys.pk.S"));
}

void TestCriteriaEvaluator::notJson()
{
    CriteriaCompileResult set = CriteriaEvaluator::compile({R"({"eventName":[{"exists":false}]})"});
    QVERIFY(set.evaluator);
    for (const char* text : {R"({"eventName":)", "", R"({"eventName":tru})", R"({"eventName":"IN)"}) {
        const CriteriaVerdict v = set.evaluator->evaluate(text, true);
        QVERIFY2(v.badEvent && v.filter == -1, text);
        QVERIFY(v.failure.reason.find("not JSON") != std::string::npos);
        QCOMPARE(set.evaluator->firstMatch(text), -1);
    }
    // Not an object: as the matcher on the whole value (only exists:false can hold).
    QCOMPARE(set.evaluator->firstMatch("[1,2]"), 0);
}

// The filter path counts js-unsafe records without decoding them: the text scan agrees with validate() on the
// decoded item, or says it cannot tell (then the record is decoded).
void TestCriteriaEvaluator::jsUnsafeFromText_data()
{
    QTest::addColumn<QString>("item");
    QTest::addColumn<int>("expected"); // 0 safe, 1 unsafe, -1 cannot tell from the text
    QTest::newRow("safe numbers") << R"({"a":{"N":"1"},"b":{"N":"-0.5"},"c":{"N":"9007199254740991"}})" << 0;
    QTest::newRow("beyond 2^53") << R"({"a":{"N":"9007199254740993"}})" << 1;
    QTest::newRow("rounds") << R"({"a":{"S":"x"},"b":{"N":"0.12345678901234567890"}})" << 1;
    QTest::newRow("spaces") << "{ \"a\" : { \"N\" : \"12345678901234567890123\" } }" << 1;
    QTest::newRow("nested map and list") << R"({"m":{"M":{"l":{"L":[{"N":"1"},{"N":"123456789012345678901"}]}}}})" << 1;
    QTest::newRow("number set") << R"({"s":{"NS":["1","2","99999999999999999999"]}})" << 1;
    QTest::newRow("safe number set") << R"({"s":{"NS":["1", "2.5"]}})" << 0;
    QTest::newRow("attribute named N") << R"({"N":{"S":"99999999999999999999"},"NS":{"N":"3"}})" << 0;
    QTest::newRow("N in a string") << R"({"t":{"S":"\"N\":\"99999999999999999999\""}})" << 0;
    QTest::newRow("string N") << R"({"t":{"S":"N"},"u":{"SS":["N","NS"]}})" << 0;
    QTest::newRow("no numbers") << R"({"pk":{"S":"a"},"b":{"BOOL":true},"n":{"NULL":true}})" << 0;
}

void TestCriteriaEvaluator::jsUnsafeFromText()
{
    QFETCH(QString, item);
    QFETCH(int, expected);
    const std::string text = item.toStdString();
    const auto decoded = parseItem(text);
    QVERIFY2(decoded, decoded ? "" : decoded.error.message.c_str());
    bool unsafe = false;
    for (const ValueIssue& issue : validate(*decoded.value))
        unsafe = unsafe || issue.kind == ValueIssue::Kind::JsUnsafeNumber;
    const std::optional<bool> scanned = jsUnsafeInDynamoJson(text);
    if (expected < 0) {
        QVERIFY(!scanned);
        return;
    }
    QCOMPARE(unsafe, expected == 1); // the row's expectation is right
    QVERIFY(scanned.has_value());
    QCOMPARE(*scanned, unsafe);
}

QTEST_GUILESS_MAIN(TestCriteriaEvaluator)
#include "tst_criteriaevaluator.moc"
