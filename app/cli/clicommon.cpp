#include "app/cli/clicommon.h"

#include <cstdio>

#include "app/cli/exitcodes.h"

namespace cli {

QTextStream& out()
{
    static QTextStream s(stdout);
    return s;
}

QTextStream& err()
{
    static QTextStream s(stderr);
    return s;
}

int usageError(const QString& command, const QString& message)
{
    out().flush();
    err() << "streamscope " << command << ": " << message << "\n"
          << "Try 'streamscope " << command << " --help'.\n";
    err().flush();
    return ExitUsage;
}

void setupParser(QCommandLineParser& parser, const QString& command, const QString& description)
{
    parser.setApplicationDescription(description);
    parser.addHelpOption();
    parser.addPositionalArgument(command, QStringLiteral("The command (%1).").arg(command), command);
}

bool parseOrExit(QCommandLineParser& parser, const QStringList& arguments, const QString& command, int& exitCode)
{
    if (!parser.parse(arguments)) {
        exitCode = usageError(command, parser.errorText());
        return false;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        out() << parser.helpText();
        out().flush();
        exitCode = ExitOk;
        return false;
    }
    return true;
}

} // namespace cli
