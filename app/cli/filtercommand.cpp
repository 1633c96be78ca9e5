// streamscope filter test --pattern PATTERN --event EVENT [--semantics eventbridge|lambda-esm] [--json]: one AWS
// event pattern against one JSON event (model/eventpattern.h). Exit 0 match, 1 no match, 2 invalid pattern or usage.

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "app/cli/clicommon.h"
#include "app/cli/commands.h"
#include "app/cli/exitcodes.h"
#include "model/eventpattern.h"
#include "model/eventpatternlint.h"

namespace cli {

namespace {

QString qs(const std::string& s)
{
    return QString::fromStdString(s);
}

/// A file's content, or the argument itself when it is inline JSON (starts with '{' or '[') or names no file.
std::optional<QByteArray> readArgument(const QString& argument, const QString& what, const QString& command,
                                       int& exitCode)
{
    const QString trimmed = argument.trimmed();
    const bool inlineJson = trimmed.startsWith(QLatin1Char('{')) || trimmed.startsWith(QLatin1Char('['));
    if (!inlineJson && QFileInfo(argument).isFile()) {
        QFile file(argument);
        if (!file.open(QIODevice::ReadOnly)) {
            exitCode = usageError(command,
                                  QStringLiteral("cannot read %1 file %2: %3").arg(what, argument, file.errorString()));
            return std::nullopt;
        }
        return file.readAll();
    }
    return argument.toUtf8();
}

std::string_view view(const QByteArray& bytes)
{
    return {bytes.constData(), static_cast<std::size_t>(bytes.size())};
}

QString outcomeText(model::PatternTestResult::Outcome outcome)
{
    switch (outcome) {
    case model::PatternTestResult::Outcome::Match:
        return QStringLiteral("match");
    case model::PatternTestResult::Outcome::NoMatch:
        return QStringLiteral("no-match");
    case model::PatternTestResult::Outcome::Unsupported:
        return QStringLiteral("unsupported");
    default:
        return QStringLiteral("invalid");
    }
}

QJsonArray lintsJson(const std::vector<model::PatternLint>& lints)
{
    QJsonArray array;
    for (const model::PatternLint& lint : lints) {
        QJsonObject o{{QStringLiteral("code"), qs(lint.code)},
                      {QStringLiteral("path"), qs(lint.path)},
                      {QStringLiteral("message"), qs(lint.message)}};
        if (lint.filter >= 0)
            o.insert(QStringLiteral("filter"), lint.filter);
        array.append(o);
    }
    return array;
}

void printLints(const std::vector<model::PatternLint>& lints)
{
    for (const model::PatternLint& lint : lints) {
        out() << "lint " << qs(lint.code);
        if (lint.filter >= 0)
            out() << " (filter " << lint.filter + 1 << ")";
        if (!lint.path.empty())
            out() << " at `" << qs(lint.path) << "`";
        out() << ": " << qs(lint.message) << "\n";
    }
}

int runFilterTest(const QStringList& arguments)
{
    const QString command = QStringLiteral("filter test");
    QCommandLineParser parser;
    setupParser(parser, QStringLiteral("filter"),
                QStringLiteral("Test one AWS event pattern (a Lambda FilterCriteria pattern or an EventBridge rule) "
                               "against one JSON event. PATTERN and EVENT are file paths or inline JSON.\n"
                               "Prints match, no match with the first failing path and why, or invalid with the "
                               "reason. Exit 0 match, 1 no match, 2 invalid pattern or usage."));
    const QCommandLineOption patternOption(QStringLiteral("pattern"), QStringLiteral("The pattern (file or JSON)."),
                                           QStringLiteral("PATTERN"));
    const QCommandLineOption eventOption(QStringLiteral("event"),
                                         QStringLiteral("The event (file or JSON): for lambda-esm one DynamoDB stream "
                                                        "record as Lambda delivers it."),
                                         QStringLiteral("EVENT"));
    const QCommandLineOption semanticsOption(
        QStringLiteral("semantics"),
        QStringLiteral("lambda-esm (default: Lambda event source mapping filtering, which refuses the operators it "
                       "does not support) or eventbridge (an event bus rule)."),
        QStringLiteral("SEMANTICS"), QStringLiteral("lambda-esm"));
    const QCommandLineOption jsonOption(QStringLiteral("json"), QStringLiteral("Print JSON instead of text."));
    parser.addOptions({patternOption, eventOption, semanticsOption, jsonOption});
    int code = ExitOk;
    if (!parseOrExit(parser, arguments, command, code))
        return code;
    if (!parser.isSet(patternOption) || !parser.isSet(eventOption))
        return usageError(command, QStringLiteral("--pattern PATTERN and --event EVENT are required"));
    if (parser.positionalArguments().size() > 1)
        return usageError(command, QStringLiteral("unexpected argument: %1").arg(parser.positionalArguments().at(1)));
    const std::optional<model::PatternSemantics> semantics =
        model::parseSemantics(parser.value(semanticsOption).toStdString());
    if (!semantics)
        return usageError(command, QStringLiteral("--semantics must be eventbridge or lambda-esm"));
    const std::optional<QByteArray> pattern =
        readArgument(parser.value(patternOption), QStringLiteral("pattern"), command, code);
    if (!pattern)
        return code;
    const std::optional<QByteArray> event =
        readArgument(parser.value(eventOption), QStringLiteral("event"), command, code);
    if (!event)
        return code;

    const model::PatternTestResult r = model::testEventPattern(view(*pattern), view(*event), *semantics);
    if (r.outcome == model::PatternTestResult::Outcome::BadEvent)
        return usageError(command, qs(r.reason));
    std::vector<model::PatternLint> lints;
    if (*semantics == model::PatternSemantics::LambdaEsm)
        lints = model::lintCriteria({pattern->toStdString()});
    for (model::PatternLint& lint : lints)
        lint.filter = -1; // one pattern, not a filter set
    const bool problem = r.outcome == model::PatternTestResult::Outcome::Invalid
        || r.outcome == model::PatternTestResult::Outcome::Unsupported;
    const QString message = problem ? qs(model::PatternProblem{{}, r.reason, r.path}.message())
                                    : qs(model::MatchResult{false, r.path, r.reason}.message());
    if (parser.isSet(jsonOption)) {
        QJsonObject o{{QStringLiteral("result"), outcomeText(r.outcome)},
                      {QStringLiteral("semantics"), qs(std::string(model::semanticsName(*semantics)))},
                      {QStringLiteral("lints"), lintsJson(lints)}};
        if (r.outcome != model::PatternTestResult::Outcome::Match) {
            o.insert(QStringLiteral("path"), qs(r.path));
            o.insert(QStringLiteral("reason"), qs(r.reason));
            o.insert(QStringLiteral("message"), message);
        }
        out() << QJsonDocument(o).toJson(QJsonDocument::Indented);
    } else if (r.outcome == model::PatternTestResult::Outcome::Match) {
        out() << "match\n";
    } else if (r.outcome == model::PatternTestResult::Outcome::NoMatch) {
        out() << "no match: " << message << "\n";
    } else {
        out() << (r.outcome == model::PatternTestResult::Outcome::Unsupported ? "invalid (unsupported): " : "invalid: ")
              << message << "\n";
    }
    if (!parser.isSet(jsonOption))
        printLints(lints);
    switch (r.outcome) {
    case model::PatternTestResult::Outcome::Match:
        return ExitOk;
    case model::PatternTestResult::Outcome::NoMatch:
        return ExitPartial;
    default:
        return ExitUsage;
    }
}

} // namespace

int runFilter(const QStringList& arguments)
{
    if (arguments.value(2) == QLatin1String("test")) {
        QStringList rest = arguments;
        rest.removeAt(2);
        return runFilterTest(rest);
    }
    return usageError(QStringLiteral("filter"),
                      QStringLiteral("use 'streamscope filter test --pattern PATTERN --event "
                                     "EVENT [--semantics eventbridge|lambda-esm] [--json]'"));
}

} // namespace cli
