// Scale benchmark (issue 22): the `streamscope` commands a user runs on a big capture, each in its own process with
// wall time and heap peak (RssAnon sampled every 5 ms from /proc/PID/status; peak RSS from wait4 beside it, which
// counts the store's mapped pages too).
//
//   bench_scale [--records N] [--keys K] [--workdir DIR] [--capture FILE] [--binary PATH] [--baseline PATH]
//               [--huge-versions V] [--huge-kb KB] [--huge-runs R] [--no-huge] [--runs R] [--audit-split] [--parts P]
//
// 1. the capture: N records over K keys written by writeCapture below (gen_capture.py takes ~35 min for 10M records;
//    kept in --workdir and reused when present; --capture FILE uses another, e.g. one of gen_capture.py; --parts P
//    writes it as a folder of P files, each imported in a transaction of its own. Note: that does not bound the
//    write-ahead log: on 2026-12-07 a 10M capture in 20 parts grew the WAL beside the store (12.5 GB WAL, 9.6 GB
//    store when stopped), since the background checkpointer never catches up with the writer and the WAL only
//    restarts after a checkpoint that did);
// 2. `import` of it into a fresh store;
// 3. on that store, with --binary (default: this build's streamscope) and, when given, --baseline (another build, e.g.
//    main's, in the same run, on a store it imported itself from the same capture, so an older schema is no obstacle):
//    `state --at` (middle of the capture's time span, --json), `export` of the key with the most records, `export` of
//    one hour (from the middle), `history` of that key;
// 4. one huge key (V versions of a KB-sized attribute, issue 16 item 9) imported into a second store: its `history`,
//    `audit --fresh --json`, `state --at` the end and `export` of the key, with both binaries (each its own store).
// 5. --audit-split: the import without its audit into a store of its own and that store's first audit alone, then
//    --runs more batch files of 100 records (the capture's continuation, written beside it) each imported into the
//    first store without its audit and the kept findings brought up to date (the re-audit after one batch file).
// Median of --runs (default 3) per command; --huge-runs (default 1) for the huge key.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "storage/store/store.h"

namespace fs = std::filesystem;

namespace {

struct Run
{
    double seconds = 0;
    long rssAnonPeakKb = 0;
    long maxRssKb = 0;
    int exitCode = -1;
};

long statusKb(pid_t pid, const char* field)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    const std::size_t n = std::strlen(field);
    while (std::getline(in, line)) {
        if (line.compare(0, n, field) == 0)
            return std::atol(line.c_str() + n);
    }
    return 0;
}

/// Runs argv with stdout (and stderr unless `keepStderr`) to /dev/null, sampling RssAnon.
Run runCommand(const std::vector<std::string>& argv)
{
    std::fflush(stdout);
    const auto start = std::chrono::steady_clock::now();
    const pid_t pid = fork();
    if (pid == 0) {
        std::FILE* devnull = std::fopen("/dev/null", "w");
        if (devnull)
            dup2(fileno(devnull), STDOUT_FILENO);
        std::vector<char*> args;
        for (const auto& a : argv)
            args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        execv(args[0], args.data());
        _exit(127);
    }
    Run run;
    int status = 0;
    rusage usage{};
    for (;;) {
        const pid_t done = wait4(pid, &status, WNOHANG, &usage);
        if (done == pid)
            break;
        run.rssAnonPeakKb = std::max(run.rssAnonPeakKb, statusKb(pid, "RssAnon:"));
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    run.maxRssKb = usage.ru_maxrss;
    run.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return run;
}

struct Measured
{
    double seconds = 0; ///< median
    long rssAnonPeakKb = 0;
    long maxRssKb = 0;
    int exitCode = 0;
};

Measured measure(const std::vector<std::string>& argv, int runs, const std::function<void()>& before = {})
{
    std::vector<double> times;
    Measured m;
    for (int i = 0; i < runs; ++i) {
        if (before)
            before();
        const Run r = runCommand(argv);
        times.push_back(r.seconds);
        m.rssAnonPeakKb = std::max(m.rssAnonPeakKb, r.rssAnonPeakKb);
        m.maxRssKb = std::max(m.maxRssKb, r.maxRssKb);
        if (r.exitCode != 0)
            m.exitCode = r.exitCode;
    }
    std::sort(times.begin(), times.end());
    m.seconds = times[times.size() / 2];
    return m;
}

void report(const std::string& what, const std::string& binaryLabel, const Measured& m)
{
    std::printf("%-34s %-9s %9.3f s   RssAnon peak %7.1f MB   peak RSS %7.1f MB%s\n", what.c_str(), binaryLabel.c_str(),
                m.seconds, static_cast<double>(m.rssAnonPeakKb) / 1024.0, static_cast<double>(m.maxRssKb) / 1024.0,
                m.exitCode ? ("   EXIT " + std::to_string(m.exitCode)).c_str() : "");
}

/// The table, its busiest key and its time span, read from the store.
struct Subject
{
    std::string table;
    std::string keyJson;
    std::int64_t keyRecords = 0;
    std::int64_t first = 0;
    std::int64_t last = 0;
};

std::optional<Subject> subjectOf(const std::string& storePath)
{
    auto store = storage::Store::open(storePath, storage::Database::OpenMode::ReadOnly);
    if (!store)
        return std::nullopt;
    auto tables = store->tables();
    if (!tables || tables->empty())
        return std::nullopt;
    const auto& t = *std::max_element(tables->begin(), tables->end(),
                                      [](const auto& a, const auto& b) { return a.recordCount < b.recordCount; });
    storage::KeyQuery q;
    q.tableId = t.id;
    q.sort = storage::KeySort::RecordCount;
    q.descending = true;
    q.limit = 1;
    auto page = store->keys(q);
    if (!page || page->keys.empty())
        return std::nullopt;
    Subject s;
    s.table = t.name;
    s.keyJson = page->keys.front().canonicalKeys;
    s.keyRecords = page->keys.front().recordCount;
    s.first = t.firstTimeMicros.value_or(0);
    s.last = t.lastTimeMicros.value_or(0);
    return s;
}

/// A Lambda event ({"Records":[...]}) of `records` records over `keys` keys of one table, one record every 3 s
/// (200k records span about a week: about 1,200 records an hour), images of about 1.2 KB; every 100th record goes to
/// key 0 (the busy key), about 5% of the others remove their item (a quarter of those by TTL). Deterministic; a few
/// seconds where gen_capture.py takes minutes on this machine.
/// `extras` continue the capture: each one more Lambda event of kExtraRecords records (the generator's next ones, so
/// they extend the keys' histories as a later batch file would), written beside it.
constexpr std::int64_t kExtraRecords = 100;

void writeCapture(const std::string& path, std::int64_t records, std::int64_t keys,
                  const std::vector<std::string>& extras = {}, int parts = 1)
{
    const std::string arn = "arn:aws:dynamodb:eu-west-1:123456789012:table/Orders/stream/2024-01-01T00:00:00.000";
    const std::string payload(1000, 'p');
    std::vector<std::int32_t> version(static_cast<std::size_t>(keys), -1); // last version per key, -1 = absent
    std::uint64_t state = 21;
    auto next = [&]() {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return state >> 33;
    };
    auto imageOf = [&](std::int64_t key, int v) {
        return R"({"Pk":{"S":"order-)" + std::to_string(key) + R"("},"status":{"S":"S)" + std::to_string(v % 5)
            + R"("},"total":{"N":")" + std::to_string(v * 7) + "." + std::to_string(v % 100) + R"("},"version":{"N":")"
            + std::to_string(v) + R"("},"payload":{"S":")" + payload + R"("}})";
    };
    // Records [from, to) as one {"Records":[...]} file.
    auto writeEvent = [&](const std::string& file, std::int64_t from, std::int64_t to) {
        std::ofstream out(file, std::ios::binary);
        out << "{\"Records\":[\n";
        for (std::int64_t i = from; i < to; ++i) {
            const std::int64_t key =
                i % 100 == 0 ? 0 : static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(keys));
            auto& v = version[static_cast<std::size_t>(key)];
            const bool remove = v >= 0 && key != 0 && next() % 20 == 0;
            const bool ttl = remove && next() % 4 == 0;
            const char* event = remove ? "REMOVE" : (v < 0 ? "INSERT" : "MODIFY");
            std::string dynamodb = R"("ApproximateCreationDateTime":)" + std::to_string(1700000000 + i * 3)
                + R"(,"Keys":{"Pk":{"S":"order-)" + std::to_string(key) + R"("}})";
            if (!remove)
                dynamodb += R"(,"NewImage":)" + imageOf(key, v + 1);
            if (v >= 0)
                dynamodb += R"(,"OldImage":)" + imageOf(key, v);
            dynamodb += R"(,"SequenceNumber":")" + std::to_string(100000000000000000LL + i) + R"(","SizeBytes":)"
                + std::to_string(dynamodb.size()) + R"(,"StreamViewType":"NEW_AND_OLD_IMAGES")";
            v = remove ? -1 : v + 1;
            out << (i > from ? ",\n" : "") << R"({"eventID":"e)" << i << R"(","eventName":")" << event
                << R"(","eventVersion":"1.1","eventSource":"aws:dynamodb","awsRegion":"eu-west-1",)"
                << (ttl ? R"("userIdentity":{"type":"Service","principalId":"dynamodb.amazonaws.com"},)" : "")
                << R"("eventSourceARN":")" << arn << R"(","dynamodb":{)" << dynamodb << "}}";
        }
        out << "\n]}\n";
    };
    if (parts <= 1) {
        writeEvent(path, 0, records);
    } else {
        // A folder of `parts` files in order (each file one transaction of its own on import).
        fs::create_directories(path);
        for (int part = 0; part < parts; ++part) {
            char name[32];
            std::snprintf(name, sizeof name, "part-%04d.json", part);
            writeEvent((fs::path(path) / name).string(), records * part / parts, records * (part + 1) / parts);
        }
    }
    std::int64_t from = records;
    for (const auto& extra : extras) {
        writeEvent(extra, from, from + kExtraRecords);
        from += kExtraRecords;
    }
}

/// One key with `versions` records of a `kb` KB attribute, as one Lambda event.
void writeHugeKey(const std::string& path, int versions, int kb)
{
    std::ofstream out(path, std::ios::binary);
    const std::string arn = "arn:aws:dynamodb:eu-west-1:123456789012:table/Huge/stream/2024-01-01T00:00:00.000";
    auto imageOf = [&](int v) {
        std::string blob(static_cast<std::size_t>(kb) * 1024, static_cast<char>('a' + v % 26));
        return R"({"Pk":{"S":"huge"},"n":{"N":")" + std::to_string(v) + R"("},"blob":{"S":")" + blob + "\"}}";
    };
    out << "{\"Records\":[\n";
    for (int v = 0; v < versions; ++v) {
        out << (v ? ",\n" : "") << R"({"eventID":"h)" << v << R"(","eventName":")" << (v ? "MODIFY" : "INSERT")
            << R"(","eventVersion":"1.1","eventSource":"aws:dynamodb","awsRegion":"eu-west-1","eventSourceARN":")"
            << arn << R"(","dynamodb":{"ApproximateCreationDateTime":)" << (1700000000 + v)
            << R"(,"Keys":{"Pk":{"S":"huge"}},"NewImage":)" << imageOf(v);
        if (v)
            out << R"(,"OldImage":)" << imageOf(v - 1);
        out << R"(,"SequenceNumber":")" << (100000000 + v) << R"(","SizeBytes":)" << (2 * kb * 1024)
            << R"(,"StreamViewType":"NEW_AND_OLD_IMAGES"}})";
    }
    out << "\n]}\n";
}

std::string arg(int argc, char** argv, const char* name, const std::string& fallback)
{
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::strcmp(argv[i], name) == 0)
            return argv[i + 1];
    }
    return fallback;
}

bool flag(int argc, char** argv, const char* name)
{
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], name) == 0)
            return true;
    }
    return false;
}

std::string seconds(std::int64_t micros)
{
    return std::to_string(micros / 1'000'000);
}

} // namespace

int main(int argc, char** argv)
{
    const std::string records = arg(argc, argv, "--records", "200000");
    const std::string keys = arg(argc, argv, "--keys", "20000");
    const int runs = std::max(1, std::stoi(arg(argc, argv, "--runs", "3")));
    const fs::path work = arg(argc, argv, "--workdir", (fs::temp_directory_path() / "bench_scale").string());
    const std::string binary = arg(argc, argv, "--binary", STREAMSCOPE_BINARY);
    const std::string baseline = arg(argc, argv, "--baseline", "");
    const int hugeVersions = std::stoi(arg(argc, argv, "--huge-versions", "5000"));
    const int hugeKb = std::stoi(arg(argc, argv, "--huge-kb", "100"));
    const int hugeRuns = std::max(1, std::stoi(arg(argc, argv, "--huge-runs", "1")));
    fs::create_directories(work);
    std::string capture = arg(argc, argv, "--capture", "");
    const int parts = std::max(1, std::stoi(arg(argc, argv, "--parts", "1")));
    const bool auditSplit = flag(argc, argv, "--audit-split");
    std::vector<std::string> extras; // --audit-split: one more batch file per run, continuing the capture
    if (capture.empty()) {
        capture = (work / ("cap-" + records + "-" + keys + (parts > 1 ? "-parts-" + std::to_string(parts) : ".json")))
                      .string();
        if (auditSplit) {
            for (int i = 1; i <= runs; ++i)
                extras.push_back(
                    (work / ("cap-" + records + "-" + keys + "-more-" + std::to_string(i) + ".json")).string());
        }
        const bool missing = !fs::exists(capture)
            || std::any_of(extras.begin(), extras.end(), [](const auto& e) { return !fs::exists(e); });
        if (missing) {
            std::printf("generating %s records over %s keys\n", records.c_str(), keys.c_str());
            writeCapture(capture, std::stoll(records), std::stoll(keys), extras, parts);
        }
    } else if (auditSplit) {
        std::fprintf(stderr, "--audit-split needs the benchmark's own capture (no --capture)\n");
        return 2;
    }
    std::uintmax_t captureBytes = 0;
    if (fs::is_directory(capture)) {
        for (const auto& entry : fs::directory_iterator(capture))
            captureBytes += entry.file_size();
    } else {
        captureBytes = fs::file_size(capture);
    }
    std::printf("capture %s (%.1f MB), %d run(s) per command\n", capture.c_str(),
                static_cast<double>(captureBytes) / 1e6, runs);

    const std::string store = (work / "scale.streamscope").string();
    auto removeStore = [&](const std::string& path) {
        for (const char* suffix : {"", "-wal", "-shm", "-journal"})
            fs::remove(path + suffix);
    };
    removeStore(store);
    const Measured imported = measure({binary, "import", "--store", store, capture}, 1);
    report("import", "", imported);
    const auto subject = subjectOf(store);
    if (!subject) {
        std::fprintf(stderr, "cannot read the imported store\n");
        return 1;
    }
    std::printf("store %.1f MB; table %s, key %s (%lld records)\n", static_cast<double>(fs::file_size(store)) / 1e6,
                subject->table.c_str(), subject->keyJson.c_str(), static_cast<long long>(subject->keyRecords));
    const std::int64_t middle = subject->first + (subject->last - subject->first) / 2;
    const fs::path out = work / "out";

    // (label, binary, store): the baseline reads a store it imported itself, so a binary from before a schema change
    // (which refuses a store of a newer version) is compared on the same capture, its import measured too.
    struct Subject
    {
        std::string label, path, store;
    };
    std::vector<Subject> binaries{{"new", binary, store}};
    const std::string baselineStore = (work / "scale-baseline.streamscope").string();
    if (!baseline.empty()) {
        removeStore(baselineStore);
        const Measured m = measure({baseline, "import", "--store", baselineStore, capture}, 1);
        report("import", "baseline", m);
        if (m.exitCode != 0) {
            std::fprintf(stderr, "the baseline could not import the capture (exit %d)\n", m.exitCode);
            return 1;
        }
        binaries.push_back({"baseline", baseline, baselineStore});
    }
    auto clearOut = [&]() { fs::remove_all(out); };
    for (const auto& [label, path, subjectStore] : binaries) {
        report("state --at (middle) --json", label,
               measure({path, "state", "--store", subjectStore, "--table", subject->table, "--at", seconds(middle),
                        "--json"},
                       runs));
        report("export one key", label,
               measure({path, "export", "--store", subjectStore, "--table", subject->table, "--key", subject->keyJson,
                        "--out", out.string()},
                       runs, clearOut));
        report("export one hour", label,
               measure({path, "export", "--store", subjectStore, "--from", seconds(middle), "--to",
                        seconds(middle + 3'600'000'000LL), "--out", out.string()},
                       runs, clearOut));
        report("history of that key", label,
               measure({path, "history", "--store", subjectStore, "--table", subject->table, "--key", subject->keyJson},
                       runs));
    }
    clearOut();
    if (!baseline.empty())
        removeStore(baselineStore);

    if (auditSplit) {
        // The audit against the import that runs it: the same capture imported without its audit into a store of its
        // own, then that store's first audit kept (`audit --update`: what the import runs after its records). Then
        // one more batch file imported into the audited store without its audit and the kept findings brought up to
        // date, once per run (each run a new file). `--kind gap` prints only gaps (none here): the figures are the
        // audits, not the printing of the kept findings.
        const std::string bare = (work / "scale-noaudit.streamscope").string();
        removeStore(bare);
        report("import --no-audit", "", measure({binary, "import", "--no-audit", "--store", bare, capture}, 1));
        report("audit --update (first, full)", "",
               measure({binary, "audit", "--update", "--kind", "gap", "--store", bare}, 1));
        removeStore(bare);
        std::vector<double> reaudits;
        for (const auto& extra : extras) {
            report("import --no-audit (one file)", "",
                   measure({binary, "import", "--no-audit", "--store", store, extra}, 1));
            const Measured m = measure({binary, "audit", "--update", "--kind", "gap", "--store", store}, 1);
            report("audit --update (after one file)", "", m);
            reaudits.push_back(m.seconds);
        }
        std::sort(reaudits.begin(), reaudits.end());
        if (!reaudits.empty())
            std::printf("re-audit after one batch file: median %.3f s of %zu\n", reaudits[reaudits.size() / 2],
                        reaudits.size());
    }

    if (!flag(argc, argv, "--no-huge")) {
        const std::string hugeCapture =
            (work / ("huge-" + std::to_string(hugeVersions) + "x" + std::to_string(hugeKb) + "k.json")).string();
        if (!fs::exists(hugeCapture))
            writeHugeKey(hugeCapture, hugeVersions, hugeKb);
        std::printf("huge key: %d versions x %d KB (%.1f MB capture)\n", hugeVersions, hugeKb,
                    static_cast<double>(fs::file_size(hugeCapture)) / 1e6);
        const std::string end = std::to_string(1700000000 + hugeVersions);
        for (const auto& [label, path, ignored] : binaries) {
            // Each binary imports the huge key into a store of its own (as above: the baseline's schema may be older).
            const std::string hugeStore = (work / ("huge-" + label + ".streamscope")).string();
            removeStore(hugeStore);
            report("import (huge key)", label, measure({path, "import", "--store", hugeStore, hugeCapture}, 1));
            report("history (huge key)", label,
                   measure({path, "history", "--store", hugeStore, "--table", "Huge", "--key", "Pk=huge"}, hugeRuns));
            report("history --json (huge key)", label,
                   measure({path, "history", "--store", hugeStore, "--table", "Huge", "--key", "Pk=huge", "--json"},
                           hugeRuns));
            report("audit --fresh (huge key)", label,
                   measure({path, "audit", "--store", hugeStore, "--fresh", "--json"}, hugeRuns));
            report("state --at end (huge key)", label,
                   measure({path, "state", "--store", hugeStore, "--table", "Huge", "--at", end}, hugeRuns));
            report("export key (huge key)", label,
                   measure({path, "export", "--store", hugeStore, "--table", "Huge", "--key", "Pk=huge", "--out",
                            out.string()},
                           hugeRuns, clearOut));
            removeStore(hugeStore);
        }
        clearOut();
    }
    return 0;
}
