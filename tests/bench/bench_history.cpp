// Benchmark: history of one key with many versions, from the store.
//
//   bench_history [--versions N] [--workdir DIR] [--runs R] [--reuse] [--load-only]
//
// Generates a capture with one key (gen_capture.py --keys 1 --records N, default 10,000), imports it with the
// capture importer (--reuse: keep a store imported by an earlier run), then times R runs (default 7; best and
// median printed): loading the key's records from the store + rebuilding the versions (images stay text, decoded
// lazily), the store query alone (Store::keyHistory), and additionally computing every version's changes (the
// history view/CLI). Exit 0 when the median load is within 50 ms.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "model/audit.h"
#include "storage/history/keyhistory.h"
#include "storage/import/captureimporter.h"

namespace {

double ms(std::chrono::steady_clock::duration d)
{
    return std::chrono::duration<double, std::milli>(d).count();
}

double best(std::vector<double> v)
{
    return *std::min_element(v.begin(), v.end());
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

} // namespace

int main(int argc, char** argv)
{
    int versions = 10000;
    int runs = 7;
    bool reuse = false;
    bool loadOnly = false;
    std::string workdir = "/tmp/streamscope-bench-history";
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--versions" && i + 1 < argc)
            versions = std::atoi(argv[++i]);
        else if (a == "--workdir" && i + 1 < argc)
            workdir = argv[++i];
        else if (a == "--runs" && i + 1 < argc)
            runs = std::max(1, std::atoi(argv[++i]));
        else if (a == "--reuse")
            reuse = true;
        else if (a == "--load-only") // for profiling: skip the changes
            loadOnly = true;
    }
    std::filesystem::create_directories(workdir);
    const std::string capture = workdir + "/onekey-" + std::to_string(versions) + ".jsonl";
    const std::string storePath = workdir + "/onekey-" + std::to_string(versions) + ".streamscope";
    if (!std::filesystem::exists(capture)) {
        const std::string cmd = "python3 " STREAMSCOPE_SHARED_DIR "/tools/gen_capture.py --seed 3 --keys 1 --records "
            + std::to_string(versions) + " --layout jsonl --quiet --out " + capture;
        if (std::system(cmd.c_str()) != 0) {
            std::fprintf(stderr, "generator failed: %s\n", cmd.c_str());
            return 1;
        }
    }
    if (!reuse || !std::filesystem::exists(storePath)) {
        std::filesystem::remove(storePath);
        std::filesystem::remove(storePath + "-wal");
        std::filesystem::remove(storePath + "-shm");
        auto store = storage::Store::open(storePath);
        if (!store) {
            std::fprintf(stderr, "%s\n", store.error().message.c_str());
            return 1;
        }
        auto summary = storage::importCaptures(store->database(), {capture});
        if (summary.exitCode() != 0) {
            std::fprintf(stderr, "import failed (exit %d)\n", summary.exitCode());
            return 1;
        }
    }
    auto store = storage::Store::open(storePath, storage::Database::OpenMode::ReadOnly);
    auto keys = store->keys({});
    const std::int64_t keyId = keys->keys.front().id;

    std::vector<double> load;
    std::vector<double> loadCpu;
    std::vector<double> query;
    std::vector<double> full;
    std::size_t count = 0;
    std::size_t changes = 0;
    for (int run = 0; run < runs; ++run) {
        const auto q0 = std::chrono::steady_clock::now();
        {
            auto rows = store->keyHistory(keyId);
            query.push_back(ms(std::chrono::steady_clock::now() - q0)); // freeing the rows not included
            if (!rows) {
                std::fprintf(stderr, "%s\n", rows.error().message.c_str());
                return 1;
            }
        }

        const auto t0 = std::chrono::steady_clock::now();
        const std::clock_t c0 = std::clock();
        auto loaded = storage::loadHistory(*store, keyId);
        const auto t1 = std::chrono::steady_clock::now();
        loadCpu.push_back(1000.0 * static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC);
        if (!loaded) {
            std::fprintf(stderr, "%s\n", loaded.error().message.c_str());
            return 1;
        }
        changes = 0;
        for (std::size_t i = 0; !loadOnly && i < loaded->history.size(); ++i) {
            if (auto c = loaded->history.changes(i))
                changes += c->changes.size();
        }
        const auto t2 = std::chrono::steady_clock::now();
        count = loaded->history.size();
        load.push_back(ms(t1 - t0));
        full.push_back(ms(t2 - t0));
    }
    std::printf("history of one key with %zu versions (%d runs, best / median):\n", count, runs);
    std::printf("  load from store + rebuild versions: %.1f / %.1f ms wall, %.1f / %.1f ms CPU (limit 50 ms)\n",
                best(load), median(load), best(loadCpu), median(loadCpu));
    std::printf("    of which the store query (Store::keyHistory): %.1f / %.1f ms\n", best(query), median(query));
    std::printf("  ... plus every version's changes (%zu changes): %.1f / %.1f ms\n", changes, best(full),
                median(full));
    return median(load) <= 50.0 ? 0 : 2;
}
