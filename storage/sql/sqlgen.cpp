#include "storage/sql/sqlgen.h"

#include <array>

#include "model/jsontext.h"
#include "storage/sql/changelog.h"
#include "storage/sql/rawchanges.h"

// How the audit becomes SQL (model/audit.h is the reference; every rule there that SQL can state is here).
//
// A key's history order (storage::HistoryOrdering, model::orderRecords): when every record of the key has a sequence
// number, by sequence number (the changelog's zero-padded text sorts numerically) then arrival; otherwise by
// creation time (none first), sequence number (none first), arrival. `streamscope_changes` numbers each key's
// records in that order (`pos`) and the audit compares each record with the one before it (`lag`), which is all
// the desktop's per-key state machine looks at: whether the item exists after the previous record (it does unless
// that was a REMOVE) and what state it left (its NewImage, unless it was a REMOVE or had none).
//
// Compacted export windows (model/audit.cpp windowSpansPrevious): an S3 incremental export line's OldImage is the
// item at its window's start (compacted_window_from_us), not just before the line. When that start lies before the
// previous record's time and the previous record is no line of the same window (a full export inside the window, a
// stream record written inside it, a line of an earlier overlapping window), the desktop compares nothing for the
// line (window_spans_previous): the continuity branches skip it. The desktop's state after the line is its images
// as after any record, which is what the next row's lag() sees, so the rows after it are compared as before. A
// changelog without the column (written before it existed) reads NULL: the line is compared, as the desktop does
// for lines imported before windows were kept. ttl-remove, time-regression and late arrivals do not depend on it.
//
// Images are canonical DynamoDB JSON text in the changelog (names sorted, numbers canonical, sets sorted), so
// "OldImage differs from the previous NewImage" is a text comparison in every engine: DynamoDB numbers exceed every
// fixed DECIMAL, so they are never cast.
//
// Not in SQL: invalid-value and js-unsafe-number decode every value by DynamoDB's number grammar, exact decimal
// arithmetic, base64 and JavaScript's number rules — no engine's SQL has them, and approximating them would report
// different findings than the desktop; key-mismatch belongs to the desktop's value checks, which skip an image whose
// text equals the one checked just before, and iterating a key's attribute names inside JSON text needs a function
// each engine names differently (DuckDB json_keys, Spark json_object_keys, a map cast in Trino); reused-event-id is
// reported by the desktop at the second record carrying an event ID in its key-by-key scan order, which has no SQL
// equivalent (a query listing event IDs on more than one record is easy, but would not be the same findings).

namespace storage {

namespace {

constexpr std::string_view kNotInSql =
    "Not in SQL (see README, Beyond one machine): invalid-value and js-unsafe-number need DynamoDB's number\n"
    "grammar, exact decimals, base64 and JavaScript's number rules, which no engine's SQL has; key-mismatch is\n"
    "part of the desktop's value checks (an image equal to the one checked before is skipped) and walking key\n"
    "names in JSON text needs each engine's own function; reused-event-id is reported at the second use in the\n"
    "desktop's key-by-key scan order. Run `streamscope audit` on a store for those.";

/// The key's window in history order.
constexpr std::string_view kKeyWindow = "PARTITION BY table_name, item_key ORDER BY pos";

std::string stripSlash(std::string location)
{
    while (location.size() > 1 && location.back() == '/')
        location.pop_back();
    return location;
}

std::string changelogDefinition(const SqlRequest& r, const std::string& location)
{
    switch (r.dialect) {
    case SqlDialect::DuckDb:
        return "CREATE OR REPLACE VIEW streamscope_changelog AS\n"
               "SELECT * FROM read_json("
            + sqlString(location + "/table=*/hour=*/part-*.jsonl*", r.dialect)
            + ",\n"
              "    format = 'newline_delimited', hive_partitioning = false,\n"
              "    columns = {table_name: 'VARCHAR', item_key: 'VARCHAR', event_name: 'VARCHAR', seq: 'VARCHAR',\n"
              "               stream_arn: 'VARCHAR', time_us: 'BIGINT', ttl: 'BOOLEAN', event_id: 'VARCHAR',\n"
              "               old_image: 'VARCHAR', new_image: 'VARCHAR', changed: 'VARCHAR[]', arrival: 'BIGINT',\n"
              "               copy_no: 'INTEGER', view_type: 'VARCHAR', compacted: 'BOOLEAN',\n"
              "               compacted_window_from_us: 'BIGINT'})";
    case SqlDialect::Athena:
        return "CREATE EXTERNAL TABLE IF NOT EXISTS streamscope_changelog (\n"
               "  table_name string, item_key string, event_name string, seq string, stream_arn string,\n"
               "  time_us bigint, ttl boolean, event_id string, old_image string, new_image string,\n"
               "  changed array<string>, arrival bigint, copy_no int, view_type string, compacted boolean,\n"
               "  compacted_window_from_us bigint)\n"
               "PARTITIONED BY (`table` string, `hour` string)\n"
               "ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'\n"
               "LOCATION "
            + sqlString(location + "/", r.dialect);
    case SqlDialect::Trino:
        return "CREATE TABLE IF NOT EXISTS streamscope_changelog (\n"
               "  table_name varchar, item_key varchar, event_name varchar, seq varchar, stream_arn varchar,\n"
               "  time_us bigint, ttl boolean, event_id varchar, old_image varchar, new_image varchar,\n"
               "  changed array(varchar), arrival bigint, copy_no integer, view_type varchar, compacted boolean,\n"
               "  compacted_window_from_us bigint, \"table\" varchar, \"hour\" varchar)\n"
               "WITH (format = 'JSON', external_location = "
            + sqlString(location + "/", r.dialect)
            + ",\n"
              "      partitioned_by = ARRAY['table', 'hour'])";
    case SqlDialect::Spark:
        return "CREATE TABLE IF NOT EXISTS streamscope_changelog (\n"
               "  table_name STRING, item_key STRING, event_name STRING, seq STRING, stream_arn STRING,\n"
               "  time_us BIGINT, ttl BOOLEAN, event_id STRING, old_image STRING, new_image STRING,\n"
               "  changed ARRAY<STRING>, arrival BIGINT, copy_no INT, view_type STRING, compacted BOOLEAN,\n"
               "  compacted_window_from_us BIGINT, `table` STRING, `hour` STRING)\n"
               "USING json\n"
               "PARTITIONED BY (`table`, `hour`)\n"
               "LOCATION "
            + sqlString(location + "/", r.dialect);
    }
    return {};
}

std::optional<SqlStatement> partitionStatement(SqlDialect d)
{
    switch (d) {
    case SqlDialect::DuckDb:
        return std::nullopt;
    case SqlDialect::Athena:
        return SqlStatement{"Load the table=/hour= partitions (again after every new export).",
                            "MSCK REPAIR TABLE streamscope_changelog", false, false, "partitions"};
    case SqlDialect::Trino:
        return SqlStatement{"Load the table=/hour= partitions (Hive connector; replace 'default' by the schema the "
                            "table is in).",
                            "CALL system.sync_partition_metadata('default', 'streamscope_changelog', 'ADD')", false,
                            false, "partitions"};
    case SqlDialect::Spark:
        return SqlStatement{"Load the table=/hour= partitions.", "MSCK REPAIR TABLE streamscope_changelog", false,
                            false, "partitions"};
    }
    return std::nullopt;
}

/// seq without its padding (the sequence number as delivered, "0" for zero).
std::string seqText(std::string_view column)
{
    const std::string c(column);
    return "CASE WHEN " + c + " IS NULL THEN NULL WHEN regexp_replace(" + c + ", '^0+', '') = '' THEN '0' ELSE "
        + "regexp_replace(" + c + ", '^0+', '') END";
}

std::string changesView(const SqlRequest& r)
{
    std::string where = "copy_no = 0";
    if (!r.table.empty())
        where += " AND table_name = " + sqlString(r.table, r.dialect);
    return "CREATE OR REPLACE VIEW streamscope_changes AS\n"
           "SELECT table_name, item_key, event_name, seq, "
        + seqText("seq")
        + " AS sequence_number,\n"
          "       stream_arn, time_us, ttl, event_id, old_image, new_image, changed, arrival,\n"
          "       view_type, coalesce(compacted, false) AS compacted, compacted_window_from_us,\n"
          "       CASE WHEN by_sequence = 1 THEN 'sequence' ELSE 'time' END AS ordering,\n"
          "       row_number() OVER (PARTITION BY table_name, item_key\n"
          "                          ORDER BY CASE WHEN by_sequence = 1 THEN NULL ELSE time_us END NULLS FIRST,\n"
          "                                   seq NULLS FIRST, arrival) AS pos\n"
          "FROM (\n"
          "  SELECT c.*, min(CASE WHEN seq IS NULL THEN 0 ELSE 1 END) OVER (PARTITION BY table_name, item_key)\n"
          "         AS by_sequence\n"
          "  FROM streamscope_changelog c\n"
          "  WHERE "
        + where
        + "\n"
          ") AS keyed";
}

std::string auditStepsView()
{
    const std::string w(kKeyWindow);
    return "CREATE OR REPLACE VIEW streamscope_audit_steps AS\n"
           "SELECT c.*,\n"
           "       lag(event_name) OVER ("
        + w
        + ") AS prev_event,\n"
          "       lag(new_image) OVER ("
        + w
        + ") AS prev_new_image,\n"
          "       lag(time_us) OVER ("
        + w
        + ") AS prev_time_us,\n"
          "       lag(sequence_number) OVER ("
        + w
        + ") AS prev_sequence_number,\n"
          "       min(arrival) OVER ("
        + w
        + " ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING)\n"
          "         AS min_later_arrival,\n"
          // model/audit.cpp windowSpansPrevious: a compacted line whose window began before the previous record,
          // that record no line of the same window.
          "       CASE WHEN compacted AND compacted_window_from_us < lag(time_us) OVER ("
        + w
        + ")\n"
          "                 AND NOT (coalesce(lag(compacted) OVER ("
        + w
        + "), false)\n"
          "                          AND coalesce(lag(compacted_window_from_us) OVER ("
        + w
        + ")\n"
          "                                       = compacted_window_from_us, false))\n"
          "            THEN true ELSE false END AS window_spans_previous\n"
          "FROM streamscope_changes c";
}

/// withNotCanonical: the audit has the not-canonical-image branch (notCanonicalBranch), an info.
std::string severity(std::string_view kindColumn, bool withNotCanonical)
{
    const std::string k(kindColumn);
    return "CASE WHEN " + k
        + " IN ('gap', 'conflict', 'insert-over-existing', 'modify-after-remove', "
          "'remove-of-absent') THEN 'error' WHEN "
        + k + " IN ('orphan-start', 'ttl-remove'" + (withNotCanonical ? ", 'not-canonical-image'" : "")
        + ") THEN 'info' "
          "ELSE 'warning' END";
}

/// DuckDB over raw files: one finding per stored record whose Keys or images hold an object or array nested deeper
/// than the canonical form goes (storage/sql/rawchanges.h kTooDeepMarker; streamscope_raw_lines.not_canonical).
/// Beyond that depth the record was compared as written, so its gap / duplicate results may differ from the
/// desktop's: the audit says so, instead of leaving it to a column nobody queries. No such finding on the desktop
/// (it compares every level), and none for the changelog, whose images the desktop wrote canonical at every level.
std::string notCanonicalBranch(const SqlRequest& r)
{
    if (r.dialect != SqlDialect::DuckDb || r.source == SqlSource::Changelog)
        return {};
    const std::string levels = std::to_string((kCanonicalDepth - 2) / 2);
    return "  UNION ALL\n"
           "  SELECT 'not-canonical-image', table_name, item_key, sequence_number, event_id, NULL,\n"
           "         CAST(NULL AS BIGINT), pos,\n"
           "         'The Keys or an image nest M or L values deeper than "
        + levels
        + " levels: below that depth this record was compared as written, not as the desktop compares it '\n"
          "         || '(names sorted, numbers by value, sets as sets): check it by hand or with streamscope audit'\n"
          "  FROM streamscope_changes\n"
          "  WHERE contains(coalesce(item_key, '') || coalesce(old_image, '') || coalesce(new_image, ''),\n"
          "                 "
        + sqlString(kTooDeepMarker, r.dialect) + ")\n";
}

std::string auditView(const SqlRequest& r)
{
    // Every delivery counts towards a stream's view types (a conflicting copy may carry another one).
    const std::string tableFilter =
        r.table.empty() ? std::string() : " AND table_name = " + sqlString(r.table, r.dialect);
    // Each branch: kind, table_name, item_key, sequence_number, event_id, related_sequence_number,
    // affected_records, pos, message. The continuity branches are exclusive in the desktop's order (orphan-start,
    // insert-over-existing, modify-after-remove / remove-of-absent, gap); ttl-remove and time-regression are
    // independent of them.
    const std::string prevText = "prev_event || ' (sequence ' || coalesce(prev_sequence_number, '-') || ')'";
    return "CREATE OR REPLACE VIEW streamscope_audit AS\n"
           "SELECT kind, "
        + severity("kind", !notCanonicalBranch(r).empty())
        + " AS severity, table_name, item_key, sequence_number, event_id,\n"
          "       related_sequence_number, affected_records, pos, message\n"
          "FROM (\n"
          "  SELECT CASE\n"
          "           WHEN pos = 1 THEN 'orphan-start'\n"
          "           WHEN event_name = 'INSERT' THEN 'insert-over-existing'\n"
          "           WHEN event_name = 'MODIFY' AND prev_event = 'REMOVE' THEN 'modify-after-remove'\n"
          "           WHEN event_name = 'REMOVE' AND prev_event = 'REMOVE' THEN 'remove-of-absent'\n"
          "           ELSE 'gap' END AS kind,\n"
          "         table_name, item_key, sequence_number, event_id,\n"
          "         CASE WHEN pos = 1 THEN NULL ELSE prev_sequence_number END AS related_sequence_number,\n"
          "         CAST(NULL AS BIGINT) AS affected_records, pos,\n"
          "         CASE\n"
          "           WHEN pos = 1 THEN 'The first captured record of this key is a ' || event_name\n"
          "                || ': the capture begins in the middle of the item history'\n"
          "           WHEN event_name = 'INSERT' THEN 'INSERT while the item exists (after ' || "
        + prevText
        + "\n"
          "                || '): a REMOVE of this item is missing from the capture before it'\n"
          "           WHEN prev_event = 'REMOVE' THEN event_name || ' of an item that does not exist (after '\n"
          "                || "
        + prevText
        + " || '): an INSERT of this item is missing from the capture before it'\n"
          "           ELSE 'OldImage differs from the state ' || "
        + prevText
        + "\n"
          "                || ' left: records are missing between them' END AS message\n"
          "  FROM streamscope_audit_steps\n"
          "  WHERE (pos = 1 AND event_name IN ('MODIFY', 'REMOVE'))\n"
          "     OR (pos > 1 AND NOT window_spans_previous AND event_name = 'INSERT' AND prev_event <> 'REMOVE'\n"
          "         AND NOT compacted)\n"
          "     OR (pos > 1 AND NOT window_spans_previous AND event_name IN ('MODIFY', 'REMOVE')\n"
          "         AND prev_event = 'REMOVE')\n"
          "     OR (pos > 1 AND NOT window_spans_previous AND event_name IN ('MODIFY', 'REMOVE')\n"
          "         AND prev_event <> 'REMOVE' AND old_image IS NOT NULL AND prev_new_image IS NOT NULL\n"
          "         AND old_image <> prev_new_image)\n"
          "  UNION ALL\n"
          "  SELECT 'ttl-remove', table_name, item_key, sequence_number, event_id, NULL, CAST(NULL AS BIGINT), pos,\n"
          "         'Deleted by Time to Live (userIdentity dynamodb.amazonaws.com), not by a user'\n"
          "  FROM streamscope_audit_steps\n"
          "  WHERE event_name = 'REMOVE' AND ttl\n"
          "  UNION ALL\n"
          "  SELECT 'time-regression', table_name, item_key, sequence_number, event_id, prev_sequence_number,\n"
          "         CAST(NULL AS BIGINT), pos,\n"
          "         'Creation time goes back although the sequence number increases (previous: ' || "
        + prevText
        + " || ')'\n"
          "  FROM streamscope_audit_steps\n"
          "  WHERE pos > 1 AND ordering = 'sequence' AND time_us < prev_time_us\n"
          "  UNION ALL\n"
          // out-of-order-arrival: one finding per key, at its first late record (one that arrived after a record
          // that follows it), naming the earliest-arriving record after it.
          "  SELECT 'out-of-order-arrival', l.table_name, l.item_key, l.sequence_number, l.event_id,\n"
          "         a.sequence_number, l.late_records, l.pos,\n"
          "         'Records of this key arrived after a record that follows them in the ' || l.ordering\n"
          "  FROM (\n"
          "    SELECT s.*, count(*) OVER (PARTITION BY table_name, item_key) AS late_records,\n"
          "           row_number() OVER ("
        + std::string(kKeyWindow)
        + ") AS late_rank\n"
          "    FROM streamscope_audit_steps s\n"
          "    WHERE arrival > min_later_arrival\n"
          "  ) AS l\n"
          "  JOIN streamscope_changes a\n"
          "    ON a.table_name = l.table_name AND a.item_key = l.item_key AND a.arrival = l.min_later_arrival\n"
          "  WHERE l.late_rank = 1\n"
          "  UNION ALL\n"
          // duplicate / conflict: later deliveries of a stored record (the changelog's copy_no > 0), compared with
          // it by content as the desktop does (event name, Keys, images, eventID, TTL flag).
          "  SELECT CASE WHEN d.event_name = s.event_name AND d.item_key = s.item_key AND d.ttl = s.ttl\n"
          "               AND coalesce(d.event_id, '') = coalesce(s.event_id, '')\n"
          "               AND coalesce(d.old_image, '') = coalesce(s.old_image, '')\n"
          "               AND coalesce(d.new_image, '') = coalesce(s.new_image, '')\n"
          "              THEN 'duplicate' ELSE 'conflict' END,\n"
          "         s.table_name, s.item_key, s.sequence_number,\n"
          "         d.event_id, NULL, CAST(NULL AS BIGINT), s.pos,\n"
          "         CASE WHEN d.event_name = s.event_name AND d.item_key = s.item_key AND d.ttl = s.ttl\n"
          "               AND coalesce(d.event_id, '') = coalesce(s.event_id, '')\n"
          "               AND coalesce(d.old_image, '') = coalesce(s.old_image, '')\n"
          "               AND coalesce(d.new_image, '') = coalesce(s.new_image, '')\n"
          "              THEN 'Delivered again (identical content; stored once)'\n"
          "              ELSE 'Another record has the same stream and sequence number but different content; the "
          "first one is kept in the history' END\n"
          "  FROM streamscope_changelog d\n"
          "  JOIN streamscope_changes s ON s.arrival = d.arrival\n"
          "  WHERE d.copy_no > 0\n"
          "  UNION ALL\n"
          // mixed-view-types: one finding per stream whose records carry several StreamViewTypes (no key, no record).
          "  SELECT 'mixed-view-types', table_name, NULL, NULL, NULL, NULL, CAST(NULL AS BIGINT), 0,\n"
          "         'stream ' || coalesce(nullif(stream_arn, ''), '(no stream ARN)')\n"
          "         || ' has records of several view types: a stream has one; what can be checked differs between "
          "them'\n"
          "  FROM streamscope_changelog\n"
          "  WHERE view_type IS NOT NULL"
        + tableFilter
        + "\n"
          "  GROUP BY table_name, stream_arn\n"
          "  HAVING count(DISTINCT view_type) > 1\n"
        + notCanonicalBranch(r) + ") AS findings";
}

std::string itemVersionsView()
{
    const std::string w(kKeyWindow);
    return "CREATE OR REPLACE VIEW streamscope_item_versions AS\n"
           "SELECT table_name, item_key, pos, event_name, sequence_number, time_us, event_id,\n"
           "       CASE WHEN event_name = 'REMOVE' THEN 'absent'\n"
           "            WHEN new_image IS NOT NULL THEN 'present'\n"
           "            WHEN next_event IN ('MODIFY', 'REMOVE') AND next_old_image IS NOT NULL THEN 'present'\n"
           "            ELSE 'unknown' END AS state,\n"
           "       CASE WHEN event_name = 'REMOVE' THEN NULL\n"
           "            WHEN new_image IS NOT NULL THEN new_image\n"
           "            WHEN next_event IN ('MODIFY', 'REMOVE') THEN next_old_image END AS image\n"
           "FROM (\n"
           "  SELECT c.*, lead(event_name) OVER ("
        + w
        + ") AS next_event,\n"
          "         lead(old_image) OVER ("
        + w
        + ") AS next_old_image\n"
          "  FROM streamscope_changes c\n"
          ") AS versions";
}

std::string stateQuery(const SqlRequest& r)
{
    const std::string at = r.atMicros ? std::to_string(*r.atMicros) + " /* the time, microseconds UTC */"
                                      : std::string("(SELECT max(time_us) FROM streamscope_changes) /* the time, "
                                                    "microseconds UTC: replace by your own */");
    return "SELECT table_name, item_key, state, image, sequence_number, event_name, event_id, time_us\n"
           "FROM (\n"
           "  SELECT v.*, row_number() OVER (PARTITION BY table_name, item_key ORDER BY pos DESC) AS newest\n"
           "  FROM streamscope_item_versions v\n"
           "  WHERE time_us IS NOT NULL AND time_us <= "
        + at
        + "\n"
          ") AS at_time\n"
          "WHERE newest = 1 AND state <> 'absent'\n"
          "ORDER BY table_name, item_key";
}

// ---- nested types from the types a store has seen (--from-store) ----------------------------------------------

std::string quoteName(std::string_view name, SqlDialect d)
{
    const char q = d == SqlDialect::Athena || d == SqlDialect::Spark ? '`' : '"';
    std::string out(1, q);
    for (const char c : name) {
        out += c;
        if (c == q)
            out += q;
    }
    return out + q;
}

std::string stringType(SqlDialect d)
{
    switch (d) {
    case SqlDialect::DuckDb:
        return "VARCHAR";
    case SqlDialect::Athena:
        return "string";
    case SqlDialect::Trino:
        return "varchar";
    case SqlDialect::Spark:
        return "STRING";
    }
    return "VARCHAR";
}

/// A value kept as JSON text (an opaque map, a list never seen with elements). Trino's Hive tables have no json
/// column type (varchar holds the text there); its casts do.
std::string jsonType(SqlDialect d, bool ddl)
{
    switch (d) {
    case SqlDialect::DuckDb:
        return "JSON";
    case SqlDialect::Trino:
        return ddl ? "varchar" : "json";
    default:
        return stringType(d);
    }
}

std::string boolType(SqlDialect d)
{
    return d == SqlDialect::Athena ? "boolean" : (d == SqlDialect::Trino ? "boolean" : "BOOLEAN");
}

std::string arrayOf(const std::string& element, SqlDialect d)
{
    switch (d) {
    case SqlDialect::DuckDb:
        return element + "[]";
    case SqlDialect::Athena:
        return "array<" + element + ">";
    case SqlDialect::Trino:
        return "array(" + element + ")";
    case SqlDialect::Spark:
        return "ARRAY<" + element + ">";
    }
    return element;
}

std::string structOf(const std::vector<std::pair<std::string, std::string>>& fields, SqlDialect d)
{
    std::string out;
    switch (d) {
    case SqlDialect::DuckDb:
        out = "STRUCT(";
        break;
    case SqlDialect::Athena:
        out = "struct<";
        break;
    case SqlDialect::Trino:
        out = "ROW(";
        break;
    case SqlDialect::Spark:
        out = "STRUCT<";
        break;
    }
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i)
            out += d == SqlDialect::Athena ? "," : ", ";
        out += quoteName(fields[i].first, d);
        out += d == SqlDialect::Athena ? ":" : (d == SqlDialect::Spark ? ": " : " ");
        out += fields[i].second;
    }
    out += d == SqlDialect::Athena || d == SqlDialect::Spark ? ">" : ")";
    return out;
}

std::string membersType(const TypeNode& node, SqlDialect d, bool ddl);

/// A DynamoDB value position: a struct with one field per type tag seen there ({"N": "..."} -> struct<N:string>).
std::string valueType(const TypeNode& node, SqlDialect d, bool ddl)
{
    std::vector<std::pair<std::string, std::string>> fields;
    for (const std::string& tag : node.tags) {
        if (tag == "S" || tag == "N" || tag == "B")
            fields.emplace_back(tag, stringType(d));
        else if (tag == "BOOL" || tag == "NULL")
            fields.emplace_back(tag, boolType(d));
        else if (tag == "SS" || tag == "NS" || tag == "BS")
            fields.emplace_back(tag, arrayOf(stringType(d), d));
        else if (tag == "M")
            fields.emplace_back(tag, membersType(node, d, ddl));
        else if (tag == "L")
            fields.emplace_back(
                tag, arrayOf(node.element.empty() ? jsonType(d, ddl) : valueType(node.element.front(), d, ddl), d));
    }
    return structOf(fields, d);
}

/// An M's members (or an item's attributes) as a struct; JSON text when not tracked or never seen with members.
std::string membersType(const TypeNode& node, SqlDialect d, bool ddl)
{
    if (node.opaque || node.members.empty())
        return jsonType(d, ddl);
    std::vector<std::pair<std::string, std::string>> fields;
    for (const auto& [name, child] : node.members)
        fields.emplace_back(name, valueType(child, d, ddl));
    return structOf(fields, d);
}

/// DuckDB json_transform structure text of a value position / of members.
std::string duckStructure(const TypeNode& node);

std::string duckMembers(const TypeNode& node)
{
    if (node.opaque || node.members.empty())
        return "\"JSON\"";
    std::string out = "{";
    bool first = true;
    for (const auto& [name, child] : node.members) {
        if (!first)
            out += ",";
        first = false;
        out += model::jsontext::quoted(name) + ":" + duckStructure(child);
    }
    return out + "}";
}

std::string duckStructure(const TypeNode& node)
{
    std::string out = "{";
    bool first = true;
    for (const std::string& tag : node.tags) {
        std::string t;
        if (tag == "S" || tag == "N" || tag == "B")
            t = "\"VARCHAR\"";
        else if (tag == "BOOL" || tag == "NULL")
            t = "\"BOOLEAN\"";
        else if (tag == "SS" || tag == "NS" || tag == "BS")
            t = "[\"VARCHAR\"]";
        else if (tag == "M")
            t = duckMembers(node);
        else if (tag == "L")
            t = "[" + (node.element.empty() ? std::string("\"JSON\"") : duckStructure(node.element.front())) + "]";
        if (!first)
            out += ",";
        first = false;
        out += "\"" + tag + "\":" + t;
    }
    return out + "}";
}

/// `image` (canonical JSON text) as the nested struct of the types seen.
std::string typedImage(const TypeNode& item, SqlDialect d)
{
    switch (d) {
    case SqlDialect::DuckDb:
        return "json_transform(image, " + sqlString(duckMembers(item), d) + ")";
    case SqlDialect::Athena:
    case SqlDialect::Trino:
        return "CAST(json_parse(image) AS " + membersType(item, SqlDialect::Trino, false) + ")";
    case SqlDialect::Spark:
        return "from_json(image, " + sqlString(membersType(item, d, false), d) + ")";
    }
    return "image";
}

std::string viewSuffix(std::string_view table)
{
    std::string out;
    for (const char c : table) {
        const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (alnum)
            out += c;
        else if (c >= 'A' && c <= 'Z')
            out += static_cast<char>(c - 'A' + 'a');
        else if (out.empty() || out.back() != '_')
            out += '_';
    }
    return out;
}

std::string typedVersionsView(const std::string& table, const TypeNode& item, SqlDialect d)
{
    return "CREATE OR REPLACE VIEW streamscope_versions_" + viewSuffix(table)
        + " AS\n"
          "SELECT table_name, item_key, pos, event_name, sequence_number, time_us, event_id, state,\n"
          "       "
        + typedImage(item, d)
        + " AS item\n"
          "FROM streamscope_item_versions\n"
          "WHERE table_name = "
        + sqlString(table, d);
}

std::string rawTableName(SqlSource source)
{
    switch (source) {
    case SqlSource::S3Full:
        return "streamscope_s3_full";
    case SqlSource::S3Incremental:
        return "streamscope_s3_incremental";
    case SqlSource::KinesisArchive:
        return "streamscope_kinesis_archive";
    case SqlSource::Changelog:
        break;
    }
    return "streamscope_changelog";
}

/// The columns of a raw layout's lines: DynamoDB export lines ({"Metadata":{"WriteTimestampMicros":…},"Keys":…,
/// "OldImage":…,"NewImage":…} incremental, {"Item":…} full) or Kinesis Data Streams for DynamoDB records.
/// Metadata stays JSON text: WriteTimestampMicros comes as {"N":"…"}, a number or a string, and the importer
/// takes all three.
std::vector<std::pair<std::string, std::string>> rawColumns(SqlSource source, SqlDialect d, const std::string& image)
{
    std::vector<std::pair<std::string, std::string>> columns;
    const std::string text = stringType(d);
    const std::string bigint = d == SqlDialect::Athena ? "bigint" : (d == SqlDialect::Trino ? "bigint" : "BIGINT");
    switch (source) {
    case SqlSource::S3Full:
        columns.emplace_back("Item", image);
        break;
    case SqlSource::S3Incremental:
        columns.emplace_back("Metadata", jsonType(d, true));
        columns.emplace_back("Keys", image);
        columns.emplace_back("OldImage", image);
        columns.emplace_back("NewImage", image);
        break;
    case SqlSource::KinesisArchive:
        columns = {{"awsRegion", text}, {"eventID", text}, {"eventName", text}};
        columns.emplace_back("userIdentity", structOf({{"type", text}, {"principalId", text}}, d));
        columns.emplace_back("recordFormat", text);
        columns.emplace_back("tableName", text);
        columns.emplace_back("dynamodb",
                             structOf({{"ApproximateCreationDateTime", bigint},
                                       {"ApproximateCreationDateTimePrecision", text},
                                       {"Keys", image},
                                       {"NewImage", image},
                                       {"OldImage", image},
                                       {"SizeBytes", bigint}},
                                      d));
        columns.emplace_back("eventSource", text);
        break;
    case SqlSource::Changelog:
        break;
    }
    return columns;
}

std::string exportDefinition(const SqlRequest& r, const std::string& location, const TypeNode* item)
{
    const SqlDialect d = r.dialect;
    const std::string image = item ? membersType(*item, d, true) : jsonType(d, true);
    const std::string name = rawTableName(r.source);
    const auto columns = rawColumns(r.source, d, image);
    std::string cols;
    for (std::size_t i = 0; i < columns.size(); ++i) {
        if (i)
            cols += d == SqlDialect::DuckDb ? ",\n               " : ",\n  ";
        if (d == SqlDialect::DuckDb)
            cols += columns[i].first + ": " + sqlString(columns[i].second, d);
        else
            cols += quoteName(columns[i].first, d) + " " + columns[i].second;
    }
    const bool kinesis = r.source == SqlSource::KinesisArchive;
    const bool incremental = r.source == SqlSource::S3Incremental;
    switch (d) {
    case SqlDialect::DuckDb:
        // Firehose object names have no extension and sit under YYYY/MM/DD/HH/; its records may be concatenated
        // without newlines ('auto' reads both).
        // An incremental export: its data/ folder or a prefix holding one table's exports (manifests read as rows
        // without Keys); filename for the order the importer reads the lines in (storage/sql/rawchanges.h).
        return "CREATE OR REPLACE VIEW " + name + " AS\nSELECT * FROM read_json("
            + sqlString(location + (kinesis ? "/**" : (incremental ? "/**/*.json*" : "/*.json*")), d)
            + (kinesis ? ",\n    format = 'auto'" : ",\n    format = 'newline_delimited'")
            + ", filename = true,\n    columns = {" + cols + "})";
    case SqlDialect::Athena:
        return "CREATE EXTERNAL TABLE IF NOT EXISTS " + name + " (\n  " + cols
            + ")\nROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'\nLOCATION " + sqlString(location + "/", d);
    case SqlDialect::Trino:
        return "CREATE TABLE IF NOT EXISTS " + name + " (\n  " + cols
            + ")\nWITH (format = 'JSON', external_location = " + sqlString(location + "/", d) + ")";
    case SqlDialect::Spark:
        return "CREATE TABLE IF NOT EXISTS " + name + " (\n  " + cols + ")\nUSING json\n"
            + (kinesis ? "OPTIONS (recursiveFileLookup 'true')\n" : "") + "LOCATION " + sqlString(location + "/", d);
    }
    return {};
}
/// The changes view, the audit and the state over `streamscope_changelog` (the changelog's table, or a raw layout's
/// view with its columns).
void appendAnalysis(SqlScript& script, const SqlRequest& r);
void appendRawViews(SqlScript& script, const SqlRequest& r, bool withIncremental);
/// What is wrong with the options of the raw layouts (--key-attributes, --export-time, --incremental-location,
/// --window-from), or nullopt.
std::optional<std::string> rawOptionsProblem(const SqlRequest& r)
{
    const bool full = r.source == SqlSource::S3Full;
    const bool incrementals = !r.incrementalExports.empty();
    if (!full && (!r.keyAttributes.empty() || r.exportTimeMicros))
        return std::string("--key-attributes and --export-time are for --source s3-full");
    if (incrementals && !full && r.source != SqlSource::S3Incremental)
        return std::string("--incremental-location is for --source s3-full or s3-incremental");
    if (incrementals && r.source == SqlSource::S3Incremental && !rawChangesAvailable(r))
        return std::string(r.seen ? "--from-store prints the typed definition only: leave out --incremental-location"
                                  : "the views over several incremental exports need --table");
    if (r.windowFromMicros && r.source != SqlSource::S3Incremental)
        return std::string("--window-from is for --source s3-incremental (or s3-full with --incremental-location)");
    if (full && (!r.keyAttributes.empty() || r.exportTimeMicros || incrementals) && !rawChangesAvailable(r))
        return std::string(
            r.seen ? std::string("--from-store prints the typed definition only: leave out --key-attributes, "
                                 "--export-time and --incremental-location")
                   : std::string("the views over a full export need --table, --key-attributes and "
                                 "--export-time (manifest-summary.json's exportTime)"));
    for (const auto& e : r.incrementalExports) {
        if (e.location.empty())
            return std::string("--incremental-location needs a folder or URI");
        for (const char c : e.location) {
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
                return std::string("the incremental location holds a control character");
        }
    }
    return std::nullopt;
}
} // namespace

std::optional<SqlDialect> parseSqlDialect(std::string_view text)
{
    if (text == "duckdb")
        return SqlDialect::DuckDb;
    if (text == "athena")
        return SqlDialect::Athena;
    if (text == "trino")
        return SqlDialect::Trino;
    if (text == "spark")
        return SqlDialect::Spark;
    return std::nullopt;
}

std::string_view sqlDialectText(SqlDialect dialect)
{
    constexpr std::array<std::string_view, 4> names{"duckdb", "athena", "trino", "spark"};
    return names[static_cast<std::size_t>(dialect)];
}

std::optional<SqlSource> parseSqlSource(std::string_view text)
{
    if (text == "changelog")
        return SqlSource::Changelog;
    if (text == "s3-incremental")
        return SqlSource::S3Incremental;
    if (text == "s3-full")
        return SqlSource::S3Full;
    if (text == "kinesis-archive")
        return SqlSource::KinesisArchive;
    return std::nullopt;
}

std::string_view sqlSourceText(SqlSource source)
{
    switch (source) {
    case SqlSource::Changelog:
        return "changelog";
    case SqlSource::S3Incremental:
        return "s3-incremental";
    case SqlSource::S3Full:
        return "s3-full";
    case SqlSource::KinesisArchive:
        return "kinesis-archive";
    }
    return "changelog";
}

std::string sqlString(std::string_view text, SqlDialect dialect)
{
    std::string out = "'";
    for (const char c : text) {
        if (dialect == SqlDialect::Spark && (c == '\'' || c == '\\')) {
            out += '\\'; // Spark SQL escapes with a backslash ('' would be two literals run together)
            out += c;
            continue;
        }
        out += c;
        if (c == '\'')
            out += '\'';
    }
    return out + "'";
}

std::string SqlScript::text() const
{
    std::string out;
    for (const auto& s : statements) {
        if (!out.empty())
            out += "\n";
        std::size_t start = 0;
        while (start < s.comment.size()) {
            std::size_t end = s.comment.find('\n', start);
            if (end == std::string::npos)
                end = s.comment.size();
            out += "-- " + s.comment.substr(start, end - start) + "\n";
            start = end + 1;
        }
        out += s.sql + ";\n";
    }
    return out;
}

std::optional<SqlScript> generateSql(const SqlRequest& r, std::string* error)
{
    const auto fail = [&](std::string message) -> std::optional<SqlScript> {
        if (error)
            *error = std::move(message);
        return std::nullopt;
    };
    if (r.location.empty())
        return fail("no location given");
    for (const char c : r.location) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            return fail("the location holds a control character");
    }
    const std::string location = stripSlash(r.location);
    if (auto problem = rawOptionsProblem(r))
        return fail(*problem);

    SqlScript script;
    const std::string dialect(sqlDialectText(r.dialect));
    const std::string notRun = r.dialect == SqlDialect::DuckDb
        ? std::string()
        : "\nNot executed by Streamscope's tests on " + dialect + " (only parsed by DuckDB where the dialects agree).";
    if (r.source != SqlSource::Changelog) {
        const TypeNode* item = nullptr;
        std::string typesFrom = "Keys and images as JSON text (the generic form: query them with the engine's JSON "
                                "functions;\n--from-store STORE gives nested types)";
        if (r.seen) {
            std::string tableName = r.table;
            if (!r.table.empty()) {
                auto it = r.seen->tables.find(r.table);
                if (it == r.seen->tables.end())
                    return fail("the store has no table " + r.table);
                item = &it->second;
            } else if (r.seen->tables.size() == 1) {
                item = &r.seen->tables.begin()->second;
                tableName = r.seen->tables.begin()->first;
            } else {
                return fail("the store has " + std::to_string(r.seen->tables.size())
                            + " tables: an export holds one, name it with --table");
            }
            typesFrom = "Keys and images as nested types: every attribute and DynamoDB type the store has seen for "
                + tableName + " (a type it has not seen reads as NULL)";
            if (r.dialect == SqlDialect::Athena)
                typesFrom += ";\nAthena lower-cases names: two attributes differing only in case need "
                             "'mapping.<name>' SERDEPROPERTIES";
        }
        std::string what;
        switch (r.source) {
        case SqlSource::S3Full:
            what = "The data/ folder of a DynamoDB full export to S3 (DYNAMODB_JSON lines, gzip)";
            break;
        case SqlSource::S3Incremental:
            what = "The data/ folder of a DynamoDB incremental export to S3 (DYNAMODB_JSON lines, gzip; Metadata as "
                   "JSON text:\nWriteTimestampMicros is {\"N\": \"…\"}, a number or a string)";
            break;
        case SqlSource::KinesisArchive:
            what = "Kinesis Data Streams for DynamoDB records archived to S3 by Firehose (JSON objects, one per line "
                   "or\nconcatenated, under YYYY/MM/DD/HH/; ApproximateCreationDateTime in ms, or µs with "
                   "ApproximateCreationDateTimePrecision MICROSECOND)";
            if (r.dialect == SqlDialect::Trino)
                what += ";\nthe Hive catalog needs hive.recursive-directories=true to read the dated folders";
            break;
        case SqlSource::Changelog:
            break;
        }
        const bool views = rawChangesAvailable(r);
        const bool withIncremental = views && (r.source == SqlSource::S3Full || r.source == SqlSource::S3Incremental)
            && !r.incrementalExports.empty();
        std::string next;
        if (views)
            next = "\nThe changes view, audit and state below read these files (no import); see streamscope_raw_lines "
                   "for\nwhat differs from the desktop.";
        else if (r.source == SqlSource::S3Incremental)
            next = "\nWith --table T (and without --from-store) the changes view, audit and state over these files "
                   "follow;\nor import them (streamscope import) and export them with --format changelog.";
        else if (r.source == SqlSource::KinesisArchive)
            next = "\nWithout --from-store the changes view, audit and state over these files follow; or import them "
                   "(streamscope\nimport) and export them with --format changelog.";
        else
            next = "\nWith --table T --key-attributes K --export-time TIME (and without --from-store) the changes "
                   "view, audit and state\nover these files follow; or import them (streamscope import) and export "
                   "them with --format changelog.";
        std::string options;
        if (views && !r.table.empty())
            options += " --table " + r.table;
        if (views && r.source == SqlSource::S3Full) {
            options += " --key-attributes ";
            for (std::size_t i = 0; i < r.keyAttributes.size(); ++i)
                options += (i ? "," : "") + r.keyAttributes[i];
            options += " --export-time " + std::to_string(*r.exportTimeMicros) + " (µs)";
        }
        if (views && r.windowFromMicros)
            options += " --window-from " + std::to_string(*r.windowFromMicros) + " (µs)";
        for (const auto& e : views ? r.incrementalExports : std::vector<SqlRequest::IncrementalExport>()) {
            if (r.incrementalExports.size() > 1 || r.source == SqlSource::S3Incremental)
                options += " --incremental-location " + e.location;
            if (e.windowFromMicros)
                options += " --window-from " + std::to_string(*e.windowFromMicros) + " (µs)";
        }
        script.statements.push_back({"Generated by: streamscope sql --dialect " + dialect + " --source "
                                         + std::string(sqlSourceText(r.source)) + options + "\n" + what + ",\n"
                                         + typesFrom + "." + notRun + next,
                                     exportDefinition(r, location, item), false, false, rawTableName(r.source)});
        if (!views)
            return script;
        appendRawViews(script, r, withIncremental);
        return script;
    }
    script.statements.push_back(
        {"Generated by: streamscope sql --dialect " + dialect + " --source changelog" + (r.seen ? " --from-store" : "")
             + "\n"
               "The changelog written by `streamscope export --format changelog` (see its _schema.json): one row per "
               "delivery,\ncanonical DynamoDB JSON text for Keys and images, sequence numbers zero-padded to "
             + std::to_string(kChangelogSequenceDigits) + " digits."
             + (r.dialect == SqlDialect::DuckDb ? std::string()
                                                : "\nNot executed by Streamscope's tests on " + dialect
                        + " (only parsed by DuckDB where the dialects agree)."),
         changelogDefinition(r, location), false, false, "streamscope_changelog"});
    if (auto p = partitionStatement(r.dialect))
        script.statements.push_back(*p);
    appendAnalysis(script, r);
    return script;
}

namespace {

/// After a raw layout's table definition: the incremental export's definition (a full export followed by one), the
/// DuckDB canonical JSON macro, streamscope_raw_lines, streamscope_changelog over it, then the analysis.
void appendRawViews(SqlScript& script, const SqlRequest& r, bool withIncremental)
{
    // One table per incremental export after the full export (streamscope_s3_incremental, then _2, _3, …; after
    // --location's incremental export streamscope_s3_incremental_2, …): each has its own window start.
    std::vector<std::string> incrementalTables;
    const std::size_t first = r.source == SqlSource::S3Incremental ? 1 : 0; // --location's export is the first
    const std::size_t exports = r.incrementalExports.size() + first;
    for (std::size_t i = 0; withIncremental && i < r.incrementalExports.size(); ++i) {
        SqlRequest incremental = r;
        incremental.source = SqlSource::S3Incremental;
        const std::size_t number = i + first;
        const std::string name = rawTableName(incremental.source) + (number ? "_" + std::to_string(number + 1) : "");
        incrementalTables.push_back(name);
        std::string definition = exportDefinition(incremental, stripSlash(r.incrementalExports[i].location), nullptr);
        if (number) // the same definition under its own name
            definition.replace(definition.find(rawTableName(incremental.source)),
                               rawTableName(incremental.source).size(), name);
        const std::string after = first ? "--location's export" : "the full export";
        script.statements.push_back(
            {exports == 1 ? "The incremental export after the full export (its data/ folder): its lines continue the "
                            "items' histories."
                          : "Incremental export " + std::to_string(number + 1) + " of " + std::to_string(exports)
                     + " (its data/ folder), after " + after + ": its lines continue the items' histories.",
             definition, false, false, name});
    }
    if (r.dialect == SqlDialect::DuckDb) {
        script.statements.push_back(
            {"Canonical text of a DynamoDB number, as the desktop compares numbers (1, 1.0, 1E0 and 01 are one "
             "number):\nits digits without leading and trailing zeros; plain text up to 50 characters, else "
             "d.dddE±x. Text that is\nno number stays as written.",
             canonicalNumberMacro(), false, false, "streamscope_canonical_number"});
        script.statements.push_back(
            {"Canonical JSON text, so that images equal as the desktop compares them have equal text: object members "
             "sorted\nby name, numbers canonical, set members (SS/NS/BS) sorted and each once, strings written again "
             "from their value\n(\\u00e9 and é are one text: DuckDB writes every extracted value again), "
                 + std::to_string(kCanonicalDepth) + " JSON levels deep (" + std::to_string((kCanonicalDepth - 2) / 2)
                 + " levels of M and L below the attributes; DynamoDB allows 32).\nL elements keep their order; "
                   "B and BS compare as their base64 text. An object or array nested deeper is written\nas "
                 + std::string(kTooDeepMarker)
                 + "\"<its text as written>\"}: streamscope_raw_lines.not_canonical\nflags the rows holding it (their "
                   "comparisons are of the text as written there).",
             canonicalJsonMacro(), false, false, "streamscope_canonical_json"});
    }
    const bool kinesis = r.source == SqlSource::KinesisArchive;
    const std::string canonical = r.dialect == SqlDialect::DuckDb
        ? "names sorted, numbers canonical and set members sorted " + std::to_string((kCanonicalDepth - 2) / 2)
            + " nested levels deep\n(streamscope_canonical_json; not_canonical: an image nested deeper)"
        : "top-level names sorted, top-level numbers (N) canonical and top-level sets' members sorted, each once\n"
          "(nested maps and lists and the numbers and sets in them compared as written: no recursion in this SQL)";
    bool windows = r.windowFromMicros.has_value();
    for (const auto& e : r.incrementalExports)
        windows = windows || e.windowFromMicros;
    const std::string window = r.incrementalExports.size() + (r.source == SqlSource::S3Incremental ? 1 : 0) > 1
        ? "each export's\nwindow start its --window-from (exportFromTime; NULL for an export given none)"
        : (windows ? "its window start --window-from (exportFromTime)"
                   : "its window start\nunknown (NULL: give --window-from; the lines of a single export need none)");
    std::string linesComment;
    if (kinesis)
        linesComment = "One row per Kinesis record: its tableName, eventName and eventID, the Keys as key text, the "
                       "time in µs (as the\nimporter reads ApproximateCreationDateTime), the TTL flag from "
                       "userIdentity, the images as JSON text with the\n"
            + canonical + ", the file and line.";
    else
        linesComment = std::string(r.source == SqlSource::S3Full
                                       ? "One row per full-export item (a SNAPSHOT at --export-time, its Keys the "
                                         "--key-attributes; an item lacking one\nis skipped, as the importer "
                                         "skips it)"
                                           + std::string(!withIncremental ? ""
                                                             : r.incrementalExports.size() == 1
                                                             ? " and per line of the incremental export after it"
                                                             : " and per line of the incremental exports after it")
                                           + ":\n"
                                       : "One row per export line: ")
            + "table " + r.table
            + " (the files do not name it), the Keys as key text, INSERT / MODIFY / REMOVE\nfrom the images a "
              "line has (as the importer derives them), WriteTimestampMicros in µs, the images as JSON text\nwith "
              "the "
            + canonical + ", the file and line.";
    const std::string changelogComment = kinesis
        ? "The records as the changelog's columns: no sequence number (Kinesis Data Streams records have none: a "
          "key's\nhistory is ordered by time, then arrival), arrival = the order the importer reads them (files "
          "by path,\nrecords in order), later copies with the same eventID and content copy_no 1, 2, ... as the "
          "store's\nduplicates; no record compacted."
        : "The rows as the changelog's columns: no sequence number (a key's history is ordered by time, then "
          "arrival),\narrival = the order the importer reads them (files by path, lines in order), later copies "
          "of a line\n(same key, time and content) copy_no 1, 2, ... as the store's duplicates; every incremental "
          "export line\ncompacted, "
            + window + ".";
    if (r.dialect == SqlDialect::DuckDb)
        linesComment += "\nA table, not a view: the canonical images are computed once, when it is created (create it "
                        "again when\nthe files change), not again in every query over the views below.";
    script.statements.push_back({linesComment, rawLinesView(r, rawTableName(r.source), incrementalTables), false, false,
                                 "streamscope_raw_lines"});
    script.statements.push_back({changelogComment, rawChangelogView(r.dialect), false, true, "streamscope_changelog"});
    appendAnalysis(script, r);
}

void appendAnalysis(SqlScript& script, const SqlRequest& r)
{
    script.statements.push_back(
        {"The changes view: one row per stored record (copy_no = 0) with its position in the key's history (pos):\n"
         "by sequence number when every record of the key has one, else by creation time, then sequence number,\n"
         "then arrival. N values stay text inside the canonical images (no fixed DECIMAL holds them).",
         changesView(r), false, true, "streamscope_changes"});
    script.statements.push_back(
        {"Each record next to the one before it in its key's history (the audit's input). window_spans_previous:\n"
         "an S3 incremental export line (compacted) whose window began before the previous record, that record no\n"
         "line of the same window; its OldImage is the item at the window start, so it is not compared with that\n"
         "record (no gap, insert-over-existing, modify-after-remove or remove-of-absent), as on the desktop.\n"
         "A changelog without compacted_window_from_us (written before it existed) compares every line.",
         auditStepsView(), false, true, "streamscope_audit_steps"});
    script.statements.push_back(
        {"The audit as SQL: the kinds, names and severities of `streamscope audit`.\n" + std::string(kNotInSql)
             + (notCanonicalBranch(r).empty()
                    ? std::string()
                    : "\nOne kind the desktop does not have: not-canonical-image (info), a record whose Keys or images "
                      "nest deeper than\nthe canonical form goes (streamscope_raw_lines.not_canonical): compared as "
                      "written below that depth."),
         auditView(r), false, true, "streamscope_audit"});
    script.statements.push_back({"The findings, in key and history order.",
                                 "SELECT kind, severity, table_name, item_key, sequence_number, event_id,\n"
                                 "       related_sequence_number, affected_records, message\n"
                                 "FROM streamscope_audit\n"
                                 "ORDER BY table_name, item_key, pos, kind, event_id",
                                 true, true, "audit"});
    script.statements.push_back(
        {"Every version of every item: the state after each record (present with its image, absent after a REMOVE,\n"
         "unknown when the record has no NewImage and the next record no OldImage).",
         itemVersionsView(), false, true, "streamscope_item_versions"});
    if (r.seen) {
        for (const auto& [table, item] : r.seen->tables) {
            if (!r.table.empty() && table != r.table)
                continue;
            script.statements.push_back(
                {"The versions of " + table
                     + " with the item as nested types: every attribute and DynamoDB type the store has seen\n"
                       "(--from-store; a type it has not seen reads as NULL).",
                 typedVersionsView(table, item, r.dialect), false, false, "streamscope_versions_" + viewSuffix(table)});
        }
    }
    script.statements.push_back(
        {"State at a time: every item's last version at or before it (records without a creation time are not "
         "placed),\nas `streamscope state --at` (which lists present and unknown items; absent ones are left out).",
         stateQuery(r), true, true, "state"});
}

} // namespace

} // namespace storage
