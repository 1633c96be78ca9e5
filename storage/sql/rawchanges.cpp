#include "storage/sql/rawchanges.h"

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

/// JSON object text of such a map with its names sorted (byte order, as the changelog's canonical JSON).
std::string sortedObject(const std::string& m, SqlDialect d)
{
    switch (d) {
    case SqlDialect::DuckDb:
        return "CAST(to_json(map_from_entries(list_sort(map_entries(" + m + ")))) AS VARCHAR)";
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
std::string changedNames(SqlDialect d)
{
    switch (d) {
    case SqlDialect::DuckDb:
        return "CASE WHEN old_map IS NOT NULL AND new_map IS NOT NULL\n"
               "            THEN list_sort(list_filter(list_distinct(map_keys(old_map) || map_keys(new_map)),\n"
               "                                       k -> map_extract(old_map, k) IS DISTINCT FROM "
               "map_extract(new_map, k)))\n"
               "            ELSE list_sort(map_keys(coalesce(new_map, old_map))) END";
    case SqlDialect::Athena:
    case SqlDialect::Trino:
        return "CASE WHEN old_map IS NOT NULL AND new_map IS NOT NULL\n"
               "            THEN array_sort(filter(array_union(map_keys(old_map), map_keys(new_map)),\n"
               "                                   k -> json_format(element_at(old_map, k)) IS DISTINCT FROM\n"
               "                                        json_format(element_at(new_map, k))))\n"
               "            ELSE array_sort(map_keys(coalesce(new_map, old_map))) END";
    case SqlDialect::Spark:
        return "CASE WHEN old_map IS NOT NULL AND new_map IS NOT NULL\n"
               "            THEN array_sort(filter(array_union(map_keys(old_map), map_keys(new_map)),\n"
               "                                   k -> NOT (old_map[k] <=> new_map[k])))\n"
               "            ELSE array_sort(map_keys(coalesce(new_map, old_map))) END";
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
    // An export's lines do not name their table; a Kinesis record does (tableName).
    return (request.source == SqlSource::S3Incremental && !request.table.empty())
        || request.source == SqlSource::KinesisArchive;
}

std::string rawLinesView(const SqlRequest& r, const std::string& rawTable)
{
    const SqlDialect d = r.dialect;
    const auto [file, line] = fileAndLine(d);
    const bool kinesis = r.source == SqlSource::KinesisArchive;
    const std::string text = textType(d);
    // What each layout gives: a Kinesis record its table, event name, ID, time and TTL flag; an export line its
    // images and WriteTimestampMicros (the table is --table, the event name comes from the images it has).
    const std::string prefix = kinesis ? "dynamodb." : "";
    const std::string table = kinesis ? "tableName" : sqlString(r.table, d);
    const std::string eventName = kinesis ? "eventName" : "CAST(NULL AS " + text + ")";
    const std::string eventId = kinesis ? "eventID" : "CAST(NULL AS " + text + ")";
    const std::string ttl = kinesis ? std::string(kKinesisTtl) : "false";
    const std::string time = kinesis ? kinesisTime(d) : writeTime(d);
    // The importer skips a record without Keys, and a Kinesis record whose eventName is none of the three.
    const std::string where =
        kinesis ? "dynamodb.Keys IS NOT NULL AND eventName IN ('INSERT', 'MODIFY', 'REMOVE')" : "Keys IS NOT NULL";
    return "CREATE OR REPLACE VIEW streamscope_raw_lines AS\n"
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
        + sortedObject("new_map", d)
        + " AS new_image,\n"
          "       "
        + changedNames(d)
        + " AS changed,\n"
          "       file_name, line_no\n"
          "FROM (\n"
          "  SELECT "
        + table + " AS table_name, " + parsedMap(prefix + "Keys", d) + " AS keys_map,\n         "
        + parsedMap(prefix + "OldImage", d) + " AS old_map,\n         " + parsedMap(prefix + "NewImage", d)
        + " AS new_map,\n         " + eventName + " AS given_event, " + eventId + " AS event_id,\n         " + ttl
        + " AS ttl,\n         " + time + " AS time_us,\n         " + file + " AS file_name, " + line
        + " AS line_no\n"
          "  FROM "
        + rawTable + "\n  WHERE " + where + "\n) AS parsed";
}

std::string rawChangelogView(SqlSource source, SqlDialect d)
{
    const std::string text = textType(d);
    // The store's duplicate rule for records without sequence number (storage/import/importwriter.cpp
    // findDuplicateWithoutSequence): the same content (event name, Keys, images) and the same event ID, or, without
    // one, the same key and time (or both none); the first one read is stored.
    const std::string same = "PARTITION BY event_id, item_key, event_name, old_image, new_image,\n"
                             "         CASE WHEN event_id IS NULL THEN table_name END,\n"
                             "         CASE WHEN event_id IS NULL THEN time_us END";
    const bool compacted = source == SqlSource::S3Incremental;
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
        + text + ") AS view_type, " + (compacted ? "true" : "false")
        + " AS compacted, CAST(NULL AS BIGINT) AS compacted_window_from_us\n"
          "FROM (\n"
          "  SELECT l.*, row_number() OVER (ORDER BY file_name, line_no, time_us, item_key) AS line_order\n"
          "  FROM streamscope_raw_lines l\n"
          ") AS ordered";
}

} // namespace storage
