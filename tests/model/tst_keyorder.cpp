// model/keyorder.h: the key order bytes compare with memcmp exactly as the typed key values order — numbers by value
// (exact, whatever their spelling or size), strings and binaries by bytes, part by part, fewer parts first.

#include <QTest>
#include <random>
#include <string>

#include "model/decimal.h"
#include "model/keyorder.h"

using namespace model;

namespace {
int order(const std::string& a, const std::string& b)
{
    const int c = keyOrderBytes(a).compare(keyOrderBytes(b));
    return c < 0 ? -1 : c > 0 ? 1 : 0;
}
std::string numberKey(const std::string& n)
{
    return "{\"Id\":{\"N\":\"" + n + "\"}}"; // no raw strings with unmatched braces: moc counts them
}
} // namespace

class TestKeyOrder : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void pairs_data();
    void pairs();
    void numbersAsDecimalCompares();
};

void TestKeyOrder::pairs_data()
{
    QTest::addColumn<QString>("a");
    QTest::addColumn<QString>("b");
    QTest::addColumn<int>("expected");
    const auto n = [](const char* text) { return QString::fromStdString(numberKey(text)); };
    QTest::addRow("2 < 10") << n("2") << n("10") << -1;
    QTest::addRow("100 < 1000 (not as text)") << n("100") << n("1000") << -1;
    QTest::addRow("101 < 1000") << n("101") << n("1000") << -1;
    QTest::addRow("1 = 1.0 = 10E-1") << n("1") << n("10E-1") << 0;
    QTest::addRow("1 = 1.000") << n("1") << n("1.000") << 0;
    QTest::addRow("0 = -0 = 0E5") << n("-0") << n("0E5") << 0;
    QTest::addRow("-1 < 0") << n("-1") << n("0") << -1;
    QTest::addRow("0 < 0.001") << n("0") << n("0.001") << -1;
    QTest::addRow("-10 < -9") << n("-10") << n("-9") << -1;
    QTest::addRow("-0.51 < -0.5") << n("-0.51") << n("-0.5") << -1;
    QTest::addRow("0.5 < 0.51") << n("0.5") << n("0.51") << -1;
    QTest::addRow("38 digits differ in the last")
        << n("12345678901234567890123456789012345678") << n("12345678901234567890123456789012345679") << -1;
    QTest::addRow("1E-130 < 1E+125") << n("1E-130") << n("9.9999999999999999999999999999999999999E+125") << -1;
    QTest::addRow("-1E+125 < -1E-130") << n("-1E+125") << n("-1E-130") << -1;
    QTest::addRow("a number before a string") << n("99999") << QString(R"({"Id":{"S":"0"}})") << -1;
    QTest::addRow("a string before a binary")
        << QString(R"({"Id":{"S":"zz"}})") << QString(R"({"Id":{"B":"AA=="}})") << -1;
    QTest::addRow("strings by bytes") << QString(R"({"Id":{"S":"B"}})") << QString(R"({"Id":{"S":"a"}})") << -1;
    QTest::addRow("a string before its extension")
        << QString(R"({"Id":{"S":"ab"}})") << QString(R"({"Id":{"S":"ab\u0000"}})") << -1;
    QTest::addRow("a NUL byte before 0x01")
        << QString(R"({"Id":{"S":"a\u0000z"}})") << QString(R"({"Id":{"S":"a\u0001"}})") << -1;
    QTest::addRow("binaries by decoded bytes (0x00ff < 0x01)")
        << QString(R"({"Id":{"B":"AP8="}})") << QString(R"({"Id":{"B":"AQ=="}})") << -1;
    QTest::addRow("binary QQ = QQ== (the same byte)")
        << QString(R"({"Id":{"B":"QQ"}})") << QString(R"({"Id":{"B":"QQ=="}})") << 0;
    QTest::addRow("composite: part by part, numbers in the second")
        << QString(R"({"Pk":{"S":"a"},"Sk":{"N":"9"}})") << QString(R"({"Pk":{"S":"a"},"Sk":{"N":"10"}})") << -1;
    QTest::addRow("composite: the first part decides")
        << QString(R"({"Pk":{"S":"a"},"Sk":{"N":"99"}})") << QString(R"({"Pk":{"S":"b"},"Sk":{"N":"1"}})") << -1;
    QTest::addRow("fewer parts first") << QString(R"({"Pk":{"S":"a"}})")
                                       << QString(R"({"Pk":{"S":"a"},"Sk":{"N":"-5"}})") << -1;
    QTest::addRow("by attribute name first") << QString(R"({"A":{"N":"9"}})") << QString(R"({"B":{"N":"1"}})") << -1;
    QTest::addRow("an N that is no number after every number") << n("1E+125") << QString(R"({"Id":{"N":"abc"}})") << -1;
    QTest::addRow("JSON that does not parse, by its text") << QString("{not json a") << QString("{not json b") << -1;
}

void TestKeyOrder::pairs()
{
    QFETCH(QString, a);
    QFETCH(QString, b);
    QFETCH(int, expected);
    QCOMPARE(order(a.toStdString(), b.toStdString()), expected);
    QCOMPARE(order(b.toStdString(), a.toStdString()), -expected);
}

// Random numbers of every sign, length and exponent, spelled in several ways: the bytes order exactly as
// Decimal::compare orders the values.
void TestKeyOrder::numbersAsDecimalCompares()
{
    std::mt19937 random(7);
    const auto number = [&random]() {
        std::string text;
        if (random() % 2)
            text += '-';
        const int digits = 1 + int(random() % 40);
        for (int i = 0; i < digits; ++i)
            text += char('0' + random() % 10);
        if (random() % 3 == 0)
            text.insert(text.size() - std::size_t(random() % std::size_t(digits)), ".");
        if (random() % 3 == 0)
            text += "E" + std::to_string(int(random() % 300) - 150);
        return text;
    };
    for (int i = 0; i < 20000; ++i) {
        const std::string a = number();
        const std::string b = i % 10 == 0 ? a + "0" : number();
        const auto da = Decimal::parse(a), db = Decimal::parse(b);
        if (!da || !db)
            continue;
        const int expected = da->compare(*db);
        if (order(numberKey(a), numberKey(b)) != expected)
            QFAIL(qPrintable(QString::fromStdString(a + " vs " + b + ": expected " + std::to_string(expected))));
    }
}

QTEST_APPLESS_MAIN(TestKeyOrder)
#include "tst_keyorder.moc"
