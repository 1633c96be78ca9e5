// "Filter Events on This Key" (issue 19): the display filter keyexpression::exactKey writes matches exactly the key
// it was made from (Id=101 does not match Id=1010 or Id=101.0's text twin in another type), for S, N and composite
// keys and names that need backquotes; keys it cannot say (B parts) give nullopt.

#include <QTest>

#include "app/viewmodels/keyexpression.h"
#include "model/displayfilter.h"
#include "model/dynamodbjson.h"

namespace {
bool matches(const std::string& expression, const std::string& keysJson)
{
    auto compiled = model::DisplayFilter::compile(expression);
    if (!compiled.filter)
        return false;
    model::StreamRecord record;
    record.keys = *model::parseItem(keysJson).value;
    return compiled.filter->matches(record);
}
} // namespace

class TestKeyExpression : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void exactNotSubstring()
    {
        const auto e = keyexpression::exactKey("{\"Id\":{\"N\":\"101\"}}");
        QVERIFY(e);
        QCOMPARE(QString::fromStdString(*e), QStringLiteral("Keys.Id == 101"));
        QVERIFY(matches(*e, "{\"Id\":{\"N\":\"101\"}}"));
        QVERIFY(matches(*e, "{\"Id\":{\"N\":\"101.0\"}}")); // the same number
        QVERIFY(!matches(*e, "{\"Id\":{\"N\":\"1010\"}}"));
        QVERIFY(!matches(*e, "{\"Id\":{\"N\":\"10\"}}"));
        QVERIFY(!matches(*e, "{\"Id\":{\"S\":\"101\"}}"));
    }
    void stringsAndCompositeKeys()
    {
        const std::string key = "{\"PK\":{\"S\":\"USER#1 \\\"q\\\" \\\\ x\"},\"sort key\":{\"S\":\"2024\"}}";
        const auto e = keyexpression::exactKey(key);
        QVERIFY(e);
        QVERIFY2(QString::fromStdString(*e).contains(QStringLiteral("Keys.`sort key` == \"2024\"")), e->c_str());
        QVERIFY(matches(*e, key));
        QVERIFY(!matches(*e, "{\"PK\":{\"S\":\"USER#1 \\\"q\\\" \\\\ x\"},\"sort key\":{\"S\":\"20245\"}}"));
        QVERIFY(!matches(*e, "{\"PK\":{\"S\":\"USER#1\"},\"sort key\":{\"S\":\"2024\"}}"));
        // Big numbers stay exact (never through double).
        const std::string big = "{\"Id\":{\"N\":\"12345678901234567890123456789012345678\"}}";
        const auto b = keyexpression::exactKey(big);
        QVERIFY(b && matches(*b, big));
        QVERIFY(!matches(*b, "{\"Id\":{\"N\":\"12345678901234567890123456789012345679\"}}"));
    }
    void unsayableKeys()
    {
        QVERIFY(!keyexpression::exactKey("{\"Id\":{\"B\":\"AAEC\"}}"));
        QVERIFY(!keyexpression::exactKey("{\"a`b\":{\"S\":\"x\"}}"));
        QVERIFY(!keyexpression::exactKey("not json"));
        QVERIFY(!keyexpression::exactKey("{}"));
    }
};

QTEST_GUILESS_MAIN(TestKeyExpression)
#include "tst_keyexpression.moc"
