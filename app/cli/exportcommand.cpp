#include "app/cli/commands.h"

#include "app/cli/cli.h"
#include "app/cli/clicommon.h"

namespace cli {

int runExport(const QStringList& arguments)
{
    const QString command = QStringLiteral("export");
    QCommandLineParser parser;
    setupParser(parser, command, QStringLiteral("Not implemented yet."));
    int code = ExitOk;
    if (!parseOrExit(parser, arguments, command, code))
        return code;
    err() << "streamscope export: not implemented yet\n";
    return ExitUsage;
}

} // namespace cli
