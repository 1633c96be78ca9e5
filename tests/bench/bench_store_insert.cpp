// Store insert micro-benchmark: ImportWriter::addRecord for N realistic Lambda-shaped records (~2 KB each, images
// as slices of the raw text, as the importer passes them), one source = one transaction, then commit.
// Record generation is excluded from the insert time. Usage:
//   bench_store_insert [--records N] [--keys K] [--store FILE] [--dup-rate R]
// Prints rows/s, seconds for addRecord and commit, store size and peak RSS.

#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>

#include <sys/resource.h>

#include "storage/import/importwriter.h"
#include "storage/store/store.h"

namespace {

double cpuSeconds()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    auto tv = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
    return tv(usage.ru_utime) + tv(usage.ru_stime);
}

long peakRssKb()
{
    FILE* f = std::fopen("/proc/self/status", "r");
    if (!f)
        return -1;
    char line[256];
    long kb = -1;
    while (std::fgets(line, sizeof line, f)) {
        if (std::strncmp(line, "VmHWM:", 6) == 0)
            kb = std::strtol(line + 6, nullptr, 10);
    }
    std::fclose(f);
    return kb;
}

struct Generated
{
    std::string raw;
    std::size_t keysAt = 0, keysLen = 0, newAt = 0, newLen = 0, oldAt = 0, oldLen = 0;
    std::string seq;
    std::string eventId;
};

std::string image(std::mt19937_64& rng, std::int64_t id, int version)
{
    std::string s = "{\"Id\":{\"N\":\"" + std::to_string(id) + "\"},\"version\":{\"N\":\"" + std::to_string(version)
        + "\"},\"status\":{\"S\":\"DELIVERED\"},\"region\":{\"S\":\"eu-central-1\"},\"lineItems\":{\"L\":[";
    for (int i = 0; i < 8; ++i) {
        if (i)
            s += ',';
        s += "{\"M\":{\"sku\":{\"S\":\"SKU-" + std::to_string(rng() % 1000000) + "\"},\"qty\":{\"N\":\""
            + std::to_string(rng() % 20) + "\"},\"unitPrice\":{\"N\":\"" + std::to_string(rng() % 100000) + "."
            + std::to_string(rng() % 100) + "\"}}}";
    }
    s += "]},\"counter\":{\"N\":\"" + std::to_string(rng()) + "\"},\"isActive\":{\"BOOL\":true}}";
    return s;
}

void generate(Generated& g, std::mt19937_64& rng, std::int64_t index, std::int64_t keys)
{
    const std::int64_t id = static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(keys));
    const int version = static_cast<int>(index / keys) + 1;
    g.seq = std::to_string(3439823590703905816LL + index * 1000);
    char eid[40];
    std::snprintf(eid, sizeof eid, "%032" PRIx64, static_cast<std::uint64_t>(rng()));
    g.eventId = eid;
    const std::string keysJson = "{\"Id\":{\"N\":\"" + std::to_string(id) + "\"}}";
    const std::string newImage = image(rng, id, version);
    const std::string oldImage = image(rng, id, version - 1);
    std::string& raw = g.raw;
    raw = "{\"eventID\":\"" + g.eventId
        + "\",\"eventName\":\"MODIFY\",\"eventVersion\":\"1.1\",\"eventSource\":\"aws:dynamodb\",\"awsRegion\":"
          "\"eu-central-1\",\"dynamodb\":{\"ApproximateCreationDateTime\":"
        + std::to_string(1700000000 + index / 10) + ",\"Keys\":";
    g.keysAt = raw.size();
    g.keysLen = keysJson.size();
    raw += keysJson;
    raw += ",\"NewImage\":";
    g.newAt = raw.size();
    g.newLen = newImage.size();
    raw += newImage;
    raw += ",\"OldImage\":";
    g.oldAt = raw.size();
    g.oldLen = oldImage.size();
    raw += oldImage;
    raw += ",\"SequenceNumber\":\"" + g.seq
        + "\",\"SizeBytes\":1500,\"StreamViewType\":\"NEW_AND_OLD_IMAGES\"},\"eventSourceARN\":\"arn:aws:dynamodb:"
          "eu-central-1:123456789012:table/ExampleTableWithStream/stream/2023-02-09T08:48:28.190\"}";
}

} // namespace

int main(int argc, char** argv)
{
    std::int64_t records = 200000;
    std::int64_t keys = 20000;
    std::string path = (std::filesystem::temp_directory_path() / "bench_store_insert.streamscope").string();
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--records"))
            records = std::atoll(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--keys"))
            keys = std::atoll(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--store"))
            path = argv[i + 1];
    }
    for (const char* suffix : {"", "-wal", "-shm"})
        std::filesystem::remove(path + suffix);

    auto store = storage::Store::open(path);
    if (!store) {
        std::fprintf(stderr, "cannot open store: %s\n", store.error().message.c_str());
        return 1;
    }
    auto writer = storage::ImportWriter::create(store->database());
    if (!writer) {
        std::fprintf(stderr, "cannot create writer: %s\n", writer.error().message.c_str());
        return 1;
    }
    using Clock = std::chrono::steady_clock;
    const auto wallStart = Clock::now();
    auto begun = writer->beginSource({"bench.json", 0, "bench-hash", "lambda-dynamodb"});
    if (!begun) {
        std::fprintf(stderr, "beginSource: %s\n", begun.error().message.c_str());
        return 1;
    }
    // Generation alone, to subtract its CPU time from the insert loop's.
    const double genCpu0 = cpuSeconds();
    {
        std::mt19937_64 rng(1);
        Generated g;
        for (std::int64_t i = 0; i < records; ++i)
            generate(g, rng, i, keys);
    }
    const double genCpu = cpuSeconds() - genCpu0;
    const double loopCpu0 = cpuSeconds();
    std::mt19937_64 rng(1);
    Generated g;
    Clock::duration insertTime{};
    std::uint64_t rawBytes = 0;
    for (std::int64_t i = 0; i < records; ++i) {
        generate(g, rng, i, keys);
        rawBytes += g.raw.size();
        storage::RecordInput in;
        in.tableName = "ExampleTableWithStream";
        in.streamArn = "arn:aws:dynamodb:eu-central-1:123456789012:table/ExampleTableWithStream/stream/"
                       "2023-02-09T08:48:28.190";
        in.region = "eu-central-1";
        in.viewType = model::ViewType::NewAndOldImages;
        in.shape = "lambda-dynamodb";
        const std::string_view raw(g.raw);
        in.raw = raw;
        in.keysJson = raw.substr(g.keysAt, g.keysLen);
        in.newImageJson = raw.substr(g.newAt, g.newLen);
        in.oldImageJson = raw.substr(g.oldAt, g.oldLen);
        in.eventName = model::EventName::Modify;
        in.sequenceNumber = g.seq;
        in.eventId = g.eventId;
        in.creationTimeMicros = (1700000000 + i / 10) * std::int64_t{1000000};
        in.timeUnit = storage::TimeUnit::Seconds;
        in.sizeBytes = 1500;
        in.recordIndex = i;
        in.byteOffset = static_cast<std::int64_t>(rawBytes);
        const auto t0 = Clock::now();
        auto outcome = writer->addRecord(in);
        insertTime += Clock::now() - t0;
        if (!outcome) {
            std::fprintf(stderr, "addRecord %" PRId64 ": %s\n", i, outcome.error().message.c_str());
            return 1;
        }
    }
    const double insertCpu = cpuSeconds() - loopCpu0 - genCpu;
    const auto c0 = Clock::now();
    const double commitCpu0 = cpuSeconds();
    if (auto error = writer->commitSource()) {
        std::fprintf(stderr, "commit: %s\n", error->message.c_str());
        return 1;
    }
    const auto commitTime = Clock::now() - c0;
    const double commitCpu = cpuSeconds() - commitCpu0;
    const auto wall = Clock::now() - wallStart;
    auto seconds = [](Clock::duration d) { return std::chrono::duration<double>(d).count(); };
    std::error_code ec;
    const auto dbSize = std::filesystem::file_size(path, ec);
    const auto walSize = std::filesystem::file_size(path + "-wal", ec);
    const double storeSeconds = seconds(insertTime) + seconds(commitTime);
    std::printf("records           %" PRId64 " (%" PRId64 " keys), %.1f MB of raw JSON\n", records, keys,
                static_cast<double>(rawBytes) / 1e6);
    std::printf("addRecord total   %.3f s\n", seconds(insertTime));
    std::printf("commit            %.3f s\n", seconds(commitTime));
    std::printf("store time        %.3f s  = %.0f records/s\n", storeSeconds,
                static_cast<double>(records) / storeSeconds);
    std::printf("store CPU time    %.3f s (addRecord %.3f + commit %.3f; user+sys, excludes waiting for a core)\n",
                insertCpu + commitCpu, insertCpu, commitCpu);
    std::printf("wall (incl. gen)  %.3f s\n", seconds(wall));
    std::printf("store file        %.1f MB (+ wal %.1f MB)\n", static_cast<double>(dbSize) / 1e6,
                static_cast<double>(walSize) / 1e6);
    std::printf("peak RSS          %.1f MB\n", static_cast<double>(peakRssKb()) / 1024.0);
    return 0;
}
