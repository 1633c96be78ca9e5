#pragma once

// How the CLI and the GUI describe and build a replay target (replaytarget.h), so both make the same three kinds the
// same way:
//
//   storage::ReplayTargetSpec spec;
//   spec.kind = storage::ReplayTargetKind::LambdaHandler;
//   spec.lambda.handler = "app.lambda_handler";
//   spec.lambda.codeDir = "/src/orders";
//   auto target = storage::makeReplayTarget(spec, timeout);          // error: what is wrong with the spec
//   if (auto failed = storage::startReplayTarget(**target)) ...      // a Lambda module that did not load
//
// And the GUI's command line: splitShellWords() splits text the way a POSIX shell splits words (quotes and
// backslashes, nothing else), so README's `--fail-key '"Id":{"N":"101"}'` passes `"Id":{"N":"101"}`; no shell ever
// runs it.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/replay/handlerprocess.h"
#include "storage/replay/invoketarget.h"
#include "storage/replay/lambdaruntime.h"
#include "storage/replay/replaytarget.h"
#include "storage/store/database.h"

namespace storage {

enum class ReplayTargetKind { Command, LambdaHandler, InvokeApi };

struct ReplayTargetSpec
{
    ReplayTargetKind kind = ReplayTargetKind::Command;
    HandlerCommand command;      ///< Command: argv run directly (no shell), the event on stdin
    LambdaRuntimeOptions lambda; ///< LambdaHandler: --lambda-handler, --code-dir, --runtime, --env...
    InvokeEndpoint endpoint;     ///< InvokeApi: --invoke-url, --function-name, --allow-remote
};

/// Builds the target `spec` names. `timeout` is the per-invocation timeout (a Lambda runtime's init limit is at
/// least that). Errors (InvalidArgument unless a file could not be read) say what is wrong: no command, a bad URL,
/// no such code folder, no python3/node in PATH, ...
Result<std::shared_ptr<ReplayTarget>> makeReplayTarget(const ReplayTargetSpec& spec, std::chrono::milliseconds timeout);

/// Starts what a target must start before the first batch: a Lambda runtime loads the handler's module. nullopt when
/// ready (and for targets without a start phase); otherwise the End::StartFailed outcome (startError = Lambda's
/// reason, stderrText = the runtime's output).
std::optional<HandlerOutcome> startReplayTarget(ReplayTarget& target);

/// Splits a command line into words as a POSIX shell does, without any expansion:
///  - unquoted blanks (space, tab, newline) separate words;
///  - '...' keeps everything literally; "..." too, except that \ escapes $ ` " \ and removes a newline;
///  - an unquoted \ keeps the next character literally (\ at the end of a line joins the lines);
///  - '' and "" make an empty word.
/// What a shell would change or treat as its own syntax is refused unless quoted, with the column (1-based, in
/// characters) and the reason: $ and ` (expansion), | & ; < > ( ) (operators), * ? [ (globs), a leading ~
/// (home folder), a leading # (comment); also an unterminated quote or a trailing \.
Result<std::vector<std::string>> splitShellWords(std::string_view text);

/// A word as a shell would read it back (splitShellWords(quoteShellWord(w)) == {w}): plain when it is made of safe
/// characters only, else in single quotes ('\'' for a quote). For previews and for showing a recorded command.
std::string quoteShellWord(std::string_view word);

} // namespace storage
