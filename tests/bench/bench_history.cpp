// Benchmark: history of one key with many versions, from the store.
//
//   bench_history [--versions N] [--workdir DIR]
//
// Generates a capture with one key (gen_capture.py --keys 1 --records N, default 10,000), imports it with the
// capture importer, then times (best of 5): loading the key's records from the store + rebuilding the versions
// (images stay text, decoded lazily), and additionally computing every version's changes (the history view/CLI).

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <string>

#include "model/audit.h"
#include "storage/captureimporter.h"
#include "storage/historyservice.h"

namespace {

double ms(std::chrono::steady_clock::duration d)
{
    return std::chrono::duration<double, std::milli>(d).count();
}

} // namespace

int main(int argc, char** argv)
{
    int versions = 10000;
    std::string workdir = "/tmp/streamscope-bench-history";
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--versions")
            versions = std::atoi(argv[i + 1]);
        else if (a == "--workdir")
            workdir = argv[i + 1];
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
    std::filesystem::remove(storePath);
    std::filesystem::remove(storePath + "-wal");
    std::filesystem::remove(storePath + "-shm");
    {
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

    double bestLoad = 1e18;
    double bestFull = 1e18;
    double bestLoadCpu = 1e18;
    std::size_t count = 0;
    std::size_t changes = 0;
    for (int run = 0; run < 5; ++run) {
        const auto t0 = std::chrono::steady_clock::now();
        const std::clock_t c0 = std::clock();
        auto loaded = storage::loadHistory(*store, keyId);
        const auto t1 = std::chrono::steady_clock::now();
        bestLoadCpu = std::min(bestLoadCpu, 1000.0 * static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC);
        if (!loaded) {
            std::fprintf(stderr, "%s\n", loaded.error().message.c_str());
            return 1;
        }
        changes = 0;
        for (std::size_t i = 0; i < loaded->history.size(); ++i) {
            if (auto c = loaded->history.changes(i))
                changes += c->changes.size();
        }
        const auto t2 = std::chrono::steady_clock::now();
        count = loaded->history.size();
        bestLoad = std::min(bestLoad, ms(t1 - t0));
        bestFull = std::min(bestFull, ms(t2 - t0));
    }
    std::printf("history of one key with %zu versions (best of 5):\n", count);
    std::printf("  load from store + rebuild versions: %.1f ms wall, %.1f ms CPU (limit 50 ms)\n", bestLoad,
                bestLoadCpu);
    std::printf("  ... plus every version's changes (%zu changes): %.1f ms\n", changes, bestFull);
    return bestLoad <= 50.0 ? 0 : 2;
}
