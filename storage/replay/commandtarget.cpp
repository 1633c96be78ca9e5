#include "storage/replay/commandtarget.h"

#include <utility>

namespace storage {

CommandTarget::CommandTarget(HandlerCommand command)
    : m_command(std::move(command))
{
}

HandlerOutcome CommandTarget::invoke(std::string_view eventJson, const std::string& requestId,
                                     std::chrono::milliseconds timeout)
{
    HandlerCommand command = m_command;
    command.extraEnvironment.emplace_back("STREAMSCOPE_REQUEST_ID", requestId);
    HandlerOutcome outcome = runHandler(command, eventJson, timeout, &m_stop);
    if (outcome.end == HandlerOutcome::End::StartFailed && !m_command.argv.empty())
        outcome.startError = "cannot start " + m_command.argv.front() + ": " + outcome.startError;
    return outcome;
}

void CommandTarget::stop()
{
    m_stop.request();
}

} // namespace storage
