// libFuzzer target: a whole capture file (the input) imported into an empty in-memory store with the real
// importer (streaming reader, normaliser, writer). Invariants: the store never fails; a file that fails or is not a
// capture leaves no rows; an imported file stores exactly what it reports; a second import of the same file adds
// nothing; the strict import of a file with skipped records fails it and leaves no rows.
//
// Speed (issue 7 wants >= 10 million executions): the schema is created once. Every import starts from the same
// empty store: the tables holding rows are emptied and `meta` refilled before it by statements prepared once (see
// Stores), and the harness checks the store is empty and its schema unchanged. The importer's writer statements stay
// prepared on the connection between imports (Database::takeCached) and it reads without a thread of its own
// (ImportOptions::readerThread = false: no thread created per input; the threaded hand-over is tested by
// tst_captureimporter under the sanitizers), so SQLite runs single-threaded. The strict import runs only when the
// lenient one skipped records (without skipped records strict and lenient are the same import). The input file
// lives in /dev/shm when there is one. scripts/fuzz.sh gives this target a 32 MiB ASan quarantine and 8 KiB inputs.

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <sqlite3.h>
#include <unistd.h>

#include "fuzzsupport.h"
#include "storage/import/captureimporter.h"
#include "storage/store/store.h"

namespace {

/// The file each input is written to (one per process), removed at exit.
const std::string& inputPath()
{
    struct InputFile
    {
        std::string path;
        InputFile()
        {
            const char* dir = std::getenv("TMPDIR");
            const std::string base = dir && *dir ? dir : (::access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
            path = base + "/streamscope-fuzz-import-" + std::to_string(::getpid()) + ".json";
        }
        ~InputFile() { ::unlink(path.c_str()); }
        InputFile(const InputFile&) = delete;
        InputFile& operator=(const InputFile&) = delete;
    };
    static const InputFile file;
    return file.path;
}

storage::Store openStore()
{
    auto store = storage::Store::open(":memory:", storage::Database::OpenMode::InMemory);
    FUZZ_CHECK_MSG(store, store ? "" : store.error().message);
    return std::move(*store);
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

/// The store every import writes to, emptied before each import: every table's rows are deleted and `meta` gets the
/// rows a freshly created store has (one transaction). The schema stays loaded (a store copied back page by page
/// would make SQLite parse the whole schema again for every input); the harness checks that no import changed it.
struct Stores
{
    storage::Store store = openStore();
    std::vector<storage::Statement> deletes;  // prepared once: DELETE per table, children first
    std::vector<storage::Statement> metaRows; // prepared once: INSERT per meta row of a fresh store
    std::optional<storage::Statement> rowsIn; // one row: 1 for every table of `deletes` holding rows, else NULL
    std::int64_t schemaVersion = schemaVersionOf(store);

    static std::int64_t schemaVersionOf(storage::Store& s)
    {
        auto version = s.database().queryInt("PRAGMA schema_version");
        FUZZ_CHECK(version);
        return *version;
    }

    Stores()
    {
        // Rows are deleted children first (foreign keys stay on; PRAGMA defer_foreign_keys would expire every
        // prepared statement of the connection each time).
        std::vector<std::string> tables;
        std::multimap<std::string, std::string> parents; // table -> table it references
        auto list = store.database().prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'");
        FUZZ_CHECK_MSG(list, list ? "" : list.error().message);
        while (list->step().row)
            tables.push_back(list->textCopy(0));
        auto references = store.database().prepare("SELECT m.name, f.\"table\" FROM sqlite_schema m, "
                                                   "pragma_foreign_key_list(m.name) f WHERE m.type = 'table'");
        FUZZ_CHECK_MSG(references, references ? "" : references.error().message);
        while (references->step().row)
            parents.emplace(references->textCopy(0), references->textCopy(1));
        const auto prepare = [&](const std::string& sql) {
            auto statement = store.database().prepare(sql, /*persistent=*/true);
            FUZZ_CHECK_MSG(statement, statement ? "" : statement.error().message);
            return std::move(*statement);
        };
        std::string probe;
        const auto add = [&](const std::string& table) {
            deletes.push_back(prepare("DELETE FROM \"" + table + "\""));
            probe += std::string(probe.empty() ? "SELECT " : ", ") + "(SELECT 1 FROM \"" + table + "\" LIMIT 1)";
        };
        while (!tables.empty()) {
            const auto referenced = [&](const std::string& table) {
                for (const auto& [child, parent] : parents)
                    if (parent == table && child != table
                        && std::find(tables.begin(), tables.end(), child) != tables.end())
                        return true;
                return false;
            };
            const auto next = std::find_if_not(tables.begin(), tables.end(), referenced);
            FUZZ_CHECK_MSG(next != tables.end(), "foreign key cycle");
            add(*next);
            tables.erase(next);
        }
        rowsIn.emplace(prepare(probe));
        auto meta = store.database().prepare("SELECT name, value FROM meta");
        FUZZ_CHECK_MSG(meta, meta ? "" : meta.error().message);
        while (meta->step().row) {
            char* row = sqlite3_mprintf("INSERT INTO meta(name, value) VALUES(%Q, %Q)", meta->textCopy(0).c_str(),
                                        meta->textCopy(1).c_str());
            metaRows.push_back(prepare(row));
            sqlite3_free(row);
        }
    }

    /// The store, emptied (as Store::open(":memory:") gives it).
    storage::Store& fresh()
    {
        // Only the tables holding rows are emptied (DELETE rewrites even an empty table's root page).
        std::vector<bool> holding(deletes.size());
        {
            const auto step = rowsIn->step();
            FUZZ_CHECK_MSG(step.row, step.error ? step.error->message : "no row");
            for (std::size_t i = 0; i < deletes.size(); ++i)
                holding[i] = !rowsIn->isNull(static_cast<int>(i));
            rowsIn->reset();
        }
        auto error = store.database().exec("BEGIN");
        FUZZ_CHECK_MSG(!error, error ? error->message : "");
        const auto run = [&](storage::Statement& statement) {
            error = statement.run();
            FUZZ_CHECK_MSG(!error, error ? error->message : "");
            statement.reset();
        };
        for (std::size_t i = 0; i < deletes.size(); ++i)
            if (holding[i])
                run(deletes[i]);
        for (auto& statement : metaRows)
            run(statement);
        error = store.database().exec("COMMIT");
        FUZZ_CHECK_MSG(!error, error ? error->message : "");
        FUZZ_CHECK_MSG(schemaVersionOf(store) == schemaVersion, "an import changed the schema");
        const auto totals = store.totals();
        FUZZ_CHECK_MSG(totals, totals ? "" : totals.error().message);
        FUZZ_CHECK(totals->records == 0 && totals->keys == 0 && totals->tables == 0 && totals->streams == 0
                   && totals->duplicates == 0 && totals->conflicts == 0);
        const auto sources = store.database().queryInt("SELECT count(*) FROM sources");
        FUZZ_CHECK(sources && *sources == 0);
        return store;
    }
};

/// Imports the file at `path` (`size` bytes) into a fresh store and checks the invariants; returns the result.
storage::FileImportResult importOnce(Stores& stores, const std::string& path, std::size_t size, bool strict)
{
    storage::Store& store = stores.fresh();
    storage::ImportOptions options;
    options.strict = strict;
    options.batchRecords = 7;     // several hand-overs even for small inputs
    options.readerThread = false; // no thread per input (the threaded hand-over: tst_captureimporter)
    const auto summary = storage::importCaptures(store.database(), {path}, options);
    FUZZ_CHECK_MSG(!summary.storeError, summary.storeError ? summary.storeError->message : "");
    FUZZ_CHECK(summary.files.size() == 1);
    const auto& file = summary.files.front();
    const Counts after = counts(store);
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
    case storage::FileImportResult::Status::Sidecar:
        FUZZ_CHECK(after.records == 0 && after.sources == 0);
        break;
    default:
        FUZZ_CHECK_MSG(false, std::string(storage::fileStatusText(file.status)));
    }
    if (file.status == storage::FileImportResult::Status::Imported) {
        const auto again = storage::importCaptures(store.database(), {path}, options);
        FUZZ_CHECK(!again.storeError && again.files.size() == 1);
        FUZZ_CHECK_MSG(again.files.front().status == storage::FileImportResult::Status::AlreadyImported,
                       std::string(storage::fileStatusText(again.files.front().status)));
        const Counts twice = counts(store);
        FUZZ_CHECK(twice.records == after.records && twice.sources == after.sources);
    }
    return file;
}

} // namespace

// One thread uses SQLite here (the import runs without its reader thread, and an in-memory store has no
// checkpointer): SQLite's mutexes and memory barriers are switched off before it initialises.
extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    FUZZ_CHECK(sqlite3_config(SQLITE_CONFIG_SINGLETHREAD) == SQLITE_OK);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static Stores stores;
    const std::string& path = inputPath();
    {
        std::FILE* file = std::fopen(path.c_str(), "wb");
        FUZZ_CHECK(file);
        FUZZ_CHECK(size == 0 || std::fwrite(data, 1, size, file) == size);
        std::fclose(file);
    }
    const auto lenient = importOnce(stores, path, size, false);
    // Strict differs from lenient only by failing a file with skipped records.
    if (lenient.skipped > 0) {
        const auto strict = importOnce(stores, path, size, true);
        FUZZ_CHECK_MSG(strict.status != storage::FileImportResult::Status::Imported,
                       std::to_string(lenient.skipped) + " records skipped, yet the strict import succeeded");
    }
    return 0;
}
