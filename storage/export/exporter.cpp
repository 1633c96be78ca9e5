#include "storage/export/exporter.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <map>
#include <set>
#include <unordered_set>
#include <utility>

#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include "model/attributediff.h"
#include "model/audit.h"
#include "model/dynamodbjson.h"
#include "model/itemhistory.h"
#include "model/sequencenumber.h"
#include "storage/delivery/deliveryreader.h"
#include "storage/delivery/lambdarecord.h"
#include "storage/export/sha256.h"
#include "storage/store/readsnapshot.h"

namespace storage {

namespace {

/// A new file inside the export (or staging) folder, opened with O_NOFOLLOW | O_EXCL (a symlink or file planted at
/// that name is an error, never followed or overwritten) and written in chunks; its SHA-256 is computed as it goes.
class OutputFile
{
public:
    OutputFile() = default;
    OutputFile(const OutputFile&) = delete;
    OutputFile& operator=(const OutputFile&) = delete;
    ~OutputFile()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }

    std::optional<Error> open(const std::filesystem::path& folder, const std::string& name)
    {
        m_path = folder / name;
        const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_EXCL;
        m_fd = ::open(m_path.c_str(), flags, 0644);
        if (m_fd < 0)
            return failure(errno);
        return std::nullopt;
    }

    std::optional<Error> write(std::string_view data)
    {
        std::size_t done = 0;
        while (done < data.size()) {
            const ssize_t n = ::write(m_fd, data.data() + done, data.size() - done);
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                return failure(errno);
            }
            done += static_cast<std::size_t>(n);
        }
        m_bytes += static_cast<std::int64_t>(data.size());
        m_hash.add(data);
        return std::nullopt;
    }

    std::optional<Error> close()
    {
        const int fd = m_fd;
        m_fd = -1;
        if (::close(fd) != 0)
            return failure(errno);
        return std::nullopt;
    }

    std::int64_t bytes() const { return m_bytes; }
    std::string sha256() { return m_hash.finishHex(); }

private:
    Error failure(int e) const
    {
        return Error{Error::Kind::CannotOpen, e, "cannot write " + m_path.string() + ": " + std::strerror(e)};
    }

    std::filesystem::path m_path;
    int m_fd = -1;
    std::int64_t m_bytes = 0;
    Sha256 m_hash;
};

std::optional<Error> writeFile(const std::filesystem::path& folder, const std::string& name, std::string_view data)
{
    OutputFile file;
    if (auto e = file.open(folder, name))
        return e;
    if (auto e = file.write(data))
        return e;
    return file.close();
}

bool isExportFileName(const std::string& name)
{
    if (name == "manifest.json" || name == "changes.csv")
        return true;
    // batch-NNNNNN.json / .jsonl
    if (name.rfind("batch-", 0) != 0)
        return false;
    const std::size_t dot = name.find('.');
    if (dot == std::string::npos || dot <= 6)
        return false;
    for (std::size_t i = 6; i < dot; ++i) {
        if (name[i] < '0' || name[i] > '9')
            return false;
    }
    const std::string ext = name.substr(dot);
    return ext == ".json" || ext == ".jsonl";
}

std::string batchFileName(std::size_t index, ExportFormat format)
{
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "batch-%06zu.%s", index, format == ExportFormat::JsonLines ? "jsonl" : "json");
    return buffer;
}

void appendCsvRow(std::string& out, const std::vector<std::string>& fields)
{
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i)
            out += ',';
        out += csvField(fields[i]);
    }
    out += "\r\n";
}

std::int64_t appendChanges(std::string& out, const BatchRecord& r, const model::StreamRecord& record)
{
    const std::string time = isoTime(record.creationTimeMicros);
    const std::string event = std::string(model::eventNameText(record.eventName)) + (record.ttl ? " (TTL)" : "");
    std::vector<model::AttributeChange> changes;
    if (record.oldImage && record.newImage)
        changes = model::diffItems(*record.oldImage, *record.newImage);
    else if (record.newImage)
        changes = model::diffItems({}, *record.newImage);
    else if (record.oldImage)
        changes = model::diffItems(*record.oldImage, {});
    else {
        appendCsvRow(out, {time, r.table, r.keyText, event, "", "", "", ""});
        return 1;
    }
    if (changes.empty()) {
        appendCsvRow(out, {time, r.table, r.keyText, event, "", "none", "", ""});
        return 1;
    }
    for (const auto& c : changes) {
        appendCsvRow(out,
                     {time, r.table, r.keyText, event, c.path, std::string(model::opText(c.op)),
                      c.oldValue ? model::toDynamoJson(*c.oldValue) : std::string{},
                      c.newValue ? model::toDynamoJson(*c.newValue) : std::string{}});
    }
    return static_cast<std::int64_t>(changes.size());
}

} // namespace

std::string_view exportFormatText(ExportFormat format)
{
    switch (format) {
    case ExportFormat::LambdaEvents:
        return "lambda";
    case ExportFormat::JsonLines:
        return "jsonl";
    case ExportFormat::ChangesCsv:
        return "csv";
    }
    return {};
}

std::optional<ExportFormat> parseExportFormat(std::string_view text)
{
    if (text == "lambda" || text == "json")
        return ExportFormat::LambdaEvents;
    if (text == "jsonl" || text == "json-lines")
        return ExportFormat::JsonLines;
    if (text == "csv")
        return ExportFormat::ChangesCsv;
    return std::nullopt;
}

std::string csvField(std::string_view text)
{
    std::string value;
    value.reserve(text.size());
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if ((byte < 0x20 && c != '\t' && c != '\r' && c != '\n') || byte == 0x7f) {
            static constexpr char kHex[] = "0123456789abcdef";
            value += "\\u00";
            value += kHex[byte >> 4];
            value += kHex[byte & 0xf];
        } else {
            value += c;
        }
    }
    // Spreadsheets run a cell starting with = + - @ as a formula, and strip a leading tab or CR before looking.
    if (!value.empty()
        && (value[0] == '=' || value[0] == '+' || value[0] == '-' || value[0] == '@' || value[0] == '\t'
            || value[0] == '\r'))
        value.insert(value.begin(), '\'');
    if (value.find_first_of(",\"\r\n") == std::string::npos)
        return value;
    std::string quoted = "\"";
    for (const char c : value) {
        if (c == '"')
            quoted += '"';
        quoted += c;
    }
    return quoted + '"';
}

std::vector<std::string> existingExportFiles(const std::string& folder)
{
    namespace fs = std::filesystem;
    std::vector<std::string> existing;
    std::error_code ec;
    if (!fs::is_directory(fs::path(folder), ec))
        return existing;
    for (const auto& entry : fs::directory_iterator(fs::path(folder), ec)) {
        const std::string name = entry.path().filename().string();
        if (isExportFileName(name))
            existing.push_back(name);
    }
    std::sort(existing.begin(), existing.end());
    return existing;
}

namespace {

/// Size of a regular file (not a symlink, FIFO, folder...) at `path`; nullopt otherwise.
std::optional<std::int64_t> regularFileSize(const std::filesystem::path& path)
{
    struct stat st
    {
    };
    if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
        return std::nullopt;
    return static_cast<std::int64_t>(st.st_size);
}

/// The files (other than itself) an earlier export's manifest.json vouches for: listed with the bytes they have
/// now and, when listed with one, the SHA-256 they have now. Empty when there is no such manifest.
std::set<std::string> filesVouchedFor(const std::filesystem::path& folder, bool& manifestIsExport)
{
    manifestIsExport = false;
    std::set<std::string> vouched;
    const std::filesystem::path manifestPath = folder / "manifest.json";
    const auto size = regularFileSize(manifestPath);
    constexpr std::int64_t kMaxManifestBytes = std::int64_t{256} << 20;
    if (!size || *size > kMaxManifestBytes)
        return vouched;
    std::string text;
    {
        const int fd = ::open(manifestPath.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
        if (fd < 0)
            return vouched;
        char buffer[1 << 16];
        for (;;) {
            const ssize_t n = ::read(fd, buffer, sizeof buffer);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            text.append(buffer, static_cast<std::size_t>(n));
        }
        ::close(fd);
    }
    const auto manifest = nlohmann::json::parse(text, nullptr, false);
    if (manifest.is_discarded() || !manifest.is_object()
        || manifest.value("generator", std::string{}) != "streamscope export" || !manifest.contains("files")
        || !manifest["files"].is_array())
        return vouched;
    manifestIsExport = true;
    for (const auto& f : manifest["files"]) {
        if (!f.is_object() || !f.contains("name") || !f["name"].is_string() || !f.contains("bytes")
            || !f["bytes"].is_number_integer())
            continue;
        const std::string name = f["name"].get<std::string>();
        if (!isExportFileName(name) || name == "manifest.json") // never a path, never the manifest itself
            continue;
        const auto actual = regularFileSize(folder / name);
        if (!actual || *actual != f["bytes"].get<std::int64_t>())
            continue;
        if (f.contains("sha256")) {
            const auto hash = sha256OfFile((folder / name).string());
            if (!f["sha256"].is_string() || !hash || *hash != f["sha256"].get<std::string>())
                continue;
        }
        vouched.insert(name);
    }
    return vouched;
}

} // namespace

ExportFolderState inspectExportFolder(const std::string& folder)
{
    ExportFolderState state;
    const std::vector<std::string> existing = existingExportFiles(folder);
    if (existing.empty())
        return state;
    bool manifestIsExport = false;
    const std::set<std::string> vouched = filesVouchedFor(std::filesystem::path(folder), manifestIsExport);
    for (const auto& name : existing) {
        const bool earlier = name == "manifest.json" ? manifestIsExport : vouched.count(name) > 0;
        (earlier ? state.earlier : state.foreign).push_back(name);
    }
    return state;
}

namespace {

/// Where each synthesised field occurs in a batch (indexes within the file).
std::vector<std::pair<std::string, std::vector<std::uint32_t>>> synthesizedIn(const LambdaBatch& batch)
{
    std::vector<std::pair<std::string, std::vector<std::uint32_t>>> result;
    for (std::uint16_t i = 0; i < kSynthesizedFieldCount; ++i) {
        const auto bit = static_cast<std::uint16_t>(1u << i);
        std::vector<std::uint32_t> indexes;
        for (std::size_t r = 0; r < batch.records.size(); ++r) {
            if (batch.records[r].synthesized & bit)
                indexes.push_back(static_cast<std::uint32_t>(r));
        }
        if (!indexes.empty())
            result.emplace_back(std::string(synthesizedFieldName(bit)), std::move(indexes));
    }
    return result;
}

/// Writes the selection's files; returns the report without manifest.
Result<ExportReport> writeExport(DeliveryReader& reader, const ExportOptions& options, const DeliveryProgress& progress,
                                 const std::filesystem::path& folder, std::vector<std::string>& written)
{
    ExportReport report;
    report.folder = options.folder;
    if (options.format == ExportFormat::ChangesCsv) {
        // No Lambda limits for a spreadsheet: every selected record, in delivery order, written as it comes.
        OutputFile csv;
        ExportedFile file;
        file.name = "changes.csv";
        if (auto e = csv.open(folder, file.name))
            return *e;
        written.push_back(file.name);
        std::string buffer = "time,table,key,event,path,op,old,new\r\n";
        auto build = forEachDeliveredRecord(
            reader, progress, [&](SelectedRecord& s, BatchRecord& r, const std::string&) -> std::optional<Error> {
                report.csvRows += appendChanges(buffer, r, s.record);
                report.recordsWithSynthesizedFields += r.synthesized != 0 ? 1 : 0;
                ++file.records;
                if (buffer.size() >= (1u << 20)) {
                    if (auto e = csv.write(buffer))
                        return e;
                    buffer.clear();
                }
                return std::nullopt;
            });
        if (!build)
            return build.error();
        if (auto e = csv.write(buffer))
            return *e;
        if (auto e = csv.close())
            return *e;
        file.bytes = csv.bytes();
        file.sha256 = csv.sha256();
        report.recordsWritten = file.records;
        report.files.push_back(std::move(file));
        report.build = std::move(*build);
        return report;
    }
    std::size_t index = 0;
    auto build = lambdaBatchesFrom(
        reader, options.limits,
        [&](LambdaBatch& batch) -> std::optional<Error> {
            ExportedFile file;
            file.name = batchFileName(++index, options.format);
            file.stream = batch.stream;
            file.table = batch.table;
            file.records = static_cast<std::int64_t>(batch.records.size());
            file.firstSequenceNumber = batch.records.front().sequenceNumber;
            file.lastSequenceNumber = batch.records.back().sequenceNumber;
            file.synthesized = synthesizedIn(batch);
            std::string text;
            if (options.format == ExportFormat::LambdaEvents) {
                text = eventJson(batch);
            } else {
                text.reserve(batch.payloadBytes);
                for (const auto& r : batch.records) {
                    text += r.json;
                    text += '\n';
                }
            }
            OutputFile out;
            if (auto e = out.open(folder, file.name))
                return e;
            written.push_back(file.name);
            if (auto e = out.write(text))
                return e;
            if (auto e = out.close())
                return e;
            file.bytes = out.bytes();
            file.sha256 = out.sha256();
            report.recordsWritten += file.records;
            for (const auto& r : batch.records)
                report.recordsWithSynthesizedFields += r.synthesized != 0 ? 1 : 0;
            report.files.push_back(std::move(file));
            return std::nullopt;
        },
        progress);
    if (!build)
        return build.error();
    report.build = std::move(*build);
    return report;
}

} // namespace

namespace {

/// "a, b, c and 4 more".
std::string listed(const std::vector<std::string>& names, std::size_t shown)
{
    std::string text;
    for (std::size_t i = 0; i < names.size() && i < shown; ++i)
        text += (i ? ", " : "") + names[i];
    if (names.size() > shown)
        text += " and " + std::to_string(names.size() - shown) + " more";
    return text;
}

std::string foreignFilesMessage(const std::string& folder, const std::vector<std::string>& foreign)
{
    return folder + " holds " + std::to_string(foreign.size())
        + (foreign.size() == 1 ? " file that looks" : " files that look")
        + " like export output but no Streamscope manifest.json there vouches for (not written by an earlier export, "
          "or changed since): "
        + listed(foreign, 20) + "; nothing was written or removed. Move them elsewhere or export into another folder";
}

/// Writes the export and its manifest.json into `folder` (files it does not hold yet); on an error or cancel removes
/// what it wrote.
Result<ExportReport> writeInto(const std::filesystem::path& folder, DeliveryReader& reader,
                               const RecordSelection& selection, const ExportOptions& options,
                               const DeliveryProgress& progress)
{
    std::vector<std::string> written;
    auto report = writeExport(reader, options, progress, folder, written);
    if (report) {
        if (auto e = writeFile(folder, "manifest.json", manifestJson(*report, selection, options) + "\n")) {
            report = *e;
        } else {
            return report;
        }
    }
    // Leave no half export behind that could be mistaken for a complete one.
    std::error_code ec;
    for (const auto& name : written)
        std::filesystem::remove(folder / name, ec);
    return report.error();
}

/// rename(2) that never replaces an existing file (renameat2 RENAME_NOREPLACE where the file system has it).
int renameNoReplace(const std::filesystem::path& from, const std::filesystem::path& to)
{
#ifdef RENAME_NOREPLACE
    if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0)
        return 0;
    if (errno != EINVAL && errno != ENOSYS)
        return errno;
#endif
    struct stat st
    {
    };
    if (::lstat(to.c_str(), &st) == 0)
        return EEXIST;
    return ::rename(from.c_str(), to.c_str()) == 0 ? 0 : errno;
}

/// A private (0700, mkdtemp) folder for a forced re-export: beside the target on the same file system, else a
/// hidden one inside it. Removed with everything in it when destroyed.
class StagingFolder
{
public:
    static Result<StagingFolder> create(const std::filesystem::path& target)
    {
        namespace fs = std::filesystem;
        std::error_code ec;
        fs::path absolute = fs::absolute(target, ec).lexically_normal();
        if (!absolute.has_filename())
            absolute = absolute.parent_path();
        struct stat targetStat
        {
        };
        if (::stat(absolute.c_str(), &targetStat) != 0)
            return failure("cannot read " + target.string(), errno);
        const std::string hidden = "." + absolute.filename().string() + ".streamscope-export-XXXXXX";
        for (const fs::path& place : {absolute.parent_path(), absolute}) {
            std::string templ = (place / hidden).string();
            if (!::mkdtemp(templ.data()))
                continue;
            StagingFolder staging(templ);
            struct stat st
            {
            };
            if (::stat(templ.c_str(), &st) == 0 && st.st_dev == targetStat.st_dev)
                return staging; // renames into the target work
        }
        return failure("cannot create a temporary folder beside or inside " + target.string(), errno);
    }

    StagingFolder(StagingFolder&& other) noexcept
        : m_path(std::exchange(other.m_path, {}))
        , m_keep(other.m_keep)
    {
    }
    StagingFolder& operator=(StagingFolder&&) = delete;
    StagingFolder(const StagingFolder&) = delete;
    StagingFolder& operator=(const StagingFolder&) = delete;
    ~StagingFolder()
    {
        std::error_code ec;
        if (!m_path.empty() && !m_keep)
            std::filesystem::remove_all(m_path, ec); // a folder of our own: remove_all never follows symlinks
    }

    const std::filesystem::path& path() const { return m_path; }

    /// Moves the earlier export's files (manifest first) out of `target` and the new ones in (manifest last), so the
    /// folder never shows a manifest with files of the other export. On a failure undoes every move made.
    std::optional<Error> swapInto(const std::filesystem::path& target, const std::vector<std::string>& earlier,
                                  const std::vector<ExportedFile>& files)
    {
        const std::filesystem::path previous = m_path / "previous";
        if (::mkdir(previous.c_str(), 0700) != 0)
            return failure("cannot create " + previous.string(), errno);
        std::vector<std::string> outNames{"manifest.json"};
        for (const auto& name : earlier)
            if (name != "manifest.json")
                outNames.push_back(name);
        std::vector<std::string> inNames;
        inNames.reserve(files.size() + 1);
        for (const auto& f : files)
            inNames.push_back(f.name);
        inNames.push_back("manifest.json");

        std::vector<std::string> movedOut;
        std::vector<std::string> movedIn;
        std::optional<Error> error;
        for (const auto& name : outNames) {
            if (const int e = renameNoReplace(target / name, previous / name); e != 0) {
                error = failure("cannot move " + (target / name).string() + " aside", e);
                break;
            }
            movedOut.push_back(name);
        }
        for (std::size_t i = 0; !error && i < inNames.size(); ++i) {
            if (const int e = renameNoReplace(m_path / inNames[i], target / inNames[i]); e != 0) {
                error = failure("cannot move the new " + inNames[i] + " into " + target.string(), e);
                break;
            }
            movedIn.push_back(inNames[i]);
        }
        if (!error)
            return std::nullopt;
        for (auto it = movedIn.rbegin(); it != movedIn.rend(); ++it)
            ::rename((target / *it).c_str(), (m_path / *it).c_str());
        for (auto it = movedOut.rbegin(); it != movedOut.rend(); ++it) {
            if (renameNoReplace(previous / *it, target / *it) != 0)
                m_keep = true; // never delete a file of the earlier export: say where it is instead
        }
        if (m_keep)
            error->message += "; the earlier export's files that could not be moved back are in " + previous.string();
        return error;
    }

private:
    explicit StagingFolder(std::filesystem::path path)
        : m_path(std::move(path))
    {
    }

    static Error failure(const std::string& what, int e)
    {
        return Error{Error::Kind::CannotOpen, e, what + ": " + std::strerror(e)};
    }

    std::filesystem::path m_path;
    bool m_keep = false;
};

/// SQLite's page cache of a connection held small while an export reads its records (restored when it ends). An
/// export reads each selected record's page once, so the usual 32 MiB cache is never hit again: filling it only faults
/// its memory in (8,192 page faults of 4 KiB, most of a one-key export's system time); 2 MiB (SQLite's own default)
/// holds the index pages the reads go through.
class SinglePassCache
{
public:
    static Result<SinglePassCache> begin(Database& db)
    {
        auto usual = db.queryInt("PRAGMA cache_size");
        if (!usual)
            return usual.error();
        if (auto error = db.exec("PRAGMA cache_size=-2048"))
            return *error;
        return SinglePassCache(db, *usual);
    }
    SinglePassCache(SinglePassCache&& other) noexcept
        : m_db(std::exchange(other.m_db, nullptr))
        , m_usual(other.m_usual)
    {
    }
    SinglePassCache(const SinglePassCache&) = delete;
    SinglePassCache& operator=(const SinglePassCache&) = delete;
    SinglePassCache& operator=(SinglePassCache&&) = delete;
    ~SinglePassCache()
    {
        if (m_db)
            (void)m_db->exec("PRAGMA cache_size=" + std::to_string(m_usual)); // a setting: cannot fail on an open one
    }

private:
    SinglePassCache(Database& db, std::int64_t usual)
        : m_db(&db)
        , m_usual(usual)
    {
    }
    Database* m_db;
    std::int64_t m_usual;
};

} // namespace

Result<ExportReport> exportRecords(Store& store, const RecordSelection& selection, const ExportOptions& options,
                                   const DeliveryProgress& progress)
{
    namespace fs = std::filesystem;
    if (options.folder.empty())
        return invalidArgument("no output folder given");
    if (options.format != ExportFormat::ChangesCsv) {
        if (auto e = checkBatchLimits(options.limits))
            return *e;
    }
    const fs::path folder(options.folder);
    std::error_code ec;
    if (fs::exists(folder, ec) && !fs::is_directory(folder, ec))
        return invalidArgument(options.folder + " exists and is not a folder");
    const ExportFolderState state = inspectExportFolder(options.folder);
    if (!state.foreign.empty())
        return invalidArgument(foreignFilesMessage(options.folder, state.foreign));
    if (!state.earlier.empty() && !options.force)
        return invalidArgument(options.folder + " already holds an earlier export (" + listed(state.earlier, 3)
                               + "); use --force to replace it");
    // One read transaction for the whole export: every record of one committed state, and one lock for all the
    // row lookups of a key or id selection (without it each lookup took and dropped SQLite's read lock: two fcntl
    // calls and a stat each, most of a one-key export's time).
    auto snapshot = ReadSnapshot::begin(store.database());
    if (!snapshot)
        return snapshot.error();
    // Resolve the selection (unknown table, key, finding... are errors) before creating anything.
    auto reader = DeliveryReader::open(store, selection);
    if (!reader)
        return reader.error();
    // Resolving it may read a table's keys (their names and types) more than once: the usual cache until then.
    auto cache = SinglePassCache::begin(store.database());
    if (!cache)
        return cache.error();
    if (!fs::is_directory(folder, ec)) {
        fs::create_directories(folder, ec);
        if (ec)
            return Error{Error::Kind::CannotOpen, ec.value(), "cannot create " + options.folder + ": " + ec.message()};
    }
    if (state.earlier.empty())
        return writeInto(folder, *reader, selection, options, progress);

    // A forced re-export: written aside, swapped in only once complete.
    auto staging = StagingFolder::create(folder);
    if (!staging)
        return staging.error();
    auto report = writeInto(staging->path(), *reader, selection, options, progress);
    if (!report)
        return report.error();
    if (auto e = staging->swapInto(folder, state.earlier, report->files))
        return *e;
    report->replacedFiles = state.earlier;
    return report;
}

std::string manifestJson(const ExportReport& report, const RecordSelection& selection, const ExportOptions& options)
{
    using nlohmann::json;
    const auto& b = report.build;
    json m;
    m["generator"] = "streamscope export";
    m["format"] = std::string(exportFormatText(options.format));
    if (!options.storeLabel.empty())
        m["store"] = options.storeLabel;
    m["selection"] = selectionJson(selection);
    if (selection.lambdaFilter)
        m["selection"]["lambdaFilterCriteria"]["dropped"] = b.droppedByCriteria;
    m["batchSize"] = options.limits.maxRecords;
    m["maxPayloadBytes"] = options.limits.maxPayloadBytes;
    m["counts"] = {{"selected", b.selected},
                   {"written", report.recordsWritten},
                   {"files", report.files.size()},
                   {"jsUnsafe", b.jsUnsafe},
                   {"excludedByJsUnsafeOption", b.excludedByJsOption},
                   {"droppedByFilterCriteria", b.droppedByCriteria},
                   {"oversize", b.oversize.size()},
                   {"converted", b.converted},
                   {"syntheticSequenceNumbers", b.syntheticSequenceNumbers},
                   {"withSynthesizedFields", report.recordsWithSynthesizedFields}};
    if (options.format == ExportFormat::ChangesCsv)
        m["counts"]["csvRows"] = report.csvRows;
    json conversions = json::array();
    for (const auto& [shape, n] : b.convertedShapes)
        conversions.push_back({{"shape", shape},
                               {"records", n},
                               {"note",
                                "converted to the Lambda DynamoDB record shape (eventVersion 1.1; values as "
                                "delivered; ApproximateCreationDateTime in whole seconds)"}});
    m["conversions"] = conversions;
    json notes = json::array();
    if (b.syntheticSequenceNumbers > 0)
        notes.push_back("records without a SequenceNumber (Kinesis, exports) got 21-digit stand-in sequence numbers "
                        "counting from 1 per stream, in creation-time order");
    json synthesized = json::array();
    for (const auto& [field, n] : b.synthesizedFields) {
        json entry = {{"field", field}, {"records", n}};
        if (field == "eventSourceARN")
            entry["how"] = "the store's stream ARN (the import's --stream-arn) when it knows one, else "
                           "arn:aws:dynamodb:<region>:000000000000:table/<table>/stream/streamscope-synthetic";
        else if (field == "awsRegion")
            entry["how"] = "the region of the store's stream or ARN, else us-east-1";
        else if (field == "eventID")
            entry["how"] = "the record's SequenceNumber";
        else if (field == "eventVersion")
            entry["how"] = "\"1.1\"";
        else if (field == "eventSource")
            entry["how"] = "\"aws:dynamodb\"";
        else if (field == "dynamodb.SizeBytes")
            entry["how"] = "the record carried none: bytes of Keys, NewImage and OldImage as written";
        else if (field == "dynamodb.StreamViewType")
            entry["how"] = "the stream's view type, else named after the images the record carries";
        else if (field == "dynamodb.SequenceNumber")
            entry["how"] = "21-digit stand-in counting from 1 per stream (the record had none, or a placeholder)";
        else if (field == "dynamodb.ApproximateCreationDateTime")
            entry["how"] =
                "not whole seconds as delivered (milliseconds or microseconds of Kinesis records, no number, "
                "or missing): whole seconds of the stored creation time, or left out when unknown";
        else if (field == "eventName")
            entry["how"] = "not delivered (export lines: from the images) or changed (a full-export item is written as "
                           "INSERT)";
        synthesized.push_back(entry);
    }
    if (!synthesized.empty())
        notes.push_back("Lambda always sends eventSourceARN, awsRegion, eventVersion, eventSource, SizeBytes and "
                        "StreamViewType; records that arrived without them (e.g. GetRecords output has no "
                        "eventSourceARN) or in another shape (Kinesis, exports) got them written or changed: see "
                        "synthesizedFields and each file's synthesized (record indexes within the file, or \"all\"). "
                        "Every other field is written as delivered; members Lambda does not send (tableName, "
                        "recordFormat, ApproximateCreationDateTimePrecision, Metadata) are not written");
    m["synthesizedFields"] = synthesized;
    if (!notes.empty())
        m["notes"] = notes;
    json files = json::array();
    for (const auto& f : report.files) {
        json jf = {{"name", f.name}, {"records", f.records}, {"bytes", f.bytes}};
        if (!f.sha256.empty())
            jf["sha256"] = f.sha256;
        if (!f.stream.empty()) {
            jf["stream"] = f.stream;
            jf["table"] = f.table;
            jf["firstSequenceNumber"] = f.firstSequenceNumber;
            jf["lastSequenceNumber"] = f.lastSequenceNumber;
        }
        if (!f.synthesized.empty()) {
            json fields = json::object();
            for (const auto& [field, indexes] : f.synthesized) {
                if (static_cast<std::int64_t>(indexes.size()) == f.records)
                    fields[field] = "all";
                else
                    fields[field] = indexes;
            }
            jf["synthesized"] = fields;
        }
        files.push_back(jf);
    }
    m["files"] = files;
    json oversize = json::array();
    for (const auto& o : b.oversize)
        oversize.push_back({{"recordId", o.recordId},
                            {"table", o.table},
                            {"key", o.keyText},
                            {"sequenceNumber", o.sequenceNumber},
                            {"payloadBytes", o.payloadBytes},
                            {"reason", "an event with only this record exceeds the payload limit"}});
    m["oversize"] = oversize;
    return m.dump(2, ' ', false, json::error_handler_t::replace);
}

} // namespace storage
