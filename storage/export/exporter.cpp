#include "storage/export/exporter.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <map>
#include <set>
#include <unordered_set>

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

namespace storage {

namespace {

/// A file inside the export folder, opened with O_NOFOLLOW (a symlink planted at that name is never followed) and
/// written in chunks.
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

    std::optional<Error> open(const std::filesystem::path& folder, const std::string& name, bool replace)
    {
        m_path = folder / name;
        const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | (replace ? O_TRUNC : O_EXCL);
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

private:
    Error failure(int e) const
    {
        return Error{Error::Kind::CannotOpen, e, "cannot write " + m_path.string() + ": " + std::strerror(e)};
    }

    std::filesystem::path m_path;
    int m_fd = -1;
    std::int64_t m_bytes = 0;
};

std::optional<Error> writeFile(const std::filesystem::path& folder, const std::string& name, std::string_view data,
                               bool replace)
{
    OutputFile file;
    if (auto e = file.open(folder, name, replace))
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
    std::string value(text);
    if (!value.empty() && (value[0] == '=' || value[0] == '+' || value[0] == '-' || value[0] == '@'))
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
        if (auto e = csv.open(folder, file.name, options.force))
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
            if (auto e = out.open(folder, file.name, options.force))
                return e;
            written.push_back(file.name);
            if (auto e = out.write(text))
                return e;
            if (auto e = out.close())
                return e;
            file.bytes = out.bytes();
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
    const std::vector<std::string> existing = existingExportFiles(options.folder);
    if (!existing.empty() && !options.force)
        return invalidArgument(
            options.folder + " already holds an export (" + existing.front()
            + (existing.size() > 1 ? " and " + std::to_string(existing.size() - 1) + " more" : std::string{})
            + "); use --force to replace it");
    // Resolve the selection (unknown table, key, finding... are errors) before creating anything.
    auto reader = DeliveryReader::open(store, selection);
    if (!reader)
        return reader.error();
    if (!fs::is_directory(folder, ec)) {
        fs::create_directories(folder, ec);
        if (ec)
            return Error{Error::Kind::CannotOpen, ec.value(), "cannot create " + options.folder + ": " + ec.message()};
    }

    std::vector<std::string> written;
    auto report = writeExport(*reader, options, progress, folder, written);
    if (!report) {
        // Leave no half export behind that could be mistaken for a complete one.
        for (const auto& name : written)
            fs::remove(folder / name, ec);
        if (options.force && !existing.empty())
            fs::remove(folder / "manifest.json", ec);
        return report.error();
    }
    // With --force, files of the earlier export that this one did not rewrite would be mistaken for part of it.
    const std::set<std::string> writtenSet(written.begin(), written.end());
    for (const auto& name : existing) {
        report->replacedFiles.push_back(name);
        if (!writtenSet.count(name) && name != "manifest.json")
            fs::remove(folder / name, ec);
    }
    if (auto e = writeFile(folder, "manifest.json", manifestJson(*report, selection, options) + "\n", options.force))
        return *e;
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
    m["batchSize"] = options.limits.maxRecords;
    m["maxPayloadBytes"] = options.limits.maxPayloadBytes;
    m["counts"] = {{"selected", b.selected},
                   {"written", report.recordsWritten},
                   {"files", report.files.size()},
                   {"jsUnsafe", b.jsUnsafe},
                   {"excludedByJsUnsafeOption", b.excludedByJsOption},
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
            entry["how"] = "bytes of Keys, NewImage and OldImage as written";
        else if (field == "dynamodb.StreamViewType")
            entry["how"] = "the stream's view type, else named after the images the record carries";
        else if (field == "dynamodb.SequenceNumber")
            entry["how"] = "21-digit stand-in counting from 1 per stream (the record had none, or a placeholder)";
        else if (field == "dynamodb.ApproximateCreationDateTime")
            entry["how"] = "was not a number: whole seconds of the stored creation time, or left out when unknown";
        synthesized.push_back(entry);
    }
    if (!synthesized.empty())
        notes.push_back("Lambda always sends eventSourceARN, awsRegion, eventVersion, eventSource, SizeBytes and "
                        "StreamViewType; records that arrived without them (e.g. GetRecords output has no "
                        "eventSourceARN) got them written: see synthesizedFields and each file's synthesized "
                        "(record indexes within the file, or \"all\")");
    m["synthesizedFields"] = synthesized;
    if (!notes.empty())
        m["notes"] = notes;
    json files = json::array();
    for (const auto& f : report.files) {
        json jf = {{"name", f.name}, {"records", f.records}, {"bytes", f.bytes}};
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
