#pragma once

// Ctrl+C (SIGINT) and SIGTERM during a long command (import, export) stop it at a clean point instead of killing
// it: while an InterruptScope lives, the first such signal only records itself; the command's progress callback
// sees it (interruptSignal() != 0), the storage call then cancels (the current file rolled back, a half export
// removed), and the command prints what was done and exits with 128 + the signal (130 for SIGINT, 143 for SIGTERM).
// A second signal while stopping ends the process at once, as the shell user expects.

namespace cli {

class InterruptScope
{
public:
    InterruptScope();
    ~InterruptScope();
    InterruptScope(const InterruptScope&) = delete;
    InterruptScope& operator=(const InterruptScope&) = delete;
};

/// The signal that asked the running command to stop (SIGINT, SIGTERM), or 0.
int interruptSignal();

/// 128 + signal: the exit status a shell reports for a command ended by that signal.
int interruptedExitCode(int signal);

/// "SIGINT" / "SIGTERM".
const char* interruptSignalName(int signal);

} // namespace cli
