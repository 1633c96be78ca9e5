// model/dynamodbjson.h: decoding (exact number text, errors with path and byte offset, depth limits) and the
// DynamoDB / canonical / plain JSON renderings.

#include <QTest>
#include <string>

#include <nlohmann/json.hpp>

#include "model/dynamodbjson.h"
#include "model/jsontext.h"

using namespace model;

namespace {

QByteArray q(const std::string& s)
{
    return QByteArray::fromStdString(s);
}

std::string_view view(const QByteArray& b)
{
    return {b.constData(), static_cast<std::size_t>(b.size())};
}

AttributeValue value(const QByteArray& json)
{
    const Decoded<AttributeValue> d = parseAttributeValue(view(json));
    if (!d)
        qFatal("bad test value %s: %s", json.constData(), d.error.message.c_str());
    return *d.value;
}

Item item(const QByteArray& json)
{
    const Decoded<Item> d = parseItem(view(json));
    if (!d)
        qFatal("bad test item %s: %s", json.constData(), d.error.message.c_str());
    return *d.value;
}

} // namespace

class TestDynamoDbJson : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrip_data();
    void roundTrip();
    void numbersKeepSourceText_data();
    void numbersKeepSourceText();
    void errors_data();
    void errors();
    void itemErrors_data();
    void itemErrors();
    void deepInputIsAnErrorNotACrash_data();
    void deepInputIsAnErrorNotACrash();
    void depthLimitBoundary();
    void byteOrderMarkAndWhitespace();
    void duplicateNamesLastWins();
    void fromDom_data();
    void fromDom();
    void domErrors();
    void canonical_data();
    void canonical();
    void plain_data();
    void plain();
    void plainIndented();
    void keyDisplay_data();
    void keyDisplay();
    void mutatedInputNeverCrashes();
    void splitObjectEscapes();
};

void TestDynamoDbJson::roundTrip_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QByteArray>("dynamo"); // toDynamoJson: compact, names sorted, texts as delivered

    QTest::addRow("S") << QByteArray(R"({"S":"Hello"})") << QByteArray(R"({"S":"Hello"})");
    QTest::addRow("S empty") << QByteArray(R"({"S":""})") << QByteArray(R"({"S":""})");
    QTest::addRow("S escapes") << QByteArray(R"({"S":"q\"b\\s\/n\n\t\u0001\u00e9\ud83d\ude00"})")
                               << QByteArray("{\"S\":\"q\\\"b\\\\s/n\\n\\t\\u0001\xc3\xa9\xf0\x9f\x98\x80\"}");
    QTest::addRow("S JSON document inside")
        << QByteArray(R"({"S":"{\"a\":[1,2]}"})") << QByteArray(R"({"S":"{\"a\":[1,2]}"})");
    QTest::addRow("N as delivered") << QByteArray(R"({"N":"1.50"})") << QByteArray(R"({"N":"1.50"})");
    QTest::addRow("N exponent") << QByteArray(R"({"N":"1E+5"})") << QByteArray(R"({"N":"1E+5"})");
    QTest::addRow("N 38 digits") << QByteArray(R"({"N":"-12345678901234567890123456789012345678"})")
                                 << QByteArray(R"({"N":"-12345678901234567890123456789012345678"})");
    QTest::addRow("N JSON number") << QByteArray(R"({"N":1.50})") << QByteArray(R"({"N":"1.50"})");
    QTest::addRow("N invalid kept") << QByteArray(R"({"N":"abc"})") << QByteArray(R"({"N":"abc"})");
    QTest::addRow("B") << QByteArray(R"({"B":"AAEqQQ=="})") << QByteArray(R"({"B":"AAEqQQ=="})");
    QTest::addRow("B unpadded") << QByteArray(R"({"B":"QQ"})") << QByteArray(R"({"B":"QQ"})");
    QTest::addRow("SS order kept") << QByteArray(R"({"SS":["Zebra","Giraffe","Zebra"]})")
                                   << QByteArray(R"({"SS":["Zebra","Giraffe","Zebra"]})");
    QTest::addRow("SS empty") << QByteArray(R"({"SS":[]})") << QByteArray(R"({"SS":[]})");
    QTest::addRow("NS") << QByteArray(R"({"NS":["1234","567.8"]})") << QByteArray(R"({"NS":["1234","567.8"]})");
    QTest::addRow("NS numbers") << QByteArray(R"({"NS":[1,2.50,-0,"3"]})")
                                << QByteArray(R"({"NS":["1","2.50","-0","3"]})");
    QTest::addRow("BS") << QByteArray(R"({"BS":["AAEqQQ==","QSoBAA==","AAEqQQ=="]})")
                        << QByteArray(R"({"BS":["AAEqQQ==","QSoBAA==","AAEqQQ=="]})");
    QTest::addRow("M names sorted") << QByteArray(R"({"M":{"Name":{"S":"Joe"},"Age":{"N":"35"}}})")
                                    << QByteArray(R"({"M":{"Age":{"N":"35"},"Name":{"S":"Joe"}}})");
    QTest::addRow("M empty") << QByteArray(R"({"M":{}})") << QByteArray(R"({"M":{}})");
    QTest::addRow("M names byte order")
        << QByteArray("{\"M\":{\"b\":{\"S\":\"1\"},\"B\":{\"S\":\"2\"},\"\xc3\xa9\":{\"S\":\"3\"},\"\":{\"S\":\"4\"}}}")
        << QByteArray(
               "{\"M\":{\"\":{\"S\":\"4\"},\"B\":{\"S\":\"2\"},\"b\":{\"S\":\"1\"},\"\xc3\xa9\":{\"S\":\"3\"}}}");
    QTest::addRow("L") << QByteArray(R"({"L":[{"S":"Cookies"},{"S":"Coffee"},{"N":"3.14159"}]})")
                       << QByteArray(R"({"L":[{"S":"Cookies"},{"S":"Coffee"},{"N":"3.14159"}]})");
    QTest::addRow("L empty") << QByteArray(R"({"L":[]})") << QByteArray(R"({"L":[]})");
    QTest::addRow("NULL") << QByteArray(R"({"NULL":true})") << QByteArray(R"({"NULL":true})");
    QTest::addRow("NULL false") << QByteArray(R"({"NULL":false})") << QByteArray(R"({"NULL":false})");
    QTest::addRow("BOOL") << QByteArray(R"({"BOOL":false})") << QByteArray(R"({"BOOL":false})");
    QTest::addRow("nested everything")
        << QByteArray(R"({"M":{"l":{"L":[{"M":{"x":{"NS":["1"]},"y":{"BS":["QQ=="]}}},{"L":[{"NULL":true}]},)"
                      R"({"SS":["a"]},{"BOOL":true},{"B":""}]},"n":{"N":"-0.5E-3"}}})")
        << QByteArray(R"({"M":{"l":{"L":[{"M":{"x":{"NS":["1"]},"y":{"BS":["QQ=="]}}},{"L":[{"NULL":true}]},)"
                      R"({"SS":["a"]},{"BOOL":true},{"B":""}]},"n":{"N":"-0.5E-3"}}})");
    QTest::addRow("pretty printed input") << QByteArray("{\r\n  \"M\" : {\n\t\"a\" : { \"N\" : \"1\" }\n  }\n}\n")
                                          << QByteArray(R"({"M":{"a":{"N":"1"}}})");
}

void TestDynamoDbJson::roundTrip()
{
    QFETCH(QByteArray, json);
    QFETCH(QByteArray, dynamo);
    const AttributeValue v = value(json);
    QCOMPARE(q(toDynamoJson(v)), dynamo);
    const Decoded<AttributeValue> again = parseAttributeValue(toDynamoJson(v));
    QVERIFY(again);
    QVERIFY(*again.value == v);
    QCOMPARE(q(toDynamoJson(*again.value)), dynamo);
    // canonical text decodes to an equal value and is a fixed point
    const Decoded<AttributeValue> canonical = parseAttributeValue(canonicalJson(v));
    QVERIFY(canonical);
    QVERIFY(*canonical.value == v);
    QCOMPARE(q(canonicalJson(*canonical.value)), q(canonicalJson(v)));
    // as an item attribute
    const Item it = item("{\"attr\":" + json + "}");
    QCOMPARE(q(toDynamoJson(it)), "{\"attr\":" + dynamo + "}");
    const Decoded<Item> itemAgain = parseItem(toDynamoJson(it));
    QVERIFY(itemAgain && itemsEqual(*itemAgain.value, it));
    // the DOM path agrees
    const Decoded<AttributeValue> fromDom = attributeValueFromJson(nlohmann::json::parse(toDynamoJson(v)));
    QVERIFY(fromDom);
    QVERIFY(*fromDom.value == v);
    // plain JSON is JSON
    QVERIFY(!nlohmann::json::parse(toPlainJson(v), nullptr, false).is_discarded());
}

void TestDynamoDbJson::numbersKeepSourceText_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QByteArray>("text");
    QTest::addRow("integer") << QByteArray(R"({"N":1})") << QByteArray("1");
    QTest::addRow("negative zero") << QByteArray(R"({"N":-0})") << QByteArray("-0");
    QTest::addRow("trailing zero") << QByteArray(R"({"N":1.50})") << QByteArray("1.50");
    QTest::addRow("exponent") << QByteArray(R"({"N":1e-5})") << QByteArray("1e-5");
    QTest::addRow("exponent sign") << QByteArray(R"({"N":2.5E+10})") << QByteArray("2.5E+10");
    QTest::addRow("beyond uint64") << QByteArray(R"({"N":123456789012345678901234567890})")
                                   << QByteArray("123456789012345678901234567890");
    QTest::addRow("beyond double precision")
        << QByteArray(R"({"N":9007199254740993})") << QByteArray("9007199254740993");
    QTest::addRow("0.1+0.2 digits") << QByteArray(R"({"N":0.3000000000000000444})")
                                    << QByteArray("0.3000000000000000444");
    QTest::addRow("beyond double range") << QByteArray(R"({"N":1E400})") << QByteArray("1E400");
    QTest::addRow("negative beyond double range") << QByteArray(R"({"N":-1.5e+999})") << QByteArray("-1.5e+999");
    QTest::addRow("400 digit integer") << QByteArray("{\"N\":") + QByteArray(400, '7') + "}" << QByteArray(400, '7');
    QTest::addRow("whitespace around") << QByteArray("{\"N\" :\n 42 \n}") << QByteArray("42");
    QTest::addRow("at end of input") << QByteArray(R"({"N":7})") << QByteArray("7");
    QTest::addRow("string keeps text") << QByteArray(R"({"N":"007.10"})") << QByteArray("007.10");
}

void TestDynamoDbJson::numbersKeepSourceText()
{
    QFETCH(QByteArray, json);
    QFETCH(QByteArray, text);
    const AttributeValue v = value(json);
    QCOMPARE(v.type(), AttributeType::N);
    QCOMPARE(q(v.text()), text);
    // same inside NS and in an item
    QByteArray member = json.mid(json.indexOf(':') + 1);
    member.chop(1);
    const AttributeValue ns = value("{\"NS\":[" + member + "," + member + "]}");
    QCOMPARE(ns.members().size(), std::size_t(2));
    QCOMPARE(q(ns.members()[0]), text);
    QCOMPARE(q(ns.members()[1]), text);
    const Item it = item("{\"a\":" + json + ",\"b\":{\"L\":[" + json + "]}}");
    QCOMPARE(q(it.at("a").text()), text);
    QCOMPARE(q(it.at("b").list().at(0).text()), text);
}

void TestDynamoDbJson::errors_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QByteArray>("message"); // substring
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<int>("offset");

    QTest::addRow("empty input") << QByteArray("") << QByteArray("unexpected end of input") << QByteArray() << 0;
    QTest::addRow("not JSON") << QByteArray("hello") << QByteArray("syntax error") << QByteArray() << 0;
    QTest::addRow("not an object") << QByteArray(R"(["S","x"])") << QByteArray("expected an AttributeValue object")
                                   << QByteArray() << 0;
    QTest::addRow("string root") << QByteArray(R"("x")") << QByteArray("found string") << QByteArray() << 0;
    QTest::addRow("no type key") << QByteArray("{}") << QByteArray("found 0") << QByteArray() << 0;
    QTest::addRow("two type keys") << QByteArray(R"({"S":"x","N":"1"})") << QByteArray("expected exactly one type key")
                                   << QByteArray() << 9;
    QTest::addRow("unknown type key") << QByteArray(R"({"X":"1"})") << QByteArray("unknown type key \"X\"")
                                      << QByteArray() << 1;
    QTest::addRow("lowercase type key") << QByteArray(R"({"s":"1"})") << QByteArray("unknown type key") << QByteArray()
                                        << 1;
    QTest::addRow("S number") << QByteArray(R"({"S":1})") << QByteArray("\"S\" expects a string, found number")
                              << QByteArray() << 5;
    QTest::addRow("S null") << QByteArray(R"({"S":null})") << QByteArray("found null") << QByteArray() << 5;
    QTest::addRow("B bool") << QByteArray(R"({"B":true})") << QByteArray("\"B\" expects a string") << QByteArray() << 5;
    QTest::addRow("N bool") << QByteArray(R"({"N":false})") << QByteArray("\"N\" expects") << QByteArray() << 5;
    QTest::addRow("N object") << QByteArray(R"({"N":{}})") << QByteArray("found object") << QByteArray() << 5;
    QTest::addRow("SS string") << QByteArray(R"({"SS":"a"})") << QByteArray("\"SS\" expects an array of strings")
                               << QByteArray() << 6;
    QTest::addRow("SS number member") << QByteArray(R"({"SS":["a",1]})")
                                      << QByteArray("SS member must be a string, found number") << QByteArray("/1")
                                      << 11;
    QTest::addRow("BS object member") << QByteArray(R"({"BS":[{}]})") << QByteArray("BS member must be a string")
                                      << QByteArray("/0") << 7;
    QTest::addRow("NS bool member") << QByteArray(R"({"NS":[1,"2",true]})")
                                    << QByteArray("NS member must be a string or number, found boolean")
                                    << QByteArray("/2") << 13;
    QTest::addRow("M array") << QByteArray(R"({"M":[]})") << QByteArray("\"M\" expects an object") << QByteArray() << 5;
    QTest::addRow("M member not object") << QByteArray(R"({"M":{"a":"x"}})")
                                         << QByteArray("expected an AttributeValue object, found string")
                                         << QByteArray("/a") << 10;
    QTest::addRow("M member bad tag") << QByteArray(R"({"M":{"a/b":{"Q":1}}})") << QByteArray("unknown type key")
                                      << QByteArray("/a~1b") << 13;
    QTest::addRow("L object") << QByteArray(R"({"L":{}})") << QByteArray("\"L\" expects an array") << QByteArray() << 5;
    QTest::addRow("L element not object")
        << QByteArray(R"({"L":[{"S":"a"},"b"]})") << QByteArray("expected an AttributeValue object, found string")
        << QByteArray("/1") << 16;
    QTest::addRow("L element array") << QByteArray(R"({"L":[[]]})") << QByteArray("found array") << QByteArray("/0")
                                     << 6;
    QTest::addRow("nested path") << QByteArray(R"({"M":{"x":{"L":[{"S":"a"},{"M":{"y":{"BOOL":"true"}}}]}}})")
                                 << QByteArray("\"BOOL\" expects a boolean, found string") << QByteArray("/x/1/y")
                                 << 44;
    QTest::addRow("S overflowing number")
        << QByteArray(R"({"S":1E400})") << QByteArray("found number") << QByteArray() << 5;
    QTest::addRow("overflowing number after error")
        << QByteArray(R"({"X":1E400})") << QByteArray("unknown type key") << QByteArray() << 1;
    QTest::addRow("NULL string") << QByteArray(R"({"NULL":"true"})") << QByteArray("\"NULL\" expects a boolean")
                                 << QByteArray() << 8;
    QTest::addRow("truncated") << QByteArray(R"({"M":{"a":{"S":"x"})") << QByteArray("unexpected end of input")
                               << QByteArray("") << 19;
    QTest::addRow("truncated string") << QByteArray(R"({"S":"abc)") << QByteArray("missing closing quote")
                                      << QByteArray() << 9;
    QTest::addRow("trailing garbage") << QByteArray(R"({"S":"x"} x)") << QByteArray("syntax error") << QByteArray()
                                      << 10;
    QTest::addRow("trailing comma") << QByteArray(R"({"S":"x",})") << QByteArray("syntax error") << QByteArray() << 9;
    QTest::addRow("invalid UTF-8") << QByteArray("{\"S\":\"\xff\"}") << QByteArray("syntax error") << QByteArray() << 6;
    QTest::addRow("key after escaped quote")
        << QByteArray(R"({"S":"a\"b","X":1})") << QByteArray("found a second one") << QByteArray() << 12;
}

void TestDynamoDbJson::errors()
{
    QFETCH(QByteArray, json);
    QFETCH(QByteArray, message);
    QFETCH(QByteArray, path);
    QFETCH(int, offset);
    const Decoded<AttributeValue> d = parseAttributeValue(view(json));
    QVERIFY(!d);
    QVERIFY2(q(d.error.message).contains(message), d.error.message.c_str());
    QCOMPARE(q(d.error.path), path);
    QCOMPARE(int(d.error.byteOffset), offset);
    QVERIFY(d.error.byteOffset <= std::size_t(json.size()));
}

void TestDynamoDbJson::itemErrors_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QByteArray>("message");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<int>("offset");
    QTest::addRow("array root") << QByteArray("[]") << QByteArray("expected an object, found array") << QByteArray()
                                << 0;
    QTest::addRow("number root") << QByteArray("12") << QByteArray("expected an object, found number") << QByteArray()
                                 << 0;
    QTest::addRow("attribute not AV") << QByteArray(R"({"Id":101})")
                                      << QByteArray("expected an AttributeValue object, found number")
                                      << QByteArray("/Id") << 6;
    QTest::addRow("attribute bad tag") << QByteArray(R"({"Id":{"N":"1"},"x":{"N":"1","S":"2"}})")
                                       << QByteArray("found a second one") << QByteArray("/x") << 29;
    QTest::addRow("record instead of item")
        << QByteArray(R"({"Records":[{"eventID":"1"}]})") << QByteArray("found array") << QByteArray("/Records") << 11;
}

void TestDynamoDbJson::itemErrors()
{
    QFETCH(QByteArray, json);
    QFETCH(QByteArray, message);
    QFETCH(QByteArray, path);
    QFETCH(int, offset);
    const Decoded<Item> d = parseItem(view(json));
    QVERIFY(!d);
    QVERIFY2(q(d.error.message).contains(message), d.error.message.c_str());
    QCOMPARE(q(d.error.path), path);
    QCOMPARE(int(d.error.byteOffset), offset);
}

void TestDynamoDbJson::deepInputIsAnErrorNotACrash_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<bool>("asItem");
    const int levels = 100000;
    QByteArray maps;
    maps.reserve(levels * 12);
    for (int i = 0; i < levels; ++i)
        maps += "{\"M\":{\"a\":";
    QTest::addRow("100000 maps, unterminated") << maps << false;
    QByteArray closed = maps + "{\"S\":\"x\"}";
    for (int i = 0; i < levels; ++i)
        closed += "}}";
    QTest::addRow("100000 maps, complete") << closed << false;
    QTest::addRow("100000 maps as item") << QByteArray("{\"a\":") + closed + "}" << true;
    QByteArray lists;
    for (int i = 0; i < levels; ++i)
        lists += "{\"L\":[";
    QTest::addRow("100000 lists") << lists << false;
    QTest::addRow("100000 raw arrays") << QByteArray(levels, '[') << false;
    QTest::addRow("100000 raw arrays as item") << QByteArray(levels, '[') << true;
}

void TestDynamoDbJson::deepInputIsAnErrorNotACrash()
{
    QFETCH(QByteArray, json);
    QFETCH(bool, asItem);
    const DecodeError error = asItem ? parseItem(view(json)).error : parseAttributeValue(view(json)).error;
    QVERIFY(!error.message.empty());
    // raw arrays at the root are rejected before any depth is reached
    if (!json.startsWith('[')) {
        QVERIFY2(q(error.message).contains("nested deeper than 256"), error.message.c_str());
        QVERIFY(error.byteOffset > 0 && error.byteOffset < 5000);
    }
}

void TestDynamoDbJson::depthLimitBoundary()
{
    // Depth counts JSON containers: an M level is two ({"M": and {...}). kMaxDecodeDepth = 256 containers.
    const auto maps = [](int levels) {
        QByteArray json;
        for (int i = 0; i < levels; ++i)
            json += "{\"M\":{\"a\":";
        json += "{\"S\":\"x\"}";
        for (int i = 0; i < levels; ++i)
            json += "}}";
        return json;
    };
    QVERIFY(parseAttributeValue(view(maps(127))));                                        // 2*127 + 1 = 255 containers
    QVERIFY(parseAttributeValue(view(maps(127).replace("{\"S\":\"x\"}", "{\"L\":[]}")))); // 256
    QVERIFY(!parseAttributeValue(view(maps(128))));
    // decoded but flagged (DynamoDB allows 32 levels)
    const Decoded<AttributeValue> deep = parseAttributeValue(view(maps(100)));
    QVERIFY(deep);
    bool flagged = false;
    for (const ValueIssue& issue : validate(*deep.value))
        flagged = flagged || issue.kind == ValueIssue::Kind::TooDeep;
    QVERIFY(flagged);
    // deep values render and compare without trouble
    QCOMPARE(q(toDynamoJson(*deep.value)), maps(100));
    QVERIFY(*deep.value == *deep.value);
    QVERIFY(!toPlainJson(*deep.value, 1).empty());
}

void TestDynamoDbJson::byteOrderMarkAndWhitespace()
{
    const Decoded<Item> bom = parseItem("\xEF\xBB\xBF{\"a\":{\"S\":\"x\"}}");
    QVERIFY(bom);
    QCOMPARE(q(bom.value->at("a").text()), QByteArray("x"));
    QVERIFY(parseItem("\r\n  {\"a\":{\"N\":\"1\"}}\r\n"));
    QVERIFY(parseItem("{}")); // empty item
    QVERIFY(parseItem("{}").value->empty());
}

void TestDynamoDbJson::splitObjectEscapes()
{
    // Members split from the text: names unescaped, values exactly as written, strings ended by their first
    // unescaped quote however many escaped quotes and backslashes come before it (and however long the plain runs).
    using model::jsontext::RawMember;
    using model::jsontext::splitObject;
    std::vector<RawMember> members;
    const std::string longRun(5000, 'p');
    const std::string json = R"({"a\"b":{"S":"x\"}\\"},"c\\":{"S":")" + longRun
        + R"("},"\u00e9\"":{"L":[{"S":"\\\"\\"},{"N":"1"}]},"e":{"S":"\"\"\"q"}})";
    QVERIFY(splitObject(json, members));
    QCOMPARE(members.size(), std::size_t{4});
    QCOMPARE(members[0].name, std::string("a\"b"));
    QCOMPARE(std::string(members[0].value), std::string(R"({"S":"x\"}\\"})"));
    QCOMPARE(members[1].name, std::string("c\\"));
    QCOMPARE(std::string(members[1].value), R"({"S":")" + longRun + R"("})");
    QCOMPARE(members[2].name, std::string("\xc3\xa9\""));
    QCOMPARE(std::string(members[2].value), std::string(R"({"L":[{"S":"\\\"\\"},{"N":"1"}]})"));
    QCOMPARE(members[3].name, std::string("e"));
    QCOMPARE(std::string(members[3].value), std::string(R"({"S":"\"\"\"q"})"));
    // Unterminated: the last quote escaped, a string cut after a backslash, no closing quote at all.
    QVERIFY(!splitObject(R"({"a":{"S":"x\"}})", members));
    QVERIFY(!splitObject(R"({"a":{"S":"x\)", members));
    QVERIFY(!splitObject(R"({"a":{"S":"xyz)", members));
    QVERIFY(!splitObject(R"({"a\":1})", members));
}

void TestDynamoDbJson::duplicateNamesLastWins()
{
    // like nlohmann's DOM: the last duplicate attribute name wins
    const Item it = item(R"({"a":{"S":"1"},"a":{"S":"2"}})");
    QCOMPARE(it.size(), std::size_t(1));
    QCOMPARE(q(it.at("a").text()), QByteArray("2"));
}

void TestDynamoDbJson::fromDom_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QByteArray>("dynamo");
    QTest::addRow("integer N") << QByteArray(R"({"N":1})") << QByteArray(R"({"N":"1"})");
    QTest::addRow("negative N") << QByteArray(R"({"N":-5})") << QByteArray(R"({"N":"-5"})");
    QTest::addRow("big unsigned N") << QByteArray(R"({"N":18446744073709551615})")
                                    << QByteArray(R"({"N":"18446744073709551615"})");
    QTest::addRow("float N") << QByteArray(R"({"N":1.5})") << QByteArray(R"({"N":"1.5"})");
    QTest::addRow("NS numbers") << QByteArray(R"({"NS":[1,"2",3.25]})") << QByteArray(R"({"NS":["1","2","3.25"]})");
    QTest::addRow("nested") << QByteArray(R"({"M":{"b":{"L":[{"NULL":true},{"BOOL":false}]},"a":{"BS":["QQ=="]}}})")
                            << QByteArray(R"({"M":{"a":{"BS":["QQ=="]},"b":{"L":[{"NULL":true},{"BOOL":false}]}}})");
}

void TestDynamoDbJson::fromDom()
{
    QFETCH(QByteArray, json);
    QFETCH(QByteArray, dynamo);
    const Decoded<AttributeValue> d = attributeValueFromJson(nlohmann::json::parse(json.toStdString()));
    QVERIFY2(d, d.error.message.c_str());
    QCOMPARE(q(toDynamoJson(*d.value)), dynamo);
    QVERIFY(*d.value == value(json));
    const Decoded<Item> it = itemFromJson(nlohmann::json::parse("{\"x\":" + json.toStdString() + "}"));
    QVERIFY(it);
    QCOMPARE(q(toDynamoJson(*it.value)), "{\"x\":" + dynamo + "}");
}

void TestDynamoDbJson::domErrors()
{
    const auto errorOf = [](const char* json) { return attributeValueFromJson(nlohmann::json::parse(json)).error; };
    QVERIFY(q(errorOf(R"({"S":"x","N":"1"})").message).contains("found 2"));
    QVERIFY(q(errorOf(R"({})").message).contains("found 0"));
    QVERIFY(q(errorOf(R"({"X":1})").message).contains("unknown type key"));
    QVERIFY(q(errorOf(R"([1])").message).contains("found array"));
    QVERIFY(q(errorOf(R"({"S":1})").message).contains("\"S\" expects a string, found number"));
    const DecodeError nested = errorOf(R"({"M":{"a":{"L":[{"S":"x"},{"SS":["a",2]}]}}})");
    QVERIFY(q(nested.message).contains("SS member must be a string"));
    QCOMPARE(q(nested.path), QByteArray("/a/1/1"));
    QVERIFY(!itemFromJson(nlohmann::json::parse("[]")));
    QCOMPARE(q(itemFromJson(nlohmann::json::parse(R"({"a":{"N":true}})")).error.path), QByteArray("/a"));
    // a deep DOM is an error, not a stack overflow
    nlohmann::json deep = nlohmann::json::object({{"S", "x"}});
    for (int i = 0; i < 1000; ++i)
        deep = nlohmann::json::object({{"L", nlohmann::json::array({std::move(deep)})}});
    const Decoded<AttributeValue> d = attributeValueFromJson(deep);
    QVERIFY(!d);
    QVERIFY(q(d.error.message).contains("nested deeper"));
}

void TestDynamoDbJson::canonical_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QByteArray>("canonical");
    QTest::addRow("N") << QByteArray(R"({"a":{"N":"1.0"},"b":{"N":"-0"},"c":{"N":"0.1e1"},"d":{"N":"1.5E130"}})")
                       << QByteArray(R"({"a":{"N":"1"},"b":{"N":"0"},"c":{"N":"1"},"d":{"N":"1.5E+130"}})");
    QTest::addRow("N invalid kept") << QByteArray(R"({"a":{"N":"abc"}})") << QByteArray(R"({"a":{"N":"abc"}})");
    QTest::addRow("SS sorted unique") << QByteArray(R"({"s":{"SS":["b","a","b",""]}})")
                                      << QByteArray(R"({"s":{"SS":["","a","b"]}})");
    QTest::addRow("NS numeric order") << QByteArray(R"({"s":{"NS":["10","9","-1","1.0","1","x"]}})")
                                      << QByteArray(R"({"s":{"NS":["-1","1","9","10","x"]}})");
    QTest::addRow("BS by bytes") << QByteArray(R"({"s":{"BS":["Qg","QQ==","QR==","!"]}})")
                                 << QByteArray(R"({"s":{"BS":["QQ==","Qg==","!"]}})");
    QTest::addRow("B padding") << QByteArray(R"({"b":{"B":"QQ"},"c":{"B":"b'x'"}})")
                               << QByteArray(R"({"b":{"B":"QQ=="},"c":{"B":"b'x'"}})");
    QTest::addRow("names sorted, nested")
        << QByteArray(R"({"z":{"M":{"y":{"N":"2.0"},"x":{"L":[{"NS":["2","1"]}]}}},"a":{"NULL":true}})")
        << QByteArray(R"({"a":{"NULL":true},"z":{"M":{"x":{"L":[{"NS":["1","2"]}]},"y":{"N":"2"}}}})");
    QTest::addRow("empty") << QByteArray("{}") << QByteArray("{}");
}

void TestDynamoDbJson::canonical()
{
    QFETCH(QByteArray, json);
    QFETCH(QByteArray, canonical);
    QCOMPARE(q(canonicalJson(item(json))), canonical);
    QCOMPARE(q(canonicalJson(item(canonical))), canonical);
}

void TestDynamoDbJson::plain_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QByteArray>("plain");
    QTest::addRow("scalars") << QByteArray(R"({"s":{"S":"x"},"n":{"N":"123.45"},"b":{"B":"QQ=="},"t":{"BOOL":true},)"
                                           R"("z":{"NULL":true}})")
                             << QByteArray(R"({"b":"QQ==","n":123.45,"s":"x","t":true,"z":null})");
    QTest::addRow("numbers exact, never rounded")
        << QByteArray(R"({"a":{"N":"12345678901234567890123456789012345678"},"b":{"N":"0.3000000000000000444"},)"
                      R"("c":{"N":"1.50"},"d":{"N":"-0"},"e":{"N":"1E-130"}})")
        << QByteArray(R"({"a":12345678901234567890123456789012345678,"b":0.3000000000000000444,"c":1.50,"d":-0,)"
                      R"("e":1E-130})");
    QTest::addRow("non-JSON number syntax canonical")
        << QByteArray(R"({"a":{"N":"+5"},"b":{"N":".5"},"c":{"N":"007"}})") << QByteArray(R"({"a":5,"b":0.5,"c":7})");
    QTest::addRow("invalid number as string") << QByteArray(R"({"a":{"N":"abc"}})") << QByteArray(R"({"a":"abc"})");
    QTest::addRow("sets as arrays") << QByteArray(R"({"s":{"SS":["a","b"]},"n":{"NS":["1","2.0"]},"b":{"BS":["QQ=="]},)"
                                                  R"("e":{"SS":[]}})")
                                    << QByteArray(R"({"b":["QQ=="],"e":[],"n":[1,2.0],"s":["a","b"]})");
    QTest::addRow("map and list") << QByteArray(
        R"({"m":{"M":{"b":{"L":[{"N":"1"},{"S":"x"},{"M":{}}]},"a":{"L":[]}}}})")
                                  << QByteArray(R"({"m":{"a":[],"b":[1,"x",{}]}})");
    QTest::addRow("NULL false is null") << QByteArray(R"({"z":{"NULL":false}})") << QByteArray(R"({"z":null})");
    QTest::addRow("escapes") << QByteArray(R"({"q\"":{"S":"a\nb"}})") << QByteArray(R"({"q\"":"a\nb"})");
}

void TestDynamoDbJson::plain()
{
    QFETCH(QByteArray, json);
    QFETCH(QByteArray, plain);
    const Item it = item(json);
    QCOMPARE(q(toPlainJson(it)), plain);
    QVERIFY(!nlohmann::json::parse(toPlainJson(it), nullptr, false).is_discarded());
    QVERIFY(!nlohmann::json::parse(toPlainJson(it, 4), nullptr, false).is_discarded());
}

void TestDynamoDbJson::plainIndented()
{
    const Item it = item(R"({"a":{"M":{"b":{"L":[]},"c":{"SS":["x"]},"d":{"M":{}}}},"n":{"N":"1"}})");
    const QByteArray expected = "{\n"
                                "  \"a\": {\n"
                                "    \"b\": [],\n"
                                "    \"c\": [\n"
                                "      \"x\"\n"
                                "    ],\n"
                                "    \"d\": {}\n"
                                "  },\n"
                                "  \"n\": 1\n"
                                "}";
    QCOMPARE(q(toPlainJson(it, 2)), expected);
    // same layout as nlohmann's dump for values nlohmann represents exactly
    QCOMPARE(q(toPlainJson(it, 2)), q(nlohmann::json::parse(toPlainJson(it)).dump(2)));
    QCOMPARE(q(toPlainJson(AttributeValue::makeString("x"), 2)), QByteArray("\"x\""));
    QCOMPARE(q(toPlainJson(Item{}, 2)), QByteArray("{}"));
}

void TestDynamoDbJson::keyDisplay_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QByteArray>("text");
    QTest::addRow("number") << QByteArray(R"({"Id":{"N":"101"}})") << QByteArray("Id=101");
    QTest::addRow("sorted") << QByteArray(R"({"SK":{"N":"2024"},"PK":{"S":"USER#1"}})")
                            << QByteArray("PK=USER#1, SK=2024");
    QTest::addRow("binary as base64") << QByteArray(R"({"key":{"B":"AAEqQQ=="}})") << QByteArray("key=AAEqQQ==");
    QTest::addRow("aws-lambda-go keys") << QByteArray(R"({"val":{"S":"data"},"key":{"S":"binary"}})")
                                        << QByteArray("key=binary, val=data");
    QTest::addRow("empty") << QByteArray("{}") << QByteArray("");
    QTest::addRow("non-key type") << QByteArray(R"({"k":{"L":[{"N":"1"}]}})") << QByteArray("k=[1]");
}

void TestDynamoDbJson::keyDisplay()
{
    QFETCH(QByteArray, json);
    QFETCH(QByteArray, text);
    QCOMPARE(q(keyDisplayText(item(json))), text);
}

void TestDynamoDbJson::mutatedInputNeverCrashes()
{
    // Deterministic mutations of a rich item: the decoder never crashes, never accepts what nlohmann rejects,
    // reports offsets inside the input, and what it accepts agrees with the DOM path and round-trips.
    const std::string seed =
        R"({"PK":{"S":"USER#1"},"n":{"N":"-1.5E3"},"b":{"B":"AAEqQQ=="},"ss":{"SS":["a","b\"c"]},)"
        R"("ns":{"NS":["1","2.0"]},"bs":{"BS":["QQ==","Qg"]},"m":{"M":{"x":{"L":[{"NULL":true},{"BOOL":false},)"
        R"({"M":{}},{"L":[]}]},"y":{"S":"\u00e9"}}}})";
    const std::string alphabet = R"({}[]":,\ 0123456789.eE+-SNBMLtruefalsnl)";
    std::uint32_t state = 12345;
    const auto next = [&state](std::uint32_t bound) {
        state = state * 1664525u + 1013904223u;
        return (state >> 8) % bound;
    };
    int accepted = 0;
    for (int round = 0; round < 20000; ++round) {
        std::string text = seed;
        const std::uint32_t edits = 1 + next(3);
        for (std::uint32_t e = 0; e < edits && !text.empty(); ++e) {
            const std::size_t at = next(static_cast<std::uint32_t>(text.size()));
            switch (next(4)) {
            case 0:
                text.erase(at, 1);
                break;
            case 1:
                text.insert(at, 1, alphabet[next(static_cast<std::uint32_t>(alphabet.size()))]);
                break;
            case 2:
                text[at] = alphabet[next(static_cast<std::uint32_t>(alphabet.size()))];
                break;
            default:
                text.resize(at);
                break;
            }
        }
        const Decoded<Item> d = parseItem(text);
        const bool valid = nlohmann::json::accept(text);
        if (!d) {
            QVERIFY(!d.error.message.empty());
            QVERIFY(d.error.byteOffset <= text.size());
            continue;
        }
        ++accepted;
        QVERIFY2(valid, text.c_str());
        const Decoded<Item> fromDom = itemFromJson(nlohmann::json::parse(text));
        QVERIFY2(fromDom, text.c_str());
        QVERIFY2(itemsEqual(*fromDom.value, *d.value), text.c_str());
        const Decoded<Item> again = parseItem(toDynamoJson(*d.value));
        QVERIFY2(again && itemsEqual(*again.value, *d.value), text.c_str());
        QCOMPARE(canonicalJson(*again.value), canonicalJson(*d.value));
    }
    qInfo("%d of 20000 mutated inputs decoded", accepted);
    QVERIFY(accepted > 100); // the mutations do not only produce garbage
}

QTEST_APPLESS_MAIN(TestDynamoDbJson)

#include "tst_dynamodbjson.moc"
