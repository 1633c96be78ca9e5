// streamscope filter --store S --criteria FILE [selection] [--json]: every selected record's verdict under Lambda
// filter criteria (delivered by which filter, or dropped with the first failing path), counts per filter, lints.
// streamscope filter test --pattern PATTERN --event EVENT [--semantics eventbridge|lambda-esm] [--json]: one AWS
// event pattern against one JSON event (model/eventpattern.h). Exit 0 match, 1 no match, 2 invalid pattern or usage.

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <map>

#include "app/cli/clicommon.h"
#include "app/cli/commands.h"
#include "app/cli/exitcodes.h"
#include "app/cli/selectionoptions.h"
#include "model/criteriaevaluator.h"
#include "model/dynamodbjson.h"
#include "model/eventpattern.h"
#include "model/eventpatternlint.h"
#include "model/filtercriteria.h"
#include "storage/delivery/deliveryreader.h"
#include "storage/delivery/lambdarecord.h"

namespace cli {

namespace {

QString qs(const std::string& s)
{
    return QString::fromStdString(s);
}

std::optional<QByteArray> readArgument(const QString& argument, const QString& what, const QString& command,
                                       int& exitCode)
{
    return readFileOrInline(argument, what, command, exitCode);
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
            o.insert(QStringLiteral("filter"), lint.filter + 1); // 1-based like the text output
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

/// One record's verdict under a filter set: the first filter that matches, else why the first filter failed.
using Verdict = model::CriteriaVerdict;

/// The Lambda record JSON of a selected record, converted as export and replay do (stand-in sequence numbers per
/// stream).
std::string lambdaJson(const storage::SelectedRecord& s, std::map<std::string, std::uint64_t>& syntheticCounters)
{
    return storage::lambdaForm(s.row, s.record, syntheticCounters).lambda.json;
}

struct FilterCounts
{
    std::int64_t selected = 0;
    std::int64_t dropped = 0;
    std::vector<std::int64_t> perFilter;
};

QJsonObject recordJson(const storage::SelectedRecord& s, const Verdict& v)
{
    QJsonObject o{{QStringLiteral("recordId"), static_cast<qint64>(s.row.id)},
                  {QStringLiteral("table"), qs(s.row.tableName)},
                  {QStringLiteral("key"), qs(model::keyDisplayText(s.record.keys))},
                  {QStringLiteral("sequenceNumber"), qs(s.row.sequenceNumber)},
                  {QStringLiteral("delivered"), v.filter >= 0}};
    if (v.filter >= 0) {
        o.insert(QStringLiteral("filter"), v.filter + 1);
    } else {
        o.insert(QStringLiteral("path"), qs(v.failure.path));
        o.insert(QStringLiteral("reason"), qs(v.failure.reason));
    }
    return o;
}

QString recordLine(const storage::SelectedRecord& s, const Verdict& v)
{
    const QString where = QStringLiteral("%1 %2 %3")
                              .arg(qs(s.row.tableName), qs(model::keyDisplayText(s.record.keys)),
                                   qs(s.row.sequenceNumber.empty() ? std::string("-") : s.row.sequenceNumber));
    if (v.filter >= 0)
        return where + QStringLiteral(": delivered (filter %1)\n").arg(v.filter + 1);
    return where + QStringLiteral(": dropped: filter 1: ") + qs(v.failure.message()) + QLatin1Char('\n');
}

/// Compiles every pattern under lambda-esm; prints the first problem and returns nullopt (exitCode 2).
std::optional<model::CriteriaEvaluator> compileCriteria(const std::vector<std::string>& patterns)
{
    model::CriteriaCompileResult c = model::CriteriaEvaluator::compile(patterns, model::PatternSemantics::LambdaEsm);
    if (!c.evaluator) {
        out() << "invalid" << (c.problem->kind == model::PatternProblem::Kind::Unsupported ? " (unsupported)" : "")
              << ": filter " << c.problemFilter + 1 << ": " << qs(c.problem->message()) << "\n";
        return std::nullopt;
    }
    return std::move(c.evaluator);
}

/// Reads the selection in delivery order and evaluates every record; prints lines or collects JSON.
int evaluateStore(QCommandLineParser& parser, const QString& command, model::CriteriaEvaluator& filters,
                  FilterCounts& counts, QJsonArray* records)
{
    int code = ExitOk;
    auto selection = selectionFromOptions(parser, command, code);
    if (!selection)
        return code;
    auto store = openSelectedStore(parser, command, storage::Database::OpenMode::ReadOnly, code);
    if (!store)
        return code;
    auto reader = storage::DeliveryReader::open(*store, *selection);
    if (!reader)
        return reportStorageError(command, reader.error());
    counts.perFilter.assign(filters.patterns().size(), 0);
    std::map<std::string, std::uint64_t> syntheticCounters;
    for (;;) {
        auto next = reader->next();
        if (!next)
            return reportStorageError(command, next.error());
        if (!*next)
            break;
        const storage::SelectedRecord& s = **next;
        ++counts.selected;
        const Verdict v = filters.evaluate(lambdaJson(s, syntheticCounters), true);
        if (v.filter >= 0)
            ++counts.perFilter[static_cast<std::size_t>(v.filter)];
        else
            ++counts.dropped;
        if (records)
            records->append(recordJson(s, v));
        else
            out() << recordLine(s, v);
    }
    return ExitOk;
}

int runFilterStore(const QStringList& arguments)
{
    const QString command = QStringLiteral("filter");
    QCommandLineParser parser;
    setupParser(parser, command,
                QStringLiteral("Evaluate Lambda filter criteria over the selected records of a store, in delivery "
                               "order: delivered (by which filter) or dropped (with the first failing path), counts "
                               "per filter, lints. FILE (JSON or YAML): {\"Filters\":[{\"Pattern\":\"...\"}]}, "
                               "'aws lambda get-event-source-mapping' output, a CloudFormation/SAM template, a "
                               "Serverless Framework service (filterPatterns), or a bare pattern.\n"
                               "Also: streamscope filter test --help."));
    addSelectionOptions(parser);
    const QCommandLineOption criteriaOption(QStringLiteral("criteria"), QStringLiteral("The filter criteria file."),
                                            QStringLiteral("FILE"));
    const QCommandLineOption nameOption(
        QStringLiteral("criteria-name"),
        QStringLiteral("Which criteria of a file holding several: the template's logical resource ID (or SAM "
                       "Function.Event), or the Serverless function name."),
        QStringLiteral("NAME"));
    const QCommandLineOption jsonOption(QStringLiteral("json"), QStringLiteral("Print JSON instead of text."));
    parser.addOptions({criteriaOption, nameOption, jsonOption});
    int code = ExitOk;
    if (!parseOrExit(parser, arguments, command, code))
        return code;
    if (!parser.isSet(criteriaOption))
        return usageError(command, QStringLiteral("--criteria FILE is required (or: filter test)"));
    if (parser.positionalArguments().size() > 1)
        return usageError(command, QStringLiteral("unexpected argument: %1").arg(parser.positionalArguments().at(1)));
    const std::optional<QByteArray> text =
        readArgument(parser.value(criteriaOption), QStringLiteral("criteria"), command, code);
    if (!text)
        return code;
    const QByteArray name = parser.value(nameOption).toUtf8();
    const model::FilterCriteria criteria = model::parseFilterCriteria(view(*text), view(name));
    if (!criteria.error.empty())
        return usageError(command, QStringLiteral("cannot read the criteria: ") + qs(criteria.error));
    auto filters = compileCriteria(criteria.patterns);
    if (!filters)
        return ExitUsage;
    const std::vector<model::PatternLint> lints = model::lintCriteria(criteria.patterns);
    const bool json = parser.isSet(jsonOption);
    FilterCounts counts;
    QJsonArray records;
    code = evaluateStore(parser, command, *filters, counts, json ? &records : nullptr);
    if (code != ExitOk)
        return code;
    if (json) {
        QJsonArray perFilter;
        for (std::int64_t n : counts.perFilter)
            perFilter.append(static_cast<qint64>(n));
        const QJsonObject counted{{QStringLiteral("selected"), static_cast<qint64>(counts.selected)},
                                  {QStringLiteral("delivered"), static_cast<qint64>(counts.selected - counts.dropped)},
                                  {QStringLiteral("dropped"), static_cast<qint64>(counts.dropped)},
                                  {QStringLiteral("perFilter"), perFilter}};
        out() << QJsonDocument(QJsonObject{{QStringLiteral("records"), records},
                                           {QStringLiteral("counts"), counted},
                                           {QStringLiteral("criteriaShape"), qs(criteria.shape)},
                                           {QStringLiteral("criteriaOrigin"), qs(criteria.origin)},
                                           {QStringLiteral("lints"), lintsJson(lints)}})
                     .toJson(QJsonDocument::Indented);
        return ExitOk;
    }
    if (!criteria.origin.empty())
        out() << "criteria: " << shown(criteria.origin) << " (" << qs(criteria.shape) << ")\n";
    out() << counts.selected << " records: " << counts.selected - counts.dropped << " delivered, " << counts.dropped
          << " dropped\n";
    for (std::size_t i = 0; i < counts.perFilter.size(); ++i)
        out() << "filter " << i + 1 << ": " << counts.perFilter[i] << " delivered\n";
    printLints(lints);
    return ExitOk;
}

} // namespace

int runFilter(const QStringList& arguments)
{
    if (arguments.value(2) == QLatin1String("test")) {
        QStringList rest = arguments;
        rest.removeAt(2);
        return runFilterTest(rest);
    }
    return runFilterStore(arguments);
}

} // namespace cli
