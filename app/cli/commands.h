#pragma once

#include <QStringList>

// One function per `streamscope <command>`; each lives in its own file under app/cli/.
namespace cli {

int runImport(const QStringList& arguments);  // importcommand.cpp
int runInfo(const QStringList& arguments);    // infocommand.cpp
int runKeys(const QStringList& arguments);    // querycommands.cpp
int runHistory(const QStringList& arguments); // querycommands.cpp
int runDiff(const QStringList& arguments);    // querycommands.cpp
int runAudit(const QStringList& arguments);   // auditcommand.cpp
int runState(const QStringList& arguments);   // querycommands.cpp
int runExport(const QStringList& arguments);  // exportcommand.cpp
int runReplay(const QStringList& arguments);  // replaycommand.cpp
int runFilter(const QStringList& arguments);  // filtercommand.cpp
int runSql(const QStringList& arguments);     // sqlcommand.cpp
int runPaths(const QStringList& arguments);   // cli.cpp

} // namespace cli
