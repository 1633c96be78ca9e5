#include "app/cli/selectionoptions.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QTimeZone>

#include "app/cli/cli.h"
#include "app/cli/clicommon.h"
#include "model/displayfilter.h"
#include "model/filtercriteria.h"

namespace cli {

namespace {

QCommandLineOption option(const char* name, const char* description, const char* value = nullptr)
{
    if (value)
        return QCommandLineOption(QString::fromLatin1(name), QString::fromUtf8(description),
                                  QString::fromLatin1(value));
    return QCommandLineOption(QString::fromLatin1(name), QString::fromUtf8(description));
}

QStringList values(const QCommandLineParser& parser, const char* name, bool splitCommas)
{
    QStringList result;
    for (const QString& v : parser.values(QString::fromLatin1(name))) {
        if (splitCommas)
            result << v.split(QLatin1Char(','), Qt::SkipEmptyParts);
        else
            result << v;
    }
    return result;
}

} // namespace

QString qtext(std::string_view text)
{
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

void writeOut(const std::string& text)
{
    out() << qtext(text);
}

void addSelectionOptions(QCommandLineParser& parser)
{
    parser.addOption(option("store", "The store file.", "FILE"));
    parser.addOption(option("table", "Only this table (repeatable).", "TABLE"));
    parser.addOption(option("key",
                            "Only this item: Keys as DynamoDB JSON ('{\"Id\":{\"N\":\"101\"}}') or Name=value "
                            "(repeatable).",
                            "KEYS"));
    parser.addOption(
        option("event", "Only these event names: INSERT, MODIFY, REMOVE (comma-separated or repeated).", "NAMES"));
    parser.addOption(option("ttl", "Only TTL deletions."));
    parser.addOption(option("no-ttl", "No TTL deletions."));
    parser.addOption(option("from", "Records created at or after TIME (ISO 8601 UTC or epoch seconds).", "TIME"));
    parser.addOption(option("to", "Records created before TIME.", "TIME"));
    parser.addOption(option("from-seq", "Sequence numbers >= N (numeric).", "N"));
    parser.addOption(option("to-seq", "Sequence numbers <= N (numeric).", "N"));
    parser.addOption(option("flagged",
                            "Only records the audit flags with this finding (e.g. gap, js-unsafe-number, duplicate; "
                            "'any'; comma-separated or repeated).",
                            "KIND"));
    parser.addOption(option("js-unsafe",
                            "Records with numbers a JavaScript handler cannot hold (js-unsafe-number): include "
                            "(default), exclude, or only.",
                            "MODE"));
    parser.addOption(option("record", "Only this store record id (repeatable).", "ID"));
    parser.addOption(option("where",
                            "Only records matching this display filter, e.g. 'NewImage.status == \"SHIPPED\" and "
                            "changed(total)' (README: Display filters).",
                            "EXPR"));
    parser.addOption(option("batch-size", "Records per Lambda batch, 1..10000 (default 100).", "N"));
}

std::optional<storage::RecordSelection> selectionFromOptions(const QCommandLineParser& parser, const QString& command,
                                                             int& exitCode)
{
    storage::RecordSelection s;
    for (const QString& t : values(parser, "table", false))
        s.tables.push_back(t.toStdString());
    for (const QString& k : values(parser, "key", false))
        s.keys.push_back(k.toStdString());
    for (const QString& e : values(parser, "event", true)) {
        const auto name = model::parseEventName(e.trimmed().toUpper().toStdString());
        if (!name) {
            exitCode = usageError(command, QStringLiteral("unknown event name '%1' (INSERT, MODIFY, REMOVE)").arg(e));
            return std::nullopt;
        }
        s.eventNames.push_back(*name);
    }
    if (parser.isSet(QStringLiteral("ttl")) && parser.isSet(QStringLiteral("no-ttl"))) {
        exitCode = usageError(command, QStringLiteral("--ttl and --no-ttl exclude each other"));
        return std::nullopt;
    }
    if (parser.isSet(QStringLiteral("ttl")))
        s.ttl = true;
    if (parser.isSet(QStringLiteral("no-ttl")))
        s.ttl = false;
    for (const char* name : {"from", "to"}) {
        if (!parser.isSet(QString::fromLatin1(name)))
            continue;
        const QString text = parser.value(QString::fromLatin1(name));
        const auto micros = parseTimeOption(text);
        if (!micros) {
            exitCode = usageError(command,
                                  QStringLiteral("--%1: cannot read '%2' as a time (ISO 8601 or epoch seconds)")
                                      .arg(QString::fromLatin1(name), text));
            return std::nullopt;
        }
        (std::string_view(name) == "from" ? s.fromMicros : s.toMicros) = micros;
    }
    s.fromSequence = parser.value(QStringLiteral("from-seq")).toStdString();
    s.toSequence = parser.value(QStringLiteral("to-seq")).toStdString();
    for (const QString& f : values(parser, "flagged", true))
        s.findingKinds.push_back(f.trimmed().toStdString());
    if (parser.isSet(QStringLiteral("js-unsafe"))) {
        const QString mode = parser.value(QStringLiteral("js-unsafe"));
        if (mode == QLatin1String("include"))
            s.jsUnsafe = storage::RecordSelection::JsUnsafe::Include;
        else if (mode == QLatin1String("exclude"))
            s.jsUnsafe = storage::RecordSelection::JsUnsafe::Exclude;
        else if (mode == QLatin1String("only"))
            s.jsUnsafe = storage::RecordSelection::JsUnsafe::Only;
        else {
            exitCode = usageError(command, QStringLiteral("--js-unsafe takes include, exclude or only"));
            return std::nullopt;
        }
    }
    for (const QString& r : values(parser, "record", true)) {
        bool ok = false;
        const qlonglong id = r.toLongLong(&ok);
        if (!ok || id <= 0) {
            exitCode = usageError(command, QStringLiteral("--record takes a record id, not '%1'").arg(r));
            return std::nullopt;
        }
        s.recordIds.push_back(id);
    }
    if (!whereFromOption(parser, command, s.where, exitCode))
        return std::nullopt;
    return s;
}

bool whereFromOption(const QCommandLineParser& parser, const QString& command, std::string& where, int& exitCode)
{
    if (!parser.isSet(QStringLiteral("where")))
        return true;
    const QString text = parser.value(QStringLiteral("where"));
    const QByteArray utf8 = text.toUtf8();
    const auto compiled =
        model::DisplayFilter::compile(std::string_view(utf8.constData(), static_cast<std::size_t>(utf8.size())));
    if (!compiled.filter) {
        // The expression with a caret under the column.
        const QString caret = QString(compiled.error->column - 1, QLatin1Char(' ')) + QLatin1Char('^');
        exitCode = usageError(command,
                              QStringLiteral("--where: %1\n  %2\n  %3")
                                  .arg(qtext(compiled.error->message()), shown(text.toStdString()), caret));
        return false;
    }
    where = utf8.toStdString();
    return true;
}

std::optional<QByteArray> readFileOrInline(const QString& argument, const QString& what, const QString& command,
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

void addFilterCriteriaOptions(QCommandLineParser& parser)
{
    parser.addOption(option("filter-criteria",
                            "Only the records these Lambda filter criteria deliver (as `filter --criteria` reads "
                            "them: FilterCriteria JSON, an event source mapping, a CloudFormation/SAM template, a "
                            "Serverless service or a bare pattern; JSON or YAML; a file or inline JSON).",
                            "FILE"));
    parser.addOption(option("criteria-name",
                            "Which criteria of a --filter-criteria file holding several: the template's logical "
                            "resource ID (or SAM Function.Event), or the Serverless function name.",
                            "NAME"));
}

std::optional<storage::LambdaFilterCriteria> readFilterCriteria(const QString& fileOrJson, const QString& name,
                                                                const QString& command, int& exitCode)
{
    const std::optional<QByteArray> text = readFileOrInline(fileOrJson, QStringLiteral("criteria"), command, exitCode);
    if (!text)
        return std::nullopt;
    const QByteArray select = name.toUtf8();
    model::FilterCriteria criteria =
        model::parseFilterCriteria(std::string_view(text->constData(), static_cast<std::size_t>(text->size())),
                                   std::string_view(select.constData(), static_cast<std::size_t>(select.size())));
    if (!criteria.error.empty()) {
        exitCode = usageError(command, QStringLiteral("cannot read the criteria: ") + qtext(criteria.error));
        return std::nullopt;
    }
    storage::LambdaFilterCriteria c;
    c.patterns = std::move(criteria.patterns);
    const QString trimmed = fileOrJson.trimmed();
    c.source = trimmed.startsWith(QLatin1Char('{')) || trimmed.startsWith(QLatin1Char('[')) ? std::string("inline")
                                                                                            : fileOrJson.toStdString();
    c.name = name.toStdString();
    c.shape = std::move(criteria.shape);
    c.origin = std::move(criteria.origin);
    return c;
}

bool applyFilterCriteriaOptions(const QCommandLineParser& parser, const QString& command,
                                storage::RecordSelection& selection, int& exitCode)
{
    if (!parser.isSet(QStringLiteral("filter-criteria"))) {
        if (parser.isSet(QStringLiteral("criteria-name"))) {
            exitCode = usageError(command, QStringLiteral("--criteria-name goes with --filter-criteria"));
            return false;
        }
        return true;
    }
    auto criteria = readFilterCriteria(parser.value(QStringLiteral("filter-criteria")),
                                       parser.value(QStringLiteral("criteria-name")), command, exitCode);
    if (!criteria)
        return false;
    selection.lambdaFilter = std::move(*criteria);
    return true;
}

std::optional<storage::BatchLimits> limitsFromOptions(const QCommandLineParser& parser, const QString& command,
                                                      int& exitCode)
{
    storage::BatchLimits limits;
    if (parser.isSet(QStringLiteral("batch-size"))) {
        bool ok = false;
        const int n = parser.value(QStringLiteral("batch-size")).toInt(&ok);
        if (!ok || n < 1 || n > 10000) {
            exitCode = usageError(command, QStringLiteral("--batch-size must be 1..10000 (Lambda's maximum)"));
            return std::nullopt;
        }
        limits.maxRecords = static_cast<std::size_t>(n);
    }
    return limits;
}

std::optional<storage::Store> openSelectedStore(const QCommandLineParser& parser, const QString& command,
                                                storage::Database::OpenMode mode, int& exitCode, const QString& option)
{
    if (!parser.isSet(option)) {
        exitCode = usageError(command, QStringLiteral("--%1 FILE is required").arg(option));
        return std::nullopt;
    }
    const QString path = parser.value(option);
    // What is no store file (empty path, :memory:, file: URIs, a FIFO...) first: Store::open refuses it too, but a
    // ":memory:" does not exist either and is no mistyped file name.
    if (auto refused = storage::refuseNonStorePath(argumentBytes(path))) {
        exitCode = reportStorageError(command, *refused);
        return std::nullopt;
    }
    if (!QFileInfo::exists(path) && !QFileInfo(path).isSymLink()) { // a dangling link: Store::open says so
        exitCode = usageError(command, QStringLiteral("no store at %1").arg(path));
        return std::nullopt;
    }
    auto store = storage::Store::open(argumentBytes(path), mode);
    if (!store) {
        exitCode = reportStorageError(command, store.error()); // every Store::open error names the file
        return std::nullopt;
    }
    return std::move(*store);
}

int reportStorageError(const QString& command, const storage::Error& error)
{
    out().flush();
    err() << "streamscope " << command << ": " << shown(error.message) << "\n";
    err().flush();
    return error.kind == storage::Error::Kind::InvalidArgument ? ExitUsage : ExitStoreError;
}

std::optional<std::int64_t> parseTimeOption(const QString& text)
{
    bool ok = false;
    const double seconds = text.toDouble(&ok);
    if (ok && !text.contains(QLatin1Char('-')) && !text.contains(QLatin1Char(':')))
        return static_cast<std::int64_t>(seconds * 1e6);
    QDateTime t = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!t.isValid())
        return std::nullopt;
    if (t.timeSpec() == Qt::LocalTime)
        t.setTimeZone(QTimeZone::utc()); // no zone given: UTC, like every time Streamscope prints
    return t.toMSecsSinceEpoch() * 1000;
}

} // namespace cli
