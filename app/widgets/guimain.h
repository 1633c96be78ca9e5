#pragma once

/// Creates the QApplication and the main window; handles `[--store FILE] [CAPTURE...]`. Returns the exit code.
int runGui(int argc, char** argv);
