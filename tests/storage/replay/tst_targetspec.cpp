// storage/replay/targetspec: the GUI's command line split as a POSIX shell splits words (no expansion, shell syntax
// refused with the column), quoting back, environment lines, and the shared target construction of CLI and GUI.

#include <QTemporaryDir>
#include <QTest>

#include "storage/replay/targetspec.h"

using Words = std::vector<std::string>;

Q_DECLARE_METATYPE(Words)

class TestTargetSpec : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void splits_data();
    void splits();
    void refuses_data();
    void refuses();
    void quoteRoundTrips();
    void environmentLines();
    void makesEachKind();
};

void TestTargetSpec::splits_data()
{
    QTest::addColumn<QString>("line");
    QTest::addColumn<Words>("words");
    // README's example: the single quotes go, the double quotes and braces stay.
    QTest::newRow("readme") << QStringLiteral("python3 handler.py --fail-key '\"Id\":{\"N\":\"101\"}'")
                            << Words{"python3", "handler.py", "--fail-key", "\"Id\":{\"N\":\"101\"}"};
    QTest::newRow("empty") << QString() << Words{};
    QTest::newRow("blanks only") << QStringLiteral(" \t \n ") << Words{};
    QTest::newRow("runs of blanks") << QStringLiteral("  a \t b\n\nc  ") << Words{"a", "b", "c"};
    QTest::newRow("single quotes keep everything")
        << QStringLiteral("'a b $HOME \\n \"x\" | * ~ #'") << Words{"a b $HOME \\n \"x\" | * ~ #"};
    QTest::newRow("double quotes") << QStringLiteral(
        "\"a b\" \"it's\" \"x\\\"y\" \"back\\\\slash\" \"keep\\n\" \"\\$5\" \"\\`\"")
                                   << Words{"a b", "it's", "x\"y", "back\\slash", "keep\\n", "$5", "`"};
    QTest::newRow("double quote line join") << QStringLiteral("\"a\\\nb\"") << Words{"ab"};
    QTest::newRow("adjacent parts make one word")
        << QStringLiteral("--key='\"Id\"'\":\"x\\ y") << Words{"--key=\"Id\":x y"};
    QTest::newRow("empty words") << QStringLiteral("'' \"\" a ''") << Words{"", "", "a", ""};
    QTest::newRow("backslash escapes") << QStringLiteral("a\\ b \\'q\\' \\\"d\\\" \\$x \\| \\* \\~ \\#")
                                       << Words{"a b", "'q'", "\"d\"", "$x", "|", "*", "~", "#"};
    QTest::newRow("backslash newline joins") << QStringLiteral("ab\\\ncd \\\n ef") << Words{"abcd", "ef"};
    QTest::newRow("tilde and hash inside a word")
        << QStringLiteral("a~b c#d --x=~/y") << Words{"a~b", "c#d", "--x=~/y"};
    QTest::newRow("utf-8") << QStringLiteral("caf\u00e9 '\u00fc ber'") << Words{"caf\xc3\xa9", "\xc3\xbc ber"};
    QTest::newRow("json unquoted is refused, quoted passes")
        << QStringLiteral("'{\"a\":[1,2]}'") << Words{"{\"a\":[1,2]}"};
}

void TestTargetSpec::splits()
{
    QFETCH(QString, line);
    QFETCH(Words, words);
    auto result = storage::splitShellWords(line.toStdString());
    QVERIFY2(result.ok(), result ? "" : result.error().message.c_str());
    QCOMPARE(*result, words);
}

void TestTargetSpec::refuses_data()
{
    QTest::addColumn<QString>("line");
    QTest::addColumn<QString>("reason"); // the start of the error: "column N: ..."
    QTest::newRow("unclosed single") << QStringLiteral("a 'b c") << QStringLiteral("column 3: the ' opened here");
    QTest::newRow("unclosed double") << QStringLiteral("ab \"c") << QStringLiteral("column 4: the \" opened here");
    QTest::newRow("trailing backslash") << QStringLiteral("a \\") << QStringLiteral("column 3: a \\ at the end");
    QTest::newRow("dollar") << QStringLiteral("echo $HOME") << QStringLiteral("column 6: a shell would expand $");
    QTest::newRow("dollar in double quotes") << QStringLiteral("\"a$b\"") << QStringLiteral("column 3: a shell would");
    QTest::newRow("backtick") << QStringLiteral("`id`") << QStringLiteral("column 1: a shell would expand `");
    QTest::newRow("backtick in double quotes") << QStringLiteral("\"`\"") << QStringLiteral("column 2:");
    for (const char* op : {"|", "&", ";", "<", ">", "(", ")"})
        QTest::newRow(op) << QStringLiteral("a %1 b").arg(QLatin1String(op))
                          << QStringLiteral("column 3: %1 is shell syntax").arg(QLatin1String(op));
    for (const char* glob : {"*", "?", "["})
        QTest::newRow(glob) << QStringLiteral("ls x%1").arg(QLatin1String(glob))
                            << QStringLiteral("column 5: a shell would expand the pattern %1").arg(QLatin1String(glob));
    QTest::newRow("leading tilde") << QStringLiteral("cat ~/x") << QStringLiteral("column 5: a shell would replace");
    QTest::newRow("comment") << QStringLiteral("a #b") << QStringLiteral("column 3: a shell would take");
    QTest::newRow("column counts characters") << QStringLiteral("\u00e9\u00e9 $") << QStringLiteral("column 4:");
}

void TestTargetSpec::refuses()
{
    QFETCH(QString, line);
    QFETCH(QString, reason);
    auto result = storage::splitShellWords(line.toStdString());
    QVERIFY(!result.ok());
    QVERIFY2(QString::fromStdString(result.error().message).startsWith(reason), result.error().message.c_str());
}

void TestTargetSpec::quoteRoundTrips()
{
    const Words words{
        "plain",       "a b", "it's", "\"Id\":{\"N\":\"101\"}", "", "$HOME", "~x", "#c", "a\\b", "x\ny", "--k=v",
        "caf\xc3\xa9", "'",   "*"};
    std::string line;
    for (const auto& w : words)
        line += (line.empty() ? "" : " ") + storage::quoteShellWord(w);
    auto back = storage::splitShellWords(line);
    QVERIFY2(back.ok(), line.c_str());
    QCOMPARE(*back, words);
    QCOMPARE(storage::quoteShellWord("handler.py"), std::string("handler.py"));
    QCOMPARE(storage::quoteShellWord("it's"), std::string("'it'\\''s'"));
}

void TestTargetSpec::environmentLines()
{
    auto env = storage::parseEnvironmentLines("# comment\n\n  A=1  \nexport B = two words \nC='q'\nD=\n");
    QVERIFY(env.ok());
    const std::vector<std::pair<std::string, std::string>> expected{
        {"A", "1"}, {"B", "two words"}, {"C", "q"}, {"D", ""}};
    QCOMPARE(*env, expected);
    auto bad = storage::parseEnvironmentLines("A=1\nnot an assignment\n");
    QVERIFY(!bad.ok());
    QVERIFY2(bad.error().message.starts_with("line 2: "), bad.error().message.c_str());
    auto badName = storage::parseEnvironmentLines("1X=2", "env.txt");
    QVERIFY(!badName.ok());
    QVERIFY2(badName.error().message.starts_with("env.txt:1: "), badName.error().message.c_str());
}

void TestTargetSpec::makesEachKind()
{
    storage::ReplayTargetSpec spec;
    QVERIFY(!storage::makeReplayTarget(spec, std::chrono::seconds(1)).ok()); // no command
    spec.command.argv = {"true"};
    auto command = storage::makeReplayTarget(spec, std::chrono::seconds(1));
    QVERIFY(command.ok());
    QCOMPARE((*command)->description(), Words{"true"});
    QVERIFY(!storage::startReplayTarget(**command)); // nothing to start

    spec.kind = storage::ReplayTargetKind::InvokeApi;
    spec.endpoint.url = "http://192.0.2.1:3001"; // not loopback
    spec.endpoint.functionName = "f";
    auto remote = storage::makeReplayTarget(spec, std::chrono::seconds(1));
    QVERIFY(!remote.ok());
    spec.endpoint.url = "http://127.0.0.1:3001";
    QVERIFY(storage::makeReplayTarget(spec, std::chrono::seconds(1)).ok());

    spec.kind = storage::ReplayTargetKind::LambdaHandler;
    QVERIFY(!storage::makeReplayTarget(spec, std::chrono::seconds(1)).ok()); // no handler
    QTemporaryDir dir;
    spec.lambda.handler = "app.lambda_handler";
    spec.lambda.codeDir = dir.filePath(QStringLiteral("missing")).toStdString();
    auto missing = storage::makeReplayTarget(spec, std::chrono::seconds(1));
    QVERIFY(!missing.ok());
    QVERIFY2(missing.error().message.find("missing") != std::string::npos, missing.error().message.c_str());
}

QTEST_GUILESS_MAIN(TestTargetSpec)
#include "tst_targetspec.moc"
