#pragma once

// Helpers every CLI command uses: printing, usage errors, opening a store.

#include <QCommandLineParser>
#include <QJsonObject>
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

/// The command line as QStrings that keep every byte (file names need not be UTF-8): valid UTF-8 is decoded, and
/// each byte that is not becomes the lone surrogate U+DC00 + byte (as Python's "surrogateescape"), which
/// argumentBytes() turns back into that byte. (QCoreApplication::arguments() makes them U+FFFD: such a file could
/// be neither found nor named.)
QStringList argumentsFromArgv(int argc, char** argv);
/// The bytes of an argument from argumentsFromArgv(): UTF-8, with the escaped bytes restored exactly.
std::string argumentBytes(const QString& argument);
/// True when `text` is valid UTF-8.
bool isUtf8(std::string_view text);
/// For --json: a file name that is not UTF-8 cannot be a JSON string as it is; its "path" member then holds U+FFFD
/// for the bytes that are not UTF-8, and this adds "pathNotUtf8": true and "pathBase64" (the exact bytes).
void addPathBytes(QJsonObject& object, std::string_view path);

/// Prints "streamscope <command>: <message>" and a hint to --help on stderr; returns ExitUsage.
int usageError(const QString& command, const QString& message);

/// Sets up the parser's common parts (description, --help) for `streamscope <command>`; the command name
/// is a positional "command" argument so arguments can be passed through unchanged.
void setupParser(QCommandLineParser& parser, const QString& command, const QString& description);

/// Parses; on --help prints help and returns ExitOk through `exitCode`; on error prints usage and returns
/// ExitUsage. Returns true when the command should go on.
bool parseOrExit(QCommandLineParser& parser, const QStringList& arguments, const QString& command, int& exitCode);

} // namespace cli
