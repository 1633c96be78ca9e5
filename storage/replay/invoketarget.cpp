#include "storage/replay/invoketarget.h"

#include <mutex>
#include <regex>

#include <arpa/inet.h>
#include <curl/curl.h>
#include <nlohmann/json.hpp>

#include "model/base64.h"

namespace storage {

namespace {

void initCurlOnce()
{
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct UrlHandle
{
    CURLU* url = curl_url();
    UrlHandle() = default;
    UrlHandle(const UrlHandle&) = delete;
    UrlHandle& operator=(const UrlHandle&) = delete;
    ~UrlHandle() { curl_url_cleanup(url); }

    std::string part(CURLUPart which) const
    {
        char* value = nullptr;
        if (curl_url_get(url, which, &value, 0) != CURLUE_OK || !value)
            return {};
        std::string text(value);
        curl_free(value);
        return text;
    }
};

bool isLoopbackHost(std::string host)
{
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    if (host == "localhost")
        return true;
    in_addr v4{};
    if (inet_pton(AF_INET, host.c_str(), &v4) == 1)
        return (ntohl(v4.s_addr) >> 24) == 127;
    in6_addr v6{};
    return inet_pton(AF_INET6, host.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

std::string escapePathSegment(const std::string& text)
{
    char* escaped = curl_easy_escape(nullptr, text.c_str(), static_cast<int>(text.size()));
    std::string result = escaped ? escaped : "";
    curl_free(escaped);
    return result;
}

struct Transfer
{
    std::string body;
    bool truncated = false;
    const std::atomic<bool>* stopped = nullptr;
};

extern "C" size_t collectBody(char* data, size_t size, size_t count, void* user)
{
    auto* transfer = static_cast<Transfer*>(user);
    const std::size_t bytes = size * count;
    const std::size_t room =
        kMaxCapturedOutput > transfer->body.size() ? kMaxCapturedOutput - transfer->body.size() : 0;
    if (bytes > room)
        transfer->truncated = true;
    transfer->body.append(data, std::min(bytes, room));
    return bytes;
}

extern "C" int checkStopped(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t)
{
    const auto* transfer = static_cast<const Transfer*>(user);
    return transfer->stopped->load() ? 1 : 0; // non-zero aborts the transfer (CURLE_ABORTED_BY_CALLBACK)
}

std::string header(CURL* curl, const char* name)
{
    curl_header* h = nullptr;
    if (curl_easy_header(curl, name, 0, CURLH_HEADER, -1, &h) != CURLHE_OK || !h || !h->value)
        return {};
    return h->value;
}

std::string errorJson(const std::string& type, const std::string& message)
{
    return nlohmann::json{{"errorType", type}, {"errorMessage", message}}.dump(
        -1, ' ', false, nlohmann::json::error_handler_t::replace);
}

HandlerOutcome functionError(std::string body)
{
    HandlerOutcome o;
    o.end = HandlerOutcome::End::FunctionError;
    o.stdoutText = std::move(body);
    return o;
}

HandlerOutcome unusable(std::string why)
{
    HandlerOutcome o;
    o.end = HandlerOutcome::End::StartFailed;
    o.startError = std::move(why);
    return o;
}

/// The Runtime Interface Emulator answers a function error with 200 and the error object alone.
bool isBareErrorObject(const std::string& body)
{
    const auto j = nlohmann::json::parse(body, nullptr, false);
    if (!j.is_object() || !j.contains("errorMessage") || !j.contains("errorType"))
        return false;
    for (const auto& [key, value] : j.items()) {
        if (key != "errorMessage" && key != "errorType" && key != "stackTrace" && key != "requestId" && key != "cause")
            return false;
    }
    return j["errorMessage"].is_string() && j["errorType"].is_string();
}

/// Reads a finished HTTP exchange as Lambda (and the emulators) mean it.
HandlerOutcome classifyAnswer(CURL* curl, long status, Transfer& transfer, const std::string& url,
                              const std::string& functionName)
{
    const std::string errorType = header(curl, "x-amzn-ErrorType");
    if (status == 404)
        return unusable("no function named '" + functionName + "' at " + url + " (HTTP 404"
                        + (errorType.empty() ? std::string{} : ", " + errorType.substr(0, errorType.find(':'))) + ")");
    if (status != 200) {
        const std::string type = errorType.empty() ? "HTTP " + std::to_string(status) : errorType;
        return functionError(errorJson(type, transfer.body.substr(0, 2000)));
    }
    if (!header(curl, "X-Amz-Function-Error").empty() || isBareErrorObject(transfer.body))
        return functionError(std::move(transfer.body));
    static const std::regex timedOut(R"(Task timed out after [0-9.]+ seconds)");
    if (std::regex_search(transfer.body, timedOut)) {
        HandlerOutcome o;
        o.end = HandlerOutcome::End::TimedOut;
        o.stdoutText = std::move(transfer.body);
        return o;
    }
    if (transfer.body.empty())
        return functionError(errorJson("Runtime.ExitError", "the runtime ended without a response (empty body)"));
    HandlerOutcome o;
    o.end = HandlerOutcome::End::Exited;
    o.stdoutText = std::move(transfer.body);
    o.stdoutTruncated = transfer.truncated;
    return o;
}

/// A transfer that did not complete: the endpoint is not there, the call timed out, or it was stopped.
HandlerOutcome classifyFailure(CURLcode code, const char* detail, const std::string& url, bool stopped)
{
    HandlerOutcome o;
    if (stopped || code == CURLE_ABORTED_BY_CALLBACK) {
        o.end = HandlerOutcome::End::Signaled;
        o.stopped = true;
        return o;
    }
    const std::string why = detail && *detail ? detail : curl_easy_strerror(code);
    switch (code) {
    case CURLE_COULDNT_CONNECT:
        return unusable("the Invoke API endpoint " + url + " is not running (" + why + ")");
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
        return unusable("cannot reach the Invoke API endpoint " + url + " (" + why + ")");
    case CURLE_OPERATION_TIMEDOUT:
        o.end = HandlerOutcome::End::TimedOut;
        return o;
    default:
        return functionError(errorJson("Streamscope.InvokeFailed", "the call to " + url + " failed: " + why));
    }
}

} // namespace

Result<std::shared_ptr<InvokeApiTarget>> InvokeApiTarget::create(const InvokeEndpoint& endpoint)
{
    initCurlOnce();
    UrlHandle url;
    if (!url.url || curl_url_set(url.url, CURLUPART_URL, endpoint.url.c_str(), 0) != CURLUE_OK)
        return Error{Error::Kind::InvalidArgument, 0, "--invoke-url: '" + endpoint.url + "' is not a URL"};
    const std::string scheme = url.part(CURLUPART_SCHEME);
    if (scheme != "http" && scheme != "https")
        return Error{Error::Kind::InvalidArgument, 0, "--invoke-url: only http:// and https:// URLs are supported"};
    const std::string host = url.part(CURLUPART_HOST);
    auto target = std::shared_ptr<InvokeApiTarget>(new InvokeApiTarget());
    target->m_loopback = isLoopbackHost(host);
    if (!target->m_loopback && !endpoint.allowRemote)
        return Error{Error::Kind::InvalidArgument, 0,
                     "--invoke-url: " + host
                         + " is not a loopback address; replay sends your records to it, so only localhost, "
                           "127.0.0.0/8 and ::1 are used unless --allow-remote is given"};
    std::string path = url.part(CURLUPART_PATH);
    std::string name = endpoint.functionName;
    static const std::regex invocations(R"(^(.*)/2015-03-31/functions/([^/]+)/invocations/?$)");
    std::smatch match;
    if (std::regex_match(path, match, invocations)) {
        char* decoded = curl_easy_unescape(nullptr, match[2].str().c_str(), 0, nullptr);
        const std::string inUrl = decoded ? decoded : "";
        curl_free(decoded);
        if (!name.empty() && name != inUrl)
            return Error{Error::Kind::InvalidArgument, 0,
                         "--function-name " + name + " differs from the function in the URL (" + inUrl + ")"};
        name = inUrl;
        path = match[1].str();
    }
    if (name.empty())
        return Error{Error::Kind::InvalidArgument, 0,
                     "--invoke-url needs the function's name: --function-name NAME (or a URL ending in "
                     "/2015-03-31/functions/NAME/invocations)"};
    while (!path.empty() && path.back() == '/')
        path.pop_back();
    curl_url_set(url.url, CURLUPART_PATH, path.empty() ? "/" : path.c_str(), 0);
    curl_url_set(url.url, CURLUPART_QUERY, nullptr, 0);
    curl_url_set(url.url, CURLUPART_FRAGMENT, nullptr, 0);
    target->m_baseUrl = url.part(CURLUPART_URL);
    while (!target->m_baseUrl.empty() && target->m_baseUrl.back() == '/')
        target->m_baseUrl.pop_back();
    target->m_functionName = name;
    target->m_invocationsUrl = target->m_baseUrl + "/2015-03-31/functions/" + escapePathSegment(name) + "/invocations";
    return target;
}

std::vector<std::string> InvokeApiTarget::description() const
{
    return {"--invoke-url", m_baseUrl, "--function-name", m_functionName};
}

HandlerOutcome InvokeApiTarget::invoke(std::string_view eventJson, const std::string& requestId,
                                       std::chrono::milliseconds timeout)
{
    const auto started = std::chrono::steady_clock::now();
    if (m_stopped.load())
        return classifyFailure(CURLE_ABORTED_BY_CALLBACK, nullptr, m_baseUrl, true);
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
    if (!curl)
        return unusable("libcurl could not be initialised");
    Transfer transfer;
    transfer.stopped = &m_stopped;
    char errorText[CURL_ERROR_SIZE] = {};
    curl_slist* headers = nullptr;
    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, "X-Amz-Invocation-Type: RequestResponse");
    headers = curl_slist_append(headers, "X-Amz-Log-Type: Tail");
    headers = curl_slist_append(headers, ("X-Amz-Client-Request-Id: " + requestId).c_str());
    headers = curl_slist_append(headers, "Expect:"); // no 100-continue round trip
    CURL* h = curl.get();
    curl_easy_setopt(h, CURLOPT_URL, m_invocationsUrl.c_str());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    if (m_loopback)
        curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, eventJson.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(eventJson.size()));
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collectBody);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, checkStopped);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, &transfer);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errorText);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min<std::int64_t>(timeout.count(), 10000)));
    const CURLcode code = curl_easy_perform(h);
    curl_slist_free_all(headers);
    HandlerOutcome outcome;
    if (code != CURLE_OK) {
        outcome = classifyFailure(code, errorText, m_baseUrl, m_stopped.load());
    } else {
        long status = 0;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        outcome = classifyAnswer(h, status, transfer, m_baseUrl, m_functionName);
        if (auto log = model::base64Decode(header(h, "X-Amz-Log-Result")))
            outcome.stderrText = std::move(*log);
    }
    outcome.durationMs =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
    return outcome;
}

} // namespace storage
