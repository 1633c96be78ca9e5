// model/attributevalue.h: construction, DynamoDB equality rules, validation flags.

#include <QTest>
#include <string>
#include <vector>

#include "model/attributevalue.h"
#include "model/dynamodbjson.h"
#include "model/streamrecord.h"

using namespace model;

namespace {

AttributeValue value(const QByteArray& json)
{
    const Decoded<AttributeValue> d = parseAttributeValue(json.toStdString());
    if (!d)
        qFatal("bad test value %s: %s", json.constData(), d.error.message.c_str());
    return *d.value;
}

Item item(const QByteArray& json)
{
    const Decoded<Item> d = parseItem(json.toStdString());
    if (!d)
        qFatal("bad test item %s: %s", json.constData(), d.error.message.c_str());
    return *d.value;
}

/// "path kind" per issue, in order.
QStringList issueList(const std::vector<ValueIssue>& issues)
{
    QStringList out;
    for (const ValueIssue& i : issues)
        out << QString::fromStdString(i.path + ' ' + std::string(issueKindName(i.kind)));
    return out;
}

/// {"M":{"a":{"M":{"a":...{"S":"x"}...}}}} with `levels` maps.
QByteArray nestedMaps(int levels)
{
    QByteArray json;
    for (int i = 0; i < levels; ++i)
        json += "{\"M\":{\"a\":";
    json += "{\"S\":\"x\"}";
    for (int i = 0; i < levels; ++i)
        json += "}}";
    return json;
}

QByteArray nestedLists(int levels)
{
    QByteArray json;
    for (int i = 0; i < levels; ++i)
        json += "{\"L\":[";
    json += "{\"N\":\"1\"}";
    for (int i = 0; i < levels; ++i)
        json += "]}";
    return json;
}

} // namespace

class TestAttributeValue : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void construction();
    void equality_data();
    void equality();
    void itemEquality_data();
    void itemEquality();
    void validate_data();
    void validate();
    void validateReasons();
    void tooDeepBoundary_data();
    void tooDeepBoundary();
    void pointerEscaping_data();
    void pointerEscaping();
    void issueKindNames();
    void streamRecordEnums();
};

void TestAttributeValue::construction()
{
    const AttributeValue null;
    QCOMPARE(null.type(), AttributeType::Null);
    QVERIFY(null.flag());
    QCOMPARE(null, AttributeValue::makeNull());
    QVERIFY(AttributeValue::makeNull(false) != AttributeValue::makeNull(true));

    const AttributeValue n = AttributeValue::makeNumber("1.50");
    QCOMPARE(n.type(), AttributeType::N);
    QCOMPARE(QByteArray::fromStdString(n.text()), QByteArray("1.50")); // kept as delivered
    QVERIFY(!n.isSet());

    const AttributeValue ns = AttributeValue::makeNumberSet({"2", "1", "2.0"});
    QVERIFY(ns.isSet());
    QCOMPARE(ns.members().size(), std::size_t(3)); // duplicates kept as delivered
    QVERIFY(AttributeValue::makeStringSet({}).isSet());
    QVERIFY(AttributeValue::makeBinarySet({}).isSet());
    QVERIFY(!AttributeValue::makeMap({}).isSet());

    AttributeValue m = AttributeValue::makeMap({{"b", AttributeValue::makeBool(true)}});
    m.map().emplace("a", AttributeValue::makeString("x"));
    QCOMPARE(m.map().begin()->first, std::string("a")); // names in byte order
    AttributeValue l = AttributeValue::makeList({});
    l.list().push_back(AttributeValue::makeBinary("QQ=="));
    QCOMPARE(l.list().size(), std::size_t(1));
    QVERIFY(AttributeValue::makeBool(false) != AttributeValue::makeNull(false)); // types differ

    const std::pair<AttributeType, const char*> tags[] = {
        {AttributeType::S, "S"},       {AttributeType::N, "N"},      {AttributeType::B, "B"}, {AttributeType::SS, "SS"},
        {AttributeType::NS, "NS"},     {AttributeType::BS, "BS"},    {AttributeType::M, "M"}, {AttributeType::L, "L"},
        {AttributeType::Null, "NULL"}, {AttributeType::Bool, "BOOL"}};
    for (const auto& [type, tag] : tags)
        QCOMPARE(typeTag(type), std::string_view(tag));
}

void TestAttributeValue::equality_data()
{
    QTest::addColumn<QByteArray>("a");
    QTest::addColumn<QByteArray>("b");
    QTest::addColumn<bool>("equal");

    // S: exact bytes
    QTest::addRow("S equal") << QByteArray(R"({"S":"abc"})") << QByteArray(R"({"S":"abc"})") << true;
    QTest::addRow("S case") << QByteArray(R"({"S":"abc"})") << QByteArray(R"({"S":"ABC"})") << false;
    QTest::addRow("S escapes") << QByteArray(R"({"S":"\u00e9"})") << QByteArray("{\"S\":\"\xc3\xa9\"}") << true;
    QTest::addRow("S empty") << QByteArray(R"({"S":""})") << QByteArray(R"({"S":""})") << true;
    QTest::addRow("S vs N") << QByteArray(R"({"S":"1"})") << QByteArray(R"({"N":"1"})") << false;
    // N: numeric
    QTest::addRow("N 1.0 = 1") << QByteArray(R"({"N":"1.0"})") << QByteArray(R"({"N":"1"})") << true;
    QTest::addRow("N 1E0 = 0.1e1") << QByteArray(R"({"N":"1E0"})") << QByteArray(R"({"N":"0.1e1"})") << true;
    QTest::addRow("N -0 = 0") << QByteArray(R"({"N":"-0"})") << QByteArray(R"({"N":"0"})") << true;
    QTest::addRow("N exponent") << QByteArray(R"({"N":"12300"})") << QByteArray(R"({"N":"1.23E+4"})") << true;
    QTest::addRow("N JSON number = text") << QByteArray(R"({"N":1.5})") << QByteArray(R"({"N":"1.50"})") << true;
    QTest::addRow("N 38 digits differ in last")
        << QByteArray(R"({"N":"12345678901234567890123456789012345678"})")
        << QByteArray(R"({"N":"12345678901234567890123456789012345679"})") << false;
    QTest::addRow("N 38 digits equal") << QByteArray(R"({"N":"0.12345678901234567890123456789012345678"})")
                                       << QByteArray(R"({"N":"12345678901234567890123456789012345678E-38"})") << true;
    QTest::addRow("N beyond double precision")
        << QByteArray(R"({"N":"9007199254740993"})") << QByteArray(R"({"N":"9007199254740992"})") << false;
    QTest::addRow("N differ") << QByteArray(R"({"N":"1"})") << QByteArray(R"({"N":"-1"})") << false;
    QTest::addRow("N non-number by text") << QByteArray(R"({"N":"abc"})") << QByteArray(R"({"N":"abc"})") << true;
    QTest::addRow("N non-number vs number") << QByteArray(R"({"N":"abc"})") << QByteArray(R"({"N":"0"})") << false;
    // B: decoded bytes
    QTest::addRow("B padding") << QByteArray(R"({"B":"QQ=="})") << QByteArray(R"({"B":"QQ"})") << true;
    QTest::addRow("B pad bits") << QByteArray(R"({"B":"QQ=="})") << QByteArray(R"({"B":"QR=="})") << true;
    QTest::addRow("B differ") << QByteArray(R"({"B":"QQ=="})") << QByteArray(R"({"B":"Qg=="})") << false;
    QTest::addRow("B empty") << QByteArray(R"({"B":""})") << QByteArray(R"({"B":""})") << true;
    QTest::addRow("B invalid same text") << QByteArray(R"({"B":"b'x'"})") << QByteArray(R"({"B":"b'x'"})") << true;
    QTest::addRow("B invalid vs valid") << QByteArray(R"({"B":"Q"})") << QByteArray(R"({"B":"QQ=="})") << false;
    QTest::addRow("B vs S") << QByteArray(R"({"B":"QQ=="})") << QByteArray(R"({"S":"QQ=="})") << false;
    // sets: unordered, duplicates ignored
    QTest::addRow("SS order") << QByteArray(R"({"SS":["a","b"]})") << QByteArray(R"({"SS":["b","a"]})") << true;
    QTest::addRow("SS duplicates") << QByteArray(R"({"SS":["a","a","b"]})") << QByteArray(R"({"SS":["b","a"]})")
                                   << true;
    QTest::addRow("SS differ") << QByteArray(R"({"SS":["a","b"]})") << QByteArray(R"({"SS":["a","c"]})") << false;
    QTest::addRow("SS subset") << QByteArray(R"({"SS":["a"]})") << QByteArray(R"({"SS":["a","b"]})") << false;
    QTest::addRow("SS empty") << QByteArray(R"({"SS":[]})") << QByteArray(R"({"SS":[]})") << true;
    QTest::addRow("SS empty vs one") << QByteArray(R"({"SS":[]})") << QByteArray(R"({"SS":[""]})") << false;
    QTest::addRow("SS vs NS") << QByteArray(R"({"SS":["1"]})") << QByteArray(R"({"NS":["1"]})") << false;
    QTest::addRow("NS numeric") << QByteArray(R"({"NS":["1","2.0"]})") << QByteArray(R"({"NS":["2","1.00"]})") << true;
    QTest::addRow("NS numeric duplicates")
        << QByteArray(R"({"NS":["1","1.0","1E0"]})") << QByteArray(R"({"NS":["0.1e1"]})") << true;
    QTest::addRow("NS differ") << QByteArray(R"({"NS":["1","2"]})") << QByteArray(R"({"NS":["1","3"]})") << false;
    QTest::addRow("NS negative zero") << QByteArray(R"({"NS":["-0",5]})") << QByteArray(R"({"NS":["5","0"]})") << true;
    QTest::addRow("NS 38 digits") << QByteArray(R"({"NS":["12345678901234567890123456789012345678"]})")
                                  << QByteArray(R"({"NS":["12345678901234567890123456789012345679"]})") << false;
    QTest::addRow("BS order and padding")
        << QByteArray(R"({"BS":["QQ==","Qg=="]})") << QByteArray(R"({"BS":["Qg","QQ"]})") << true;
    QTest::addRow("BS duplicates by bytes") << QByteArray(R"({"BS":["AAEqQQ==","QSoBAA==","AAEqQQ"]})")
                                            << QByteArray(R"({"BS":["QSoBAA==","AAEqQQ=="]})") << true;
    QTest::addRow("BS differ") << QByteArray(R"({"BS":["QQ=="]})") << QByteArray(R"({"BS":["Qg=="]})") << false;
    // M: by name, values by their own rules
    QTest::addRow("M name order") << QByteArray(R"({"M":{"a":{"N":"1"},"b":{"S":"x"}}})")
                                  << QByteArray(R"({"M":{"b":{"S":"x"},"a":{"N":"1.0"}}})") << true;
    QTest::addRow("M missing name") << QByteArray(R"({"M":{"a":{"N":"1"},"b":{"S":"x"}}})")
                                    << QByteArray(R"({"M":{"a":{"N":"1"}}})") << false;
    QTest::addRow("M other name") << QByteArray(R"({"M":{"a":{"N":"1"}}})") << QByteArray(R"({"M":{"A":{"N":"1"}}})")
                                  << false;
    QTest::addRow("M nested set") << QByteArray(R"({"M":{"a":{"M":{"s":{"SS":["x","y"]}}}}})")
                                  << QByteArray(R"({"M":{"a":{"M":{"s":{"SS":["y","x"]}}}}})") << true;
    QTest::addRow("M empty") << QByteArray(R"({"M":{}})") << QByteArray(R"({"M":{}})") << true;
    QTest::addRow("M empty vs L empty") << QByteArray(R"({"M":{}})") << QByteArray(R"({"L":[]})") << false;
    // L: ordered
    QTest::addRow("L equal") << QByteArray(R"({"L":[{"N":"1"},{"S":"a"}]})")
                             << QByteArray(R"({"L":[{"N":"1.0"},{"S":"a"}]})") << true;
    QTest::addRow("L order matters") << QByteArray(R"({"L":[{"N":"1"},{"S":"a"}]})")
                                     << QByteArray(R"({"L":[{"S":"a"},{"N":"1"}]})") << false;
    QTest::addRow("L length") << QByteArray(R"({"L":[{"N":"1"}]})") << QByteArray(R"({"L":[{"N":"1"},{"N":"1"}]})")
                              << false;
    QTest::addRow("L empty") << QByteArray(R"({"L":[]})") << QByteArray(R"({"L":[]})") << true;
    // NULL / BOOL
    QTest::addRow("NULL") << QByteArray(R"({"NULL":true})") << QByteArray(R"({"NULL":true})") << true;
    QTest::addRow("NULL false") << QByteArray(R"({"NULL":true})") << QByteArray(R"({"NULL":false})") << false;
    QTest::addRow("BOOL") << QByteArray(R"({"BOOL":false})") << QByteArray(R"({"BOOL":false})") << true;
    QTest::addRow("BOOL differ") << QByteArray(R"({"BOOL":true})") << QByteArray(R"({"BOOL":false})") << false;
    QTest::addRow("NULL vs BOOL") << QByteArray(R"({"NULL":true})") << QByteArray(R"({"BOOL":true})") << false;
}

void TestAttributeValue::equality()
{
    QFETCH(QByteArray, a);
    QFETCH(QByteArray, b);
    QFETCH(bool, equal);
    const AttributeValue x = value(a);
    const AttributeValue y = value(b);
    QCOMPARE(x == y, equal);
    QCOMPARE(y == x, equal);
    QCOMPARE(x != y, !equal);
    QVERIFY(x == x);
    // canonical JSON is an identity: equal values, equal text (and only then)
    QCOMPARE(canonicalJson(x) == canonicalJson(y), equal);
    // inside an item too
    const Item ix{{"k", x}};
    const Item iy{{"k", y}};
    QCOMPARE(itemsEqual(ix, iy), equal);
    QCOMPARE(canonicalJson(ix) == canonicalJson(iy), equal);
}

void TestAttributeValue::itemEquality_data()
{
    QTest::addColumn<QByteArray>("a");
    QTest::addColumn<QByteArray>("b");
    QTest::addColumn<bool>("equal");
    QTest::addRow("empty") << QByteArray("{}") << QByteArray("{}") << true;
    QTest::addRow("keys numeric") << QByteArray(R"({"Id":{"N":"101"}})") << QByteArray(R"({"Id":{"N":"101.0"}})")
                                  << true;
    QTest::addRow("key order") << QByteArray(R"({"PK":{"S":"a"},"SK":{"N":"1"}})")
                               << QByteArray(R"({"SK":{"N":"1E0"},"PK":{"S":"a"}})") << true;
    QTest::addRow("extra attribute") << QByteArray(R"({"PK":{"S":"a"}})")
                                     << QByteArray(R"({"PK":{"S":"a"},"x":{"NULL":true}})") << false;
    QTest::addRow("different name same value")
        << QByteArray(R"({"a":{"S":"x"}})") << QByteArray(R"({"b":{"S":"x"}})") << false;
}

void TestAttributeValue::itemEquality()
{
    QFETCH(QByteArray, a);
    QFETCH(QByteArray, b);
    QFETCH(bool, equal);
    QCOMPARE(itemsEqual(item(a), item(b)), equal);
    QCOMPARE(itemsEqual(item(b), item(a)), equal);
    QCOMPARE(canonicalJson(item(a)) == canonicalJson(item(b)), equal);
    QCOMPARE(AttributeValue::makeMap(item(a)) == AttributeValue::makeMap(item(b)), equal);
}

void TestAttributeValue::validate_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QStringList>("issues");

    QTest::addRow("clean") << QByteArray(
        R"({"s":{"S":""},"n":{"N":"123.45"},"b":{"B":""},"ss":{"SS":["a",""]},"ns":{"NS":["1","2"]},)"
        R"("bs":{"BS":["QQ==",""]},"m":{"M":{}},"l":{"L":[]},"null":{"NULL":true},"bool":{"BOOL":false}})")
                           << QStringList{};
    QTest::addRow("not a number") << QByteArray(R"({"n":{"N":"abc"}})") << QStringList{"/n invalid-number"};
    QTest::addRow("39 digits") << QByteArray(R"({"n":{"N":"123456789012345678901234567890123456789"}})")
                               << QStringList{"/n invalid-number", "/n js-unsafe-number"};
    QTest::addRow("too large") << QByteArray(R"({"n":{"N":"1E126"}})")
                               << QStringList{"/n invalid-number", "/n js-unsafe-number"};
    QTest::addRow("too small") << QByteArray(R"({"n":{"N":"-1E-131"}})") << QStringList{"/n invalid-number"};
    QTest::addRow("NS member not a number")
        << QByteArray(R"({"ns":{"NS":["1","x","2"]}})") << QStringList{"/ns/1 invalid-number"};
    QTest::addRow("invalid base64") << QByteArray(R"({"b":{"B":"b'\\x90'"}})") << QStringList{"/b invalid-base64"};
    QTest::addRow("BS member invalid") << QByteArray(R"({"bs":{"BS":["QQ==","Q"]}})")
                                       << QStringList{"/bs/1 invalid-base64"};
    QTest::addRow("empty SS") << QByteArray(R"({"EmptyStringSet":{"SS":[]}})")
                              << QStringList{"/EmptyStringSet empty-set"};
    QTest::addRow("empty NS") << QByteArray(R"({"x":{"NS":[]}})") << QStringList{"/x empty-set"};
    QTest::addRow("empty BS") << QByteArray(R"({"x":{"BS":[]}})") << QStringList{"/x empty-set"};
    QTest::addRow("duplicate SS") << QByteArray(R"({"x":{"SS":["a","b","a","a"]}})")
                                  << QStringList{"/x/2 duplicate-set-member", "/x/3 duplicate-set-member"};
    QTest::addRow("SS is case sensitive") << QByteArray(R"({"x":{"SS":["a","A"]}})") << QStringList{};
    QTest::addRow("duplicate NS numerically") << QByteArray(R"({"x":{"NS":["1","2","1.0","0.1e1"]}})")
                                              << QStringList{"/x/2 duplicate-set-member", "/x/3 duplicate-set-member"};
    QTest::addRow("duplicate NS -0") << QByteArray(R"({"x":{"NS":["-0","0"]}})")
                                     << QStringList{"/x/1 duplicate-set-member"};
    QTest::addRow("duplicate BS by bytes") << QByteArray(R"({"asdf2":{"BS":["AAEqQQ==","QSoBAA==","AAEqQQ"]}})")
                                           << QStringList{"/asdf2/2 duplicate-set-member"};
    QTest::addRow("NULL false") << QByteArray(R"({"x":{"NULL":false}})") << QStringList{"/x null-not-true"};
    QTest::addRow("js BigInt") << QByteArray(R"({"x":{"N":"9007199254740993"}})") << QStringList{"/x js-unsafe-number"};
    QTest::addRow("js throws non-integer") << QByteArray(R"({"x":{"N":"1E20"}})") << QStringList{"/x js-unsafe-number"};
    QTest::addRow("js rounds") << QByteArray(R"({"x":{"N":"0.3000000000000000444"}})")
                               << QStringList{"/x js-unsafe-number"};
    QTest::addRow("js NS member") << QByteArray(R"({"x":{"NS":["1","12345678901234567890"]}})")
                                  << QStringList{"/x/1 js-unsafe-number"};
    QTest::addRow("js safe") << QByteArray(R"({"x":{"N":"9007199254740991"}})") << QStringList{};
    QTest::addRow("nested paths") << QByteArray(R"({"address":{"M":{"geo":{"M":{"lat":{"N":"x"}}},)"
                                                R"("list":{"L":[{"S":"a"},{"NULL":false}]}}}})")
                                  << QStringList{"/address/geo/lat invalid-number", "/address/list/1 null-not-true"};
    QTest::addRow("escaped names") << QByteArray(R"({"a/b":{"M":{"c~d":{"SS":[]}}}})")
                                   << QStringList{"/a~1b/c~0d empty-set"};
    QTest::addRow("several in one item") << QByteArray(
        R"({"a":{"N":"abc"},"b":{"SS":[]},"c":{"NULL":false},"d":{"B":"!"}})")
                                         << QStringList{"/a invalid-number", "/b empty-set", "/c null-not-true",
                                                        "/d invalid-base64"};
}

void TestAttributeValue::validate()
{
    QFETCH(QByteArray, json);
    QFETCH(QStringList, issues);
    const Item it = item(json);
    QCOMPARE(issueList(model::validate(it)), issues);
    for (const ValueIssue& issue : model::validate(it))
        QVERIFY(!issue.reason.empty());
    // the same through the value overload with a root path
    QStringList viaValue;
    for (const auto& [name, v] : it)
        viaValue << issueList(model::validate(v, '/' + escapePointerToken(name)));
    QCOMPARE(viaValue, issues);
}

void TestAttributeValue::validateReasons()
{
    const auto reasonOf = [](const char* json) {
        QByteArray reasons; // all reasons, joined
        for (const ValueIssue& issue : model::validate(item(json)))
            reasons += QByteArray::fromStdString(issue.reason) + " | ";
        return reasons;
    };
    QVERIFY(reasonOf(R"({"n":{"N":"123456789012345678901234567890123456789.5"}})").contains("significant digits"));
    QVERIFY(reasonOf(R"({"n":{"N":"abc"}})").contains("not a number"));
    QVERIFY(reasonOf(R"({"n":{"N":"9007199254740993"}})").contains("BigInt"));
    QVERIFY(reasonOf(R"({"n":{"N":"1E20"}})").contains("throws"));
    QVERIFY(reasonOf(R"({"n":{"N":"1E400"}})").contains("IEEE 754"));
    QVERIFY(reasonOf(R"({"n":{"N":"3.141592653589793238"}})").contains("rounded"));
    QVERIFY(reasonOf(R"({"x":{"SS":[]}})").contains("empty SS"));
    QVERIFY(reasonOf(R"({"x":{"BS":["QQ==","QQ"]}})").contains("decoded bytes"));
    QVERIFY(reasonOf(R"({"x":{"B":"Q"}})").contains("base64"));
    QVERIFY(reasonOf(nestedMaps(33).prepend("{\"x\":").append("}")).contains("32"));
    const std::vector<ValueIssue> kinds = model::validate(item(R"({"n":{"N":"9007199254740993"}})"));
    QCOMPARE(kinds.size(), std::size_t(1));
    QCOMPARE(kinds.front().kind, ValueIssue::Kind::JsUnsafeNumber);
}

void TestAttributeValue::tooDeepBoundary_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("expected"); // path of the too-deep flag, "" for none
    QString path33;
    for (int i = 1; i < 33; ++i)
        path33 += QStringLiteral("/a");
    QTest::addRow("32 maps") << nestedMaps(32) << QString();
    QTest::addRow("33 maps") << nestedMaps(33) << (QStringLiteral("/x") + path33);
    QTest::addRow("50 maps flagged once") << nestedMaps(50) << (QStringLiteral("/x") + path33);
    QString listPath33;
    for (int i = 1; i < 33; ++i)
        listPath33 += QStringLiteral("/0");
    QTest::addRow("32 lists") << nestedLists(32) << QString();
    QTest::addRow("33 lists") << nestedLists(33) << (QStringLiteral("/x") + listPath33);
}

void TestAttributeValue::tooDeepBoundary()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, expected);
    const Item it = item("{\"x\":" + json + "}");
    QStringList tooDeep;
    for (const ValueIssue& issue : model::validate(it)) {
        if (issue.kind == ValueIssue::Kind::TooDeep)
            tooDeep << QString::fromStdString(issue.path);
    }
    QCOMPARE(tooDeep, expected.isEmpty() ? QStringList() : QStringList{expected});
}

void TestAttributeValue::pointerEscaping_data()
{
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<QByteArray>("escaped");
    QTest::addRow("plain") << QByteArray("abc") << QByteArray("abc");
    QTest::addRow("slash") << QByteArray("a/b") << QByteArray("a~1b");
    QTest::addRow("tilde") << QByteArray("~") << QByteArray("~0");
    QTest::addRow("tilde one") << QByteArray("~1") << QByteArray("~01");
    QTest::addRow("both") << QByteArray("/~/") << QByteArray("~1~0~1");
    QTest::addRow("empty") << QByteArray("") << QByteArray("");
}

void TestAttributeValue::pointerEscaping()
{
    QFETCH(QByteArray, token);
    QFETCH(QByteArray, escaped);
    QCOMPARE(QByteArray::fromStdString(escapePointerToken(token.toStdString())), escaped);
}

void TestAttributeValue::issueKindNames()
{
    QCOMPARE(issueKindName(ValueIssue::Kind::InvalidNumber), std::string_view("invalid-number"));
    QCOMPARE(issueKindName(ValueIssue::Kind::InvalidBase64), std::string_view("invalid-base64"));
    QCOMPARE(issueKindName(ValueIssue::Kind::EmptySet), std::string_view("empty-set"));
    QCOMPARE(issueKindName(ValueIssue::Kind::DuplicateSetMember), std::string_view("duplicate-set-member"));
    QCOMPARE(issueKindName(ValueIssue::Kind::TooDeep), std::string_view("too-deep"));
    QCOMPARE(issueKindName(ValueIssue::Kind::NullNotTrue), std::string_view("null-not-true"));
    QCOMPARE(issueKindName(ValueIssue::Kind::JsUnsafeNumber), std::string_view("js-unsafe-number"));
}

void TestAttributeValue::streamRecordEnums()
{
    for (const EventName e : {EventName::Insert, EventName::Modify, EventName::Remove, EventName::Snapshot})
        QCOMPARE(parseEventName(eventNameText(e)), std::optional<EventName>(e));
    QCOMPARE(eventNameText(EventName::Insert), std::string_view("INSERT"));
    QCOMPARE(eventNameText(EventName::Snapshot), std::string_view("SNAPSHOT"));
    QVERIFY(!parseEventName("insert"));
    QVERIFY(!parseEventName(""));
    for (const ViewType v : {ViewType::KeysOnly, ViewType::NewImage, ViewType::OldImage, ViewType::NewAndOldImages})
        QCOMPARE(parseViewType(viewTypeText(v)), std::optional<ViewType>(v));
    QCOMPARE(viewTypeText(ViewType::NewAndOldImages), std::string_view("NEW_AND_OLD_IMAGES"));
    QCOMPARE(viewTypeText(ViewType::Unknown), std::string_view());
    QVERIFY(!parseViewType(""));
    QVERIFY(!parseViewType("new_image"));
}

QTEST_APPLESS_MAIN(TestAttributeValue)

#include "tst_attributevalue.moc"
