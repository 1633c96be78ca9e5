// Import benchmark: the reference capture (gen_capture.py --seed 1 --records 200000 --keys 20000 --ttl-rate 0.25)
// in --layout single (one 422 MB file) and the default lambda-batches (2,000 files), each imported into a fresh
// store in a child process (peak RSS from wait4), best-of/median of --runs; then the sqlite3 CLI json_each route
// over the single file as the in-run reference.
//
//   bench_import [--single FILE] [--batches DIR] [--workdir DIR] [--runs N] [--no-sqlite3] [--only single|batches]
//   bench_import --big-records N [--record-kb K] [--workdir DIR] [--runs N]
//
// --big-records: instead of the reference capture, one Lambda event file of N records of about K KB each (default
// 100: a NewImage string of that size; written into the workdir once) is imported; memory is what it measures.
// --group-ms, --group-files, --wal-pages, --batch-bytes (0: no byte bound on the hand-over batches, the importer
// before that bound existed) override ImportOptions (defaults: the importer's).
// Every child's peak RssAnon (anonymous memory: the heap, not the mapped program and files) is sampled from
// /proc/PID/status every 5 ms and reported beside the peak RSS of wait4.
// --only runs one layout (for profiling: perf record -g --call-graph dwarf bench_import --only batches ...).

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "storage/import/captureimporter.h"
#include "storage/store/store.h"

namespace fs = std::filesystem;

namespace {

struct Run
{
    double seconds = 0;
    long peakKb = 0;
    long peakAnonKb = 0;   ///< RssAnon sampled from /proc/PID/status
    double cpuSeconds = 0; ///< user + system time of the child (less sensitive to a busy machine)
    int exitCode = 0;
    long long records = -1; ///< records the child imported (read back through a pipe), -1 if unknown
};

double cpuOf(const rusage& usage)
{
    return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

std::uint64_t pathBytes(const std::string& path)
{
    std::uint64_t total = 0;
    if (fs::is_directory(path)) {
        for (const auto& e : fs::recursive_directory_iterator(path))
            if (e.is_regular_file())
                total += e.file_size();
    } else {
        total = fs::file_size(path);
    }
    return total;
}

/// RssAnon of a process in kB (0 once it is gone).
long rssAnonKb(pid_t pid)
{
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("RssAnon:", 0) == 0)
            return std::atol(line.c_str() + 8);
    return 0;
}

/// Waits for the child, sampling its RssAnon every 5 ms; returns the peak seen.
long waitSampling(pid_t pid, int& status, rusage& usage)
{
    long peak = 0;
    for (;;) {
        const pid_t done = wait4(pid, &status, WNOHANG, &usage);
        if (done == pid || done < 0)
            return peak;
        peak = std::max(peak, rssAnonKb(pid));
        usleep(5000);
    }
}

/// Imports `input` into a fresh store in a child process; prints its own line from the child.
storage::ImportOptions g_options; // --group-ms / --group-files / --wal-pages

Run importInChild(const std::string& input, const std::string& storePath)
{
    fs::remove(storePath);
    fs::remove(storePath + "-wal");
    fs::remove(storePath + "-shm");
    std::fflush(stdout);
    int pipeFds[2] = {-1, -1};
    if (pipe(pipeFds) != 0)
        pipeFds[0] = pipeFds[1] = -1;
    const auto start = std::chrono::steady_clock::now();
    const pid_t pid = fork();
    if (pid == 0) {
        if (pipeFds[0] >= 0)
            close(pipeFds[0]);
        auto store = storage::Store::open(storePath);
        if (!store) {
            std::fprintf(stderr, "cannot open store: %s\n", store.error().message.c_str());
            _exit(4);
        }
        const auto summary = storage::importCaptures(store->database(), {input}, g_options);
        using F = storage::FileImportResult;
        std::printf("    child: %lld records, %lld inserted, %lld duplicates, %lld skipped, %zu files, exit %d\n",
                    static_cast<long long>(summary.total(&F::records)),
                    static_cast<long long>(summary.total(&F::inserted)),
                    static_cast<long long>(summary.total(&F::duplicates)),
                    static_cast<long long>(summary.total(&F::skipped)), summary.files.size(), summary.exitCode());
        std::fflush(stdout);
        const long long records = summary.total(&F::records);
        if (pipeFds[1] >= 0 && write(pipeFds[1], &records, sizeof records) != sizeof records)
            std::fprintf(stderr, "cannot report the record count to the parent\n");
        _exit(summary.exitCode());
    }
    if (pipeFds[1] >= 0)
        close(pipeFds[1]);
    int status = 0;
    rusage usage{};
    const long peakAnonKb = waitSampling(pid, status, usage);
    long long childRecords = -1;
    if (pipeFds[0] >= 0) {
        if (read(pipeFds[0], &childRecords, sizeof childRecords) != sizeof childRecords)
            childRecords = -1;
        close(pipeFds[0]);
    }
    Run run;
    run.peakAnonKb = peakAnonKb;
    run.records = childRecords;
    run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    run.peakKb = usage.ru_maxrss;
    run.cpuSeconds = cpuOf(usage);
    run.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return run;
}

Run runShell(const std::string& command)
{
    const auto start = std::chrono::steady_clock::now();
    const pid_t pid = fork();
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    int status = 0;
    rusage usage{};
    wait4(pid, &status, 0, &usage);
    Run run;
    run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    run.peakKb = usage.ru_maxrss;
    run.cpuSeconds = cpuOf(usage);
    run.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return run;
}

double loadAverage()
{
    double load[1] = {0};
    return getloadavg(load, 1) == 1 ? load[0] : -1;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

void report(const char* name, const std::vector<Run>& runs, std::uint64_t bytes, double records)
{
    std::vector<double> seconds, cpu;
    long peak = 0;
    long peakAnon = 0;
    for (const auto& r : runs) {
        seconds.push_back(r.seconds);
        cpu.push_back(r.cpuSeconds);
        peak = std::max(peak, r.peakKb);
        peakAnon = std::max(peakAnon, r.peakAnonKb);
    }
    const double s = median(seconds);
    // Rates over what the child really imported (a --single/--batches capture other than the reference differs).
    if (!runs.empty() && runs.back().records >= 0)
        records = static_cast<double>(runs.back().records);
    std::printf("%-22s median %.2f s over %zu run(s) | %.0f records/s | %.1f MB/s | peak RSS %.1f MB | peak "
                "RssAnon %.1f MB | CPU (user+sys) %.2f s | load %.1f | exit %d\n",
                name, s, runs.size(), records / s, static_cast<double>(bytes) / 1e6 / s,
                static_cast<double>(peak) / 1024.0, static_cast<double>(peakAnon) / 1024.0, median(cpu), loadAverage(),
                runs.empty() ? -1 : runs.back().exitCode);
    std::fflush(stdout);
}

/// One Lambda event of `count` INSERT records, each with a NewImage string of `kb` KB (distinct keys).
bool writeBigRecords(const std::string& path, int count, int kb)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << "{\"Records\":[\n";
    std::string payload(static_cast<std::size_t>(kb) * 1024, 'x');
    for (int i = 0; i < count; ++i) {
        for (std::size_t j = 0; j < payload.size(); j += 64) // not one repeated byte
            payload[j] = static_cast<char>('a' + (i + static_cast<int>(j / 64)) % 26);
        const std::string id = std::to_string(i + 1);
        out << (i ? ",\n" : "") << R"({"eventID":"e)" << id
            << R"(","eventName":"INSERT","eventVersion":"1.1","eventSource":"aws:dynamodb","awsRegion":"us-east-1",)"
            << R"("dynamodb":{"ApproximateCreationDateTime":1700000000,"Keys":{"Id":{"N":")" << id
            << R"("}},"NewImage":{"Id":{"N":")" << id << R"("},"payload":{"S":")" << payload
            << R"("}},"SequenceNumber":")" << (100000000 + i) << R"(","SizeBytes":)" << payload.size() + 40
            << R"(,"StreamViewType":"NEW_IMAGE"},)"
            << R"("eventSourceARN":"arn:aws:dynamodb:us-east-1:123456789012:table/Big/stream/2024-01-01T00:00:00.000"})";
    }
    out << "\n]}\n";
    return static_cast<bool>(out);
}

/// --big-records: imports one file of `count` records of `kb` KB `runs` times; memory is what it is for.
int benchBigRecords(const std::string& workdir, int count, int kb, int runs)
{
    const std::string path = workdir + "/big-" + std::to_string(count) + "x" + std::to_string(kb) + "kb.json";
    if (!fs::exists(path)) {
        std::printf("generating %s ...\n", path.c_str());
        std::fflush(stdout);
        if (!writeBigRecords(path, count, kb))
            return 3;
    }
    std::printf("big records: %d records of %d KB in one file (%.1f MB); batch bound %zu records, %zu bytes%s\n", count,
                kb, static_cast<double>(pathBytes(path)) / 1e6, g_options.batchRecords, g_options.batchBytes,
                g_options.batchBytes ? "" : " (none)");
    std::vector<Run> bigRuns;
    for (int r = 0; r < runs; ++r)
        bigRuns.push_back(importInChild(path, workdir + "/big.streamscope"));
    report("streamscope big", bigRuns, pathBytes(path), count);
    std::printf("workdir: %s (capture kept; remove when done)\n", workdir.c_str());
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    std::string single, batches, workdir;
    int runs = 3;
    bool sqlite3Route = true;
    std::string only;
    int bigRecords = 0;
    int recordKb = 100;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
        if (a == "--single")
            single = next();
        else if (a == "--batches")
            batches = next();
        else if (a == "--workdir")
            workdir = next();
        else if (a == "--runs")
            runs = std::max(1, std::atoi(next().c_str()));
        else if (a == "--no-sqlite3")
            sqlite3Route = false;
        else if (a == "--only")
            only = next();
        else if (a == "--group-ms")
            g_options.groupMillis = std::atoi(next().c_str());
        else if (a == "--group-files")
            g_options.groupFiles = std::atoi(next().c_str());
        else if (a == "--wal-pages")
            g_options.walCheckpointPages = std::atoi(next().c_str());
        else if (a == "--batch-bytes")
            g_options.batchBytes = static_cast<std::size_t>(std::atoll(next().c_str()));
        else if (a == "--big-records")
            bigRecords = std::max(1, std::atoi(next().c_str()));
        else if (a == "--record-kb")
            recordKb = std::max(1, std::atoi(next().c_str()));
        else {
            std::fprintf(stderr,
                         "usage: bench_import [--single FILE] [--batches DIR] [--workdir DIR] [--runs N] "
                         "[--no-sqlite3] [--only single|batches] [--group-ms N] [--group-files N] [--wal-pages N] "
                         "[--batch-bytes N] [--big-records N [--record-kb K]]\n");
            return 2;
        }
    }
    if (workdir.empty())
        workdir = (fs::temp_directory_path() / ("bench_import." + std::to_string(getpid()))).string();
    fs::create_directories(workdir);
    if (bigRecords > 0)
        return benchBigRecords(workdir, bigRecords, recordKb, runs);
    const std::string generator = std::string(STREAMSCOPE_SHARED_DIR) + "/tools/gen_capture.py";
    const std::string common = " --seed 1 --records 200000 --keys 20000 --ttl-rate 0.25 --quiet";
    if (single.empty() && only != "batches") {
        single = workdir + "/ref-single.json";
        if (!fs::exists(single)) {
            std::printf("generating %s ...\n", single.c_str());
            std::fflush(stdout);
            if (std::system(("python3 " + generator + common + " --layout single --out " + single).c_str()) != 0)
                return 3;
        }
    }
    if (batches.empty() && only != "single") {
        batches = workdir + "/ref-batches";
        if (!fs::exists(batches)) {
            std::printf("generating %s ...\n", batches.c_str());
            std::fflush(stdout);
            if (std::system(("python3 " + generator + common + " --out " + batches).c_str()) != 0)
                return 3;
        }
    }
    const double records = 200000;
    std::fflush(stdout);
    std::printf("reference capture: 200000 records, 20000 keys (gen_capture.py%s); rates use the records each "
                "child imported\n",
                common.c_str());
    std::printf("cores: %ld\n", sysconf(_SC_NPROCESSORS_ONLN));

    std::vector<Run> singleRuns, batchRuns;
    if (only.empty() || only == "single") {
        for (int r = 0; r < runs; ++r)
            singleRuns.push_back(importInChild(single, workdir + "/single.streamscope"));
        report("streamscope single", singleRuns, pathBytes(single), records);
    }
    if (only.empty() || only == "batches") {
        for (int r = 0; r < runs; ++r)
            batchRuns.push_back(importInChild(batches, workdir + "/batches.streamscope"));
        report("streamscope batches", batchRuns, pathBytes(batches), records);
    }

    if (sqlite3Route && !singleRuns.empty()) {
        const std::string db = workdir + "/sqlite3-route.db";
        fs::remove(db);
        const std::string sql =
            "CREATE TABLE records(event_id TEXT, event_name TEXT, table_arn TEXT, seq TEXT, created REAL, keys TEXT,"
            " new_image TEXT, old_image TEXT, raw TEXT);"
            "INSERT INTO records SELECT value->>'eventID', value->>'eventName', value->>'eventSourceARN',"
            " value->'dynamodb'->>'SequenceNumber', value->'dynamodb'->>'ApproximateCreationDateTime',"
            " value->'dynamodb'->'Keys', value->'dynamodb'->'NewImage', value->'dynamodb'->'OldImage', value"
            " FROM json_each(readfile('"
            + single
            + "'), '$.Records');"
              "CREATE INDEX records_keys ON records(keys, seq);";
        const std::string command = "sqlite3 '" + db + "' \"" + sql + "\"";
        Run run = runShell(command);
        run.records = singleRuns.back().records; // the same file's records (sqlite3 does not say)
        report("sqlite3 CLI json_each", {run}, pathBytes(single), records);
        const double ours = median([&] {
            std::vector<double> v;
            for (const auto& r : singleRuns)
                v.push_back(r.seconds);
            return v;
        }());
        std::printf("ratio sqlite3 CLI / streamscope (single file): %.1fx\n", run.seconds / ours);
        fs::remove(db);
    }
    std::printf("workdir: %s (captures kept; remove when done)\n", workdir.c_str());
    return 0;
}
