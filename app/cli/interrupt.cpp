#include "app/cli/interrupt.h"

#include <csignal>

namespace cli {

namespace {

volatile std::sig_atomic_t g_signal = 0;
struct sigaction g_previousInt
{
};
struct sigaction g_previousTerm
{
};

extern "C" void onStopSignal(int signal)
{
    if (g_signal != 0) {
        // Second signal: stop now (default action, re-raised; both calls are async-signal-safe).
        std::signal(signal, SIG_DFL);
        std::raise(signal);
        return;
    }
    g_signal = signal;
}

} // namespace

InterruptScope::InterruptScope()
{
    g_signal = 0;
    struct sigaction action
    {
    };
    action.sa_handler = onStopSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGINT, &action, &g_previousInt);
    sigaction(SIGTERM, &action, &g_previousTerm);
}

InterruptScope::~InterruptScope()
{
    sigaction(SIGINT, &g_previousInt, nullptr);
    sigaction(SIGTERM, &g_previousTerm, nullptr);
}

int interruptSignal()
{
    return static_cast<int>(g_signal);
}

int interruptedExitCode(int signal)
{
    return 128 + signal;
}

const char* interruptSignalName(int signal)
{
    return signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "a signal";
}

} // namespace cli
