#pragma once

// Helpers every CLI command uses: printing, usage errors, opening a store.

#include <QCommandLineParser>
#include <QString>
#include <QTextStream>

namespace cli {

QTextStream& out();
QTextStream& err();

/// Prints "streamscope <command>: <message>" and a hint to --help on stderr; returns ExitUsage.
int usageError(const QString& command, const QString& message);

/// Sets up the parser's common parts (description, --help) for `streamscope <command>`; the command name
/// is a positional "command" argument so arguments can be passed through unchanged.
void setupParser(QCommandLineParser& parser, const QString& command, const QString& description);

/// Parses; on --help prints help and returns ExitOk through `exitCode`; on error prints usage and returns
/// ExitUsage. Returns true when the command should go on.
bool parseOrExit(QCommandLineParser& parser, const QStringList& arguments, const QString& command, int& exitCode);

} // namespace cli
