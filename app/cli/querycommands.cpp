#include "app/cli/commands.h"

#include "app/cli/cli.h"
#include "app/cli/clicommon.h"

namespace cli {

int runKeys(const QStringList& arguments)
{
    const QString command = QStringLiteral("keys");
    QCommandLineParser parser;
    setupParser(parser, command, QStringLiteral("Not implemented yet."));
    int code = ExitOk;
    if (!parseOrExit(parser, arguments, command, code))
        return code;
    err() << "streamscope keys: not implemented yet\n";
    return ExitUsage;
}

int runHistory(const QStringList& arguments)
{
    const QString command = QStringLiteral("history");
    QCommandLineParser parser;
    setupParser(parser, command, QStringLiteral("Not implemented yet."));
    int code = ExitOk;
    if (!parseOrExit(parser, arguments, command, code))
        return code;
    err() << "streamscope history: not implemented yet\n";
    return ExitUsage;
}

int runDiff(const QStringList& arguments)
{
    const QString command = QStringLiteral("diff");
    QCommandLineParser parser;
    setupParser(parser, command, QStringLiteral("Not implemented yet."));
    int code = ExitOk;
    if (!parseOrExit(parser, arguments, command, code))
        return code;
    err() << "streamscope diff: not implemented yet\n";
    return ExitUsage;
}

int runAudit(const QStringList& arguments)
{
    const QString command = QStringLiteral("audit");
    QCommandLineParser parser;
    setupParser(parser, command, QStringLiteral("Not implemented yet."));
    int code = ExitOk;
    if (!parseOrExit(parser, arguments, command, code))
        return code;
    err() << "streamscope audit: not implemented yet\n";
    return ExitUsage;
}

int runState(const QStringList& arguments)
{
    const QString command = QStringLiteral("state");
    QCommandLineParser parser;
    setupParser(parser, command, QStringLiteral("Not implemented yet."));
    int code = ExitOk;
    if (!parseOrExit(parser, arguments, command, code))
        return code;
    err() << "streamscope state: not implemented yet\n";
    return ExitUsage;
}

} // namespace cli
