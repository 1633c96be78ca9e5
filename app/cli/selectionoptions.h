#pragma once

// Record selection options shared by `streamscope export` and `streamscope replay`; openSelectedStore() also opens
// the store of the read-only query commands (keys, history, diff, audit, state).

#include <QCommandLineParser>
#include <QString>
#include <optional>

#include "storage/export/exporter.h"
#include "storage/store/store.h"

namespace cli {

/// Adds --store, --table, --key, --event, --ttl/--no-ttl, --from, --to, --from-seq, --to-seq, --flagged,
/// --js-unsafe, --record, --batch-size.
void addSelectionOptions(QCommandLineParser& parser);

/// Builds the selection from the options; on a bad value prints a usage error and returns nullopt (exitCode set).
std::optional<storage::RecordSelection> selectionFromOptions(const QCommandLineParser& parser, const QString& command,
                                                             int& exitCode);
/// The display filter of a --where option (added by the caller or addSelectionOptions) into `where` ("" when not
/// set); false (usage error with the column and a caret printed, exitCode set) when it does not compile.
bool whereFromOption(const QCommandLineParser& parser, const QString& command, std::string& where, int& exitCode);
/// Adds --filter-criteria FILE and --criteria-name NAME (export, replay).
void addFilterCriteriaOptions(QCommandLineParser& parser);
/// Reads Lambda filter criteria (`filter --criteria`'s reader, model/filtercriteria.h) from FILE or inline JSON;
/// prints a usage error and returns nullopt (exitCode set) when it cannot be read.
std::optional<storage::LambdaFilterCriteria> readFilterCriteria(const QString& fileOrJson, const QString& name,
                                                                const QString& command, int& exitCode);
/// Sets selection.lambdaFilter from --filter-criteria/--criteria-name; false (usage error printed) on a bad file or
/// a --criteria-name without --filter-criteria.
bool applyFilterCriteriaOptions(const QCommandLineParser& parser, const QString& command,
                                storage::RecordSelection& selection, int& exitCode);
/// A file's content, or the argument itself when it is inline JSON (starts with '{' or '[') or names no file;
/// nullopt (usage error printed, exitCode set) when the file cannot be read.
std::optional<QByteArray> readFileOrInline(const QString& argument, const QString& what, const QString& command,
                                           int& exitCode);

/// --batch-size (default 100, 1..10000); nullopt + usage error otherwise.
std::optional<storage::BatchLimits> limitsFromOptions(const QCommandLineParser& parser, const QString& command,
                                                      int& exitCode);

/// Opens --store (or the store option named `option`) with `mode`; prints the reason and returns nullopt (exitCode set:
/// ExitUsage for no or an empty
/// --store or a missing file, ExitStoreError otherwise, e.g. :memory:, a file: URI, a FIFO) on failure.
std::optional<storage::Store> openSelectedStore(const QCommandLineParser& parser, const QString& command,
                                                storage::Database::OpenMode mode, int& exitCode,
                                                const QString& option = QStringLiteral("store"));

/// Prints a storage error ("streamscope <command>: <message>", the message through shown()) and returns the exit
/// code for it: ExitUsage for InvalidArgument, else ExitStoreError.
int reportStorageError(const QString& command, const storage::Error& error);

/// UTF-8 helpers.
QString qtext(std::string_view text);
void writeOut(const std::string& text);

/// "2023-11-14T22:13:20Z", "1700000000" (epoch seconds) or "1700000000.5" -> UTC microseconds.
std::optional<std::int64_t> parseTimeOption(const QString& text);

} // namespace cli
