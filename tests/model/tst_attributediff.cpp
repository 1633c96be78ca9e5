// Exact structural diff: every type, nesting, sets, lists, numbers, attribute names needing RFC 6901 escapes.
// Each row is checked three ways: diffItems on decoded items, diffImages on text (text-first path) and
// diffImages on decoded images; all must give the same JSON.

#include <QTest>

#include "model/attributediff.h"
#include "model/dynamodbjson.h"
#include "model/image.h"

using namespace model;

class TestAttributeDiff : public QObject
{
    Q_OBJECT

private:
    static Item item(const QString& json)
    {
        auto decoded = parseItem(json.toStdString());
        if (!decoded)
            qFatal("test item does not decode: %s (%s)", qPrintable(json), decoded.error.message.c_str());
        return *decoded.value;
    }

private Q_SLOTS:
    void diff_data()
    {
        QTest::addColumn<QString>("before");
        QTest::addColumn<QString>("after");
        QTest::addColumn<QString>("expected");

        QTest::addRow("identical") << R"({"a":{"S":"x"},"n":{"N":"1"}})"
                                   << R"({"n":{"N":"1"},"a":{"S":"x"}})"
                                   << "[]";
        QTest::addRow("both empty") << "{}"
                                    << "{}"
                                    << "[]";
        QTest::addRow("number 1.0 -> 1 is no change") << R"({"n":{"N":"1.0"}})"
                                                      << R"({"n":{"N":"1"}})"
                                                      << "[]";
        QTest::addRow("number exponent form is no change") << R"({"n":{"N":"1.5E2"}})"
                                                           << R"({"n":{"N":"150"}})"
                                                           << "[]";
        QTest::addRow("number 38 digits differ in last digit")
            << R"({"n":{"N":"12345678901234567890123456789012345678"}})"
            << R"({"n":{"N":"12345678901234567890123456789012345679"}})"
            << R"([{"op":"replace","path":"/n","old":{"N":"12345678901234567890123456789012345678"},"new":{"N":"12345678901234567890123456789012345679"}}])";
        QTest::addRow("number change") << R"({"n":{"N":"-0.5"}})"
                                       << R"({"n":{"N":"0.25"}})"
                                       << R"([{"op":"replace","path":"/n","old":{"N":"-0.5"},"new":{"N":"0.25"}}])";
        QTest::addRow("string change")
            << R"({"s":{"S":"PENDING"}})"
            << R"({"s":{"S":"SHIPPED"}})"
            << R"([{"op":"replace","path":"/s","old":{"S":"PENDING"},"new":{"S":"SHIPPED"}}])";
        QTest::addRow("empty string vs missing") << R"({"s":{"S":""}})"
                                                 << "{}"
                                                 << R"([{"op":"remove","path":"/s","old":{"S":""}}])";
        QTest::addRow("add attribute") << R"({"a":{"S":"x"}})"
                                       << R"({"a":{"S":"x"},"b":{"BOOL":true}})"
                                       << R"([{"op":"add","path":"/b","new":{"BOOL":true}}])";
        QTest::addRow("remove attribute") << R"({"a":{"S":"x"},"b":{"NULL":true}})"
                                          << R"({"a":{"S":"x"}})"
                                          << R"([{"op":"remove","path":"/b","old":{"NULL":true}}])";
        QTest::addRow("type change N -> S is replace")
            << R"({"v":{"N":"1"}})"
            << R"({"v":{"S":"1"}})"
            << R"([{"op":"replace","path":"/v","old":{"N":"1"},"new":{"S":"1"}}])";
        QTest::addRow("type change SS -> L is replace without members")
            << R"({"v":{"SS":["a"]}})"
            << R"({"v":{"L":[{"S":"a"}]}})"
            << R"([{"op":"replace","path":"/v","old":{"SS":["a"]},"new":{"L":[{"S":"a"}]}}])";
        QTest::addRow("type change M -> L") << R"({"v":{"M":{}}})"
                                            << R"({"v":{"L":[]}})"
                                            << R"([{"op":"replace","path":"/v","old":{"M":{}},"new":{"L":[]}}])";
        QTest::addRow("bool flip") << R"({"b":{"BOOL":true}})"
                                   << R"({"b":{"BOOL":false}})"
                                   << R"([{"op":"replace","path":"/b","old":{"BOOL":true},"new":{"BOOL":false}}])";
        QTest::addRow("binary same bytes, padding differs") << R"({"b":{"B":"AAEqQQ=="}})"
                                                            << R"({"b":{"B":"AAEqQQ"}})"
                                                            << "[]";
        QTest::addRow("binary change")
            << R"({"b":{"B":"AAEqQQ=="}})"
            << R"({"b":{"B":"QSoBAA=="}})"
            << R"([{"op":"replace","path":"/b","old":{"B":"AAEqQQ=="},"new":{"B":"QSoBAA=="}}])";
        QTest::addRow("string set reordered is no change") << R"({"t":{"SS":["a","b","c"]}})"
                                                           << R"({"t":{"SS":["c","a","b"]}})"
                                                           << "[]";
        QTest::addRow("string set members")
            << R"({"t":{"SS":["a","b","c"]}})"
            << R"({"t":{"SS":["c","d","a"]}})"
            << R"([{"op":"replace","path":"/t","old":{"SS":["a","b","c"]},"new":{"SS":["c","d","a"]},"added":["d"],"removed":["b"]}])";
        QTest::addRow("number set compared numerically") << R"({"t":{"NS":["1.50","2"]}})"
                                                         << R"({"t":{"NS":["2.0","1.5"]}})"
                                                         << "[]";
        QTest::addRow("number set members")
            << R"({"t":{"NS":["1","2"]}})"
            << R"({"t":{"NS":["2.0","3"]}})"
            << R"([{"op":"replace","path":"/t","old":{"NS":["1","2"]},"new":{"NS":["2.0","3"]},"added":["3"],"removed":["1"]}])";
        QTest::addRow("binary set by bytes")
            << R"({"t":{"BS":["AAEqQQ==","QSoBAA=="]}})"
            << R"({"t":{"BS":["QSoBAA","AAE="]}})"
            << R"([{"op":"replace","path":"/t","old":{"BS":["AAEqQQ==","QSoBAA=="]},"new":{"BS":["QSoBAA","AAE="]},"added":["AAE="],"removed":["AAEqQQ=="]}])";
        QTest::addRow("nested map member change")
            << R"({"address":{"M":{"city":{"S":"Berlin"},"geo":{"M":{"lat":{"N":"52.5"},"lon":{"N":"13.4"}}}}}})"
            << R"({"address":{"M":{"city":{"S":"Berlin"},"geo":{"M":{"lat":{"N":"52.50"},"lon":{"N":"13.5"}}}}}})"
            << R"([{"op":"replace","path":"/address/geo/lon","old":{"N":"13.4"},"new":{"N":"13.5"}}])";
        QTest::addRow("nested map add and remove")
            << R"({"m":{"M":{"a":{"S":"1"},"b":{"S":"2"}}}})"
            << R"({"m":{"M":{"b":{"S":"2"},"c":{"S":"3"}}}})"
            << R"([{"op":"remove","path":"/m/a","old":{"S":"1"}},{"op":"add","path":"/m/c","new":{"S":"3"}}])";
        QTest::addRow("list element change by index")
            << R"({"l":{"L":[{"S":"a"},{"N":"1"},{"BOOL":true}]}})"
            << R"({"l":{"L":[{"S":"a"},{"N":"2"},{"BOOL":true}]}})"
            << R"([{"op":"replace","path":"/l/1","old":{"N":"1"},"new":{"N":"2"}}])";
        QTest::addRow("list append")
            << R"({"l":{"L":[{"S":"a"}]}})"
            << R"({"l":{"L":[{"S":"a"},{"S":"b"},{"S":"c"}]}})"
            << R"([{"op":"add","path":"/l/1","new":{"S":"b"}},{"op":"add","path":"/l/2","new":{"S":"c"}}])";
        QTest::addRow("list shrink removes highest index first")
            << R"({"l":{"L":[{"S":"a"},{"S":"b"},{"S":"c"}]}})"
            << R"({"l":{"L":[{"S":"a"}]}})"
            << R"([{"op":"remove","path":"/l/2","old":{"S":"c"}},{"op":"remove","path":"/l/1","old":{"S":"b"}}])";
        QTest::addRow("list of maps deep")
            << R"({"items":{"L":[{"M":{"sku":{"S":"A"},"qty":{"N":"1"}}},{"M":{"sku":{"S":"B"},"qty":{"N":"2"}}}]}})"
            << R"({"items":{"L":[{"M":{"sku":{"S":"A"},"qty":{"N":"1"}}},{"M":{"sku":{"S":"B"},"qty":{"N":"3"},"gift":{"BOOL":true}}}]}})"
            << R"([{"op":"add","path":"/items/1/gift","new":{"BOOL":true}},{"op":"replace","path":"/items/1/qty","old":{"N":"2"},"new":{"N":"3"}}])";
        QTest::addRow("nested set inside map")
            << R"({"m":{"M":{"tags":{"SS":["x"]}}}})"
            << R"({"m":{"M":{"tags":{"SS":["x","y"]}}}})"
            << R"([{"op":"replace","path":"/m/tags","old":{"SS":["x"]},"new":{"SS":["x","y"]},"added":["y"],"removed":[]}])";
        QTest::addRow("name with slash") << R"({"a/b":{"S":"1"}})"
                                         << R"({"a/b":{"S":"2"}})"
                                         << R"([{"op":"replace","path":"/a~1b","old":{"S":"1"},"new":{"S":"2"}}])";
        QTest::addRow("name with tilde") << R"({"m~n":{"S":"1"}})"
                                         << "{}"
                                         << R"([{"op":"remove","path":"/m~0n","old":{"S":"1"}}])";
        QTest::addRow("name with dot and bracket")
            << R"({"x.y":{"N":"1"},"z[0]":{"N":"1"}})"
            << R"({"x.y":{"N":"2"},"z[0]":{"N":"1"}})"
            << R"([{"op":"replace","path":"/x.y","old":{"N":"1"},"new":{"N":"2"}}])";
        QTest::addRow("nested name escapes")
            << R"({"m":{"M":{"~/":{"S":"1"}}}})"
            << R"({"m":{"M":{"~/":{"S":"2"}}}})"
            << R"([{"op":"replace","path":"/m/~0~1","old":{"S":"1"},"new":{"S":"2"}}])";
        // (normal literals: moc mis-reads a backslash inside a raw string)
        QTest::addRow("escaped name in text")
            << "{\"q\\\"uote\":{\"S\":\"1\"}}"
            << "{\"q\\\"uote\":{\"S\":\"2\"}}"
            << "[{\"op\":\"replace\",\"path\":\"/q\\\"uote\",\"old\":{\"S\":\"1\"},\"new\":{\"S\":\"2\"}}]";
        QTest::addRow("unicode values") << R"({"c":{"S":"Zürich"}})"
                                        << R"({"c":{"S":"東京"}})"
                                        << R"([{"op":"replace","path":"/c","old":{"S":"Zürich"},"new":{"S":"東京"}}])";
        QTest::addRow("null to string") << R"({"d":{"NULL":true}})"
                                        << R"({"d":{"S":"2024"}})"
                                        << R"([{"op":"replace","path":"/d","old":{"NULL":true},"new":{"S":"2024"}}])";
        QTest::addRow("several attributes in name order")
            << R"({"b":{"N":"1"},"a":{"N":"1"},"c":{"N":"1"}})"
            << R"({"a":{"N":"2"},"c":{"N":"1"},"d":{"N":"1"}})"
            << R"([{"op":"replace","path":"/a","old":{"N":"1"},"new":{"N":"2"}},{"op":"remove","path":"/b","old":{"N":"1"}},{"op":"add","path":"/d","new":{"N":"1"}}])";
        QTest::addRow("whitespace in text is no change") << "{ \"a\" : { \"N\" : \"1\" } ,\n \"b\":{\"S\":\"x\"}}"
                                                         << R"({"b":{"S":"x"},"a":{"N":"1.00"}})"
                                                         << "[]";
    }

    void diff()
    {
        QFETCH(QString, before);
        QFETCH(QString, after);
        QFETCH(QString, expected);
        const Item a = item(before);
        const Item b = item(after);
        QCOMPARE(QString::fromStdString(changesToJson(diffItems(a, b))), expected);
        // Text-first path (images as delivered) must agree with the decoded path.
        const Image ta = Image::fromJson(before.toStdString());
        const Image tb = Image::fromJson(after.toStdString());
        QCOMPARE(QString::fromStdString(changesToJson(diffImages(ta, tb))), expected);
        QCOMPARE(QString::fromStdString(changesToJson(diffImages(Image::fromItem(a), Image::fromItem(b)))), expected);
        QCOMPARE(ta.sameAs(tb), expected == QLatin1String("[]"));
        QCOMPARE(Image::fromItem(a).sameAs(tb), expected == QLatin1String("[]"));
    }

    void absentImages()
    {
        const Image img = Image::fromJson(R"({"b":{"S":"x"},"a":{"N":"1"}})");
        QCOMPARE(
            QString::fromStdString(changesToJson(diffImages(Image(), img))),
            QStringLiteral(R"([{"op":"add","path":"/a","new":{"N":"1"}},{"op":"add","path":"/b","new":{"S":"x"}}])"));
        QCOMPARE(QString::fromStdString(changesToJson(diffImages(img, Image()))),
                 QStringLiteral(
                     R"([{"op":"remove","path":"/a","old":{"N":"1"}},{"op":"remove","path":"/b","old":{"S":"x"}}])"));
        QVERIFY(diffImages(Image(), Image()).empty());
    }

    void rootValueDiff()
    {
        std::vector<AttributeChange> out;
        diffValues(AttributeValue::makeNumber("1"), AttributeValue::makeString("1"), "", out);
        QCOMPARE(out.size(), std::size_t(1));
        QCOMPARE(QString::fromStdString(out[0].path), QString());
        QCOMPARE(out[0].op, AttributeChange::Op::Replace);
    }

    void readableText()
    {
        const auto changes = diffItems(item(R"({"s":{"S":"PENDING"},"t":{"SS":["a"]}})"),
                                       item(R"({"s":{"S":"SHIPPED"},"t":{"SS":["b"]}})"));
        QCOMPARE(changes.size(), std::size_t(2));
        QCOMPARE(QString::fromStdString(changeToText(changes[0])),
                 QStringLiteral(R"(replace /s: "PENDING" -> "SHIPPED")"));
        QCOMPARE(QString::fromStdString(changeToText(changes[1])), QStringLiteral(R"(replace /t: +["b"] -["a"])"));
    }
};

QTEST_APPLESS_MAIN(TestAttributeDiff)
#include "tst_attributediff.moc"
