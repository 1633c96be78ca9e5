// Benchmark: Lambda filter criteria and a display filter evaluated over the 200k-record reference capture, against
// auditing the same store (the issue's target: filtering takes less time than the audit).
//
//   bench_filter [--records N] [--keys K] [--workdir DIR] [--runs R]
//
// Generates gen_capture.py --seed 1 --records 200000 --keys 20000 --ttl-rate 0.25 into a temporary folder (or
// DIR, kept for the next run), imports it, then alternates R times (default 3): storage::runAudit over the whole
// store; the delivery reader with a three-filter criteria set (every record read in delivery order, written as its
// Lambda record JSON from the raw text, the members the patterns address read out of it and matched, and only the
// delivered records decoded: what `export --filter-criteria` and `replay --filter-criteria` do per record); the
// delivery reader with a display filter (`--where`); the delivery reader alone (read and decode every record).
// Medians and bests are printed; exit 0 when the criteria median is below the audit median.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "storage/delivery/deliveryreader.h"
#include "storage/history/auditscan.h"
#include "storage/import/captureimporter.h"

namespace {

struct Timing
{
    std::vector<double> wall;
    std::vector<double> cpu;
};

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

double best(const std::vector<double>& v)
{
    return *std::min_element(v.begin(), v.end());
}

template<typename F>
bool timed(Timing& t, F&& f)
{
    const auto t0 = std::chrono::steady_clock::now();
    const std::clock_t c0 = std::clock();
    const bool ok = f();
    t.wall.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    t.cpu.push_back(static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC);
    return ok;
}

/// Reads the whole selection; counts delivered records.
bool readAll(storage::Store& store, const storage::RecordSelection& selection, std::int64_t& delivered,
             std::int64_t& dropped)
{
    auto reader = storage::DeliveryReader::open(store, selection);
    if (!reader) {
        std::fprintf(stderr, "%s\n", reader.error().message.c_str());
        return false;
    }
    delivered = 0;
    for (;;) {
        auto next = reader->next();
        if (!next) {
            std::fprintf(stderr, "%s\n", next.error().message.c_str());
            return false;
        }
        if (!*next)
            break;
        ++delivered;
    }
    dropped = reader->droppedByCriteria() + reader->excludedByWhere();
    return true;
}

} // namespace

int main(int argc, char** argv)
{
    int records = 200000;
    int keys = 20000;
    int runs = 3;
    std::string workdir;
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
    }
    const bool temporary = workdir.empty();
    if (temporary) {
        std::string pattern = (std::filesystem::temp_directory_path() / "streamscope-bench-filter-XXXXXX").string();
        if (!mkdtemp(pattern.data()))
            return 1;
        workdir = pattern;
    }
    std::filesystem::create_directories(workdir);
    const std::string tag = std::to_string(records) + "-" + std::to_string(keys);
    const std::string capture = workdir + "/ref-" + tag;
    const std::string storePath = workdir + "/ref-" + tag + ".streamscope";
    int exitCode = 0;
    [&] {
        if (!std::filesystem::exists(capture)) {
            const std::string cmd = "python3 " STREAMSCOPE_SHARED_DIR "/tools/gen_capture.py --seed 1 --records "
                + std::to_string(records) + " --keys " + std::to_string(keys) + " --ttl-rate 0.25 --quiet --out "
                + capture;
            std::printf("generating: %s\n", cmd.c_str());
            if (std::system(cmd.c_str()) != 0) {
                exitCode = 1;
                return;
            }
        }
        if (!std::filesystem::exists(storePath)) {
            auto store = storage::Store::open(storePath);
            if (!store) {
                std::fprintf(stderr, "%s\n", store.error().message.c_str());
                exitCode = 1;
                return;
            }
            auto summary = storage::importCaptures(store->database(), {capture});
            if (summary.exitCode() != 0) {
                exitCode = 1;
                return;
            }
        }
        auto store = storage::Store::open(storePath, storage::Database::OpenMode::ReadOnly);
        if (!store) {
            std::fprintf(stderr, "%s\n", store.error().message.c_str());
            exitCode = 1;
            return;
        }
        storage::RecordSelection criteria;
        criteria.lambdaFilter = storage::LambdaFilterCriteria{
            {R"({"dynamodb":{"NewImage":{"status":{"S":["SHIPPED"]}}}})",
             R"({"eventName":["REMOVE"],"userIdentity":{"type":["Service"]}})",
             R"({"dynamodb":{"NewImage":{"isActive":{"BOOL":[false]},"tags":{"SS":[{"prefix":"e"}]}}}})"},
            "bench",
            "",
            "lambda-api",
            ""};
        storage::RecordSelection where;
        where.where = R"(NewImage.status == "SHIPPED" and (NewImage.counter > 500000000 or changed(status)))";
        Timing audit;
        Timing plain;
        Timing filter;
        Timing display;
        std::int64_t auditRecords = 0;
        std::int64_t delivered = 0;
        std::int64_t dropped = 0;
        std::int64_t matched = 0;
        std::int64_t excluded = 0;
        std::int64_t all = 0;
        std::int64_t none = 0;
        for (int run = 0; run < runs; ++run) {
            const bool ok = timed(audit,
                                  [&] {
                                      auto report = storage::runAudit(*store, storage::AuditRequest{});
                                      if (report)
                                          auditRecords = report->records;
                                      return static_cast<bool>(report);
                                  })
                && timed(plain, [&] { return readAll(*store, storage::RecordSelection{}, all, none); })
                && timed(filter, [&] { return readAll(*store, criteria, delivered, dropped); })
                && timed(display, [&] { return readAll(*store, where, matched, excluded); });
            if (!ok) {
                exitCode = 1;
                return;
            }
        }
        std::printf("%lld records, %d runs alternating (wall median / best, CPU median):\n",
                    static_cast<long long>(auditRecords), runs);
        std::printf("  audit:                    %.2f s / %.2f s, %.2f s CPU\n", median(audit.wall), best(audit.wall),
                    median(audit.cpu));
        std::printf("  delivery read, no filter: %.2f s / %.2f s, %.2f s CPU: %lld records\n", median(plain.wall),
                    best(plain.wall), median(plain.cpu), static_cast<long long>(all));
        std::printf("  filter criteria (3):      %.2f s / %.2f s, %.2f s CPU: %lld delivered, %lld dropped\n",
                    median(filter.wall), best(filter.wall), median(filter.cpu), static_cast<long long>(delivered),
                    static_cast<long long>(dropped));
        std::printf("  display filter (--where): %.2f s / %.2f s, %.2f s CPU: %lld match, %lld not\n",
                    median(display.wall), best(display.wall), median(display.cpu), static_cast<long long>(matched),
                    static_cast<long long>(excluded));
        exitCode = median(filter.wall) < median(audit.wall) ? 0 : 2;
    }();
    if (temporary) {
        std::error_code ignored;
        std::filesystem::remove_all(workdir, ignored);
    }
    return exitCode;
}
