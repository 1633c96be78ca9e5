#pragma once

// DynamoDB exports to S3 as AWS writes them: `AWSDynamoDB/<ExportId>/` holds `manifest-summary.json`,
// `manifest-files.json` (one JSON line per data file: itemCount, md5Checksum, etag, dataFileS3Key), checksum files,
// an empty `_started` marker and `data/*.json.gz` (empty gzip files for empty partitions). planExports() finds such
// folders among the import's inputs, reads their manifests, checks the data files against manifest-files.json
// (present, MD5) and gives every input its role: a data file of an export (its table from tableArn, its item count),
// the export's manifest (recorded as the export's source), a sidecar (manifests, checksums, `_started`, a
// DescribeTable output) or an ordinary capture. No SQLite, no Qt.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/import/inputfile.h"

namespace storage {

struct ExportDataFile
{
    std::string s3Key;                     ///< dataFileS3Key
    std::string path;                      ///< the file found for it ("" when missing)
    std::optional<std::int64_t> itemCount; ///< manifest-files.json itemCount
    std::string md5Base64;                 ///< manifest-files.json md5Checksum ("" when not given)
};

struct ExportFolder
{
    std::string dir;          ///< AWSDynamoDB/<ExportId>
    std::string manifestPath; ///< its manifest-summary.json
    std::string exportArn;
    std::string tableArn;
    std::string table;      ///< from tableArn
    std::string region;     ///< from tableArn
    std::string exportType; ///< FULL_EXPORT or INCREMENTAL_EXPORT
    std::string outputFormat;
    std::string outputView;                       ///< incremental: NEW_AND_OLD_IMAGES / NEW_IMAGE
    std::string exportTimeText;                   ///< full export: the instant its items show the table at
    std::optional<std::int64_t> exportTimeMicros; ///< UTC µs
    std::string fromText, toText;                 ///< incremental: exportFromTime, exportToTime
    std::optional<std::int64_t> fromMicros, toMicros;
    std::optional<std::int64_t> itemCount; ///< manifest-summary.json itemCount
    std::vector<ExportDataFile> dataFiles;
    std::vector<std::string> keyAttributes; ///< full export: from --key-attributes or a DescribeTable output
    std::string keyAttributesFrom;          ///< "--key-attributes", "DescribeTable output FILE" or "" (guessed)
    /// Why the export cannot be imported as it is: a listed data file missing or differing (partial download), an
    /// unreadable manifest-files.json. Nothing of an export with problems is imported.
    std::vector<std::string> problems;

    bool incremental() const { return exportType == "INCREMENTAL_EXPORT"; }
    /// One line for messages and the store: "export ARN (FULL_EXPORT of table T at TIME, N items, M data files)".
    std::string description() const;
};

/// What an input is, parallel to the inputs.
struct InputRole
{
    enum class Kind : std::uint8_t { Capture, ExportData, ExportManifest, Sidecar };
    Kind kind = Kind::Capture;
    int exportIndex = -1;                      ///< ExportData, ExportManifest: ExportPlan::exports[exportIndex]
    std::optional<std::int64_t> expectedItems; ///< ExportData: manifest-files.json itemCount
    std::string sidecar;                       ///< Sidecar: what the file is
};

struct ExportPlan
{
    std::vector<ExportFolder> exports;
    std::vector<InputRole> roles; ///< parallel to the inputs after planExports()
    /// --describe-table's key schema (without --key-attributes), for full-export lines outside export folders too.
    std::vector<std::string> describedKeyAttributes;
};

struct ExportFolderOptions
{
    std::vector<std::string> keyAttributes; ///< --key-attributes
    std::string describeTablePath;          ///< --describe-table FILE ("" none)
};

/// Finds the export folders among `inputs` (expanded by expandInputPaths from `arguments`): a manifest-summary.json
/// found or named, or a `data` folder named whose parent holds one. Adds the data files a named manifest lists,
/// checks them, and assigns roles (in `plan.roles`, parallel to `inputs` on return). Errors that concern no export
/// (an unreadable --describe-table) go to `errors`.
ExportPlan planExports(const std::vector<std::string>& arguments, std::vector<InputPath>& inputs,
                       const ExportFolderOptions& options, std::vector<std::string>& errors);

/// Key attribute names (HASH first, then RANGE) and the table name of an `aws dynamodb describe-table` output (or of
/// its `Table` object alone). nullopt when the text is not one.
struct DescribedTable
{
    std::string tableName;
    std::vector<std::string> keyAttributes;
};
std::optional<DescribedTable> parseDescribeTable(const std::string& text);

/// Base64 of the MD5 of a file's bytes (as S3 and manifest-files.json write it); nullopt when it cannot be read.
std::optional<std::string> fileMd5Base64(const std::string& path);

} // namespace storage
