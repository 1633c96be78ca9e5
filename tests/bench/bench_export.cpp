// Export benchmark: the 200k-record reference capture (gen_capture.py --seed 1 --records 200000 --keys 20000
// --ttl-rate 0.25, imported into a store first) exported as Lambda event files (batch size 100) in a child process
// per run: records/s, MB/s of files written and peak RSS (wait4). For comparison, the same selection planned with
// every batch held in memory (buildLambdaBatches, what the replay uses), so the bounded memory of the streaming
// export shows in the figures.
//
//   bench_export [--records N] [--keys K] [--workdir DIR] [--runs N] [--batch-size N] [--format lambda|jsonl|csv]
//                [--no-in-memory]
//
// The capture and the store are kept in --workdir (default /tmp/streamscope-bench-export) and reused.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "storage/export/exporter.h"
#include "storage/import/captureimporter.h"
#include "storage/store/store.h"

namespace fs = std::filesystem;

namespace {

struct Run
{
    double seconds = 0;
    double cpuSeconds = 0;
    long peakKb = 0;
    int exitCode = 0;
};

double cpuOf(const rusage& usage)
{
    return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

/// Runs `body` in a child process (the parent holds no store data, so the child's peak RSS is its own work).
template<typename Body>
Run inChild(Body body)
{
    std::fflush(stdout);
    std::fflush(stderr);
    const auto start = std::chrono::steady_clock::now();
    const pid_t pid = fork();
    if (pid == 0) {
        const int code = body();
        std::fflush(stdout);
        std::fflush(stderr);
        _exit(code);
    }
    int status = 0;
    rusage usage{};
    wait4(pid, &status, 0, &usage);
    Run run;
    run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    run.cpuSeconds = cpuOf(usage);
    run.peakKb = usage.ru_maxrss;
    run.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return run;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

std::uint64_t folderBytes(const std::string& path)
{
    std::uint64_t total = 0;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(path, ec)) {
        if (e.is_regular_file() && e.path().filename() != "manifest.json")
            total += e.file_size();
    }
    return total;
}

double loadAverage()
{
    double load[1] = {0};
    return getloadavg(load, 1) == 1 ? load[0] : -1;
}

} // namespace

int main(int argc, char** argv)
{
    int records = 200000;
    int keys = 20000;
    int runs = 3;
    std::size_t batchSize = 100;
    bool inMemory = true;
    std::string format = "lambda";
    std::string workdir = "/tmp/streamscope-bench-export";
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : std::string(); };
        if (a == "--records")
            records = std::atoi(next().c_str());
        else if (a == "--keys")
            keys = std::atoi(next().c_str());
        else if (a == "--workdir")
            workdir = next();
        else if (a == "--runs")
            runs = std::max(1, std::atoi(next().c_str()));
        else if (a == "--batch-size")
            batchSize = static_cast<std::size_t>(std::atoi(next().c_str()));
        else if (a == "--format")
            format = next();
        else if (a == "--no-in-memory")
            inMemory = false;
        else {
            std::fprintf(stderr,
                         "usage: bench_export [--records N] [--keys K] [--workdir DIR] [--runs N] [--batch-size N] "
                         "[--format lambda|jsonl|csv] [--no-in-memory]\n");
            return 2;
        }
    }
    const auto exportFormat = storage::parseExportFormat(format);
    if (!exportFormat) {
        std::fprintf(stderr, "unknown --format %s\n", format.c_str());
        return 2;
    }
    fs::create_directories(workdir);
    const std::string tag = std::to_string(records) + "-" + std::to_string(keys);
    const std::string capture = workdir + "/ref-" + tag;
    const std::string storePath = workdir + "/ref-" + tag + ".streamscope";
    const std::string common =
        " --seed 1 --records " + std::to_string(records) + " --keys " + std::to_string(keys) + " --ttl-rate 0.25";
    if (!fs::exists(capture)) {
        const std::string cmd =
            "python3 " STREAMSCOPE_SHARED_DIR "/tools/gen_capture.py" + common + " --quiet --out " + capture;
        std::printf("generating: %s\n", cmd.c_str());
        if (std::system(cmd.c_str()) != 0)
            return 1;
    }
    if (!fs::exists(storePath)) {
        const Run imported = inChild([&] {
            auto store = storage::Store::open(storePath);
            if (!store) {
                std::fprintf(stderr, "%s\n", store.error().message.c_str());
                return 1;
            }
            return storage::importCaptures(store->database(), {capture}).exitCode();
        });
        std::printf("imported into %s in %.1f s (exit %d)\n", storePath.c_str(), imported.seconds, imported.exitCode);
        if (imported.exitCode != 0)
            return 1;
    }
    std::printf("reference capture: gen_capture.py%s; export as %s, batch size %zu; load average %.2f\n",
                common.c_str(), format.c_str(), batchSize, loadAverage());

    // Baseline: opening the store and nothing else.
    const Run baseline = inChild([&] {
        auto store = storage::Store::open(storePath, storage::Database::OpenMode::ReadOnly);
        if (!store)
            return 1;
        auto totals = store->totals();
        return totals ? 0 : 1;
    });

    std::vector<double> seconds, cpu, peaks;
    std::int64_t written = 0;
    std::uint64_t bytes = 0;
    std::size_t files = 0;
    for (int run = 0; run < runs; ++run) {
        const std::string out = workdir + "/out";
        const Run r = inChild([&] {
            auto store = storage::Store::open(storePath, storage::Database::OpenMode::ReadOnly);
            if (!store) {
                std::fprintf(stderr, "%s\n", store.error().message.c_str());
                return 1;
            }
            storage::ExportOptions options;
            options.folder = out;
            options.format = *exportFormat;
            options.limits.maxRecords = batchSize;
            options.force = true;
            auto report = storage::exportRecords(*store, {}, options);
            if (!report) {
                std::fprintf(stderr, "%s\n", report.error().message.c_str());
                return 1;
            }
            std::printf("    run %d: %lld records into %zu files\n", run + 1,
                        static_cast<long long>(report->recordsWritten), report->files.size());
            return 0;
        });
        if (r.exitCode != 0)
            return 1;
        seconds.push_back(r.seconds);
        cpu.push_back(r.cpuSeconds);
        peaks.push_back(static_cast<double>(r.peakKb) / 1024.0);
        bytes = folderBytes(out);
        files = 0;
        for (const auto& e : fs::directory_iterator(out))
            files += e.path().filename() != "manifest.json" ? 1 : 0;
    }
    {
        auto store = storage::Store::open(storePath, storage::Database::OpenMode::ReadOnly);
        auto totals = store ? store->totals() : storage::Result<storage::StoreTotals>(store.error());
        written = totals ? totals->records : 0;
    }
    const double s = median(seconds);
    std::printf("streaming export: %lld records, %zu files, %.1f MB written: median %.2f s wall (%.2f s CPU) = "
                "%.0f records/s, %.1f MB/s; peak RSS %.1f MB (max of %d runs %.1f MB; store open alone %.1f MB)\n",
                static_cast<long long>(written), files, static_cast<double>(bytes) / 1e6, s, median(cpu),
                static_cast<double>(written) / s, static_cast<double>(bytes) / 1e6 / s, median(peaks), runs,
                *std::max_element(peaks.begin(), peaks.end()), static_cast<double>(baseline.peakKb) / 1024.0);

    if (inMemory) {
        const Run r = inChild([&] {
            auto store = storage::Store::open(storePath, storage::Database::OpenMode::ReadOnly);
            if (!store)
                return 1;
            storage::BatchLimits limits;
            limits.maxRecords = batchSize;
            auto build = storage::buildLambdaBatches(*store, {}, limits);
            if (!build)
                return 1;
            std::printf("    in memory: %zu batches\n", build->batches.size());
            return 0;
        });
        std::printf("for comparison, every batch held in memory (buildLambdaBatches): %.2f s wall, peak RSS %.1f MB\n",
                    r.seconds, static_cast<double>(r.peakKb) / 1024.0);
    }
    std::printf("workdir: %s (capture and store kept for the next run; remove when done)\n", workdir.c_str());
    return 0;
}
