#include "storage/sql/rawchanges.h"

#include <optional>
#include <vector>

namespace storage {

namespace {

/// The dialect's parsed form of a JSON object column: a map from attribute name to the value's JSON text (DuckDB
/// MAP(VARCHAR, JSON), Trino/Athena map(varchar, json), Spark map<string,string>, whose string values hold nested
/// objects as their JSON text).
std::string parsedMap(std::string_view column, SqlDialect d)
{
    std::string c(column);
    switch (d) {
    case SqlDialect::DuckDb:
        return "CAST(" + c + " AS MAP(VARCHAR, JSON))";
    case SqlDialect::Athena:
    case SqlDialect::Trino:
        return "CAST(json_parse(" + c + ") AS map(varchar, json))";
    case SqlDialect::Spark:
        return "from_json(" + c + ", 'map<string,string>')";
    }
    return c;
}

/// JSON object text of such a map with its names sorted (byte order, as the changelog's canonical JSON): at every
/// level in DuckDB (streamscope_canonical_json), at the top level in the other dialects.
std::string sortedObject(const std::string& m, SqlDialect d)
{
    switch (d) {
    case SqlDialect::DuckDb:
        return "streamscope_canonical_json(to_json(" + m + "))";
    case SqlDialect::Athena:
    case SqlDialect::Trino:
        return "json_format(CAST(" + m + " AS json))"; // a map cast to json has its keys sorted
    case SqlDialect::Spark:
        // to_json(named_struct('n', k)) is {"n":"k"}: from its 6th character, the name quoted as JSON; the values
        // are JSON text already.
        return "CASE WHEN " + m + " IS NULL THEN NULL ELSE concat('{', array_join(transform(array_sort(map_keys(" + m
            + ")),\n         k -> concat(substring(to_json(named_struct('n', k)), 6, length(to_json(named_struct('n', "
              "k))) - 6),\n                     ':', "
            + m + "[k])), ','), '}') END";
    }
    return m;
}

/// Top-level names whose value differs between the two maps (a missing image counts as empty), sorted.
std::string changedNames(SqlDialect d, const std::string& o, const std::string& n)
{
    switch (d) {
    case SqlDialect::DuckDb:
        return "CASE WHEN " + o + " IS NOT NULL AND " + n
            + " IS NOT NULL\n"
              "            THEN list_sort(list_filter(list_distinct(map_keys("
            + o + ") || map_keys(" + n
            + ")),\n"
              "                                       k -> map_extract_value("
            + o
            + ", k) IS DISTINCT FROM "
              "map_extract_value("
            + n
            + ", k)))\n"
              "            ELSE list_sort(map_keys(coalesce("
            + n + ", " + o + "))) END";
    case SqlDialect::Athena:
    case SqlDialect::Trino:
        return "CASE WHEN " + o + " IS NOT NULL AND " + n
            + " IS NOT NULL\n"
              "            THEN array_sort(filter(array_union(map_keys("
            + o + "), map_keys(" + n
            + ")),\n"
              "                                   k -> json_format(element_at("
            + o
            + ", k)) IS DISTINCT FROM\n"
              "                                        json_format(element_at("
            + n
            + ", k))))\n"
              "            ELSE array_sort(map_keys(coalesce("
            + n + ", " + o + "))) END";
    case SqlDialect::Spark:
        return "CASE WHEN " + o + " IS NOT NULL AND " + n
            + " IS NOT NULL\n"
              "            THEN array_sort(filter(array_union(map_keys("
            + o + "), map_keys(" + n
            + ")),\n"
              "                                   k -> NOT ("
            + o + "[k] <=> " + n
            + "[k])))\n"
              "            ELSE array_sort(map_keys(coalesce("
            + n + ", " + o + "))) END";
    }
    return "NULL";
}

/// WriteTimestampMicros of the Metadata JSON text: {"N": "…"}, a number or a string (the importer takes all three);
/// NULL when unreadable, as the importer leaves such a line without time.
std::string writeTime(SqlDialect d)
{
    std::string fn;
    std::string type = "BIGINT";
    switch (d) {
    case SqlDialect::DuckDb:
        fn = "json_extract_string";
        break;
    case SqlDialect::Athena:
    case SqlDialect::Trino:
        fn = "json_extract_scalar";
        type = "bigint";
        break;
    case SqlDialect::Spark:
        fn = "get_json_object";
        break;
    }
    return "TRY_CAST(coalesce(" + fn + "(Metadata, '$.WriteTimestampMicros.N'),\n                           " + fn
        + "(Metadata, '$.WriteTimestampMicros')) AS " + type + ")";
}

/// ApproximateCreationDateTime of a Kinesis Data Streams record in µs, as the importer reads a number
/// (storage/import/capturetime.cpp normaliseEpochNumber): ApproximateCreationDateTimePrecision MICROSECOND or
/// MILLISECOND says the unit; without it the number of integer digits does (up to 11 seconds, up to 14
/// milliseconds, up to 17 microseconds, more nanoseconds, floored to µs).
std::string kinesisTime(SqlDialect d)
{
    const std::string t = "dynamodb.ApproximateCreationDateTime";
    std::string perMille = t + " / 1000"; // Trino and Athena divide integers as integers
    if (d == SqlDialect::DuckDb)
        perMille = t + " // 1000";
    else if (d == SqlDialect::Spark) // its / divides as double (inexact past 2^53); its div is not DuckDB's
        perMille = "CAST(substring(CAST(" + t + " AS STRING), 1, length(CAST(" + t + " AS STRING)) - 3) AS BIGINT)";
    return "CASE dynamodb.ApproximateCreationDateTimePrecision\n"
           "           WHEN 'MICROSECOND' THEN "
        + t + "\n           WHEN 'MILLISECOND' THEN " + t + " * 1000\n           ELSE CASE WHEN abs(" + t
        + ") < 100000000000 THEN " + t + " * 1000000\n                     WHEN abs(" + t + ") < 100000000000000 THEN "
        + t + " * 1000\n                     WHEN abs(" + t + ") < 100000000000000000 THEN " + t
        + "\n                     ELSE " + perMille + " END END";
}

/// userIdentity {type Service, principalId dynamodb.amazonaws.com}: a TTL deletion (the importer's rule); the same
/// text in every dialect (type is no reserved word in any of them).
constexpr std::string_view kKinesisTtl =
    "coalesce(userIdentity.type = 'Service' AND userIdentity.principalId = 'dynamodb.amazonaws.com', false)";

/// The file a row was read from, and its line's place in the file where the engine gives it: DuckDB reads a
/// file's lines in order (row_number over the scan); Athena, Trino and Spark give no line number: a file's lines
/// are then ordered by time and key (an export holds one line per item and window).
std::pair<std::string, std::string> fileAndLine(SqlDialect d)
{
    switch (d) {
    case SqlDialect::DuckDb:
        return {"filename", "row_number() OVER ()"};
    case SqlDialect::Athena:
    case SqlDialect::Trino:
        return {"\"$path\"", "CAST(NULL AS bigint)"};
    case SqlDialect::Spark:
        return {"input_file_name()", "CAST(NULL AS BIGINT)"};
    }
    return {"NULL", "NULL"};
}

std::string textType(SqlDialect d)
{
    switch (d) {
    case SqlDialect::DuckDb:
        return "VARCHAR";
    case SqlDialect::Athena:
    case SqlDialect::Trino:
        return "varchar";
    case SqlDialect::Spark:
        return "STRING";
    }
    return "VARCHAR";
}

} // namespace

bool rawChangesAvailable(const SqlRequest& request)
{
    if (request.seen)
        return false;
    switch (request.source) {
    case SqlSource::S3Incremental: // an export's lines do not name their table
        return !request.table.empty();
    case SqlSource::S3Full: // nor do a full export's Items, which carry no Keys and no time either
        return !request.table.empty() && !request.keyAttributes.empty() && request.exportTimeMicros;
    case SqlSource::KinesisArchive: // a Kinesis record names its table (tableName)
        return true;
    case SqlSource::Changelog:
        break;
    }
    return false;
}

std::string canonicalJsonMacro()
{
    // Level k canonicalises k levels of JSON: an object's members sorted by name, an array's elements in order (both
    // as {k, v} entries, an element's key its zero-padded index, so that one sorted list serves both and each level
    // names the next level once: the text grows linearly with the depth). Level 0 is the text as written.
    std::string level = "CAST(j0 AS VARCHAR)";
    for (int k = 1; k <= kCanonicalDepth; ++k) {
        const std::string n = std::to_string(k);
        const std::string j = "j" + n;
        const std::string inner = level;
        level = "CASE WHEN json_type(" + j
            + ") IN ('OBJECT', 'ARRAY') THEN (list_transform([list_sort(list_transform(\n"
              "  CASE WHEN json_type("
            + j + ") = 'OBJECT' THEN map_entries(CAST(" + j + " AS MAP(VARCHAR, JSON)))\n  ELSE list_transform(CAST("
            + j + " AS JSON[]), (x" + n + ", i" + n + ") -> {key: lpad(CAST(i" + n + " AS VARCHAR), 10, '0'), value: x"
            + n + "}) END,\n  e" + n + " -> {k: e" + n + ".key, v: (list_transform([e" + n + ".value], j"
            + std::to_string(k - 1) + " -> " + inner + "))[1]}))],\n  s" + n + " -> CASE WHEN json_type(" + j
            + ") = 'OBJECT' THEN '{' || array_to_string(list_transform(s" + n + ", m" + n + " -> CAST(to_json(m" + n
            + ".k) AS VARCHAR) || ':' || m" + n + ".v), ',') || '}'\n  ELSE '[' || array_to_string(list_transform(s" + n
            + ", m" + n + " -> m" + n + ".v), ',') || ']' END))[1]\nELSE CAST(" + j + " AS VARCHAR) END";
    }
    return "CREATE OR REPLACE MACRO streamscope_canonical_json(j) AS (list_transform([j], j"
        + std::to_string(kCanonicalDepth) + " -> " + level + "))[1]";
}

namespace {

/// One source of rows for streamscope_raw_lines: the parsed columns every part gives, in one order.
struct RawPart
{
    std::string table, keysMap, oldMap, newMap, givenEvent, eventId, ttl, time, compacted, windowFrom, from, where;
};

std::string nullMap(SqlDialect d)
{
    switch (d) {
    case SqlDialect::DuckDb:
        return "CAST(NULL AS MAP(VARCHAR, JSON))";
    case SqlDialect::Athena:
    case SqlDialect::Trino:
        return "CAST(NULL AS map(varchar, json))";
    case SqlDialect::Spark: // (a CAST to map<string,string> would not parse where the dialects are checked)
        return "from_json(CAST(NULL AS STRING), 'map<string,string>')";
    }
    return "NULL";
}

std::string bigintLiteral(std::optional<std::int64_t> value, SqlDialect d)
{
    const std::string type = d == SqlDialect::Athena || d == SqlDialect::Trino ? "bigint" : "BIGINT";
    return "CAST(" + (value ? std::to_string(*value) : std::string("NULL")) + " AS " + type + ")";
}

/// A full export's Item restricted to the key attributes; NULL when one is missing (the importer skips such an
/// item: "full-export item lacks key attribute").
std::string fullExportKeys(const SqlRequest& r, const std::string& item)
{
    std::string names;
    for (const auto& n : r.keyAttributes)
        names += (names.empty() ? "" : ", ") + sqlString(n, r.dialect);
    const std::string count = std::to_string(r.keyAttributes.size());
    std::string filtered;
    std::string size = "cardinality";
    switch (r.dialect) {
    case SqlDialect::DuckDb:
        filtered = "map_from_entries(list_filter(map_entries(" + item + "), e -> e.key IN (" + names + ")))";
        break;
    case SqlDialect::Athena:
    case SqlDialect::Trino:
        filtered = "map_filter(" + item + ", (k, v) -> k IN (" + names + "))";
        break;
    case SqlDialect::Spark:
        filtered = "map_filter(" + item + ", (k, v) -> k IN (" + names + "))";
        size = "size";
        break;
    }
    return "CASE WHEN " + size + "(" + filtered + ") = " + count + "\n                   THEN " + filtered + " END";
}

std::string partSelect(const RawPart& p, SqlDialect d)
{
    const auto [file, line] = fileAndLine(d);
    return "  SELECT " + p.table + " AS table_name, " + p.keysMap + " AS keys_map,\n         " + p.oldMap
        + " AS old_map,\n         " + p.newMap + " AS new_map,\n         " + p.givenEvent + " AS given_event, "
        + p.eventId + " AS event_id,\n         " + p.ttl + " AS ttl,\n         " + p.time + " AS time_us,\n         "
        + p.compacted + " AS compacted, " + p.windowFrom + " AS window_from_us,\n         " + file + " AS file_name, "
        + line + " AS line_no\n  FROM " + p.from + "\n  WHERE " + p.where;
}

} // namespace

std::string rawLinesView(const SqlRequest& r, const std::string& rawTable, const std::string& incrementalTable)
{
    const SqlDialect d = r.dialect;
    const std::string text = textType(d);
    const std::string noText = "CAST(NULL AS " + text + ")";
    std::vector<RawPart> parts;
    if (r.source == SqlSource::KinesisArchive) {
        // A Kinesis record gives its table, event name, ID, time and TTL flag; the importer skips a record without
        // Keys and one whose eventName is none of the three.
        parts.push_back({"tableName", parsedMap("dynamodb.Keys", d), parsedMap("dynamodb.OldImage", d),
                         parsedMap("dynamodb.NewImage", d), "eventName", "eventID", std::string(kKinesisTtl),
                         kinesisTime(d), "false", bigintLiteral(std::nullopt, d), rawTable,
                         "dynamodb.Keys IS NOT NULL AND eventName IN ('INSERT', 'MODIFY', 'REMOVE')"});
    } else {
        // An export line gives its images and WriteTimestampMicros (the table is --table, the event name comes from
        // the images it has); a full export's Item is a SNAPSHOT at the export time, its Keys the key attributes.
        const std::string table = sqlString(r.table, d);
        if (r.source == SqlSource::S3Full)
            parts.push_back({table, fullExportKeys(r, parsedMap("Item", d)), nullMap(d), parsedMap("Item", d),
                             sqlString("SNAPSHOT", d), noText, "false", bigintLiteral(r.exportTimeMicros, d), "false",
                             bigintLiteral(std::nullopt, d), rawTable, "Item IS NOT NULL"});
        if (r.source == SqlSource::S3Incremental || !incrementalTable.empty())
            parts.push_back({table, parsedMap("Keys", d), parsedMap("OldImage", d), parsedMap("NewImage", d), noText,
                             noText, "false", writeTime(d), "true", bigintLiteral(r.windowFromMicros, d),
                             r.source == SqlSource::S3Incremental ? rawTable : incrementalTable, "Keys IS NOT NULL"});
    }
    std::string from;
    for (const RawPart& p : parts)
        from += (from.empty() ? "" : "\n  UNION ALL\n") + partSelect(p, d);
    // DuckDB compares the top-level values of the canonical images (parsed again: one canonicalisation per image);
    // the other dialects the values as written.
    const bool duck = d == SqlDialect::DuckDb;
    const std::string changed = duck
        ? changedNames(d, "CAST(old_image AS MAP(VARCHAR, JSON))", "CAST(new_image AS MAP(VARCHAR, JSON))")
        : changedNames(d, "old_map", "new_map");
    return "CREATE OR REPLACE VIEW streamscope_raw_lines AS\n"
           "SELECT table_name, item_key, event_name, time_us, event_id, ttl, old_image, new_image,\n"
           "       "
        + changed
        + " AS changed,\n"
          "       compacted, window_from_us, file_name, line_no\n"
          "FROM (\n"
          "SELECT table_name,\n"
          "       "
        + sortedObject("keys_map", d)
        + " AS item_key,\n"
          "       coalesce(given_event,\n"
          "                CASE WHEN new_map IS NOT NULL AND old_map IS NOT NULL THEN 'MODIFY'\n"
          "                     WHEN new_map IS NOT NULL THEN 'INSERT' ELSE 'REMOVE' END) AS event_name,\n"
          "       time_us, event_id, ttl,\n"
          "       "
        + sortedObject("old_map", d)
        + " AS old_image,\n"
          "       "
        + sortedObject("new_map", d) + " AS new_image,\n       " + (duck ? "" : "old_map, new_map, ")
        + "compacted, window_from_us, file_name, line_no\n"
          "FROM (\n"
        + from + "\n) AS parsed\nWHERE keys_map IS NOT NULL\n) AS canonical";
}

std::string rawChangelogView(SqlDialect d)
{
    const std::string text = textType(d);
    // The store's duplicate rule for records without sequence number (storage/import/importwriter.cpp
    // findDuplicateWithoutSequence): the same content (event name, Keys, images) and the same event ID, or, without
    // one, the same key and time (or both none); the first one read is stored.
    const std::string same = "PARTITION BY event_id, item_key, event_name, old_image, new_image,\n"
                             "         CASE WHEN event_id IS NULL THEN table_name END,\n"
                             "         CASE WHEN event_id IS NULL THEN time_us END";
    return "CREATE OR REPLACE VIEW streamscope_changelog AS\n"
           "SELECT table_name, item_key, event_name, CAST(NULL AS "
        + text + ") AS seq, CAST(NULL AS " + text
        + ") AS stream_arn,\n"
          "       time_us, ttl, event_id, old_image, new_image, changed,\n"
          "       min(line_order) OVER ("
        + same
        + ") AS arrival,\n"
          "       CAST(row_number() OVER ("
        + same
        + "\n"
          "         ORDER BY line_order) - 1 AS INTEGER) AS copy_no,\n"
          "       CAST(NULL AS "
        + text
        + ") AS view_type, compacted, window_from_us AS compacted_window_from_us\n"
          "FROM (\n"
          "  SELECT l.*, row_number() OVER (ORDER BY file_name, line_no, time_us, item_key) AS line_order\n"
          "  FROM streamscope_raw_lines l\n"
          ") AS ordered";
}

} // namespace storage
