// model/decimal.h: exact parsing, canonical text, numeric comparison, DynamoDB rules, JavaScript risks.

#include <QProcess>
#include <QStandardPaths>
#include <QTest>
#include <string>

#include "model/decimal.h"

using namespace model;

Q_DECLARE_METATYPE(model::NumberProblem)
Q_DECLARE_METATYPE(model::JsNumberRisk)

namespace {

QByteArray q(const std::string& s)
{
    return QByteArray::fromStdString(s);
}

std::string s(const QByteArray& b)
{
    return b.toStdString();
}

} // namespace

class TestDecimal : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parse_data();
    void parse();
    void rejects_data();
    void rejects();
    void compare_data();
    void compare();
    void checkNumber_data();
    void checkNumber();
    void jsNumberRisk_data();
    void jsNumberRisk();
    void describeNamesTheRule();
    void textHelpers();
    void jsonNumberText_data();
    void jsonNumberText();
    void jsNumberRiskMatchesNode();
};

void TestDecimal::parse_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("canonical");
    QTest::addColumn<QByteArray>("digits");
    QTest::addColumn<qint64>("exponent");
    QTest::addColumn<bool>("negative");
    QTest::addColumn<bool>("integer");

    QTest::addRow("one") << QByteArray("1") << QByteArray("1") << QByteArray("1") << qint64(1) << false << true;
    QTest::addRow("1.0") << QByteArray("1.0") << QByteArray("1") << QByteArray("1") << qint64(1) << false << true;
    QTest::addRow("1E0") << QByteArray("1E0") << QByteArray("1") << QByteArray("1") << qint64(1) << false << true;
    QTest::addRow("0.1e1") << QByteArray("0.1e1") << QByteArray("1") << QByteArray("1") << qint64(1) << false << true;
    QTest::addRow("zero") << QByteArray("0") << QByteArray("0") << QByteArray() << qint64(0) << false << true;
    QTest::addRow("negative zero") << QByteArray("-0") << QByteArray("0") << QByteArray() << qint64(0) << false << true;
    QTest::addRow("negative zero fraction exponent")
        << QByteArray("-0.000E-7") << QByteArray("0") << QByteArray() << qint64(0) << false << true;
    QTest::addRow("plus sign") << QByteArray("+5") << QByteArray("5") << QByteArray("5") << qint64(1) << false << true;
    QTest::addRow("leading zeros") << QByteArray("00012.3400") << QByteArray("12.34") << QByteArray("1234") << qint64(2)
                                   << false << false;
    QTest::addRow("fraction") << QByteArray("123.45") << QByteArray("123.45") << QByteArray("12345") << qint64(3)
                              << false << false;
    QTest::addRow("small") << QByteArray("0.001") << QByteArray("0.001") << QByteArray("1") << qint64(-2) << false
                           << false;
    QTest::addRow("negative") << QByteArray("-12.50") << QByteArray("-12.5") << QByteArray("125") << qint64(2) << true
                              << false;
    QTest::addRow("exponent makes integer")
        << QByteArray("1.5e1") << QByteArray("15") << QByteArray("15") << qint64(2) << false << true;
    QTest::addRow("positive exponent") << QByteArray("1E3") << QByteArray("1000") << QByteArray("1") << qint64(4)
                                       << false << true;
    QTest::addRow("negative exponent") << QByteArray("25E-4") << QByteArray("0.0025") << QByteArray("25") << qint64(-2)
                                       << false << false;
    QTest::addRow("leading dot") << QByteArray(".5") << QByteArray("0.5") << QByteArray("5") << qint64(0) << false
                                 << false;
    QTest::addRow("trailing dot") << QByteArray("5.") << QByteArray("5") << QByteArray("5") << qint64(1) << false
                                  << true;
    QTest::addRow("exponent leading zeros") << QByteArray("1e000000000000000000000000000005") << QByteArray("100000")
                                            << QByteArray("1") << qint64(6) << false << true;
    QTest::addRow("38 digits") << QByteArray("12345678901234567890123456789012345678")
                               << QByteArray("12345678901234567890123456789012345678")
                               << QByteArray("12345678901234567890123456789012345678") << qint64(38) << false << true;
    // plain notation up to 50 characters, scientific beyond
    QTest::addRow("1E49 plain") << QByteArray("1E49") << (QByteArray("1") + QByteArray(49, '0')) << QByteArray("1")
                                << qint64(50) << false << true;
    QTest::addRow("1E50 scientific") << QByteArray("1E50") << QByteArray("1E+50") << QByteArray("1") << qint64(51)
                                     << false << true;
    QTest::addRow("1E-48 plain") << QByteArray("1E-48") << (QByteArray("0.") + QByteArray(47, '0') + "1")
                                 << QByteArray("1") << qint64(-47) << false << false;
    QTest::addRow("1E-49 scientific") << QByteArray("1E-49") << QByteArray("1E-49") << QByteArray("1") << qint64(-48)
                                      << false << false;
    QTest::addRow("max magnitude") << QByteArray("9.9999999999999999999999999999999999999E+125")
                                   << QByteArray("9.9999999999999999999999999999999999999E+125") << QByteArray(38, '9')
                                   << qint64(126) << false << true;
    QTest::addRow("1.5E+130") << QByteArray("15e129") << QByteArray("1.5E+130") << QByteArray("15") << qint64(131)
                              << false << true;
    QTest::addRow("-2E-131") << QByteArray("-0.2E-130") << QByteArray("-2E-131") << QByteArray("2") << qint64(-130)
                             << true << false;
    QTest::addRow("huge exponent") << QByteArray("1e999999999999") << QByteArray("1E+999999999999") << QByteArray("1")
                                   << qint64(1000000000000) << false << true;
}

void TestDecimal::parse()
{
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, canonical);
    QFETCH(QByteArray, digits);
    QFETCH(qint64, exponent);
    QFETCH(bool, negative);
    QFETCH(bool, integer);

    const std::optional<Decimal> d = Decimal::parse(s(text));
    QVERIFY(d.has_value());
    QCOMPARE(q(d->canonical()), canonical);
    QCOMPARE(q(d->digits()), digits);
    QCOMPARE(qint64(d->exponent()), exponent);
    QCOMPARE(d->isNegative(), negative);
    QCOMPARE(d->isInteger(), integer);
    QCOMPARE(d->isZero(), digits.isEmpty());
    // canonical text parses back to an equal value with the same canonical text
    const std::optional<Decimal> again = Decimal::parse(d->canonical());
    QVERIFY(again.has_value());
    QCOMPARE(again->compare(*d), 0);
    QCOMPARE(q(again->canonical()), canonical);
    QCOMPARE(q(canonicalNumber(s(text))), canonical);
}

void TestDecimal::rejects_data()
{
    QTest::addColumn<QByteArray>("text");
    for (const char* t :
         {"", "abc", "1e", "1e+", "0x10", "NaN", "Infinity", "-Infinity", " 1", "1 ", "1.2.3", "--1", "+-1", "e5", ".",
          "+", "-", ".e1", "1,5", "1_000", "١", "1e5.5", "1ee5", "1e99999999999999999999",
          // fuzz_decimal: the normalised exponent would leave the range whose canonical text parses
          "999999999999999999999.2E999999999999999995", "0.00000000000000000000000001E-999999999999999999"})
        QTest::addRow("%s", t) << QByteArray(t);
}

void TestDecimal::rejects()
{
    QFETCH(QByteArray, text);
    QVERIFY(!Decimal::parse(s(text)).has_value());
    QCOMPARE(model::checkNumber(s(text)), NumberProblem::NotANumber);
    QCOMPARE(model::jsNumberRisk(s(text)), JsNumberRisk::None);
    QCOMPARE(q(canonicalNumber(s(text))), text); // not a number: the text itself
}

void TestDecimal::compare_data()
{
    QTest::addColumn<QByteArray>("a");
    QTest::addColumn<QByteArray>("b");
    QTest::addColumn<int>("expected");

    QTest::addRow("1.0 = 1") << QByteArray("1.0") << QByteArray("1") << 0;
    QTest::addRow("1 = 1E0") << QByteArray("1") << QByteArray("1E0") << 0;
    QTest::addRow("1E0 = 0.1e1") << QByteArray("1E0") << QByteArray("0.1e1") << 0;
    QTest::addRow("-0 = 0") << QByteArray("-0") << QByteArray("0") << 0;
    QTest::addRow("-0.0 = 0E10") << QByteArray("-0.0") << QByteArray("0E10") << 0;
    QTest::addRow("100 = 1E2") << QByteArray("100") << QByteArray("1E2") << 0;
    QTest::addRow("0.01 = 1E-2") << QByteArray("0.01") << QByteArray("1E-2") << 0;
    QTest::addRow("+5 = 5") << QByteArray("+5") << QByteArray("5") << 0;
    QTest::addRow("38 digits last digit") << QByteArray("12345678901234567890123456789012345678")
                                          << QByteArray("12345678901234567890123456789012345679") << -1;
    QTest::addRow("38 digits equal with exponent") << QByteArray("1234567890123456789012345678901234567.8")
                                                   << QByteArray("12345678901234567890123456789012345678E-1") << 0;
    QTest::addRow("38 digits negative") << QByteArray("-99999999999999999999999999999999999999")
                                        << QByteArray("-99999999999999999999999999999999999998") << -1;
    QTest::addRow("beyond double precision") << QByteArray("9007199254740993") << QByteArray("9007199254740992") << 1;
    QTest::addRow("2 < 10 (not text order)") << QByteArray("2") << QByteArray("10") << -1;
    QTest::addRow("10 > 9.99") << QByteArray("10") << QByteArray("9.99") << 1;
    QTest::addRow("1.01 < 1.1") << QByteArray("1.01") << QByteArray("1.1") << -1;
    QTest::addRow("1.1 > 1.01") << QByteArray("1.1") << QByteArray("1.01") << 1;
    QTest::addRow("1.1 > 1.09999") << QByteArray("1.1") << QByteArray("1.09999") << 1;
    QTest::addRow("prefix digits") << QByteArray("1.2") << QByteArray("1.23") << -1;
    QTest::addRow("-1 < 1") << QByteArray("-1") << QByteArray("1") << -1;
    QTest::addRow("-2 < -1") << QByteArray("-2") << QByteArray("-1") << -1;
    QTest::addRow("-1.23 < -1.2") << QByteArray("-1.23") << QByteArray("-1.2") << -1;
    QTest::addRow("0.5 > -0.5") << QByteArray("0.5") << QByteArray("-0.5") << 1;
    QTest::addRow("-1E-130 < 0") << QByteArray("-1E-130") << QByteArray("0") << -1;
    QTest::addRow("0 < 1E-130") << QByteArray("-0") << QByteArray("1E-130") << -1;
    QTest::addRow("1E125 > 9E124") << QByteArray("1E125") << QByteArray("9E124") << 1;
    QTest::addRow("huge exponents") << QByteArray("1E1000000000") << QByteArray("9E999999999") << 1;
    QTest::addRow("tiny exponents") << QByteArray("-1E-1000000000") << QByteArray("-9E-999999999") << 1;
}

void TestDecimal::compare()
{
    QFETCH(QByteArray, a);
    QFETCH(QByteArray, b);
    QFETCH(int, expected);

    const std::optional<Decimal> x = Decimal::parse(s(a));
    const std::optional<Decimal> y = Decimal::parse(s(b));
    QVERIFY(x && y);
    QCOMPARE(x->compare(*y), expected);
    QCOMPARE(y->compare(*x), -expected);
    QCOMPARE(*x == *y, expected == 0);
    QCOMPARE(compareNumbers(s(a), s(b)), expected);
    QCOMPARE(numbersEqual(s(a), s(b)), expected == 0);
    QCOMPARE(x->canonical() == y->canonical(), expected == 0);
}

void TestDecimal::checkNumber_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<NumberProblem>("problem");

    QTest::addRow("plain") << QByteArray("123.45") << NumberProblem::None;
    QTest::addRow("zero") << QByteArray("0") << NumberProblem::None;
    QTest::addRow("zero tiny exponent") << QByteArray("0E-500") << NumberProblem::None;
    QTest::addRow("not a number") << QByteArray("abc") << NumberProblem::NotANumber;
    QTest::addRow("empty") << QByteArray("") << NumberProblem::NotANumber;
    QTest::addRow("NaN") << QByteArray("NaN") << NumberProblem::NotANumber;
    QTest::addRow("38 nines") << QByteArray(38, '9') << NumberProblem::None;
    QTest::addRow("39 digits") << QByteArray("1") + QByteArray(37, '0') + "1" << NumberProblem::TooManyDigits;
    QTest::addRow("39 digits fraction") << QByteArray("1.00000000000000000000000000000000000001")
                                        << NumberProblem::TooManyDigits;
    QTest::addRow("trailing zeros are not significant")
        << QByteArray("1.") + QByteArray(60, '0') << NumberProblem::None;
    QTest::addRow("leading zeros are not significant") << QByteArray(60, '0') + "1" << NumberProblem::None;
    QTest::addRow("1E38 is one digit") << QByteArray("1") + QByteArray(38, '0') << NumberProblem::None;
    QTest::addRow("max") << QByteArray("9.9999999999999999999999999999999999999E+125") << NumberProblem::None;
    QTest::addRow("-max") << QByteArray("-9.9999999999999999999999999999999999999E+125") << NumberProblem::None;
    QTest::addRow("1E126") << QByteArray("1E+126") << NumberProblem::MagnitudeTooLarge;
    QTest::addRow("-1E126") << QByteArray("-1E126") << NumberProblem::MagnitudeTooLarge;
    QTest::addRow("1E125") << QByteArray("1E125") << NumberProblem::None;
    QTest::addRow("min") << QByteArray("1E-130") << NumberProblem::None;
    QTest::addRow("-min") << QByteArray("-1E-130") << NumberProblem::None;
    QTest::addRow("0.1E-129") << QByteArray("0.1E-129") << NumberProblem::None;
    QTest::addRow("9.9E-131") << QByteArray("9.9E-131") << NumberProblem::MagnitudeTooSmall;
    QTest::addRow("-1E-131") << QByteArray("-1E-131") << NumberProblem::MagnitudeTooSmall;
    QTest::addRow("1E-400") << QByteArray("1E-400") << NumberProblem::MagnitudeTooSmall;
}

void TestDecimal::checkNumber()
{
    QFETCH(QByteArray, text);
    QFETCH(NumberProblem, problem);
    QCOMPARE(model::checkNumber(s(text)), problem);
    QCOMPARE(describe(problem, s(text)).empty(), problem == NumberProblem::None);
}

void TestDecimal::jsNumberRisk_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<JsNumberRisk>("risk");

    QTest::addRow("small integer") << QByteArray("123") << JsNumberRisk::None;
    QTest::addRow("0.1 prints back as 0.1") << QByteArray("0.1") << JsNumberRisk::None;
    QTest::addRow("1.10") << QByteArray("1.10") << JsNumberRisk::None;
    QTest::addRow("exponent") << QByteArray("0.1e1") << JsNumberRisk::None;
    QTest::addRow("-0") << QByteArray("-0") << JsNumberRisk::None;
    QTest::addRow("17 digits that round trip") << QByteArray("0.30000000000000004") << JsNumberRisk::None;
    QTest::addRow("too many digits") << QByteArray("0.3000000000000000444") << JsNumberRisk::RoundsSilently;
    QTest::addRow("pi 19 digits") << QByteArray("3.141592653589793238") << JsNumberRisk::RoundsSilently;
    QTest::addRow("38 digit fraction") << QByteArray("1.2345678901234567890123456789012345678")
                                       << JsNumberRisk::RoundsSilently;
    // boundary around Number.MAX_SAFE_INTEGER = 2^53 - 1 = 9007199254740991
    QTest::addRow("2^53-1") << QByteArray("9007199254740991") << JsNumberRisk::None;
    QTest::addRow("-(2^53-1)") << QByteArray("-9007199254740991") << JsNumberRisk::None;
    QTest::addRow("2^53-1 as 9007199254740991.0") << QByteArray("9007199254740991.0") << JsNumberRisk::None;
    QTest::addRow("2^53") << QByteArray("9007199254740992") << JsNumberRisk::BigInt;
    QTest::addRow("-2^53") << QByteArray("-9007199254740992") << JsNumberRisk::BigInt;
    QTest::addRow("+2^53+1") << QByteArray("+9007199254740993") << JsNumberRisk::BigInt;
    QTest::addRow("2^53+1 rounds but BigInt is exact") << QByteArray("9007199254740993") << JsNumberRisk::BigInt;
    QTest::addRow("2^53 as 9007199254740992.0") << QByteArray("9007199254740992.0") << JsNumberRisk::ThrowsNonInteger;
    // 9007199254740991.5 is a tie: rounds to even = 2^53 > MAX_SAFE_INTEGER -> BigInt("…991.5") throws
    QTest::addRow("9007199254740991.5 rounds up to 2^53")
        << QByteArray("9007199254740991.5") << JsNumberRisk::ThrowsNonInteger;
    QTest::addRow("-9007199254740991.5") << QByteArray("-9007199254740991.5") << JsNumberRisk::ThrowsNonInteger;
    // 9007199254740991.4 rounds down to 2^53-1: not > MAX_SAFE_INTEGER, returned rounded
    QTest::addRow("9007199254740991.4 rounds down") << QByteArray("9007199254740991.4") << JsNumberRisk::RoundsSilently;
    // 9007199254740990.5 is a tie: rounds to even 9007199254740990
    QTest::addRow("9007199254740990.5 tie to even") << QByteArray("9007199254740990.5") << JsNumberRisk::RoundsSilently;
    QTest::addRow("1E20 scientific integer") << QByteArray("1E20") << JsNumberRisk::ThrowsNonInteger;
    QTest::addRow("1E15 safe") << QByteArray("1E15") << JsNumberRisk::None;
    QTest::addRow("1E16 beyond") << QByteArray("1e16") << JsNumberRisk::ThrowsNonInteger;
    QTest::addRow("18 digit integer") << QByteArray("123456789012345678") << JsNumberRisk::BigInt;
    QTest::addRow("38 digit integer") << QByteArray(38, '9') << JsNumberRisk::BigInt;
    QTest::addRow("leading zeros integer") << QByteArray("0009007199254740993") << JsNumberRisk::BigInt;
    QTest::addRow("DynamoDB max") << QByteArray("9.9999999999999999999999999999999999999E+125")
                                  << JsNumberRisk::ThrowsNonInteger;
    QTest::addRow("double max") << QByteArray("1.7976931348623157E308") << JsNumberRisk::ThrowsNonInteger;
    QTest::addRow("double max as integer")
        << QByteArray("17976931348623157") + QByteArray(292, '0') << JsNumberRisk::BigInt;
    QTest::addRow("double max as integer, one more digit")
        << QByteArray("17976931348623157") + QByteArray(293, '0') << JsNumberRisk::ThrowsInfinity;
    QTest::addRow("beyond double max rounds to infinity")
        << QByteArray("1.7976931348623159E308") << JsNumberRisk::ThrowsInfinity;
    QTest::addRow("1E309") << QByteArray("1E309") << JsNumberRisk::ThrowsInfinity;
    QTest::addRow("-1E400") << QByteArray("-1E400") << JsNumberRisk::ThrowsInfinity;
    QTest::addRow("huge exponent") << QByteArray("1E999999999999") << JsNumberRisk::ThrowsInfinity;
    QTest::addRow("min subnormal") << QByteArray("5e-324") << JsNumberRisk::None;
    QTest::addRow("4.9e-324 prints as 5e-324") << QByteArray("4.9e-324") << JsNumberRisk::RoundsSilently;
    QTest::addRow("underflow to zero") << QByteArray("1E-400") << JsNumberRisk::RoundsSilently;
    QTest::addRow("tiny exponent") << QByteArray("-1E-999999999999") << JsNumberRisk::RoundsSilently;
    QTest::addRow("DynamoDB min") << QByteArray("1E-130") << JsNumberRisk::None;
}

void TestDecimal::jsNumberRisk()
{
    QFETCH(QByteArray, text);
    QFETCH(JsNumberRisk, risk);
    QCOMPARE(model::jsNumberRisk(s(text)), risk);
    QCOMPARE(describe(risk, s(text)).empty(), risk == JsNumberRisk::None);
}

void TestDecimal::describeNamesTheRule()
{
    QVERIFY(q(describe(NumberProblem::TooManyDigits, std::string(39, '1'))).contains("39 significant digits"));
    QVERIFY(q(describe(NumberProblem::TooManyDigits, std::string(39, '1'))).contains("38"));
    QVERIFY(q(describe(NumberProblem::NotANumber, "abc")).contains("not a number"));
    QVERIFY(q(describe(NumberProblem::MagnitudeTooLarge, "1E126")).contains("E+125"));
    QVERIFY(q(describe(NumberProblem::MagnitudeTooSmall, "1E-131")).contains("1E-130"));
    QVERIFY(q(describe(JsNumberRisk::BigInt, "9007199254740993")).contains("BigInt"));
    QVERIFY(q(describe(JsNumberRisk::ThrowsNonInteger, "1E20")).contains("throws"));
    QVERIFY(q(describe(JsNumberRisk::ThrowsInfinity, "1E400")).contains("IEEE 754"));
    QVERIFY(q(describe(JsNumberRisk::RoundsSilently, "0.3000000000000000444")).contains("0.30000000000000004"));
    // long texts are shortened in reasons
    QVERIFY(describe(NumberProblem::TooManyDigits, std::string(1000, '1')).size() < 200);
}

void TestDecimal::textHelpers()
{
    QVERIFY(numbersEqual("1.0", "1"));
    QVERIFY(!numbersEqual("1", "2"));
    QVERIFY(numbersEqual("abc", "abc")); // non-numbers by text
    QVERIFY(!numbersEqual("abc", "ABC"));
    QVERIFY(!numbersEqual("abc", "1"));
    QCOMPARE(compareNumbers("1", "abc"), -1); // non-numbers after numbers
    QCOMPARE(compareNumbers("abc", "1E100"), 1);
    QCOMPARE(compareNumbers("abc", "abd"), -1);
    QCOMPARE(compareNumbers("x", "x"), 0);
    QCOMPARE(q(canonicalNumber("1.50E1")), QByteArray("15"));
    // At the exponent limit the canonical text still parses back to the same value.
    for (const char* t : {"1E99999999999999999", "12.5E99999999999999998", "-1E-100000000000000001"}) {
        const auto d = Decimal::parse(t);
        QVERIFY2(d.has_value(), t);
        const auto back = Decimal::parse(d->canonical());
        QVERIFY2(back.has_value(), d->canonical().c_str());
        QCOMPARE(back->compare(*d), 0);
    }
}

void TestDecimal::jsonNumberText_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("json");
    QTest::addRow("integer") << QByteArray("123") << true;
    QTest::addRow("zero") << QByteArray("0") << true;
    QTest::addRow("negative zero") << QByteArray("-0") << true;
    QTest::addRow("fraction") << QByteArray("1.50") << true;
    QTest::addRow("exponent") << QByteArray("1E+130") << true;
    QTest::addRow("exponent lower") << QByteArray("2.5e-3") << true;
    QTest::addRow("plus sign") << QByteArray("+1") << false;
    QTest::addRow("leading zero") << QByteArray("007") << false;
    QTest::addRow("leading dot") << QByteArray(".5") << false;
    QTest::addRow("trailing dot") << QByteArray("5.") << false;
    QTest::addRow("empty exponent") << QByteArray("1e") << false;
    QTest::addRow("empty") << QByteArray("") << false;
    QTest::addRow("word") << QByteArray("NaN") << false;
}

void TestDecimal::jsonNumberText()
{
    QFETCH(QByteArray, text);
    QFETCH(bool, json);
    QCOMPARE(isJsonNumberText(s(text)), json);
}

void TestDecimal::jsNumberRiskMatchesNode()
{
    // Cross-check against the real thing: node runs util-dynamodb's convertNumber logic on the same texts.
    const QString node = QStandardPaths::findExecutable(QStringLiteral("node"));
    if (node.isEmpty())
        QSKIP("node is not installed");
    std::vector<std::string> texts = {"9007199254740991",
                                      "9007199254740992",
                                      "9007199254740991.5",
                                      "9007199254740990.5",
                                      "1.7976931348623158E308",
                                      "2.4703282292062328e-324",
                                      "1E20",
                                      "12.0",
                                      "+12",
                                      "00012",
                                      "-0",
                                      "0.1"};
    std::uint32_t state = 7;
    const auto next = [&state](std::uint32_t bound) {
        state = state * 1664525u + 1013904223u;
        return (state >> 8) % bound;
    };
    for (int i = 0; i < 4000; ++i) {
        const std::uint32_t count = 1 + next(i % 2 == 0 ? 17 : 40);
        std::string digits;
        digits.push_back(static_cast<char>('1' + next(9)));
        for (std::uint32_t k = 1; k < count; ++k)
            digits.push_back(static_cast<char>('0' + next(10)));
        std::string t = next(3) == 0 ? "-" : "";
        switch (next(4)) {
        case 0:
            t.append(digits); // integer
            break;
        case 1: {
            const std::size_t split = 1 + next(count); // digits before the point, 1..count
            t.append(digits, 0, split);
            t.push_back('.');
            t.append(split < digits.size() ? digits.substr(split) : std::string("5"));
            break;
        }
        default: {
            const int exponents[] = {static_cast<int>(next(40)) - 330, static_cast<int>(next(30)) - 5,
                                     static_cast<int>(next(35)) + 280};
            t.append(digits);
            t.push_back('e');
            t.append(std::to_string(exponents[next(3)]));
            break;
        }
        }
        if (Decimal::parse(t))
            texts.push_back(t);
    }
    QByteArray input;
    for (const std::string& t : texts)
        input += QByteArray::fromStdString(t) + '\n';
    const char* script = R"JS(
const lines = require('fs').readFileSync(0, 'utf8').trim().split('\n');
const out = [];
for (const t of lines) {
  const num = Number(t);
  let r;
  if (Number.isFinite(num) && (num > Number.MAX_SAFE_INTEGER || num < Number.MIN_SAFE_INTEGER)) {
    try { BigInt(t); r = 'BigInt'; } catch (e) { r = 'ThrowsNonInteger'; }
  } else if (!Number.isFinite(num)) {
    r = 'ThrowsInfinity';
  } else {
    r = String(num);  // decided in C++: the shortest round trip compared exactly
  }
  out.push(r);
}
process.stdout.write(out.join('\n') + '\n');
)JS";
    QProcess p;
    p.start(node, {QStringLiteral("-e"), QString::fromLatin1(script)});
    QVERIFY(p.waitForStarted());
    p.write(input);
    p.closeWriteChannel();
    QVERIFY(p.waitForFinished(60000));
    const QList<QByteArray> results = p.readAllStandardOutput().split('\n');
    QVERIFY(results.size() >= qsizetype(texts.size()));
    int mismatches = 0;
    int perRisk[5] = {};
    for (std::size_t i = 0; i < texts.size(); ++i) {
        const QByteArray& js = results[qsizetype(i)];
        JsNumberRisk expected = JsNumberRisk::None;
        if (js == "BigInt")
            expected = JsNumberRisk::BigInt;
        else if (js == "ThrowsNonInteger")
            expected = JsNumberRisk::ThrowsNonInteger;
        else if (js == "ThrowsInfinity")
            expected = JsNumberRisk::ThrowsInfinity;
        else if (!numbersEqual(js.toStdString(), texts[i]))
            expected = JsNumberRisk::RoundsSilently;
        ++perRisk[static_cast<int>(expected)];
        if (model::jsNumberRisk(texts[i]) != expected && ++mismatches < 10)
            qWarning("%s: node says %s", texts[i].c_str(), js.constData());
    }
    QCOMPARE(mismatches, 0);
    qInfo("%zu numbers agree with node (none %d, BigInt %d, throws non-integer %d, throws infinity %d, rounds %d)",
          texts.size(), perRisk[0], perRisk[1], perRisk[2], perRisk[3], perRisk[4]);
    for (const int n : perRisk)
        QVERIFY(n > 20); // every category is exercised
}

QTEST_APPLESS_MAIN(TestDecimal)

#include "tst_decimal.moc"
