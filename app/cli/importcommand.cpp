#include "app/cli/commands.h"

#include "app/cli/cli.h"
#include "app/cli/clicommon.h"

namespace cli {

int runImport(const QStringList& arguments)
{
    const QString command = QStringLiteral("import");
    QCommandLineParser parser;
    setupParser(parser, command, QStringLiteral("Not implemented yet."));
    int code = ExitOk;
    if (!parseOrExit(parser, arguments, command, code))
        return code;
    err() << "streamscope import: not implemented yet\n";
    return ExitUsage;
}

int runInfo(const QStringList& arguments)
{
    const QString command = QStringLiteral("info");
    QCommandLineParser parser;
    setupParser(parser, command, QStringLiteral("Not implemented yet."));
    int code = ExitOk;
    if (!parseOrExit(parser, arguments, command, code))
        return code;
    err() << "streamscope info: not implemented yet\n";
    return ExitUsage;
}

} // namespace cli
