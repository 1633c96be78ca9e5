#pragma once

#include <QStringList>
#include <vector>

#include "app/cli/exitcodes.h"

namespace cli {

/// One `streamscope <command>`. `arguments` starts with the program name followed by the command name,
/// so a QCommandLineParser can process it directly.
struct Command
{
    const char* name;
    const char* summary;
    int (*run)(const QStringList& arguments);
};

/// Every command, in the order `streamscope --help` lists them.
const std::vector<Command>& commands();

/// True if argv asks for the CLI (a known command, --help, -h, --version): decided before any
/// QCoreApplication/QApplication exists.
bool wantsCli(int argc, char** argv);

/// Runs the CLI; requires a QCoreApplication.
int run(const QStringList& arguments);

} // namespace cli
