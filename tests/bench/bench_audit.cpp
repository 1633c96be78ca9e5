// Benchmark: audit of the 200k-record reference capture.
//
//   bench_audit [--records N] [--keys K] [--workdir DIR] [--runs R] [--no-value-checks]
//
// Generates gen_capture.py --seed 1 --records 200000 --keys 20000 --ttl-rate 0.25 (lambda-batches, the importer
// issue's reference capture) once into DIR, imports it with the capture importer, then times storage::runAudit
// over the whole store (R runs, default 3; best and median printed; CPU is the process's, both threads) and prints
// the findings per kind. Exit 0 when the median is within 3 s.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "model/audit.h"
#include "storage/history/auditscan.h"
#include "storage/import/captureimporter.h"

int main(int argc, char** argv)
{
    int records = 200000;
    int keys = 20000;
    bool valueChecks = true;
    int runs = 3;
    std::string workdir = "/tmp/streamscope-bench-audit";
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--records" && i + 1 < argc)
            records = std::atoi(argv[++i]);
        else if (a == "--keys" && i + 1 < argc)
            keys = std::atoi(argv[++i]);
        else if (a == "--workdir" && i + 1 < argc)
            workdir = argv[++i];
        else if (a == "--runs" && i + 1 < argc)
            runs = std::max(1, std::atoi(argv[++i]));
        else if (a == "--no-value-checks")
            valueChecks = false;
    }
    std::filesystem::create_directories(workdir);
    const std::string tag = std::to_string(records) + "-" + std::to_string(keys);
    const std::string capture = workdir + "/ref-" + tag;
    const std::string storePath = workdir + "/ref-" + tag + ".streamscope";
    if (!std::filesystem::exists(capture)) {
        const std::string cmd = "python3 " STREAMSCOPE_SHARED_DIR "/tools/gen_capture.py --seed 1 --records "
            + std::to_string(records) + " --keys " + std::to_string(keys) + " --ttl-rate 0.25 --quiet --out " + capture;
        std::printf("generating: %s\n", cmd.c_str());
        if (std::system(cmd.c_str()) != 0)
            return 1;
    }
    if (!std::filesystem::exists(storePath)) {
        auto store = storage::Store::open(storePath);
        if (!store) {
            std::fprintf(stderr, "%s\n", store.error().message.c_str());
            return 1;
        }
        const auto t0 = std::chrono::steady_clock::now();
        auto summary = storage::importCaptures(store->database(), {capture});
        std::printf("imported in %.1f s (exit %d)\n",
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), summary.exitCode());
        if (summary.exitCode() != 0)
            return 1;
    }
    auto store = storage::Store::open(storePath, storage::Database::OpenMode::ReadOnly);
    if (!store) {
        std::fprintf(stderr, "%s\n", store.error().message.c_str());
        return 1;
    }
    std::vector<double> wall;
    std::vector<double> cpu;
    storage::AuditReport last;
    for (int run = 0; run < runs; ++run) {
        storage::AuditRequest request;
        request.options.valueChecks = valueChecks;
        const auto t0 = std::chrono::steady_clock::now();
        const std::clock_t c0 = std::clock();
        auto report = storage::runAudit(*store, request);
        wall.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
        cpu.push_back(static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC);
        if (!report) {
            std::fprintf(stderr, "%s\n", report.error().message.c_str());
            return 1;
        }
        last = std::move(*report);
    }
    const auto median = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return v[v.size() / 2];
    };
    std::printf("audit of %lld records / %lld keys%s: %.2f s wall median (best %.2f), %.2f s CPU median, %d runs "
                "(limit 3 s), %zu findings\n",
                static_cast<long long>(last.records), static_cast<long long>(last.keys),
                valueChecks ? "" : " (no value checks)", median(wall), *std::min_element(wall.begin(), wall.end()),
                median(cpu), runs, last.findings.size());
    for (const auto& [kind, n] : model::countFindings(last.findings))
        std::printf("  %s: %lld\n", kind.c_str(), static_cast<long long>(n));
    return median(wall) <= 3.0 ? 0 : 2;
}
