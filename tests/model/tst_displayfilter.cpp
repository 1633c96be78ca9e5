// Display filters (model/displayfilter.h): every operator, exact decimals, big numbers, sets, lists, missing
// attributes, record fields, changed() under each view type, and parse errors with their column and reason.

#include <QTest>

#include "model/displayfilter.h"
#include "model/dynamodbjson.h"

namespace {

model::Item item(const char* json)
{
    auto decoded = model::parseItem(json);
    if (!decoded)
        qFatal("bad test item: %s", json);
    return *decoded.value;
}

/// The records the rows refer to by name.
model::StreamRecord record(const QString& name)
{
    model::StreamRecord r;
    r.table = "Orders";
    r.keys = item(R"({"Id":{"N":"101"}})");
    if (name == QLatin1String("modify")) {
        r.eventName = model::EventName::Modify;
        r.viewType = model::ViewType::NewAndOldImages;
        r.sequenceNumber = "100000000000000000000000000000042";
        r.eventId = "e-1";
        r.oldImage = item(R"({"Id":{"N":"101"},"status":{"S":"PENDING"},"total":{"N":"100.50"},)"
                          R"("tags":{"SS":["a","b"]},"qty":{"N":"1.0"},)"
                          R"("big":{"N":"123456789012345678901234567890123456"},)"
                          R"("items":{"L":[{"M":{"name":{"S":"pen"}}}]},"flag":{"BOOL":true},"note":{"NULL":true},)"
                          R"("addr":{"M":{"city":{"S":"Berlin"},"zip":{"S":"10115"}}}})");
        r.newImage = item(R"({"Id":{"N":"101"},"status":{"S":"SHIPPED"},"total":{"N":"100.5"},)"
                          R"("tags":{"SS":["b","a","c"]},"qty":{"N":"1"},"scores":{"NS":["1.50","2"]},)"
                          R"("big":{"N":"123456789012345678901234567890123457"},"ttl":{"N":"1700000000"},)"
                          R"("items":{"L":[{"M":{"name":{"S":"pen"}}},{"S":"loose"}]},"flag":{"BOOL":false},)"
                          R"("note":{"NULL":true},"addr":{"M":{"city":{"S":"Hamburg"},"zip":{"S":"10115"}}},)"
                          R"("weird name":{"S":"x"}})");
    } else if (name == QLatin1String("insert")) {
        r.eventName = model::EventName::Insert;
        r.viewType = model::ViewType::NewAndOldImages;
        r.sequenceNumber = "7";
        r.keys = item(R"({"Id":{"N":"102"}})");
        r.newImage = item(R"({"Id":{"N":"102"},"status":{"S":"NEW"},"total":{"N":"7"}})");
    } else if (name == QLatin1String("remove")) {
        r.eventName = model::EventName::Remove;
        r.viewType = model::ViewType::NewAndOldImages;
        r.ttl = true;
        r.keys = item(R"({"Id":{"N":"103"}})");
        r.oldImage = item(R"({"Id":{"N":"103"},"status":{"S":"SHIPPED"}})");
    } else if (name == QLatin1String("newonly")) {
        r.eventName = model::EventName::Modify;
        r.viewType = model::ViewType::NewImage;
        r.newImage = item(R"({"Id":{"N":"101"},"status":{"S":"SHIPPED"}})");
    } else if (name == QLatin1String("keysonly")) {
        r.eventName = model::EventName::Modify;
        r.viewType = model::ViewType::KeysOnly;
    }
    return r;
}

} // namespace

class TestDisplayFilter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void evaluate_data();
    void evaluate();
    void errors_data();
    void errors();
};

void TestDisplayFilter::evaluate_data()
{
    QTest::addColumn<QString>("expression");
    QTest::addColumn<QString>("record");
    QTest::addColumn<bool>("expected");
    auto row = [](const char* tag, const char* expression, const char* record, bool expected) {
        QTest::newRow(tag) << QString::fromUtf8(expression) << QString::fromLatin1(record) << expected;
    };
    // == and != on strings and numbers
    row("eq string", R"(NewImage.status == "SHIPPED")", "modify", true);
    row("eq string other", R"(OldImage.status == "SHIPPED")", "modify", false);
    row("ne string", R"(OldImage.status != "SHIPPED")", "modify", true);
    row("ne same", R"(NewImage.status != "SHIPPED")", "modify", false);
    row("keys number", "Keys.Id == 101", "modify", true);
    row("keys number 101.0", "Keys.Id == 101.0", "modify", true);
    row("keys number 1.01e2", "Keys.Id == 1.01E2", "modify", true);
    row("keys number other", "Keys.Id == 102", "modify", false);
    row("number never equals string", R"(Keys.Id == "101")", "modify", false);
    row("number ne string", R"(Keys.Id != "101")", "modify", true);
    row("1.0 == 1", "OldImage.qty == 1", "modify", true);
    row("1 == 1.0", "NewImage.qty == 1.0", "modify", true);
    row("100.50 == 100.5", "OldImage.total == 100.5", "modify", true);
    row("field == field exact decimal", "OldImage.total == NewImage.total", "modify", true);
    row("field != field", "OldImage.status != NewImage.status", "modify", true);
    row("literal on the left", R"("SHIPPED" == NewImage.status)", "modify", true);
    // ordering: exact decimals, big numbers, strings
    row("gt", "OldImage.total > 100", "modify", true);
    row("gt equal", "OldImage.total > 100.5", "modify", false);
    row("ge equal", "OldImage.total >= 100.500", "modify", true);
    row("lt", "OldImage.total < 100.51", "modify", true);
    row("le", "OldImage.total <= 100.49", "modify", false);
    row("negative", "OldImage.total > -1E3", "modify", true);
    row("big numbers differ in the 36th digit", "NewImage.big > 123456789012345678901234567890123456", "modify", true);
    row("big numbers equal", "OldImage.big == 123456789012345678901234567890123456", "modify", true);
    row("big numbers not through double", "OldImage.big == 123456789012345678901234567890123457", "modify", false);
    row("big field compare", "NewImage.big > OldImage.big", "modify", true);
    row("string order", R"(NewImage.status > "PENDING")", "modify", true);
    row("string order bytes", R"(NewImage.status < "Shipped")", "modify", true);
    row("string vs number never orders", R"(NewImage.status > 1)", "modify", false);
    row("sequence number", "sequenceNumber > 100000000000000000000000000000041", "modify", true);
    // contains / startswith
    row("contains substring", R"(NewImage.status contains "HIP")", "modify", true);
    row("contains substring no", R"(NewImage.status contains "hip")", "modify", false);
    row("startswith", R"(NewImage.status startswith "SHI")", "modify", true);
    row("startswith no", R"(NewImage.status startswith "HIP")", "modify", false);
    row("startswith number", "Keys.Id startswith 1", "modify", false);
    row("SS contains", R"(NewImage.tags contains "c")", "modify", true);
    row("SS contains no", R"(OldImage.tags contains "c")", "modify", false);
    row("NS contains exact decimal", "NewImage.scores contains 1.5", "modify", true);
    row("NS contains 2.0", "NewImage.scores contains 2.0", "modify", true);
    row("NS contains string", R"(NewImage.scores contains "2")", "modify", false);
    row("L contains", R"(NewImage.items contains "loose")", "modify", true);
    // sets as sets
    row("set equals set literal", R"(NewImage.tags == {"a", "b", "c"})", "modify", true);
    row("set equals any order", R"(NewImage.tags == {"c", "b", "a"})", "modify", true);
    row("set not equal", R"(OldImage.tags == {"a", "b", "c"})", "modify", false);
    row("set ne", R"(OldImage.tags != {"a", "b", "c"})", "modify", true);
    row("NS set literal", "NewImage.scores == {2, 1.5}", "modify", true);
    // in
    row("in bare words", "eventName in {INSERT, REMOVE}", "modify", false);
    row("in bare words insert", "eventName in {INSERT, REMOVE}", "insert", true);
    row("in bare words remove", "eventName in {INSERT, REMOVE}", "remove", true);
    row("in numbers", "Keys.Id in {100, 101.00}", "modify", true);
    row("in strings", R"(NewImage.status in {"NEW", "SHIPPED"})", "insert", true);
    row("in missing", R"(NewImage.nope in {"NEW"})", "insert", false);
    // exists and missing attributes
    row("exists", "exists(NewImage.ttl)", "modify", true);
    row("exists no", "exists(OldImage.ttl)", "modify", false);
    row("exists nested", "exists(NewImage.addr.city)", "modify", true);
    row("exists list index", "exists(NewImage.items[1])", "modify", true);
    row("exists list index out of range", "exists(NewImage.items[2])", "modify", false);
    row("exists image", "exists(OldImage)", "insert", false);
    row("exists image yes", "exists(NewImage)", "insert", true);
    row("exists eventID", "exists(eventID)", "insert", false);
    row("missing eq", R"(NewImage.nope == "x")", "modify", false);
    row("missing ne is false too", R"(NewImage.nope != "x")", "modify", false);
    row("not eq includes missing", R"(not NewImage.nope == "x")", "modify", true);
    row("missing image", R"(OldImage.status == "NEW")", "insert", false);
    row("missing image ordering", "OldImage.total > 0", "insert", false);
    // nested paths, lists, quoted names, BOOL, NULL
    row("nested", R"(NewImage.addr.city == "Hamburg")", "modify", true);
    row("list index nested", R"(NewImage.items[0].name == "pen")", "modify", true);
    row("quoted name", R"(NewImage.`weird name` == "x")", "modify", true);
    row("bool", "NewImage.flag == false", "modify", true);
    row("bool true", "OldImage.flag == TRUE", "modify", true);
    row("null", "NewImage.note == null", "modify", true);
    row("map through a string", R"(NewImage.status.x == "y")", "modify", false);
    // record fields
    row("table", R"(table == "Orders")", "modify", true);
    row("ttl", "ttl == true", "remove", true);
    row("ttl false", "ttl == true", "modify", false);
    row("view type", R"(streamViewType == "NEW_AND_OLD_IMAGES")", "modify", true);
    row("eventID", R"(eventID startswith "e-")", "modify", true);
    // changed()
    row("changed", "changed(status)", "modify", true);
    row("changed exact decimal is no change", "changed(total)", "modify", false);
    row("changed qty 1.0 -> 1", "changed(qty)", "modify", false);
    row("changed set gains a member", "changed(tags)", "modify", true);
    row("changed added attribute", "changed(ttl)", "modify", true);
    row("changed nested", "changed(addr.city)", "modify", true);
    row("unchanged nested", "changed(addr.zip)", "modify", false);
    row("changed missing both", "changed(nope)", "modify", false);
    row("changed insert", "changed(status)", "insert", true);
    row("changed insert absent", "changed(nope)", "insert", false);
    row("changed remove", "changed(status)", "remove", true);
    row("changed new image only is unknown", "changed(status)", "newonly", false);
    row("changed keys only", "changed(status)", "keysonly", false);
    // and / or / not / parentheses / precedence
    row("and", R"(NewImage.status == "SHIPPED" and OldImage.total > 100)", "modify", true);
    row("and false", R"(NewImage.status == "SHIPPED" and OldImage.total > 200)", "modify", false);
    row("or", R"(NewImage.status == "X" or Keys.Id == 101)", "modify", true);
    row("not", R"(not NewImage.status == "SHIPPED")", "modify", false);
    row("bang", R"(!(NewImage.status == "SHIPPED"))", "modify", false);
    row("&& ||", R"(Keys.Id == 1 || Keys.Id == 101 && ttl == false)", "modify", true);
    row("and binds tighter than or", R"(Keys.Id == 101 or Keys.Id == 1 and ttl == true)", "modify", true);
    row("parentheses", R"((Keys.Id == 101 or Keys.Id == 1) and ttl == true)", "modify", false);
    row("keywords any case", R"(NOT eventName IN {insert} AND Keys.Id == 101)", "modify", true);
}

void TestDisplayFilter::evaluate()
{
    QFETCH(QString, expression);
    QFETCH(QString, record);
    QFETCH(bool, expected);
    const auto compiled = model::DisplayFilter::compile(expression.toStdString());
    QVERIFY2(compiled.filter, compiled.error ? compiled.error->message().c_str() : "no error");
    QCOMPARE(compiled.filter->matches(::record(record)), expected);
}

void TestDisplayFilter::errors_data()
{
    QTest::addColumn<QString>("expression");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("reason");
    auto row = [](const char* expression, int column, const char* reason) {
        QTest::newRow(expression) << QString::fromUtf8(expression) << column << QString::fromUtf8(reason);
    };
    row("", 1, "empty expression");
    row("   ", 4, "empty expression");
    row(R"(NewImage.status == )", 20, "expected a value after '==', found the end of the expression");
    row(R"(NewImage.status = "x")", 17, "'=' is not an operator (use ==)");
    row(R"(NewImage.status == "x)", 20, "unterminated string");
    row(R"(Status == "x")", 1, "unknown field 'Status'");
    row(R"(NewImage == "x")", 9, "NewImage needs an attribute: NewImage.status");
    row(R"(NewImage. == 1)", 11, "expected an attribute name after '.', found '=='");
    row(R"(NewImage.status "x")", 17, "expected an operator");
    row(R"((Keys.Id == 1)", 14, "expected ')' to close the '(' at column 1");
    row(R"(Keys.Id == 1 Keys.Id == 2)", 14, "unexpected 'Keys'");
    row(R"(Keys.Id == 1 and)", 17, "expected a value at the start of a comparison");
    row(R"(Keys.Id == 1.2.3)", 12, "'1.2.3' is not a number");
    row(R"(Keys.Id == 12abc)", 12, "'12abc' is not a number");
    row(R"(eventName in (INSERT))", 14, "expected '{' after in");
    row(R"(eventName in {INSERT REMOVE})", 22, "expected ',' or '}' to close the '{' at column 14");
    row(R"(eventName in {})", 15, "empty set '{}'");
    row(R"(NewImage.tags == {"a", 1})", 18, "a set holds only strings or only numbers");
    row(R"(1 == 1)", 3, "a comparison needs a field on one side");
    row(R"(changed(NewImage.status))", 9, "changed() takes an attribute path inside the images");
    row(R"(exists(status))", 8, "unknown field 'status'");
    row(R"(NewImage.items[x] == 1)", 16, "expected a list index");
    row(R"(eventName.x == 1)", 10, "eventName has no members");
    row(R"(NewImage.a == "\q")", 16, "unknown escape '\\q'");
    row("NewImage.\u00e9t\u00e9 == \"x\" & 1", 21, "unexpected character '&'"); // columns count characters
    row(R"(NewImage.`name == 1)", 10, "unterminated name");
    row(R"(())", 2, "empty parentheses");
}

void TestDisplayFilter::errors()
{
    QFETCH(QString, expression);
    QFETCH(int, column);
    QFETCH(QString, reason);
    const auto compiled = model::DisplayFilter::compile(expression.toStdString());
    QVERIFY2(!compiled.filter, "compiled");
    QVERIFY(compiled.error);
    QVERIFY2(QString::fromStdString(compiled.error->reason).startsWith(reason), compiled.error->message().c_str());
    QCOMPARE(compiled.error->column, column);
}

QTEST_APPLESS_MAIN(TestDisplayFilter)
#include "tst_displayfilter.moc"
