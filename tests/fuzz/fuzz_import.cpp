// libFuzzer target: a whole capture file (the input) imported into a fresh in-memory store with the real
// importer (streaming reader, normaliser, writer). Invariants: the store never fails; a file that fails or is not a
// capture leaves no rows; an imported file stores exactly what it reports; a second import of the same file adds
// nothing; the strict import of a file with skipped records fails it and leaves no rows.

#include <cstdio>
#include <string>

#include <unistd.h>

#include "fuzzsupport.h"
#include "storage/captureimporter.h"
#include "storage/store.h"

namespace {

std::string inputPath()
{
    static const std::string path = [] {
        const char* dir = std::getenv("TMPDIR");
        return std::string(dir && *dir ? dir : "/tmp") + "/streamscope-fuzz-import-" + std::to_string(::getpid())
            + ".json";
    }();
    return path;
}

struct Counts
{
    std::int64_t records = 0;
    std::int64_t sources = 0;
};

Counts counts(storage::Store& store)
{
    auto totals = store.totals();
    FUZZ_CHECK_MSG(totals, totals ? "" : totals.error().message);
    auto rows = store.database().queryInt("SELECT count(*) FROM sources");
    FUZZ_CHECK(rows);
    return {totals->records, *rows};
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string path = inputPath();
    {
        std::FILE* file = std::fopen(path.c_str(), "wb");
        FUZZ_CHECK(file);
        FUZZ_CHECK(size == 0 || std::fwrite(data, 1, size, file) == size);
        std::fclose(file);
    }
    for (const bool strict : {false, true}) {
        auto store = storage::Store::open(":memory:");
        FUZZ_CHECK_MSG(store, store ? "" : store.error().message);
        storage::ImportOptions options;
        options.strict = strict;
        options.batchRecords = 7; // several hand-overs even for small inputs
        const auto summary = storage::importCaptures(store->database(), {path}, options);
        FUZZ_CHECK_MSG(!summary.storeError, summary.storeError ? summary.storeError->message : "");
        FUZZ_CHECK(summary.files.size() == 1);
        const auto& file = summary.files.front();
        const Counts after = counts(*store);
        switch (file.status) {
        case storage::FileImportResult::Status::Imported:
            FUZZ_CHECK(!strict || file.skipped == 0);
            FUZZ_CHECK(after.records == file.inserted);
            FUZZ_CHECK(after.sources == 1);
            FUZZ_CHECK(file.inserted + file.duplicates + file.conflicts == file.records);
            for (const auto& issue : file.skippedRecords) {
                FUZZ_CHECK(!issue.reason.empty());
                FUZZ_CHECK(issue.byteOffset <= size);
            }
            break;
        case storage::FileImportResult::Status::Failed:
            FUZZ_CHECK(file.failure && !file.failure->reason.empty());
            FUZZ_CHECK_MSG(file.failure->byteOffset <= size, file.failure->reason);
            FUZZ_CHECK(after.records == 0 && after.sources == 0);
            break;
        case storage::FileImportResult::Status::NotCapture:
            FUZZ_CHECK(after.records == 0 && after.sources == 0);
            break;
        default:
            FUZZ_CHECK_MSG(false, std::string(storage::fileStatusText(file.status)));
        }
        if (file.status == storage::FileImportResult::Status::Imported) {
            const auto again = storage::importCaptures(store->database(), {path}, options);
            FUZZ_CHECK(!again.storeError && again.files.size() == 1);
            FUZZ_CHECK_MSG(again.files.front().status == storage::FileImportResult::Status::AlreadyImported,
                           std::string(storage::fileStatusText(again.files.front().status)));
            const Counts twice = counts(*store);
            FUZZ_CHECK(twice.records == after.records && twice.sources == after.sources);
        }
    }
    return 0;
}
