#include "storage/import/exportfolder.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <system_error>

#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include "model/base64.h"
#include "storage/import/capturetime.h"

namespace storage {

namespace fs = std::filesystem;

namespace {

constexpr std::uintmax_t kMaxManifestBytes = std::uintmax_t{64} << 20; // manifest-files.json of a huge export
constexpr std::uintmax_t kMaxSmallJsonBytes = std::uintmax_t{4} << 20; // summaries, DescribeTable output

const char* const kSummaryName = "manifest-summary.json";
const char* const kFilesName = "manifest-files.json";

bool endsWith(const std::string& s, const std::string& suffix)
{
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

/// The file's text, or nullopt when it cannot be read or is bigger than `limit`.
std::optional<std::string> readText(const fs::path& path, std::uintmax_t limit)
{
    std::error_code ec;
    if (!fs::is_regular_file(path, ec))
        return std::nullopt;
    const auto size = fs::file_size(path, ec);
    if (ec || size > limit)
        return std::nullopt;
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad())
        return std::nullopt;
    return text.str();
}

std::string key(const fs::path& path)
{
    std::error_code ec;
    auto canonical = fs::weakly_canonical(path, ec);
    return ec ? path.lexically_normal().string() : canonical.string();
}

std::string stringField(const nlohmann::json& object, const char* name)
{
    const auto it = object.find(name);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<std::int64_t> integerField(const nlohmann::json& object, const char* name)
{
    const auto it = object.find(name);
    if (it == object.end())
        return std::nullopt;
    if (it->is_number_integer())
        return it->get<std::int64_t>();
    if (it->is_string()) { // written as text by some tools
        const std::string text = it->get<std::string>();
        if (!text.empty() && text.size() < 19
            && std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); }))
            return std::stoll(text);
    }
    return std::nullopt;
}

/// exportTime / exportFromTime / exportToTime: ISO-8601 text, or a number of seconds (the API's form).
std::optional<std::int64_t> timeField(const nlohmann::json& object, const char* name, std::string& text)
{
    const auto it = object.find(name);
    if (it == object.end())
        return std::nullopt;
    if (it->is_string()) {
        text = it->get<std::string>();
        return normaliseTimeString(text).micros;
    }
    if (it->is_number()) {
        text = it->dump();
        return normaliseEpochNumber(text, TimeUnit::Seconds).micros;
    }
    return std::nullopt;
}

std::string tableFromTableArn(const std::string& arn)
{
    const auto at = arn.find(":table/");
    if (at == std::string::npos)
        return {};
    const auto start = at + 7;
    return arn.substr(start,
                      arn.find('/', start) == std::string::npos ? std::string::npos : arn.find('/', start) - start);
}

std::string regionFromArn(const std::string& arn)
{
    // arn:aws:dynamodb:REGION:ACCOUNT:...
    std::size_t pos = 0;
    for (int field = 0; field < 3; ++field) {
        pos = arn.find(':', pos);
        if (pos == std::string::npos)
            return {};
        ++pos;
    }
    const auto end = arn.find(':', pos);
    return end == std::string::npos ? std::string() : arn.substr(pos, end - pos);
}

std::string md5Text(const std::string& bytesOrPath, bool isPath)
{
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    if (!context || EVP_DigestInit_ex(context.get(), EVP_md5(), nullptr) != 1)
        return {};
    if (isPath) {
        std::FILE* file = std::fopen(bytesOrPath.c_str(), "rb");
        if (!file)
            return {};
        std::vector<char> buffer(std::size_t{1} << 20);
        bool ok = true;
        for (;;) {
            const std::size_t got = std::fread(buffer.data(), 1, buffer.size(), file);
            if (got == 0)
                break;
            ok = ok && EVP_DigestUpdate(context.get(), buffer.data(), got) == 1;
        }
        ok = ok && !std::ferror(file);
        std::fclose(file);
        if (!ok)
            return {};
    } else if (EVP_DigestUpdate(context.get(), bytesOrPath.data(), bytesOrPath.size()) != 1) {
        return {};
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(context.get(), digest, &length) != 1)
        return {};
    return std::string(reinterpret_cast<const char*>(digest), length);
}

std::string hex(const std::string& bytes)
{
    static const char* const digits = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

/// A checksum file's MD5 (32 hex digits or base64 of 16 bytes, first token), raw bytes; nullopt when it holds none.
std::optional<std::string> checksumFileMd5(const fs::path& path)
{
    auto text = readText(path, 4096);
    if (!text)
        return std::nullopt;
    std::istringstream in(*text);
    std::string token;
    in >> token;
    if (token.size() == 32
        && std::all_of(token.begin(), token.end(), [](unsigned char c) { return std::isxdigit(c); })) {
        std::string bytes;
        for (std::size_t i = 0; i < 32; i += 2)
            bytes += static_cast<char>(std::stoi(token.substr(i, 2), nullptr, 16));
        return bytes;
    }
    if (auto decoded = model::base64Decode(token); decoded && decoded->size() == 16)
        return *decoded;
    return std::nullopt;
}

/// The data file a dataFileS3Key names, looked for where a download of the bucket puts it: relative to the folder
/// holding AWSDynamoDB/ (the key's own layout), in the export folder's data/ (full exports) or the shared
/// AWSDynamoDB/data/ (incremental exports). "" when none exists.
std::string findDataFile(const fs::path& dir, const std::string& s3Key)
{
    std::vector<fs::path> candidates;
    const fs::path keyPath(s3Key);
    const auto marker = s3Key.find("AWSDynamoDB/");
    if (marker != std::string::npos && dir.parent_path().filename() == "AWSDynamoDB")
        candidates.push_back(dir.parent_path().parent_path() / s3Key.substr(marker));
    candidates.push_back(dir / "data" / keyPath.filename());
    candidates.push_back(dir.parent_path() / "data" / keyPath.filename());
    candidates.push_back(dir / keyPath.filename());
    for (const auto& candidate : candidates) {
        std::error_code ec;
        if (fs::is_regular_file(candidate, ec))
            return candidate.string();
    }
    return {};
}

/// Reads manifest-summary.json; nullopt when the file is not an export's summary.
std::optional<ExportFolder> readSummary(const fs::path& manifest)
{
    auto text = readText(manifest, kMaxSmallJsonBytes);
    if (!text)
        return std::nullopt;
    const nlohmann::json summary = nlohmann::json::parse(*text, nullptr, false);
    if (!summary.is_object())
        return std::nullopt;
    ExportFolder e;
    e.exportArn = stringField(summary, "exportArn");
    e.tableArn = stringField(summary, "tableArn");
    if (e.exportArn.empty() || e.tableArn.empty())
        return std::nullopt;
    e.dir = manifest.parent_path().string();
    e.manifestPath = manifest.string();
    e.table = tableFromTableArn(e.tableArn);
    e.region = regionFromArn(e.tableArn);
    e.exportType = stringField(summary, "exportType");
    if (e.exportType.empty())
        e.exportType = "FULL_EXPORT"; // summaries written before incremental exports existed
    e.outputFormat = stringField(summary, "outputFormat");
    e.outputView = stringField(summary, "outputView");
    e.exportTimeMicros = timeField(summary, "exportTime", e.exportTimeText);
    e.fromMicros = timeField(summary, "exportFromTime", e.fromText);
    e.toMicros = timeField(summary, "exportToTime", e.toText);
    e.itemCount = integerField(summary, "itemCount");
    if (e.table.empty())
        e.problems.push_back(std::string(kSummaryName) + ": tableArn \"" + e.tableArn + "\" names no table");
    if (!e.outputFormat.empty() && e.outputFormat != "DYNAMODB_JSON")
        e.problems.push_back(std::string(kSummaryName) + ": outputFormat " + e.outputFormat
                             + " is not supported (only DYNAMODB_JSON; export the table again in that format)");
    if (!e.incremental() && !e.exportTimeMicros)
        e.problems.push_back(std::string(kSummaryName) + ": no readable exportTime (the instant the items show)");
    return e;
}

void readFileList(ExportFolder& e)
{
    const fs::path dir(e.dir);
    const fs::path list = dir / kFilesName;
    std::error_code ec;
    if (!fs::exists(list, ec)) {
        e.problems.push_back(std::string(kFilesName) + " is missing from " + e.dir
                             + " (partial download?): the data files cannot be checked");
        return;
    }
    auto text = readText(list, kMaxManifestBytes);
    if (!text) {
        e.problems.push_back(std::string(kFilesName) + " cannot be read");
        return;
    }
    std::istringstream lines(*text);
    std::string line;
    int lineNumber = 0;
    while (std::getline(lines, line)) {
        ++lineNumber;
        if (line.find_first_not_of(" \t\r") == std::string::npos)
            continue;
        const nlohmann::json entry = nlohmann::json::parse(line, nullptr, false);
        const std::string s3Key = entry.is_object() ? stringField(entry, "dataFileS3Key") : std::string();
        if (s3Key.empty()) {
            e.problems.push_back(std::string(kFilesName) + " line " + std::to_string(lineNumber)
                                 + ": not a data file entry (no dataFileS3Key)");
            continue;
        }
        ExportDataFile file;
        file.s3Key = s3Key;
        file.itemCount = integerField(entry, "itemCount");
        file.md5Base64 = stringField(entry, "md5Checksum");
        file.path = findDataFile(dir, s3Key);
        e.dataFiles.push_back(std::move(file));
    }
}

void checkDataFiles(ExportFolder& e)
{
    std::int64_t listedItems = 0;
    bool allCounted = true;
    for (const auto& file : e.dataFiles) {
        if (file.itemCount)
            listedItems += *file.itemCount;
        else
            allCounted = false;
        if (file.path.empty()) {
            e.problems.push_back("data file " + file.s3Key + " listed in " + kFilesName
                                 + " is missing (partial download?)");
            continue;
        }
        if (file.md5Base64.empty())
            continue;
        const auto md5 = fileMd5Base64(file.path);
        if (!md5)
            e.problems.push_back("data file " + file.path + " cannot be read");
        else if (*md5 != file.md5Base64)
            e.problems.push_back("data file " + file.path + " differs from " + kFilesName + ": MD5 " + *md5
                                 + ", listed " + file.md5Base64 + " (damaged or incomplete download?)");
    }
    if (allCounted && e.itemCount && !e.dataFiles.empty() && *e.itemCount != listedItems)
        e.problems.push_back(std::string(kSummaryName) + " says " + std::to_string(*e.itemCount) + " items, "
                             + kFilesName + " lists " + std::to_string(listedItems));
}

/// A DescribeTable output next to the export (its folder or the two above it), for the key schema.
std::optional<std::pair<std::string, DescribedTable>> findDescribeTable(const ExportFolder& e)
{
    fs::path dir(e.dir);
    for (int level = 0; level < 3 && !dir.empty(); ++level, dir = dir.parent_path()) {
        std::error_code ec;
        std::vector<fs::path> files;
        for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
            const auto name = it->path().filename().string();
            if (endsWith(name, ".json") && name != kSummaryName && name != kFilesName && it->is_regular_file(ec))
                files.push_back(it->path());
        }
        std::sort(files.begin(), files.end());
        for (const auto& file : files) {
            auto text = readText(file, kMaxSmallJsonBytes);
            if (!text || text->find("KeySchema") == std::string::npos)
                continue;
            if (auto described = parseDescribeTable(*text);
                described && (described->tableName.empty() || described->tableName == e.table))
                return std::make_pair(file.string(), *described);
        }
    }
    return std::nullopt;
}

} // namespace

std::string ExportFolder::description() const
{
    std::string text = "DynamoDB export " + exportArn + " (" + exportType + " of table " + table;
    if (incremental()) {
        text += ", window " + (fromText.empty() ? std::string("?") : fromText) + " .. "
            + (toText.empty() ? std::string("?") : toText);
        if (!outputView.empty())
            text += ", " + outputView;
    } else {
        text += " at " + exportTimeText;
    }
    if (itemCount)
        text += ", " + std::to_string(*itemCount) + " items";
    text += ", " + std::to_string(dataFiles.size()) + " data files)";
    return text;
}

std::optional<DescribedTable> parseDescribeTable(const std::string& text)
{
    const nlohmann::json root = nlohmann::json::parse(text, nullptr, false);
    if (!root.is_object())
        return std::nullopt;
    const nlohmann::json* table = &root;
    if (const auto it = root.find("Table"); it != root.end() && it->is_object())
        table = &*it;
    const auto schema = table->find("KeySchema");
    if (schema == table->end() || !schema->is_array() || schema->empty() || schema->size() > 2)
        return std::nullopt;
    DescribedTable described;
    described.tableName = stringField(*table, "TableName");
    std::string hash, range;
    for (const auto& element : *schema) {
        if (!element.is_object())
            return std::nullopt;
        const std::string name = stringField(element, "AttributeName");
        const std::string type = stringField(element, "KeyType");
        if (name.empty())
            return std::nullopt;
        if (type == "HASH" && hash.empty())
            hash = name;
        else if (type == "RANGE" && range.empty())
            range = name;
        else
            return std::nullopt;
    }
    if (hash.empty())
        return std::nullopt;
    described.keyAttributes.push_back(hash);
    if (!range.empty())
        described.keyAttributes.push_back(range);
    return described;
}

std::optional<std::string> fileMd5Base64(const std::string& path)
{
    const std::string digest = md5Text(path, true);
    if (digest.empty())
        return std::nullopt;
    return model::base64Encode(digest);
}

/// The export summaries among the inputs (found in a folder or named) and beside a `data` folder named: path and
/// the argument it came from.
static std::vector<std::pair<fs::path, std::size_t>> findSummaries(const std::vector<std::string>& arguments,
                                                                   const std::vector<InputPath>& inputs)
{
    std::vector<std::pair<fs::path, std::size_t>> summaries; // path, argument
    std::set<std::string> seen;
    for (const auto& input : inputs) {
        const fs::path path(input.path);
        if (path.filename() == kSummaryName && seen.insert(key(path)).second)
            summaries.emplace_back(path, input.argument);
    }
    for (std::size_t argument = 0; argument < arguments.size(); ++argument) {
        std::error_code ec;
        const fs::path path(arguments[argument]);
        const fs::path absolute = fs::absolute(path, ec).lexically_normal();
        const bool dataFolder = absolute.filename() == "data" || absolute.parent_path().filename() == "data";
        if (!fs::is_directory(path, ec) || !dataFolder)
            continue; // only an export's data/ folder named is read through the manifest beside it
        const fs::path beside = path.lexically_normal().parent_path() / kSummaryName;
        const fs::path parent = fs::absolute(path, ec).lexically_normal();
        const fs::path besideAbsolute =
            (parent.filename().empty() ? parent.parent_path() : parent).parent_path() / kSummaryName;
        for (const auto& candidate : {beside, besideAbsolute})
            if (fs::is_regular_file(candidate, ec) && seen.insert(key(candidate)).second) {
                summaries.emplace_back(candidate, argument);
                break;
            }
    }

    return summaries;
}

/// Sorts the inputs (and their roles) so that each export's manifest comes after its data files.
static void putManifestsLast(ExportPlan& plan, std::vector<InputPath>& inputs)
{
    // The manifest last among its export's files: the export is recorded once its data is in.
    std::vector<std::size_t> order(inputs.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        const auto rank = [&](std::size_t i) {
            const InputRole& role = plan.roles[i];
            if (role.exportIndex < 0)
                return std::make_tuple(inputs[i].argument, 0, 0);
            return std::make_tuple(inputs[i].argument, 1 + role.exportIndex,
                                   role.kind == InputRole::Kind::ExportManifest ? 1 : 0);
        };
        return rank(a) < rank(b);
    });
    std::vector<InputPath> sortedInputs;
    std::vector<InputRole> sortedRoles;
    for (const std::size_t i : order) {
        sortedInputs.push_back(std::move(inputs[i]));
        sortedRoles.push_back(std::move(plan.roles[i]));
    }
    inputs = std::move(sortedInputs);
    plan.roles = std::move(sortedRoles);
}

ExportPlan planExports(const std::vector<std::string>& arguments, std::vector<InputPath>& inputs,
                       const ExportFolderOptions& options, std::vector<std::string>& errors)
{
    ExportPlan plan;
    const auto summaries = findSummaries(arguments, inputs);

    std::map<std::string, std::size_t> inputIndex; // canonical path -> index in inputs
    for (std::size_t i = 0; i < inputs.size(); ++i)
        inputIndex.emplace(key(inputs[i].path), i);
    plan.roles.resize(inputs.size());

    std::optional<DescribedTable> given;
    if (!options.describeTablePath.empty()) {
        auto text = readText(options.describeTablePath, kMaxSmallJsonBytes);
        if (text)
            given = parseDescribeTable(*text);
        if (!given)
            errors.push_back(options.describeTablePath
                             + ": --describe-table: not an 'aws dynamodb describe-table' output (no Table.KeySchema "
                               "with a HASH key)");
        if (auto it = inputIndex.find(key(options.describeTablePath)); it != inputIndex.end())
            plan.roles[it->second] =
                InputRole{InputRole::Kind::Sidecar, -1, std::nullopt, "DescribeTable output (--describe-table)"};
    }

    auto addInput = [&](const std::string& path, std::size_t argument) {
        std::error_code ec;
        const auto size = fs::file_size(path, ec);
        inputs.push_back({path, ec ? 0 : static_cast<std::uint64_t>(size), true, argument});
        plan.roles.emplace_back();
        inputIndex.emplace(key(path), inputs.size() - 1);
        return inputs.size() - 1;
    };
    auto markSidecar = [&](const fs::path& path, const std::string& what) {
        if (auto it = inputIndex.find(key(path)); it != inputIndex.end())
            plan.roles[it->second] = InputRole{InputRole::Kind::Sidecar, -1, std::nullopt, what};
    };

    for (const auto& [summaryPath, argument] : summaries) {
        auto e = readSummary(summaryPath);
        if (!e)
            continue; // not an export's summary: read as any other file
        const int index = static_cast<int>(plan.exports.size());
        readFileList(*e);
        checkDataFiles(*e);
        if (!e->incremental()) {
            if (!options.keyAttributes.empty()) {
                e->keyAttributes = options.keyAttributes;
                e->keyAttributesFrom = "--key-attributes";
            } else if (given && (given->tableName.empty() || given->tableName == e->table)) {
                e->keyAttributes = given->keyAttributes;
                e->keyAttributesFrom = "DescribeTable output " + options.describeTablePath;
            } else if (auto found = findDescribeTable(*e)) {
                e->keyAttributes = found->second.keyAttributes;
                e->keyAttributesFrom = "DescribeTable output " + found->first;
                markSidecar(found->first, "DescribeTable output (key schema of " + e->table + ")");
            }
        }
        // The manifest is the export's source; the other files of its folder are sidecars.
        std::size_t manifest;
        if (auto it = inputIndex.find(key(summaryPath)); it != inputIndex.end())
            manifest = it->second;
        else
            manifest = addInput(summaryPath.string(), argument);
        std::error_code ec;
        for (auto it = fs::directory_iterator(e->dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
            const auto name = it->path().filename().string();
            if (name == kFilesName)
                markSidecar(it->path(), "the export's data file list (manifest-files.json)");
            else if (name == "_started")
                markSidecar(it->path(), "the export's _started marker");
            else if (endsWith(name, ".checksum") || endsWith(name, ".md5")) {
                // manifest-summary.checksum / manifest-summary.md5 belong to manifest-summary.json.
                fs::path checked = it->path().parent_path() / it->path().stem().string();
                std::error_code exists;
                if (!fs::exists(checked, exists))
                    checked += ".json";
                std::string what = "checksum of " + checked.filename().string();
                if (auto md5 = checksumFileMd5(it->path()); md5 && fs::exists(checked, exists)) {
                    if (md5Text(checked.string(), true) == *md5)
                        what += " (matches)";
                    else
                        e->problems.push_back(it->path().filename().string() + ": " + checked.filename().string()
                                              + " has MD5 " + hex(md5Text(checked.string(), true)) + ", the checksum "
                                              + "file says " + hex(*md5) + " (damaged or incomplete download?)");
                }
                markSidecar(it->path(), what);
            }
        }
        plan.roles[manifest] = InputRole{InputRole::Kind::ExportManifest, index, std::nullopt, {}};
        for (const auto& file : e->dataFiles) {
            if (file.path.empty())
                continue;
            std::size_t at;
            if (auto it = inputIndex.find(key(file.path)); it != inputIndex.end())
                at = it->second;
            else
                at = addInput(file.path, argument);
            plan.roles[at] = InputRole{InputRole::Kind::ExportData, index, file.itemCount, {}};
        }
        plan.exports.push_back(std::move(*e));
    }

    // Files in an export's data/ folder that its manifest-files.json does not list (another export's, when
    // incremental exports share a folder): listed, not read as a table of their own.
    std::map<std::string, std::string> dataDirs; // canonical data/ folder -> export ARN
    for (const auto& e : plan.exports)
        dataDirs.emplace(key(fs::path(e.dir) / "data"), e.exportArn);
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        if (plan.roles[i].kind != InputRole::Kind::Capture)
            continue;
        if (auto it = dataDirs.find(key(fs::path(inputs[i].path).parent_path())); it != dataDirs.end())
            plan.roles[i] =
                InputRole{InputRole::Kind::Sidecar, -1, std::nullopt,
                          "a data file that manifest-files.json of " + it->second + " does not list: not imported"};
    }
    if (given && options.keyAttributes.empty())
        plan.describedKeyAttributes = given->keyAttributes;

    // Known sidecars anywhere: `_started` markers and checksum files.
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        if (plan.roles[i].kind != InputRole::Kind::Capture)
            continue;
        const fs::path path(inputs[i].path);
        const auto name = path.filename().string();
        if (name == "_started" && inputs[i].size == 0)
            plan.roles[i] = InputRole{InputRole::Kind::Sidecar, -1, std::nullopt, "an export's _started marker"};
        else if (endsWith(name, ".md5") || endsWith(name, ".checksum"))
            plan.roles[i] =
                InputRole{InputRole::Kind::Sidecar, -1, std::nullopt, "checksum of " + path.stem().string()};
    }

    putManifestsLast(plan, inputs);
    return plan;
}

} // namespace storage
