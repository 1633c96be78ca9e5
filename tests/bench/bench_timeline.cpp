// The GUI timeline of one huge key (issue 16 item 9): opening the key in the timeline view model, before and after
// it was paged, each in its own process on the same store in the same run, with wall times, the peak of RssAnon
// (sampled every 5 ms from /proc/PID/status: the heap) and the peak RSS (wait4: also the store's mapped pages).
//
//   bench_timeline [--versions V] [--kb KB] [--workdir DIR]
//
// - whole (before): what the timeline did until it was paged: Store::keyHistory, the key's audit (storage::auditKey)
//   and buildVersions keeping every version's decoded images, handed to the model (TimelineModel::setVersions);
// - paged (after): the key's history index (the versions' heads) handed to the model, then what showing the key does:
//   the last row's page, its images and those of the version before it (the diff), and the Audit cells
//   (keyVersionAudits: the key's audit read a window of records at a time).
// The store (one key of V versions, each image with a KB-sized attribute) is written once into --workdir and reused.

#include <QCoreApplication>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "app/viewmodels/storeaudit.h"
#include "app/viewmodels/storesession.h"
#include "app/viewmodels/timelinemodel.h"
#include "storage/exporttestsupport.h"

namespace fs = std::filesystem;

namespace {

std::string arg(int argc, char** argv, const char* name, const char* fallback)
{
    for (int i = 1; i + 1 < argc; ++i)
        if (std::strcmp(argv[i], name) == 0)
            return argv[i + 1];
    return fallback;
}

double since(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// One key (Pk=huge) of `versions` MODIFYs (an INSERT first), NewImage and OldImage each with `kb` KB of text.
std::string writeStore(const std::string& path, int versions, int kb)
{
    auto store = storage::Store::open(path);
    if (!store)
        return store.error().message;
    const auto image = [kb](int v) { // as bench_scale's huge key: the blob's letter changes with every version
        const std::string blob(static_cast<std::size_t>(kb) * 1024, static_cast<char>('a' + v % 26));
        return R"({"Pk":{"S":"huge"},"n":{"N":")" + std::to_string(v) + R"("},"blob":{"S":")" + blob + R"("}})";
    };
    constexpr int kChunk = 250; // one source per chunk: the writer's input stays small
    for (int first = 0; first < versions; first += kChunk) {
        std::vector<exporttest::Rec> records;
        for (int v = first; v < std::min(versions, first + kChunk); ++v) {
            exporttest::Rec r;
            r.table = "Huge";
            r.arn = "arn:aws:dynamodb:eu-west-1:123456789012:table/Huge/stream/2024-01-01T00:00:00.000";
            r.keysJson = R"({"Pk":{"S":"huge"}})";
            r.event = v == 0 ? "INSERT" : "MODIFY";
            r.seq = std::to_string(100000 + v);
            r.micros = std::int64_t{1'700'000'000} * 1'000'000 + std::int64_t{v} * 1'000'000;
            r.newImage = image(v);
            if (v > 0)
                r.oldImage = image(v - 1);
            records.push_back(std::move(r));
        }
        if (auto error = exporttest::load(*store, records, "huge-" + std::to_string(first)); !error.empty())
            return error;
    }
    return {};
}

std::int64_t hugeKeyId(const std::string& path)
{
    auto store = storage::Store::open(path, storage::Database::OpenMode::ReadOnly);
    if (!store)
        return 0;
    auto table = store->findTable("Huge");
    if (!table || !*table)
        return 0;
    auto key = store->findKey((**table).id, R"({"Pk":{"S":"huge"}})");
    return key && *key ? (**key).id : 0;
}

/// Before: the whole key read, audited and decoded, every version's images kept.
int runWhole(const std::string& path, std::int64_t keyId)
{
    const auto start = std::chrono::steady_clock::now();
    auto store = storage::Store::open(path, storage::Database::OpenMode::ReadOnly);
    if (!store)
        return 2;
    TimelineModel model;
    {
        auto history = store->keyHistory(keyId);
        if (!history)
            return 3;
        std::vector<VersionImages> images;
        auto rows = buildVersions(*history, keyAuditFindings(*store, keyId), &images);
        model.setVersions(std::move(rows), std::move(images));
    }
    const double open = since(start);
    const int last = model.rowCount() - 1;
    const bool shown = model.versionAt(last) && model.images(last) && model.images(last - 1);
    std::printf("whole: %d versions; open (rows, images, audit) %.3f s; select the last %.3f s\n", model.rowCount(),
                open, since(start) - open);
    return shown ? 0 : 4;
}

/// After: the heads, the page and images the selected version needs, the per-version audit.
int runPaged(const std::string& path, std::int64_t keyId)
{
    const auto start = std::chrono::steady_clock::now();
    auto gui = storage::Store::open(path, storage::Database::OpenMode::ReadOnly); // page reads
    auto job = storage::Store::open(path, storage::Database::OpenMode::ReadOnly); // the background jobs
    if (!gui || !job)
        return 2;
    TimelineModel model;
    {
        auto index = job->keyHistoryIndex(keyId);
        if (!index)
            return 3;
        TimelineSource source;
        source.heads = versionHeads(*index);
        source.page = [&](std::int64_t first, int limit) { return readVersionPage(*gui, model.heads(), first, limit); };
        source.images = [&](int row, std::string& error) -> std::optional<VersionImages> {
            auto images = readVersionImages(*gui, model.heads()[static_cast<std::size_t>(row)].recordId);
            if (!images) {
                error = images.error().message;
                return std::nullopt;
            }
            return std::move(*images);
        };
        model.setSource(std::move(source));
    }
    const double open = since(start);
    const int last = model.rowCount() - 1;
    const bool shown = model.versionAt(last) && model.images(last) && model.images(last - 1);
    const double select = since(start) - open;
    auto audit = keyVersionAudits(*job, keyId);
    if (!audit)
        return 5;
    model.setAudit(std::move(*audit));
    std::printf("paged: %d versions; open (heads) %.3f s; select the last (a page, 2 images) %.3f s; Audit cells %.3f "
                "s; %d full rows resident\n",
                model.rowCount(), open, select, since(start) - open - select, model.residentRows());
    return shown ? 0 : 4;
}

long statusKb(pid_t pid, const char* field)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    const std::size_t n = std::strlen(field);
    while (std::getline(in, line))
        if (line.compare(0, n, field) == 0)
            return std::atol(line.c_str() + n);
    return 0;
}

/// Runs this program with `mode` in a child process, sampling its RssAnon.
void measure(const char* self, const char* mode, const std::string& path, std::int64_t keyId)
{
    std::fflush(stdout);
    const auto start = std::chrono::steady_clock::now();
    const std::string key = std::to_string(keyId);
    const pid_t pid = fork();
    if (pid == 0) {
        execl(self, self, "--mode", mode, "--store", path.c_str(), "--key", key.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    long rssAnonPeak = 0;
    int status = 0;
    rusage usage{};
    while (wait4(pid, &status, WNOHANG, &usage) != pid) {
        rssAnonPeak = std::max(rssAnonPeak, statusKb(pid, "RssAnon:"));
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    std::printf("%-6s %8.3f s   RssAnon peak %8.1f MB   peak RSS %8.1f MB%s\n", mode, since(start),
                static_cast<double>(rssAnonPeak) / 1024.0, static_cast<double>(usage.ru_maxrss) / 1024.0,
                WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "" : "   FAILED");
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const std::string mode = arg(argc, argv, "--mode", "");
    if (!mode.empty()) {
        const std::string path = arg(argc, argv, "--store", "");
        const std::int64_t keyId = std::stoll(arg(argc, argv, "--key", "0"));
        return mode == "whole" ? runWhole(path, keyId) : runPaged(path, keyId);
    }
    const int versions = std::max(2, std::stoi(arg(argc, argv, "--versions", "5000")));
    const int kb = std::max(1, std::stoi(arg(argc, argv, "--kb", "100")));
    const fs::path work = arg(argc, argv, "--workdir", (fs::temp_directory_path() / "bench_timeline").c_str());
    fs::create_directories(work);
    const std::string path =
        (work / ("timeline-" + std::to_string(versions) + "x" + std::to_string(kb) + "k.streamscope")).string();
    if (!fs::exists(path)) {
        std::printf("writing %s ...\n", path.c_str());
        if (auto error = writeStore(path, versions, kb); !error.empty()) {
            std::fprintf(stderr, "bench_timeline: %s\n", error.c_str());
            fs::remove(path);
            return 1;
        }
    }
    const std::int64_t keyId = hugeKeyId(path);
    if (keyId == 0) {
        std::fprintf(stderr, "bench_timeline: no key Pk=huge in %s\n", path.c_str());
        return 1;
    }
    std::printf("one key of %d versions x %d KB (store %.1f MB)\n", versions, kb,
                static_cast<double>(fs::file_size(path)) / 1e6);
    measure(argv[0], "whole", path, keyId);
    measure(argv[0], "paged", path, keyId);
    return 0;
}
