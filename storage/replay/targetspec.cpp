#include "storage/replay/targetspec.h"

#include <algorithm>

#include "storage/replay/commandtarget.h"

namespace storage {

namespace {

Error invalid(std::string message)
{
    return Error{Error::Kind::InvalidArgument, 0, std::move(message)};
}

/// 1-based column in characters of byte `offset` of UTF-8 `text`.
std::size_t columnOf(std::string_view text, std::size_t offset)
{
    std::size_t column = 1;
    for (std::size_t i = 0; i < offset && i < text.size(); ++i)
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80)
            ++column;
    return column;
}

bool isBlank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

} // namespace

Result<std::shared_ptr<ReplayTarget>> makeReplayTarget(const ReplayTargetSpec& spec, std::chrono::milliseconds timeout)
{
    switch (spec.kind) {
    case ReplayTargetKind::Command:
        if (spec.command.argv.empty() || spec.command.argv.front().empty())
            return invalid("no handler command given");
        return std::shared_ptr<ReplayTarget>(std::make_shared<CommandTarget>(spec.command));
    case ReplayTargetKind::LambdaHandler: {
        if (spec.lambda.handler.empty())
            return invalid("no Lambda handler given (Lambda's Handler string, e.g. app.lambda_handler)");
        LambdaRuntimeOptions options = spec.lambda;
        if (options.codeDir.empty())
            options.codeDir = ".";
        options.initTimeout = std::max(options.initTimeout, timeout);
        auto target = LambdaRuntimeTarget::create(options);
        if (!target)
            return target.error();
        return std::shared_ptr<ReplayTarget>(std::move(*target));
    }
    case ReplayTargetKind::InvokeApi: {
        auto target = InvokeApiTarget::create(spec.endpoint);
        if (!target)
            return target.error();
        return std::shared_ptr<ReplayTarget>(std::move(*target));
    }
    }
    return invalid("unknown replay target kind");
}

std::optional<HandlerOutcome> startReplayTarget(ReplayTarget& target)
{
    if (auto* runtime = dynamic_cast<LambdaRuntimeTarget*>(&target))
        return runtime->start();
    return std::nullopt;
}

Result<std::vector<std::string>> splitShellWords(std::string_view text)
{
    std::vector<std::string> words;
    std::string word;
    bool inWord = false; // a word has begun (also an empty one: '' or "")
    auto fail = [&](std::size_t at, const std::string& why) {
        return invalid("column " + std::to_string(columnOf(text, at)) + ": " + why);
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (isBlank(c)) {
            if (inWord)
                words.push_back(std::move(word));
            word.clear();
            inWord = false;
            continue;
        }
        switch (c) {
        case '\'': {
            const std::size_t close = text.find('\'', i + 1);
            if (close == std::string_view::npos)
                return fail(i, "the ' opened here is not closed");
            word.append(text.substr(i + 1, close - i - 1));
            inWord = true;
            i = close;
            continue;
        }
        case '"': {
            const std::size_t open = i;
            bool closed = false;
            for (++i; i < text.size(); ++i) {
                const char d = text[i];
                if (d == '"') {
                    closed = true;
                    break;
                }
                if (d == '\\' && i + 1 < text.size()
                    && (text[i + 1] == '$' || text[i + 1] == '`' || text[i + 1] == '"' || text[i + 1] == '\\'
                        || text[i + 1] == '\n')) {
                    if (text[i + 1] != '\n')
                        word.push_back(text[i + 1]);
                    ++i;
                    continue;
                }
                if (d == '$' || d == '`')
                    return fail(i,
                                std::string("a shell would expand ") + d
                                    + " inside \"...\" and no shell runs the handler: write it inside '...' or "
                                      "as \\"
                                    + d);
                word.push_back(d);
            }
            if (!closed)
                return fail(open, "the \" opened here is not closed");
            inWord = true;
            continue;
        }
        case '\\':
            if (i + 1 >= text.size())
                return fail(i, "a \\ at the end escapes nothing");
            ++i;
            if (text[i] != '\n') // \ + newline joins the lines
            {
                word.push_back(text[i]);
                inWord = true;
            }
            continue;
        case '$':
        case '`':
            return fail(i,
                        std::string("a shell would expand ") + c
                            + " and no shell runs the handler: write it inside '...' or as \\" + c);
        case '|':
        case '&':
        case ';':
        case '<':
        case '>':
        case '(':
        case ')':
            return fail(i,
                        std::string(1, c)
                            + " is shell syntax (pipes, redirections, lists) and no shell runs the handler: "
                              "quote it to pass it as text, or put a script in the command");
        case '*':
        case '?':
        case '[':
            return fail(i,
                        std::string("a shell would expand the pattern ") + c
                            + " to file names and no shell runs the handler: quote it to pass it as text");
        case '~':
            if (!inWord)
                return fail(i,
                            "a shell would replace a leading ~ with the home folder and no shell runs the "
                            "handler: write the path in full, or quote it to pass ~ as text");
            break;
        case '#':
            if (!inWord)
                return fail(i, "a shell would take a word starting with # as a comment: quote it to pass it as text");
            break;
        default:
            break;
        }
        word.push_back(c);
        inWord = true;
    }
    if (inWord)
        words.push_back(std::move(word));
    return words;
}

std::string quoteShellWord(std::string_view word)
{
    const bool plain = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
            || std::string_view("_@%+=:,./-").find(c) != std::string_view::npos;
    });
    if (plain && word.front() != '~' && word.front() != '#')
        return std::string(word);
    std::string quoted = "'";
    for (const char c : word) {
        if (c == '\'')
            quoted += "'\\''";
        else
            quoted.push_back(c);
    }
    quoted += "'";
    return quoted;
}

} // namespace storage
