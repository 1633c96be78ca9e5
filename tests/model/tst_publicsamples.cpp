// Every AttributeValue in the public samples (../shared/samples/public) decodes, round-trips and carries exactly
// the flags the samples deserve; the malformed samples are rejected with a position.

#include <QFile>
#include <QTest>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/attributevalue.h"
#include "model/base64.h"
#include "model/dynamodbjson.h"
#include "testsupport.h"

using namespace model;

namespace {

/// One item/image/Keys map found in a sample: where it is and its JSON.
struct FoundItem
{
    std::string location; // "<json pointer>" ("<line>:<pointer>" in JSON Lines, "...|<pointer>" inside kinesis data)
    nlohmann::json json;
};

QByteArray readSample(const QString& relative)
{
    QFile file(testsupport::samplesDir() + QLatin1Char('/') + relative);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QByteArray bytes = file.readAll();
    if (bytes.startsWith("\xEF\xBB\xBF"))
        bytes.remove(0, 3);
    return bytes;
}

std::string escapeToken(const std::string& token)
{
    return escapePointerToken(token);
}

void findItems(const nlohmann::json& json, const std::string& pointer, std::vector<FoundItem>& out,
               std::vector<std::string>& problems)
{
    if (json.is_object()) {
        for (const auto& [key, value] : json.items()) {
            const std::string path = pointer + '/' + escapeToken(key);
            // LocalStack's test_data_encoding_consistency records a GetRecords image under these two names.
            const bool image = key == "Keys" || key == "NewImage" || key == "OldImage" || key == "Item"
                || key == "GetRecords" || key == "GetRecordsAfterUpdate";
            if (image && value.is_object()) {
                out.push_back({path, value});
            } else if (key == "data" && value.is_string() && pointer.size() >= 8
                       && pointer.compare(pointer.size() - 8, 8, "/kinesis") == 0) {
                const std::optional<std::string> bytes = base64Decode(value.get<std::string>());
                if (!bytes) {
                    problems.push_back(path + ": kinesis data is not base64");
                    continue;
                }
                const nlohmann::json payload = nlohmann::json::parse(*bytes, nullptr, false);
                if (payload.is_discarded()) {
                    problems.push_back(path + ": kinesis data is not JSON");
                    continue;
                }
                findItems(payload, path + '|', out, problems);
            } else {
                findItems(value, path, out, problems);
            }
        }
    } else if (json.is_array()) {
        for (std::size_t i = 0; i < json.size(); ++i)
            findItems(json[i], pointer + '/' + std::to_string(i), out, problems);
    }
}

/// Every flag the public samples deserve, as "<file> <item location><value path> <kind>" (checked by hand).
const std::set<std::string>& expectedIssues()
{
    static const std::set<std::string> expected = {
        // Duplicate BS members (same bytes twice) in the aws-lambda-go/dotnet/rust fixtures.
        // Empty string set {"SS":[]} in the aws-lambda-go fixture (and its rust copy).
        // boto3-decoded binary "b'\\x90'" recorded by LocalStack (not base64).
        // NS ["5.0","5.0","4.9"] in olpa-streaming-json.
        "aws-lambda-dotnet/dynamodb-event.json /Records/1/dynamodb/OldImage/asdf2/2 duplicate-set-member",
        "aws-lambda-dotnet/dynamodb-with-ms-event.json /Records/1/dynamodb/OldImage/asdf2/2 duplicate-set-member",
        "aws-lambda-go/dynamodb-event.json /Records/1/dynamodb/NewImage/BinarySet/1 duplicate-set-member",
        "aws-lambda-go/dynamodb-event.json /Records/1/dynamodb/NewImage/EmptyStringSet empty-set",
        "aws-lambda-go/dynamodb-event.json /Records/1/dynamodb/NewImage/asdf2/2 duplicate-set-member",
        "aws-lambda-rust-runtime/example-dynamodb-event.json /Records/1/dynamodb/NewImage/BinarySet/1 "
        "duplicate-set-member",
        "aws-lambda-rust-runtime/example-dynamodb-event.json /Records/1/dynamodb/NewImage/EmptyStringSet empty-set",
        "aws-lambda-rust-runtime/example-dynamodb-event.json /Records/1/dynamodb/NewImage/asdf2/2 duplicate-set-member",
        "localstack/test_dynamodb.snapshot.stream-records.json "
        "/tests~1aws~1services~1dynamodb~1test_dynamodb.py::TestDynamoDB::test_data_encoding_consistency/"
        "recorded-content/GetRecords/data invalid-base64",
        "localstack/test_dynamodb.snapshot.stream-records.json "
        "/tests~1aws~1services~1dynamodb~1test_dynamodb.py::TestDynamoDB::test_data_encoding_consistency/"
        "recorded-content/GetRecordsAfterUpdate/data invalid-base64",
        "olpa-streaming-json/products-dynamodb.jsonl 2:/Item/ratings/1 duplicate-set-member",
    };
    return expected;
}

/// Finds every item in one sample file (JSON or JSON Lines); "" or the reason it could not be read.
std::string scanFile(const QString& file, std::vector<FoundItem>& items)
{
    const QByteArray bytes = readSample(file);
    if (bytes.isEmpty())
        return "cannot read " + file.toStdString();
    std::vector<std::string> problems;
    if (file.endsWith(QLatin1String(".jsonl"))) {
        int lineNumber = 0;
        for (const QByteArray& line : bytes.split('\n')) {
            ++lineNumber;
            if (line.trimmed().isEmpty())
                continue;
            const nlohmann::json doc =
                nlohmann::json::parse(line.constData(), line.constData() + line.size(), nullptr, false);
            if (doc.is_discarded())
                return "line " + std::to_string(lineNumber) + " is not JSON";
            findItems(doc, std::to_string(lineNumber) + ':', items, problems);
        }
    } else {
        const nlohmann::json doc =
            nlohmann::json::parse(bytes.constData(), bytes.constData() + bytes.size(), nullptr, false);
        if (doc.is_discarded())
            return "not JSON";
        findItems(doc, {}, items, problems);
    }
    return problems.empty() ? std::string() : problems.front();
}

bool isBrokenOnPurpose(const QString& file)
{
    return file.endsWith(QLatin1String("dynamodb-event-malformed.2.json"))
        || file.endsWith(QLatin1String("API_streams_DescribeStream.sample-response-body.json"));
}

} // namespace

class TestPublicSamples : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void decodesEveryValue_data();
    void decodesEveryValue();
    void everyExpectedIssueFound();
    void malformedIsRejectedWithPosition();
    void describeStreamIsNotJson();
};

void TestPublicSamples::initTestCase()
{
    REQUIRE_SHARED_DIR();
    QVERIFY(testsupport::publicSampleFiles().size() >= 30);
}

void TestPublicSamples::decodesEveryValue_data()
{
    QTest::addColumn<QString>("file");
    for (const QString& f : testsupport::publicSampleFiles()) {
        if (isBrokenOnPurpose(f))
            continue; // not JSON on purpose: see malformedIsRejectedWithPosition / describeStreamIsNotJson
        QTest::addRow("%s", qPrintable(f)) << f;
    }
}

void TestPublicSamples::decodesEveryValue()
{
    QFETCH(QString, file);
    std::vector<FoundItem> items;
    const std::string problem = scanFile(file, items);
    QVERIFY2(problem.empty(), problem.c_str());

    const std::string fileName = file.toStdString();
    for (const FoundItem& found : items) {
        const std::string where = fileName + ' ' + found.location;
        // 1. The SAX decoder on the JSON text.
        const std::string text = found.json.dump();
        const Decoded<Item> decoded = parseItem(text);
        QVERIFY2(
            decoded,
            qPrintable(QString::fromStdString(where + ": " + decoded.error.message + " at " + decoded.error.path)));
        // 2. The DOM conversion agrees.
        const Decoded<Item> fromDom = itemFromJson(found.json);
        QVERIFY2(fromDom, qPrintable(QString::fromStdString(where + ": " + fromDom.error.message)));
        QVERIFY2(itemsEqual(*decoded.value, *fromDom.value), where.c_str());
        QCOMPARE(toDynamoJson(*decoded.value), toDynamoJson(*fromDom.value));
        // 3. Round trips: DynamoDB JSON, canonical JSON.
        const Decoded<Item> again = parseItem(toDynamoJson(*decoded.value));
        QVERIFY2(again && itemsEqual(*again.value, *decoded.value), where.c_str());
        QCOMPARE(toDynamoJson(*again.value), toDynamoJson(*decoded.value));
        const Decoded<Item> canonical = parseItem(canonicalJson(*decoded.value));
        QVERIFY2(canonical && itemsEqual(*canonical.value, *decoded.value), where.c_str());
        QCOMPARE(canonicalJson(*canonical.value), canonicalJson(*decoded.value));
        // 4. Plain JSON is valid JSON with the same attribute names.
        const nlohmann::json plain = nlohmann::json::parse(toPlainJson(*decoded.value, 2), nullptr, false);
        QVERIFY2(plain.is_object() && plain.size() == decoded.value->size(), where.c_str());
        // 5. Every flag has a reason.
        for (const ValueIssue& issue : validate(*decoded.value))
            QVERIFY2(!issue.reason.empty(), where.c_str());
    }
}

void TestPublicSamples::everyExpectedIssueFound()
{
    REQUIRE_SHARED_DIR();
    std::set<std::string> foundIssues;
    std::size_t itemCount = 0;
    for (const QString& file : testsupport::publicSampleFiles()) {
        if (isBrokenOnPurpose(file))
            continue;
        std::vector<FoundItem> items;
        QVERIFY(scanFile(file, items).empty());
        itemCount += items.size();
        for (const FoundItem& found : items) {
            const Decoded<Item> decoded = parseItem(found.json.dump());
            QVERIFY(decoded);
            for (const ValueIssue& issue : validate(*decoded.value)) {
                foundIssues.insert(file.toStdString() + ' ' + found.location + issue.path + ' '
                                   + std::string(issueKindName(issue.kind)));
            }
        }
    }
    // 312 Keys/NewImage/OldImage/Item maps (4 of them inside base64 kinesis.data) + 2 LocalStack GetRecords images.
    QCOMPARE(itemCount, std::size_t(314));
    std::vector<std::string> unexpected;
    std::vector<std::string> missing;
    for (const std::string& found : foundIssues) {
        if (!expectedIssues().count(found))
            unexpected.push_back(found);
    }
    for (const std::string& expected : expectedIssues()) {
        if (!foundIssues.count(expected))
            missing.push_back(expected);
    }
    for (const std::string& u : unexpected)
        qWarning("unexpected flag: \"%s\",", u.c_str());
    for (const std::string& m : missing)
        qWarning("missing flag: %s", m.c_str());
    QVERIFY(unexpected.empty());
    QVERIFY(missing.empty());
}

void TestPublicSamples::malformedIsRejectedWithPosition()
{
    REQUIRE_SHARED_DIR();
    const QByteArray bytes = readSample(QStringLiteral("aws-lambda-go/dynamodb-event-malformed.2.json"));
    QVERIFY(!bytes.isEmpty());
    const std::string_view text(bytes.constData(), static_cast<std::size_t>(bytes.size()));

    // The file is truncated inside the NewImage of its last record: decoding that image from its '{' to the end
    // of the file fails at the end of the input, after the last complete token ("Zebra").
    const std::size_t imageKey = text.rfind("\"NewImage\"");
    QVERIFY(imageKey != std::string_view::npos);
    const std::size_t imageStart = text.find('{', imageKey);
    const std::string_view image = text.substr(imageStart);
    const Decoded<Item> decoded = parseItem(image);
    QVERIFY(!decoded);
    QVERIFY2(!decoded.error.message.empty(), "no message");
    const std::size_t lastToken = image.rfind("\"Zebra\"");
    QVERIFY(lastToken != std::string_view::npos);
    QVERIFY2(decoded.error.byteOffset > lastToken && decoded.error.byteOffset <= image.size(),
             qPrintable(QStringLiteral("offset %1, last token at %2, size %3")
                            .arg(decoded.error.byteOffset)
                            .arg(lastToken)
                            .arg(image.size())));
    QVERIFY2(decoded.error.message.find("end of input") != std::string::npos, decoded.error.message.c_str());
    // The path names the attribute being decoded when the input ended.
    QCOMPARE(decoded.error.path, std::string("/StringSet"));

    // The whole file as an item is rejected too (its top level is not an attribute map).
    QVERIFY(!parseItem(text));
}

void TestPublicSamples::describeStreamIsNotJson()
{
    REQUIRE_SHARED_DIR();
    const QByteArray bytes =
        readSample(QStringLiteral("dynamodb-developer-guide/API_streams_DescribeStream.sample-response-body.json"));
    QVERIFY(!bytes.isEmpty());
    const nlohmann::json doc =
        nlohmann::json::parse(bytes.constData(), bytes.constData() + bytes.size(), nullptr, false);
    QVERIFY(doc.is_discarded()); // trailing comma upstream
}

QTEST_APPLESS_MAIN(TestPublicSamples)

#include "tst_publicsamples.moc"
