#pragma once

// The exit codes of every `streamscope` command (README, Command line).

namespace cli {

/// Exit codes shared by every command (documented in README).
enum ExitCode : int {
    ExitOk = 0,          ///< everything done
    ExitPartial = 1,     ///< done, but some records were skipped
    ExitUsage = 2,       ///< bad command line
    ExitInputFailed = 3, ///< an input file failed
    ExitStoreError = 4,  ///< the store could not be opened/read/written
};

} // namespace cli
