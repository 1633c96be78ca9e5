// Benchmark: audit of the 200k-record reference capture.
//
//   bench_audit [--records N] [--keys K] [--workdir DIR] [--runs R] [--no-value-checks] [--memory] [--stored]
//
// Generates gen_capture.py --seed 1 --records 200000 --keys 20000 --ttl-rate 0.25 (lambda-batches, the importer
// issue's reference capture) once into DIR, imports it with the capture importer, then times storage::runAudit
// over the whole store (R runs, default 3; best and median printed; CPU is the process's, both threads) and prints
// the findings per kind. Exit 0 when the median is within 3 s.
//
// --memory: instead, collect-all against streamed-and-grouped, each audit in its own forked process (so one's heap
// does not count in the other's): wall time, CPU and the peak of RssAnon (/proc/self/status sampled every 5 ms on a
// thread; the store is read without memory-mapping, so its pages are not in it) above the process's RssAnon before
// the audit, and the findings each hands over. Exit 0 when the streamed peak is below the collected one.
//
// --stored: the audit kept in the store (storage/history/findingstore.h). Imports the capture less its last batch
// file into a store of its own, times the first update of the kept findings (a full audit written to the store),
// imports the last batch file and times the incremental update (only its keys audited again), then times R runs
// each of reading the kept findings into a FindingGrouper (what `streamscope audit` does when they are current)
// against auditing the store now into a FindingGrouper (`audit --fresh`). Exit 0 when reading them is faster.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include "model/audit.h"
#include "storage/history/auditscan.h"
#include "storage/history/findingstore.h"
#include "storage/import/captureimporter.h"

namespace {

/// RssAnon of this process in KiB (0 when unknown).
long rssAnonKib()
{
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("RssAnon:", 0) == 0)
            return std::atol(line.c_str() + 8);
    }
    return 0;
}

/// One audit in this (forked) process: "collect" keeps every finding in the report, "stream" hands them to a
/// FindingGrouper and keeps only the groups and the findings passed on. Prints one line; returns the exit code.
int measureOnce(storage::Store& store, bool stream, bool valueChecks)
{
    const long before = rssAnonKib();
    std::atomic<bool> done{false};
    std::atomic<long> peak{before};
    std::thread sampler([&] {
        while (!done) {
            peak = std::max(peak.load(), rssAnonKib());
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    });
    storage::AuditRequest request;
    request.options.valueChecks = valueChecks;
    std::size_t handedOver = 0;
    std::size_t kept = 0;
    std::vector<model::Finding> passedOn;
    model::FindingGrouper grouper([&](model::Finding&& f) { passedOn.push_back(std::move(f)); });
    if (stream) {
        request.onFinding = [&](model::Finding&& f) {
            ++handedOver;
            grouper.add(std::move(f));
        };
    }
    const auto t0 = std::chrono::steady_clock::now();
    const std::clock_t c0 = std::clock();
    auto report = storage::runAudit(store, request);
    grouper.finish();
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double cpu = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
    done = true;
    sampler.join();
    peak = std::max(peak.load(), rssAnonKib());
    if (!report) {
        std::fprintf(stderr, "%s\n", report.error().message.c_str());
        return 1;
    }
    if (!stream)
        handedOver = kept = report->findings.size();
    else
        kept = passedOn.size();
    std::printf("%-22s %7.2f s wall  %6.2f s CPU  RssAnon peak %7.1f MiB above %6.1f MiB before  %zu findings -> "
                "%zu kept\n",
                stream ? "streamed + grouped" : "collect-all", wall, cpu, static_cast<double>(peak - before) / 1024.0,
                static_cast<double>(before) / 1024.0, handedOver, kept);
    std::fflush(stdout);
    return 0;
}

/// --memory: both modes, each in a child process; true when both ran.
bool compareMemory(const std::string& storePath, bool valueChecks)
{
    for (const bool stream : {false, true}) {
        std::fflush(stdout);
        const pid_t pid = fork();
        if (pid < 0)
            return false;
        if (pid == 0) {
            auto store = storage::Store::open(storePath, storage::Database::OpenMode::ReadOnly);
            if (!store) {
                std::fprintf(stderr, "%s\n", store.error().message.c_str());
                _exit(1);
            }
            _exit(measureOnce(*store, stream, valueChecks));
        }
        int status = 0;
        if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
            return false;
    }
    return true;
}

double secondsSince(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double medianOf(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

/// --stored (see the top of the file); the exit code.
int compareStored(const std::string& capture, const std::string& storePath, int runs)
{
    std::vector<std::string> files;
    for (const auto& entry : std::filesystem::directory_iterator(capture))
        files.push_back(entry.path().string());
    std::sort(files.begin(), files.end());
    if (files.size() < 2)
        return 1;
    const std::string lastFile = files.back();
    files.pop_back();
    for (const char* suffix : {"", "-wal", "-shm"})
        std::filesystem::remove(storePath + suffix);
    auto store = storage::Store::open(storePath);
    if (!store) {
        std::fprintf(stderr, "%s\n", store.error().message.c_str());
        return 1;
    }
    auto t0 = std::chrono::steady_clock::now();
    if (storage::importCaptures(store->database(), files).exitCode() != 0)
        return 1;
    std::printf("import of %zu files: %.2f s\n", files.size(), secondsSince(t0));
    t0 = std::chrono::steady_clock::now();
    auto first = storage::updateStoredFindings(*store);
    if (!first || !first->written) {
        std::fprintf(stderr, "%s\n", first ? "not written" : first.error().message.c_str());
        return 1;
    }
    std::printf("first audit kept in the store (full, written): %.2f s, %lld records / %lld keys\n", secondsSince(t0),
                static_cast<long long>(first->recordsAudited), static_cast<long long>(first->keysAudited));
    t0 = std::chrono::steady_clock::now();
    if (storage::importCaptures(store->database(), {lastFile}).exitCode() != 0)
        return 1;
    std::printf("import of one more batch file: %.3f s\n", secondsSince(t0));
    t0 = std::chrono::steady_clock::now();
    auto again = storage::updateStoredFindings(*store);
    if (!again || !again->written || again->full) {
        std::fprintf(stderr, "%s\n", again ? "not incremental" : again.error().message.c_str());
        return 1;
    }
    std::printf("re-audit after it (incremental, written): %.3f s, %lld keys / %lld records audited again\n",
                secondsSince(t0), static_cast<long long>(again->keysAudited),
                static_cast<long long>(again->recordsAudited));
    std::vector<double> stored;
    std::vector<double> fresh;
    std::size_t storedGroups = 0;
    std::size_t freshGroups = 0;
    for (int run = 0; run < runs; ++run) {
        std::size_t groups = 0;
        model::FindingGrouper readGrouper([&](model::Finding&&) { ++groups; });
        t0 = std::chrono::steady_clock::now();
        if (auto error =
                storage::forEachStoredFinding(*store, {}, [&](model::Finding&& f) { readGrouper.add(std::move(f)); })) {
            std::fprintf(stderr, "%s\n", error->message.c_str());
            return 1;
        }
        readGrouper.finish();
        stored.push_back(secondsSince(t0));
        storedGroups = groups;
        groups = 0;
        model::FindingGrouper auditGrouper([&](model::Finding&&) { ++groups; });
        storage::AuditRequest request;
        request.onFinding = [&](model::Finding&& f) { auditGrouper.add(std::move(f)); };
        t0 = std::chrono::steady_clock::now();
        if (!storage::runAudit(*store, request))
            return 1;
        auditGrouper.finish();
        fresh.push_back(secondsSince(t0));
        freshGroups = groups;
    }
    std::printf("audit output from the kept findings: %.2f s median (best %.2f); audited now: %.2f s median (best "
                "%.2f); %d runs each, %zu / %zu findings after grouping\n",
                medianOf(stored), *std::min_element(stored.begin(), stored.end()), medianOf(fresh),
                *std::min_element(fresh.begin(), fresh.end()), runs, storedGroups, freshGroups);
    return storedGroups == freshGroups && medianOf(stored) < medianOf(fresh) ? 0 : 2;
}

} // namespace

int main(int argc, char** argv)
{
    int records = 200000;
    int keys = 20000;
    bool valueChecks = true;
    bool memory = false;
    bool stored = false;
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
        else if (a == "--memory")
            memory = true;
        else if (a == "--stored")
            stored = true;
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
    if (stored)
        return compareStored(capture, workdir + "/ref-" + tag + "-kept.streamscope", runs);
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
    if (memory)
        return compareMemory(storePath, valueChecks) ? 0 : 1;
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
