// model/base64.h: strict RFC 4648 base64 with padding, missing padding accepted when otherwise valid.

#include <QTest>
#include <string>

#include "model/base64.h"

using namespace model;

class TestBase64 : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void decode_data();
    void decode();
    void rejects_data();
    void rejects();
    void encode_data();
    void encode();
    void roundTripsEveryByte();
};

void TestBase64::decode_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("bytes");

    QTest::addRow("empty") << QByteArray("") << QByteArray("");
    QTest::addRow("one byte padded") << QByteArray("QQ==") << QByteArray("A");
    QTest::addRow("one byte unpadded") << QByteArray("QQ") << QByteArray("A");
    QTest::addRow("two bytes padded") << QByteArray("QUI=") << QByteArray("AB");
    QTest::addRow("two bytes unpadded") << QByteArray("QUI") << QByteArray("AB");
    QTest::addRow("three bytes") << QByteArray("QUJD") << QByteArray("ABC");
    QTest::addRow("foobar") << QByteArray("Zm9vYmFy") << QByteArray("foobar");
    QTest::addRow("aws-lambda-go AAEqQQ==") << QByteArray("AAEqQQ==") << QByteArray::fromHex("00012a41");
    QTest::addRow("aws-lambda-go test") << QByteArray("test") << QByteArray::fromHex("b5eb2d");
    QTest::addRow("plus and slash") << QByteArray("+/+/") << QByteArray::fromHex("fbffbf");
    QTest::addRow("all ones") << QByteArray("////") << QByteArray::fromHex("ffffff");
    // RFC 4648 §3.5: decoders MAY reject non-zero pad bits; we accept them (lenient) and compare by bytes.
    QTest::addRow("non-zero pad bits") << QByteArray("QR==") << QByteArray("A");
}

void TestBase64::decode()
{
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, bytes);
    const std::optional<std::string> decoded = base64Decode(text.toStdString());
    QVERIFY(decoded.has_value());
    QCOMPARE(QByteArray::fromStdString(*decoded), bytes);
}

void TestBase64::rejects_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addRow("single char") << QByteArray("Q");
    QTest::addRow("five chars") << QByteArray("QUJDR");
    QTest::addRow("one pad on two chars") << QByteArray("QQ=");
    QTest::addRow("three pads") << QByteArray("QQ===");
    QTest::addRow("three pads one char") << QByteArray("Q===");
    QTest::addRow("only padding") << QByteArray("====");
    QTest::addRow("pad after full group") << QByteArray("QUJD=");
    QTest::addRow("two pads after three chars") << QByteArray("QUI==");
    QTest::addRow("pad in the middle") << QByteArray("QU=D");
    QTest::addRow("padded group then more") << QByteArray("QQ==QQ==");
    QTest::addRow("leading space") << QByteArray(" QQ==");
    QTest::addRow("trailing newline") << QByteArray("QQ==\n");
    QTest::addRow("CRLF inside") << QByteArray("QUJD\r\nQUJD");
    QTest::addRow("url-safe alphabet") << QByteArray("QU-_");
    QTest::addRow("python bytes repr") << QByteArray("b'\\x90'");
    QTest::addRow("non-ascii") << QByteArray("QUJ\xc3\xa9");
    QTest::addRow("NUL byte") << QByteArray("QU\0D", 4);
}

void TestBase64::rejects()
{
    QFETCH(QByteArray, text);
    QVERIFY(!base64Decode(std::string_view(text.constData(), static_cast<std::size_t>(text.size()))).has_value());
}

void TestBase64::encode_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QByteArray>("text");
    // RFC 4648 §10 test vectors
    QTest::addRow("empty") << QByteArray("") << QByteArray("");
    QTest::addRow("f") << QByteArray("f") << QByteArray("Zg==");
    QTest::addRow("fo") << QByteArray("fo") << QByteArray("Zm8=");
    QTest::addRow("foo") << QByteArray("foo") << QByteArray("Zm9v");
    QTest::addRow("foob") << QByteArray("foob") << QByteArray("Zm9vYg==");
    QTest::addRow("fooba") << QByteArray("fooba") << QByteArray("Zm9vYmE=");
    QTest::addRow("foobar") << QByteArray("foobar") << QByteArray("Zm9vYmFy");
    QTest::addRow("binary") << QByteArray::fromHex("00ff10") << QByteArray("AP8Q");
}

void TestBase64::encode()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QByteArray, text);
    QCOMPARE(QByteArray::fromStdString(base64Encode(bytes.toStdString())), text);
    QCOMPARE(QByteArray::fromStdString(*base64Decode(text.toStdString())), bytes);
    QCOMPARE(QByteArray::fromStdString(base64Encode(bytes.toStdString())), bytes.toBase64());
}

void TestBase64::roundTripsEveryByte()
{
    std::string all;
    for (int i = 0; i < 256; ++i)
        all.push_back(static_cast<char>(i));
    for (std::size_t length = 0; length <= all.size(); length += 1) {
        const std::string bytes = all.substr(256 - length);
        const std::string text = base64Encode(bytes);
        QCOMPARE(QByteArray::fromStdString(text), QByteArray::fromStdString(bytes).toBase64());
        QCOMPARE(base64Decode(text), std::optional<std::string>(bytes));
        // without padding too
        std::string unpadded = text;
        while (!unpadded.empty() && unpadded.back() == '=')
            unpadded.pop_back();
        QCOMPARE(base64Decode(unpadded), std::optional<std::string>(bytes));
    }
}

QTEST_APPLESS_MAIN(TestBase64)

#include "tst_base64.moc"
