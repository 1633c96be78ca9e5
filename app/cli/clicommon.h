#pragma once

// Helpers every CLI command uses: printing, usage errors, opening a store.

#include <QCommandLineParser>
#include <QString>
#include <QTextStream>
#include <string>
#include <string_view>

namespace cli {

QTextStream& out();
QTextStream& err();

/// Untrusted text (table names, keys, sequence numbers, file names, handler output, messages quoting them) as every
/// human-output path prints it: C0 controls (ESC, newline, ...), DEL, C1 controls, the bidi controls U+061C,
/// U+200E/U+200F, U+202A–U+202E and U+2066–U+2069, U+2028/U+2029 and bytes that are not UTF-8 become visible
/// escapes (\x1b, \n, \t, \u202e, \xff), so data can neither drive the terminal (clear it, retitle the window)
/// nor forge or reorder output lines. --json output never goes through this: it stays exact JSON.
std::string terminalSafe(std::string_view text);
/// terminalSafe() as a QString, for the out()/err() streams.
QString shown(std::string_view text);

/// Prints "streamscope <command>: <message>" and a hint to --help on stderr; returns ExitUsage.
int usageError(const QString& command, const QString& message);

/// Sets up the parser's common parts (description, --help) for `streamscope <command>`; the command name
/// is a positional "command" argument so arguments can be passed through unchanged.
void setupParser(QCommandLineParser& parser, const QString& command, const QString& description);

/// Parses; on --help prints help and returns ExitOk through `exitCode`; on error prints usage and returns
/// ExitUsage. Returns true when the command should go on.
bool parseOrExit(QCommandLineParser& parser, const QStringList& arguments, const QString& command, int& exitCode);

} // namespace cli
