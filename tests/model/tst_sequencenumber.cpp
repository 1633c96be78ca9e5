// model/sequencenumber.h: digit strings of any length ordered numerically; sortable key for SQLite.

#include <QTest>
#include <algorithm>
#include <string>
#include <vector>

#include "model/sequencenumber.h"

using namespace model;

class TestSequenceNumber : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void isSequenceNumber_data();
    void isSequenceNumber();
    void compare_data();
    void compare();
    void sortKey_data();
    void sortKey();
    void sortKeyOrderEqualsNumericOrder();
};

void TestSequenceNumber::isSequenceNumber_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("valid");
    QTest::addRow("public sample 111") << QByteArray("111") << true;
    QTest::addRow("21 digits") << QByteArray("300000000000000499659") << true;
    QTest::addRow("56 digit kinesis") << QByteArray("49656632116218945776331460766168472977974696882382643202") << true;
    QTest::addRow("zero") << QByteArray("0") << true;
    QTest::addRow("leading zeros") << QByteArray("000123") << true;
    QTest::addRow("empty") << QByteArray("") << false;
    QTest::addRow("negative") << QByteArray("-1") << false;
    QTest::addRow("plus") << QByteArray("+1") << false;
    QTest::addRow("space") << QByteArray("1 ") << false;
    QTest::addRow("placeholder") << QByteArray("<sequence-number:1>") << false;
    QTest::addRow("decimal") << QByteArray("1.0") << false;
}

void TestSequenceNumber::isSequenceNumber()
{
    QFETCH(QByteArray, text);
    QFETCH(bool, valid);
    QCOMPARE(model::isSequenceNumber(text.toStdString()), valid);
}

void TestSequenceNumber::compare_data()
{
    QTest::addColumn<QByteArray>("a");
    QTest::addColumn<QByteArray>("b");
    QTest::addColumn<int>("expected");
    QTest::addRow("equal") << QByteArray("111") << QByteArray("111") << 0;
    QTest::addRow("less") << QByteArray("111") << QByteArray("222") << -1;
    QTest::addRow("greater") << QByteArray("222") << QByteArray("111") << 1;
    QTest::addRow("shorter is smaller (not text order)") << QByteArray("9") << QByteArray("10") << -1;
    QTest::addRow("leading zeros ignored") << QByteArray("000111") << QByteArray("111") << 0;
    QTest::addRow("leading zeros then longer") << QByteArray("0009") << QByteArray("10") << -1;
    QTest::addRow("zeros") << QByteArray("0") << QByteArray("000") << 0;
    // DescribeStream sample: 23, 24, 25 digits; string order differs from numeric order
    QTest::addRow("describe stream 23 < 24")
        << QByteArray("20500000000000000910398") << QByteArray("820400000000000001192334") << -1;
    QTest::addRow("describe stream 24 < 25")
        << QByteArray("820400000000000001192334") << QByteArray("1683700000000000001135967") << -1;
    QTest::addRow("powertools-java out of order")
        << QByteArray("4421584500000000017450439093") << QByteArray("4421584500000000017450439031") << 1;
    QTest::addRow("56 digits last digit")
        << QByteArray("49656632116218945776331460766168472977974696882382643202")
        << QByteArray("49656632116218945776331460766168472977974696882382643203") << -1;
}

void TestSequenceNumber::compare()
{
    QFETCH(QByteArray, a);
    QFETCH(QByteArray, b);
    QFETCH(int, expected);
    QCOMPARE(compareSequenceNumbers(a.toStdString(), b.toStdString()), expected);
    QCOMPARE(compareSequenceNumbers(b.toStdString(), a.toStdString()), -expected);
    const std::string ka = sequenceSortKey(a.toStdString());
    const std::string kb = sequenceSortKey(b.toStdString());
    QCOMPARE(ka < kb, expected < 0);
    QCOMPARE(ka == kb, expected == 0);
}

void TestSequenceNumber::sortKey_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("key");
    QTest::addRow("111") << QByteArray("111") << QByteArray("003111");
    QTest::addRow("000") << QByteArray("000") << QByteArray("000");
    QTest::addRow("0") << QByteArray("0") << QByteArray("000");
    QTest::addRow("leading zeros") << QByteArray("00042") << QByteArray("00242");
    QTest::addRow("21 digits") << QByteArray("300000000000000499659") << QByteArray("021300000000000000499659");
    QTest::addRow("56 digits") << QByteArray("49656632116218945776331460766168472977974696882382643202")
                               << QByteArray("05649656632116218945776331460766168472977974696882382643202");
    QTest::addRow("100 digits") << QByteArray(100, '7') << QByteArray("100") + QByteArray(100, '7');
}

void TestSequenceNumber::sortKey()
{
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, key);
    QCOMPARE(QByteArray::fromStdString(sequenceSortKey(text.toStdString())), key);
}

void TestSequenceNumber::sortKeyOrderEqualsNumericOrder()
{
    std::vector<std::string> numbers = {"111",
                                        "222",
                                        "9",
                                        "10",
                                        "0",
                                        "00",
                                        "0001",
                                        "99999999999999999999",
                                        "100000000000000000000",
                                        "20500000000000000910398",
                                        "820400000000000001192334",
                                        "1683700000000000001135967",
                                        "49656632116218945776331460766168472977974696882382643202"};
    for (int i = 0; i < 200; ++i)
        numbers.push_back(std::to_string(static_cast<unsigned long long>(i) * 7919ULL * 104729ULL));
    std::vector<std::string> byNumber = numbers;
    std::sort(byNumber.begin(), byNumber.end(),
              [](const std::string& a, const std::string& b) { return compareSequenceNumbers(a, b) < 0; });
    for (std::size_t i = 1; i < byNumber.size(); ++i) {
        const int c = compareSequenceNumbers(byNumber[i - 1], byNumber[i]);
        QVERIFY(c <= 0);
        const std::string ka = sequenceSortKey(byNumber[i - 1]);
        const std::string kb = sequenceSortKey(byNumber[i]);
        QCOMPARE(ka < kb, c < 0);
        QCOMPARE(ka == kb, c == 0);
    }
}

QTEST_APPLESS_MAIN(TestSequenceNumber)

#include "tst_sequencenumber.moc"
