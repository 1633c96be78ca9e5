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
    return request.source == SqlSource::S3Incremental && !request.table.empty() && !request.seen;
}

std::string rawLinesView(const SqlRequest& r, const std::string& rawTable)
{
    const SqlDialect d = r.dialect;
    const auto [file, line] = fileAndLine(d);
    return "CREATE OR REPLACE VIEW streamscope_raw_lines AS\n"
           "SELECT "
        + sqlString(r.table, d)
        + " AS table_name,\n"
          "       "
        + sortedObject("keys_map", d)
        + " AS item_key,\n"
          "       CASE WHEN new_map IS NOT NULL AND old_map IS NOT NULL THEN 'MODIFY'\n"
          "            WHEN new_map IS NOT NULL THEN 'INSERT' ELSE 'REMOVE' END AS event_name,\n"
          "       time_us,\n"
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
        + parsedMap("Keys", d) + " AS keys_map,\n         " + parsedMap("OldImage", d) + " AS old_map,\n         "
        + parsedMap("NewImage", d) + " AS new_map,\n         " + writeTime(d) + " AS time_us,\n         " + file
        + " AS file_name, " + line
        + " AS line_no\n"
          "  FROM "
        + rawTable
        + "\n"
          "  WHERE Keys IS NOT NULL\n"
          ") AS parsed";
}

std::string rawChangelogView(SqlDialect d)
{
    const std::string text = textType(d);
    // The store's duplicate rule for records without sequence number and event ID (storage/import/importwriter.cpp
    // findDuplicateWithoutSequence): same key, same time (or both none), same content; the first one read is stored.
    const std::string same = "PARTITION BY table_name, item_key, time_us, event_name, old_image, new_image";
    return "CREATE OR REPLACE VIEW streamscope_changelog AS\n"
           "SELECT table_name, item_key, event_name, CAST(NULL AS "
        + text + ") AS seq, CAST(NULL AS " + text
        + ") AS stream_arn,\n"
          "       time_us, false AS ttl, CAST(NULL AS "
        + text
        + ") AS event_id, old_image, new_image, changed,\n"
          "       min(line_order) OVER ("
        + same
        + ") AS arrival,\n"
          "       CAST(row_number() OVER ("
        + same
        + "\n"
          "                                ORDER BY line_order) - 1 AS INTEGER) AS copy_no,\n"
          "       CAST(NULL AS "
        + text
        + ") AS view_type, true AS compacted, CAST(NULL AS BIGINT) AS compacted_window_from_us\n"
          "FROM (\n"
          "  SELECT l.*, row_number() OVER (ORDER BY file_name, line_no, time_us, item_key) AS line_order\n"
          "  FROM streamscope_raw_lines l\n"
          ") AS ordered";
}

} // namespace storage
