// Reader-only benchmark: the import's parse thread alone (storage::CaptureReader: splitter + normaliser +
// Keys/image validation), no SQLite. Isolates the reader's cost from the writer's, e.g. to measure what the
// validation of Keys/NewImage/OldImage costs per record.
//
//   bench_reader FILE [--runs N] [--batch N]
//
// Prints per run the seconds, records/s, MB/s and CPU seconds, then the median. Use the reference capture
// (gen_capture.py --seed 1 --records 200000 --keys 20000 --ttl-rate 0.25 --layout single).

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <sys/resource.h>

#include "storage/import/capturereader.h"

namespace {

double cpuSeconds()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_reader FILE [--runs N] [--batch N]\n");
        return 2;
    }
    const std::string path = argv[1];
    int runs = 3;
    std::size_t batch = 2048;
    for (int i = 2; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--runs")
            runs = std::max(1, std::atoi(argv[i + 1]));
        else if (a == "--batch")
            batch = static_cast<std::size_t>(std::max(1, std::atoi(argv[i + 1])));
    }
    std::vector<double> seconds;
    for (int run = 0; run < runs; ++run) {
        storage::CaptureReader reader;
        const double cpu0 = cpuSeconds();
        const auto t0 = std::chrono::steady_clock::now();
        if (auto failure = reader.open(path)) {
            std::fprintf(stderr, "cannot open: %s\n", failure->reason.c_str());
            return 1;
        }
        std::vector<storage::CaptureRecord> records;
        std::vector<storage::RecordIssue> issues;
        std::int64_t total = 0;
        std::int64_t skipped = 0;
        storage::FileFailure failure;
        for (;;) {
            records.clear();
            issues.clear();
            const auto status = reader.readBatch(records, issues, batch, failure);
            total += static_cast<std::int64_t>(records.size());
            skipped += static_cast<std::int64_t>(issues.size());
            if (status == storage::CaptureReader::Status::Failed) {
                std::fprintf(stderr, "failed at byte %llu: %s\n", static_cast<unsigned long long>(failure.byteOffset),
                             failure.reason.c_str());
                return 1;
            }
            if (status == storage::CaptureReader::Status::End)
                break;
        }
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const double cpu = cpuSeconds() - cpu0;
        seconds.push_back(s);
        std::printf("run %d: %.3f s | %lld records, %lld skipped | %.0f records/s | %.1f MB/s | CPU %.3f s\n", run + 1,
                    s, static_cast<long long>(total), static_cast<long long>(skipped), static_cast<double>(total) / s,
                    static_cast<double>(reader.bytesTotal()) / 1e6 / s, cpu);
    }
    std::sort(seconds.begin(), seconds.end());
    std::printf("reader median %.3f s over %d run(s)\n", seconds[seconds.size() / 2], runs);
    return 0;
}
