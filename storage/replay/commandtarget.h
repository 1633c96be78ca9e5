#pragma once

// The `--handler CMD...` replay target: one process per invocation (runHandler), the event JSON on its stdin, the
// response on its stdout, its stderr kept as the invocation's log. The request id is given to the process as
// STREAMSCOPE_REQUEST_ID.

#include "storage/replay/handlerprocess.h"
#include "storage/replay/replaytarget.h"

namespace storage {

class CommandTarget : public ReplayTarget
{
public:
    explicit CommandTarget(HandlerCommand command);

    HandlerOutcome invoke(std::string_view eventJson, const std::string& requestId,
                          std::chrono::milliseconds timeout) override;
    void stop() override;
    std::vector<std::string> description() const override { return m_command.argv; }

private:
    HandlerCommand m_command;
    HandlerStop m_stop;
};

} // namespace storage
