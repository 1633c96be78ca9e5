// Model layer micro-benchmark: DynamoDB JSON decoding, canonical keys, validation and rendering.
// Usage: bench_model_decode [--records N]   (default 200000; synthetic Keys and ~320-byte images in memory)

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include "model/dynamodbjson.h"

namespace {

double cpuMs()
{
    return static_cast<double>(std::clock()) * 1000.0 / CLOCKS_PER_SEC;
}

/// Wall and process CPU time (the CPU figure is the stable one on a busy machine).
struct Timer
{
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
    double cpuStart = cpuMs();
    double ms() const
    {
        return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    }
    double cpu() const { return cpuMs() - cpuStart; }
};

void report(const char* what, const Timer& t, std::size_t count, std::size_t bytes)
{
    const double cpu = t.cpu();
    std::printf("%-34s wall %8.1f ms  cpu %8.1f ms  %7.2f us/op", what, t.ms(), cpu,
                cpu * 1000.0 / static_cast<double>(count));
    if (bytes > 0)
        std::printf("  %7.1f MB/s", static_cast<double>(bytes) / 1e6 / (cpu / 1000.0));
    std::printf("\n");
}

} // namespace

int main(int argc, char** argv)
{
    std::size_t records = 200000;
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::strcmp(argv[i], "--records") == 0)
            records = static_cast<std::size_t>(std::strtoull(argv[i + 1], nullptr, 10));
    }
    std::vector<std::string> keys;
    std::vector<std::string> images;
    keys.reserve(records);
    images.reserve(records);
    std::size_t keyBytes = 0;
    std::size_t imageBytes = 0;
    for (std::size_t i = 0; i < records; ++i) {
        const std::string id = std::to_string(i);
        keys.push_back(R"({"PK":{"S":"USER#)" + std::to_string(i % 5000) + R"("},"SK":{"N":")" + id + R"("}})");
        images.push_back(R"({"PK":{"S":"USER#)" + id + R"("},"SK":{"N":")" + id
                         + R"("},"name":{"S":"Some name here"},"price":{"N":"12.99"},"tags":{"SS":["a","b","c"]},)"
                           R"("addr":{"M":{"street":{"S":"Main St 1"},"geo":{"M":{"lat":{"N":"52.52"},)"
                           R"("lon":{"N":"13.405"}}}}},"hist":{"L":[{"N":"1"},{"N":"2"},{"N":"3"},{"S":"x"}]},)"
                           R"("bin":{"B":"AAEqQQ=="},"flag":{"BOOL":true},"big":{"N":"12345678901234567890"}})");
        keyBytes += keys.back().size();
        imageBytes += images.back().size();
    }
    std::printf("model decode benchmark: %zu records, Keys %.1f MB, images %.1f MB\n", records,
                static_cast<double>(keyBytes) / 1e6, static_cast<double>(imageBytes) / 1e6);

    std::size_t sink = 0;
    {
        Timer t;
        for (const std::string& k : keys)
            sink += model::parseItem(k).value->size();
        report("parseItem(Keys)", t, records, keyBytes);
    }
    {
        Timer t;
        for (const std::string& k : keys)
            sink += model::canonicalJson(*model::parseItem(k).value).size();
        report("parseItem + canonicalJson(Keys)", t, records, keyBytes);
    }
    std::vector<model::Item> decoded;
    decoded.reserve(records);
    {
        Timer t;
        for (const std::string& image : images)
            decoded.push_back(std::move(*model::parseItem(image).value));
        report("parseItem(image)", t, records, imageBytes);
    }
    {
        Timer t;
        for (const model::Item& item : decoded)
            sink += model::validate(item).size();
        report("validate(image)", t, records, 0);
    }
    {
        Timer t;
        for (const model::Item& item : decoded)
            sink += model::itemsEqual(item, item) ? 1 : 0; // equal: every attribute is compared
        report("itemsEqual(image, same image)", t, records, 0);
    }
    {
        Timer t;
        for (const model::Item& item : decoded)
            sink += model::toDynamoJson(item).size();
        report("toDynamoJson(image)", t, records, 0);
    }
    {
        Timer t;
        for (const model::Item& item : decoded)
            sink += model::canonicalJson(item).size();
        report("canonicalJson(image)", t, records, 0);
    }
    {
        Timer t;
        for (const model::Item& item : decoded)
            sink += model::toPlainJson(item).size();
        report("toPlainJson(image)", t, records, 0);
    }
    std::printf("(checksum %zu)\n", sink);
    return 0;
}
