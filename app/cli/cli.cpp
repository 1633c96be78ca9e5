#include "app/cli/cli.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QStandardPaths>
#include <cstring>

#include <unistd.h>

#include "app/cli/clicommon.h"
#include "app/cli/commands.h"

namespace cli {

const std::vector<Command>& commands()
{
    static const std::vector<Command> list{
        {"import", "Import capture files or folders into a store", runImport},
        {"info", "Show a store's sources, tables and totals", runInfo},
        {"keys", "List the item keys of a store with record counts", runKeys},
        {"history", "Show every version of one item with its changes", runHistory},
        {"diff", "Show the changes between two versions of an item", runDiff},
        {"audit", "Check a capture for gaps, duplicates and other problems", runAudit},
        {"state", "Show every item of a table as it was at a point in time", runState},
        {"export", "Export records as Lambda batches, JSON Lines or CSV", runExport},
        {"replay", "Replay records through a local handler with Lambda's semantics", runReplay},
        {"filter", "Test Lambda filter criteria / event patterns against events", runFilter},
        {"sql", "Print the history and audit as SQL for DuckDB, Athena, Trino or Spark", runSql},
        {"paths", "Print the default store path and other locations", runPaths},
    };
    return list;
}

static const Command* findCommand(const char* name)
{
    for (const auto& c : commands()) {
        if (std::strcmp(c.name, name) == 0)
            return &c;
    }
    return nullptr;
}

bool wantsCli(int argc, char** argv)
{
    if (argc < 2)
        return false;
    const char* first = argv[1];
    return findCommand(first) != nullptr || std::strcmp(first, "--help") == 0 || std::strcmp(first, "-h") == 0
        || std::strcmp(first, "--help-all") == 0 || std::strcmp(first, "--version") == 0
        || std::strcmp(first, "-v") == 0
        || std::strcmp(first, "help") == 0
        // A first word that is neither an option nor an existing capture path is a mistyped command: the
        // CLI says so instead of opening a window.
        || (first[0] != '-' && ::access(first, F_OK) != 0); // the bytes: a file name need not be UTF-8
}

static QString globalHelp()
{
    QString text = QStringLiteral(
        "Usage: streamscope [--store FILE] [--palette system|light|dark] [FILE.streamscope | CAPTURE...]\n"
        "       streamscope <command> [options]\n\n"
        "Streamscope inspects, audits and replays captured DynamoDB stream data.\n"
        "Without a command it opens the desktop application (on the default store, "
        "importing any CAPTURE files given, or on the FILE.streamscope store given; --palette dark forces a dark "
        "colour scheme).\n\nCommands:\n");
    for (const auto& c : commands())
        text += QStringLiteral("  %1%2\n")
                    .arg(QString::fromLatin1(c.name).leftJustified(10), QString::fromLatin1(c.summary));
    text += QStringLiteral("\nRun 'streamscope <command> --help' for a command's options.\n"
                           "Exit codes: 0 ok, 1 some records skipped, 2 usage error, 3 an input file failed, "
                           "4 store error.\n");
    return text;
}

int run(const QStringList& arguments)
{
    const QString first = arguments.value(1);
    if (first == QLatin1String("--version") || first == QLatin1String("-v")) {
        out() << "streamscope " << QCoreApplication::applicationVersion() << "\n";
        return ExitOk;
    }
    if (first.isEmpty() || first.startsWith(QLatin1Char('-')) || first == QLatin1String("help")) {
        if (first == QLatin1String("help") && arguments.size() > 2) {
            if (const Command* c = findCommand(arguments.at(2).toUtf8().constData()))
                return c->run({arguments.at(0), arguments.at(2), QStringLiteral("--help")});
        }
        out() << globalHelp();
        return ExitOk;
    }
    const QByteArray name = first.toUtf8();
    if (const Command* c = findCommand(name.constData())) {
        const int code = c->run(arguments);
        out().flush();
        err().flush();
        return code;
    }
    err() << "streamscope: unknown command '" << first << "'\n";
    err() << globalHelp();
    return ExitUsage;
}

int runPaths(const QStringList& arguments)
{
    const QString command = QStringLiteral("paths");
    QCommandLineParser parser;
    setupParser(parser, command, QStringLiteral("Print where Streamscope keeps its files."));
    const QCommandLineOption defaultStore(QStringLiteral("default-store"),
                                          QStringLiteral("Print only the default store path."));
    parser.addOption(defaultStore);
    int code = ExitOk;
    if (!parseOrExit(parser, arguments, command, code))
        return code;
    const QString dataDir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    const QString store = QDir(dataDir).filePath(QStringLiteral("default.streamscope"));
    if (parser.isSet(defaultStore)) {
        out() << store << "\n";
        return ExitOk;
    }
    out() << "default store: " << store << "\n"
          << "data folder:   " << dataDir << "\n";
    return ExitOk;
}

} // namespace cli
