#include "storage/exporter.h"

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
#include "storage/historyservice.h"
#include "storage/lambdarecord.h"

namespace storage {

namespace {

Error invalid(std::string message)
{
    return Error{Error::Kind::InvalidArgument, 0, std::move(message)};
}

bool hasJsUnsafeNumber(const model::StreamRecord& r)
{
    auto check = [](const model::Item& item) {
        for (const auto& issue : model::validate(item)) {
            if (issue.kind == model::ValueIssue::Kind::JsUnsafeNumber)
                return true;
        }
        return false;
    };
    return check(r.keys) || (r.newImage && check(*r.newImage)) || (r.oldImage && check(*r.oldImage));
}

/// A selected row with what the export needs.
struct Selected
{
    RecordRow row;
    model::StreamRecord record;
    bool jsUnsafe = false;
};

Result<std::vector<std::int64_t>> resolveTables(Store& store, const ExportSelection& selection)
{
    std::vector<std::int64_t> ids;
    for (const auto& name : selection.tables) {
        auto t = store.findTable(name);
        if (!t)
            return t.error();
        if (!t->has_value())
            return invalid("no table named '" + name + "' in the store");
        ids.push_back((*t)->id);
    }
    return ids;
}

Result<std::vector<std::int64_t>> resolveKeys(Store& store, const ExportSelection& selection,
                                              const std::vector<std::int64_t>& tableIds)
{
    std::vector<std::int64_t> keyIds;
    std::vector<std::int64_t> tables = tableIds;
    if (tables.empty()) {
        auto all = store.tables();
        if (!all)
            return all.error();
        for (const auto& t : *all)
            tables.push_back(t.id);
    }
    for (const auto& spec : selection.keys) {
        std::size_t found = 0;
        std::string lastProblem;
        for (const auto t : tables) {
            // DynamoDB JSON or Name=value (types taken from the table's keys): the history engine's key syntax.
            auto key = resolveKey(store, t, spec);
            if (key) {
                keyIds.push_back(key->id);
                ++found;
            } else if (key.error().kind == Error::Kind::InvalidArgument) {
                lastProblem = key.error().message;
            } else {
                return key.error();
            }
        }
        if (found == 0)
            return invalid(lastProblem.empty() ? "no key '" + spec + "' in the selected tables" : lastProblem);
    }
    return keyIds;
}

Result<std::unordered_set<std::int64_t>> flaggedRecords(Store& store, const ExportSelection& selection,
                                                        const std::vector<std::int64_t>& tableIds)
{
    std::set<model::FindingKind> kinds;
    bool any = false;
    for (const auto& k : selection.findingKinds) {
        if (k == "any") {
            any = true;
            continue;
        }
        const auto kind = model::parseFindingKind(k);
        if (!kind)
            return invalid("unknown audit finding '" + k + "'");
        kinds.insert(*kind);
    }
    std::vector<std::optional<std::int64_t>> scopes;
    for (const auto t : tableIds)
        scopes.emplace_back(t);
    if (scopes.empty())
        scopes.emplace_back(std::nullopt);
    std::unordered_set<std::int64_t> ids;
    for (const auto& scope : scopes) {
        AuditRequest request;
        request.tableId = scope;
        auto report = runAudit(store, request);
        if (!report)
            return report.error();
        for (const auto& f : report->findings) {
            if (f.recordId > 0 && (any || kinds.count(f.kind)))
                ids.insert(f.recordId);
        }
    }
    return ids;
}

Result<std::vector<Selected>> selectRows(Store& store, const ExportSelection& selection, std::int64_t* jsUnsafeTotal,
                                         std::int64_t* excludedByJs,
                                         const std::function<bool(std::int64_t, std::int64_t)>& progress)
{
    auto tableIds = resolveTables(store, selection);
    if (!tableIds)
        return tableIds.error();
    auto keyIds = resolveKeys(store, selection, *tableIds);
    if (!keyIds)
        return keyIds.error();
    if (!selection.fromSequence.empty() && !model::isSequenceNumber(selection.fromSequence))
        return invalid("sequence number '" + selection.fromSequence + "' is not a digit string");
    if (!selection.toSequence.empty() && !model::isSequenceNumber(selection.toSequence))
        return invalid("sequence number '" + selection.toSequence + "' is not a digit string");

    RecordFilter base = selection.filter.value_or(RecordFilter{});
    if (!selection.eventNames.empty())
        base.eventNames = selection.eventNames;
    if (selection.ttl)
        base.ttl = selection.ttl;
    if (selection.fromMicros)
        base.fromMicros = std::max(selection.fromMicros, base.fromMicros);
    if (selection.toMicros)
        base.toMicros = base.toMicros ? std::min(*selection.toMicros, *base.toMicros) : *selection.toMicros;

    std::vector<RecordFilter> filters;
    std::vector<std::optional<std::int64_t>> tables;
    for (const auto t : *tableIds)
        tables.emplace_back(t);
    if (tables.empty())
        tables.emplace_back(base.tableId);
    for (const auto& t : tables) {
        if (keyIds->empty()) {
            RecordFilter f = base;
            f.tableId = t;
            filters.push_back(f);
        } else {
            for (const auto k : *keyIds) {
                RecordFilter f = base;
                f.tableId = t;
                f.keyId = k;
                filters.push_back(f);
            }
        }
    }
    std::vector<std::int64_t> ids;
    for (const auto& f : filters) {
        auto part = store.recordIds(f, RecordOrder::Arrival);
        if (!part)
            return part.error();
        ids.insert(ids.end(), part->begin(), part->end());
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    if (!selection.recordIds.empty()) {
        std::vector<std::int64_t> wanted = selection.recordIds;
        std::sort(wanted.begin(), wanted.end());
        std::vector<std::int64_t> both;
        std::set_intersection(ids.begin(), ids.end(), wanted.begin(), wanted.end(), std::back_inserter(both));
        ids = std::move(both);
    }
    if (!selection.findingKinds.empty()) {
        auto flagged = flaggedRecords(store, selection, *tableIds);
        if (!flagged)
            return flagged.error();
        std::erase_if(ids, [&](std::int64_t id) { return !flagged->count(id); });
    }

    std::vector<Selected> rows;
    rows.reserve(ids.size());
    constexpr std::size_t kChunk = 512;
    for (std::size_t begin = 0; begin < ids.size(); begin += kChunk) {
        const std::size_t end = std::min(ids.size(), begin + kChunk);
        auto chunk = store.recordsByIds(std::span<const std::int64_t>(ids.data() + begin, end - begin), true);
        if (!chunk)
            return chunk.error();
        for (auto& row : *chunk) {
            if (!selection.fromSequence.empty()
                && (row.sequenceNumber.empty()
                    || model::compareSequenceNumbers(row.sequenceNumber, selection.fromSequence) < 0))
                continue;
            if (!selection.toSequence.empty()
                && (row.sequenceNumber.empty()
                    || model::compareSequenceNumbers(row.sequenceNumber, selection.toSequence) > 0))
                continue;
            auto record = toStreamRecord(row);
            if (!record)
                return record.error();
            Selected s{std::move(row), std::move(*record), false};
            s.jsUnsafe = hasJsUnsafeNumber(s.record);
            if (s.jsUnsafe && jsUnsafeTotal)
                ++*jsUnsafeTotal;
            if ((selection.jsUnsafe == ExportSelection::JsUnsafe::Exclude && s.jsUnsafe)
                || (selection.jsUnsafe == ExportSelection::JsUnsafe::Only && !s.jsUnsafe)) {
                if (excludedByJs)
                    ++*excludedByJs;
                continue;
            }
            rows.push_back(std::move(s));
        }
        if (progress && !progress(static_cast<std::int64_t>(end), static_cast<std::int64_t>(ids.size())))
            return Error{Error::Kind::Interrupted, 0, "export cancelled"};
    }
    // Records without sequence numbers (Kinesis, exports) are delivered in creation-time order; sequenced streams
    // are re-ordered numerically by the planner.
    std::stable_sort(rows.begin(), rows.end(), [](const Selected& a, const Selected& b) {
        const auto& ta = a.row.creationTimeMicros;
        const auto& tb = b.row.creationTimeMicros;
        if (ta.has_value() != tb.has_value())
            return !ta.has_value();
        if (ta && *ta != *tb)
            return *ta < *tb;
        return a.row.id < b.row.id;
    });
    return rows;
}

Result<std::vector<Selected>> selectForExport(Store& store, const ExportSelection& selection, BatchBuild& counts,
                                              const std::function<bool(std::int64_t, std::int64_t)>& progress)
{
    auto rows = selectRows(store, selection, &counts.jsUnsafe, &counts.excludedByJsOption, progress);
    if (rows)
        counts.selected = static_cast<std::int64_t>(rows->size()) + counts.excludedByJsOption;
    return rows;
}

Result<BatchBuild> planFromRows(std::vector<Selected>& rows, BatchBuild build, const BatchLimits& limits)
{
    if (limits.maxRecords < 1 || limits.maxRecords > kLambdaMaxBatchRecords)
        return invalid("batch size must be between 1 and 10000");
    if (limits.maxPayloadBytes > kLambdaMaxPayloadBytes || limits.maxPayloadBytes < kEventEnvelopeBytes + 2)
        return invalid("payload limit must be at most 6291456 bytes");
    std::vector<BatchRecord> records;
    std::vector<PlanItem> items;
    records.reserve(rows.size());
    items.reserve(rows.size());
    std::map<std::string, std::uint64_t> syntheticCounters;
    std::map<std::string, std::int64_t> shapes;
    for (auto& s : rows) {
        const std::string region = !s.row.region.empty() ? s.row.region : rawRegion(s.row.raw);
        ConversionDefaults defaults;
        if (!region.empty())
            defaults.region = region;
        const std::string stream = effectiveStreamArn(s.record, defaults.region);
        if (!model::isSequenceNumber(s.record.sequenceNumber))
            defaults.syntheticSequenceNumber = syntheticSequenceNumber(++syntheticCounters[stream]);
        auto converted = lambdaRecordJson(s.record, s.row.raw, defaults);
        BatchRecord r;
        r.recordId = s.row.id;
        r.table = s.row.tableName;
        r.keyText = model::keyDisplayText(s.record.keys);
        r.keysJson = s.row.keysJson;
        r.sequenceNumber =
            converted.syntheticSequenceNumber ? defaults.syntheticSequenceNumber : s.record.sequenceNumber;
        r.json = std::move(converted.json);
        r.shape = s.row.shape;
        r.converted = converted.converted;
        r.syntheticSequenceNumber = converted.syntheticSequenceNumber;
        r.jsUnsafe = s.jsUnsafe;
        if (r.converted) {
            ++build.converted;
            ++shapes[r.shape.empty() ? std::string("unknown") : r.shape];
        }
        if (r.syntheticSequenceNumber)
            ++build.syntheticSequenceNumbers;
        items.push_back({stream, r.sequenceNumber, r.json.size()});
        records.push_back(std::move(r));
    }
    for (const auto& [shape, n] : shapes)
        build.convertedShapes.emplace_back(shape, n);
    const BatchPlan plan = planBatches(items, limits);
    for (const auto& o : plan.oversize) {
        const auto& r = records[o.item];
        build.oversize.push_back({r.recordId, r.table, r.keyText, r.sequenceNumber, o.payloadBytes});
    }
    for (const auto& p : plan.batches) {
        LambdaBatch batch;
        batch.stream = p.stream;
        batch.payloadBytes = p.payloadBytes;
        for (const auto i : p.items)
            batch.records.push_back(std::move(records[i]));
        batch.table = batch.records.front().table;
        build.batches.push_back(std::move(batch));
    }
    return build;
}

std::string isoTime(std::optional<std::int64_t> micros)
{
    if (!micros)
        return {};
    const std::int64_t seconds = *micros >= 0 ? *micros / 1000000 : -((-*micros + 999999) / 1000000);
    const std::int64_t fraction = *micros - seconds * 1000000;
    const std::time_t t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buffer[64];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &tm);
    char full[96];
    std::snprintf(full, sizeof full, "%s.%06lldZ", buffer, static_cast<long long>(fraction));
    return full;
}

/// Writes `data` to folder/name; O_NOFOLLOW so a symlink planted at that name is never followed.
std::optional<Error> writeFile(const std::filesystem::path& folder, const std::string& name, std::string_view data,
                               bool replace)
{
    const std::filesystem::path path = folder / name;
    int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | (replace ? O_TRUNC : O_EXCL);
    const int fd = ::open(path.c_str(), flags, 0644);
    if (fd < 0)
        return Error{Error::Kind::CannotOpen, errno, "cannot write " + path.string() + ": " + std::strerror(errno)};
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            const int e = errno;
            ::close(fd);
            return Error{Error::Kind::CannotOpen, e, "cannot write " + path.string() + ": " + std::strerror(e)};
        }
        done += static_cast<std::size_t>(n);
    }
    if (::close(fd) != 0)
        return Error{Error::Kind::CannotOpen, errno, "cannot write " + path.string() + ": " + std::strerror(errno)};
    return std::nullopt;
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

std::string eventJson(const LambdaBatch& batch, std::size_t begin, std::size_t end)
{
    end = std::min(end, batch.records.size());
    std::string out = "{\"Records\":[";
    for (std::size_t i = begin; i < end; ++i) {
        if (i > begin)
            out += ',';
        out += batch.records[i].json;
    }
    out += "]}";
    return out;
}

Result<std::vector<std::int64_t>> selectRecordIds(Store& store, const ExportSelection& selection)
{
    auto rows = selectRows(store, selection, nullptr, nullptr, {});
    if (!rows)
        return rows.error();
    std::vector<std::int64_t> ids;
    for (const auto& r : *rows)
        ids.push_back(r.row.id);
    std::sort(ids.begin(), ids.end());
    return ids;
}

Result<BatchBuild> buildLambdaBatches(Store& store, const ExportSelection& selection, const BatchLimits& limits,
                                      const std::function<bool(std::int64_t, std::int64_t)>& progress)
{
    BatchBuild build;
    auto rows = selectForExport(store, selection, build, progress);
    if (!rows)
        return rows.error();
    return planFromRows(*rows, std::move(build), limits);
}

Result<ExportReport> exportRecords(Store& store, const ExportSelection& selection, const ExportOptions& options,
                                   const std::function<bool(std::int64_t, std::int64_t)>& progress)
{
    namespace fs = std::filesystem;
    if (options.folder.empty())
        return invalid("no output folder given");
    const fs::path folder(options.folder);
    std::error_code ec;
    if (fs::exists(folder, ec) && !fs::is_directory(folder, ec))
        return invalid(options.folder + " exists and is not a folder");
    std::vector<std::string> existing;
    if (fs::is_directory(folder, ec)) {
        for (const auto& entry : fs::directory_iterator(folder, ec)) {
            const std::string name = entry.path().filename().string();
            if (isExportFileName(name))
                existing.push_back(name);
        }
        std::sort(existing.begin(), existing.end());
        if (!existing.empty() && !options.force)
            return invalid(
                options.folder + " already holds an export (" + existing.front()
                + (existing.size() > 1 ? " and " + std::to_string(existing.size() - 1) + " more" : std::string{})
                + "); use --force to replace it");
    }

    BatchBuild build;
    auto rows = selectForExport(store, selection, build, progress);
    if (!rows)
        return rows.error();
    std::map<std::int64_t, std::size_t> indexById;
    if (options.format == ExportFormat::ChangesCsv) {
        for (std::size_t i = 0; i < rows->size(); ++i)
            indexById[(*rows)[i].row.id] = i;
    }
    auto planned = planFromRows(*rows, std::move(build), options.limits);
    if (!planned)
        return planned.error();

    if (!fs::is_directory(folder, ec)) {
        fs::create_directories(folder, ec);
        if (ec)
            return Error{Error::Kind::CannotOpen, ec.value(), "cannot create " + options.folder + ": " + ec.message()};
    }
    ExportReport report;
    report.folder = options.folder;
    report.build = std::move(*planned);
    std::set<std::string> written;
    if (options.format == ExportFormat::ChangesCsv) {
        std::string csv = "time,table,key,event,path,op,old,new\r\n";
        ExportedFile file;
        file.name = "changes.csv";
        for (const auto& batch : report.build.batches) {
            for (const auto& r : batch.records) {
                report.csvRows += appendChanges(csv, r, (*rows)[indexById[r.recordId]].record);
                ++file.records;
                ++report.recordsWritten;
            }
        }
        file.bytes = static_cast<std::int64_t>(csv.size());
        if (auto e = writeFile(folder, file.name, csv, options.force))
            return *e;
        written.insert(file.name);
        report.files.push_back(file);
    } else {
        std::size_t index = 0;
        for (const auto& batch : report.build.batches) {
            ExportedFile file;
            file.name = batchFileName(++index, options.format);
            file.stream = batch.stream;
            file.table = batch.table;
            file.records = static_cast<std::int64_t>(batch.records.size());
            file.firstSequenceNumber = batch.records.front().sequenceNumber;
            file.lastSequenceNumber = batch.records.back().sequenceNumber;
            std::string text;
            if (options.format == ExportFormat::LambdaEvents) {
                text = eventJson(batch);
            } else {
                for (const auto& r : batch.records)
                    text += r.json + "\n";
            }
            file.bytes = static_cast<std::int64_t>(text.size());
            if (auto e = writeFile(folder, file.name, text, options.force))
                return *e;
            written.insert(file.name);
            report.recordsWritten += file.records;
            report.files.push_back(std::move(file));
        }
    }
    // With --force, files of the earlier export that this one did not rewrite would be mistaken for part of it.
    for (const auto& name : existing) {
        report.replacedFiles.push_back(name);
        if (!written.count(name) && name != "manifest.json")
            fs::remove(folder / name, ec);
    }
    for (auto& batch : report.build.batches)
        batch.records.clear();
    if (auto e = writeFile(folder, "manifest.json", manifestJson(report, selection, options) + "\n", options.force))
        return *e;
    return report;
}

std::string manifestJson(const ExportReport& report, const ExportSelection& selection, const ExportOptions& options)
{
    using nlohmann::json;
    json sel = json::object();
    if (!selection.tables.empty())
        sel["tables"] = selection.tables;
    if (!selection.keys.empty())
        sel["keys"] = selection.keys;
    if (!selection.eventNames.empty()) {
        json names = json::array();
        for (const auto e : selection.eventNames)
            names.push_back(std::string(model::eventNameText(e)));
        sel["eventNames"] = names;
    }
    if (selection.ttl)
        sel["ttl"] = *selection.ttl;
    if (selection.fromMicros)
        sel["from"] = isoTime(selection.fromMicros);
    if (selection.toMicros)
        sel["to"] = isoTime(selection.toMicros);
    if (!selection.fromSequence.empty())
        sel["fromSequenceNumber"] = selection.fromSequence;
    if (!selection.toSequence.empty())
        sel["toSequenceNumber"] = selection.toSequence;
    if (!selection.findingKinds.empty())
        sel["auditFindings"] = selection.findingKinds;
    sel["jsUnsafeNumbers"] = selection.jsUnsafe == ExportSelection::JsUnsafe::Include
        ? "include"
        : (selection.jsUnsafe == ExportSelection::JsUnsafe::Exclude ? "exclude" : "only");
    if (!selection.recordIds.empty())
        sel["recordIds"] = selection.recordIds;
    if (selection.filter)
        sel["viewFilter"] = true;

    const auto& b = report.build;
    json m;
    m["generator"] = "streamscope export";
    m["format"] = std::string(exportFormatText(options.format));
    if (!options.storeLabel.empty())
        m["store"] = options.storeLabel;
    m["selection"] = sel;
    m["batchSize"] = options.limits.maxRecords;
    m["maxPayloadBytes"] = options.limits.maxPayloadBytes;
    m["counts"] = {{"selected", b.selected},
                   {"written", report.recordsWritten},
                   {"files", report.files.size()},
                   {"jsUnsafe", b.jsUnsafe},
                   {"excludedByJsUnsafeOption", b.excludedByJsOption},
                   {"oversize", b.oversize.size()},
                   {"converted", b.converted},
                   {"syntheticSequenceNumbers", b.syntheticSequenceNumbers}};
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
    if (b.syntheticSequenceNumbers > 0)
        m["notes"] = json::array({"records without a SequenceNumber (Kinesis, exports) got 21-digit stand-in "
                                  "sequence numbers counting from 1 per stream, in creation-time order"});
    json files = json::array();
    for (const auto& f : report.files) {
        json jf = {{"name", f.name}, {"records", f.records}, {"bytes", f.bytes}};
        if (!f.stream.empty()) {
            jf["stream"] = f.stream;
            jf["table"] = f.table;
            jf["firstSequenceNumber"] = f.firstSequenceNumber;
            jf["lastSequenceNumber"] = f.lastSequenceNumber;
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
