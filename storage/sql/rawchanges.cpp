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
/// level in DuckDB (streamscope_canonical_json), at the top level in the other dialects (whose maps come with their
/// top-level numbers and sets canonical: topLevelValuesCanonical).
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

/// The attribute values of a parsed image map with every top-level number ({"N": "…"}) canonical
/// (portableCanonicalNumber) and every top-level set ({"SS"|"NS"|"BS": […]}) with its members canonical, sorted and
/// each once (portableCanonicalSetMembers): Athena, Trino and Spark, which have no macro for the nested levels
/// (DuckDB's streamscope_canonical_json does every level). A set whose members do not read as an array of text stays
/// as written.
std::string topLevelValuesCanonical(const std::string& m, SqlDialect d)
{
    if (d == SqlDialect::DuckDb)
        return m;
    // The same CASE in each engine's JSON functions: reading a member as text or as an array of text, and writing
    // JSON text back (Athena/Trino's map holds json values, Spark's text).
    const bool spark = d == SqlDialect::Spark;
    const std::string n = spark ? "get_json_object(v, '$.N')" : "json_extract_scalar(v, '$.N')";
    const auto json = [spark](const std::string& text) { return spark ? text : "json_parse(" + text + ")"; };
    std::string sets;
    for (const std::string_view type : {"SS", "NS", "BS"}) {
        const std::string t(type);
        // (varchar ARRAY: Trino's standard spelling of array(varchar), which DuckDB parses too)
        const std::string members = spark ? "from_json(get_json_object(v, '$." + t + "'), 'array<string>')"
                                          : "TRY_CAST(json_extract(v, '$." + t + "') AS varchar ARRAY)";
        const std::string canonical = portableCanonicalSetMembers(members, type == "NS", d);
        sets += "\n                          WHEN " + members + " IS NOT NULL\n                          THEN "
            + json("concat('{\"" + t + "\":', "
                   + (spark ? "to_json(" + canonical + ")" : "json_format(CAST(" + canonical + " AS json))")
                   + ", '}')");
    }
    return "transform_values(" + m + ",\n           (k, v) -> CASE WHEN " + n
        + " IS NOT NULL\n                          THEN "
        + json("concat('{\"N\":\"', " + portableCanonicalNumber(n, d) + ", '\"}')") + sets
        + "\n                          ELSE v END)";
}

} // namespace

std::string portableCanonicalNumber(const std::string& t, SqlDialect d)
{
    // The rule of canonicalNumberMacro (model/decimal.cpp Decimal::canonical) in the functions DuckDB, Athena/Trino
    // and Spark SQL share: regexp_extract (a group that did not take part: NULL in Trino, '' in the others, hence
    // the coalesce), regexp_replace, length, substr, rpad, concat, CAST. No backslash in the patterns (Spark's string
    // literals would read it as an escape). Each part is written out where it is used (no lambda binds it in all
    // three), so the text is long.
    const auto lit = [&](std::string_view text) { return sqlString(text, d); };
    const std::string text = textType(d);
    const std::string integerPart = "coalesce(regexp_extract(" + t + ", " + lit("^[+-]?([0-9]*)") + ", 1), '')";
    const std::string fraction = "coalesce(regexp_extract(" + t + ", " + lit("^[+-]?[0-9]*[.]([0-9]*)") + ", 1), '')";
    const std::string exponent = "coalesce(regexp_extract(" + t + ", " + lit("[eE]([+-]?[0-9]+)$") + ", 1), '')";
    const std::string all = "concat(" + integerPart + ", " + fraction + ")";
    const std::string lead = "regexp_replace(" + all + ", '^0+', '')";
    const std::string digits = "regexp_replace(" + lead + ", '0+$', '')"; // d1d2…: no leading or trailing zeros
    const std::string count = "length(" + digits + ")";
    // the exponent x of 0.d1d2… × 10^x
    const std::string x = "(length(" + integerPart + ") - (length(" + all + ") - length(" + lead + ")) + CASE WHEN "
        + exponent + " = '' THEN 0 ELSE CAST(" + exponent + " AS BIGINT) END)";
    const std::string plainLength = "CASE WHEN " + x + " <= 0 THEN 2 - " + x + " + " + count + " WHEN " + x + " < "
        + count + " THEN " + count + " + 1 ELSE " + x + " END";
    const std::string integer = "INTEGER";
    return "CASE WHEN regexp_extract(" + t + ", " + lit("^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$")
        + ", 0) = " + t + "\n  THEN CASE WHEN " + digits + " = '' THEN '0'\n    WHEN length(" + exponent
        + ") > 17 THEN " + t + "\n    ELSE concat(CASE WHEN " + t + " LIKE '-%' THEN '-' ELSE '' END,\n      CASE WHEN "
        + plainLength + " > 50\n        THEN concat(substr(" + digits + ", 1, 1), CASE WHEN " + count
        + " > 1 THEN concat('.', substr(" + digits + ", 2)) ELSE '' END, 'E',\n                    CASE WHEN " + x
        + " - 1 < 0 THEN '-' ELSE '+' END, CAST(abs(" + x + " - 1) AS " + text + "))\n        WHEN " + x
        + " <= 0 THEN concat('0.', rpad('', CAST(0 - " + x + " AS " + integer + "), '0'), " + digits
        + ")\n        WHEN " + x + " < " + count + " THEN concat(substr(" + digits + ", 1, CAST(" + x + " AS " + integer
        + ")), '.', substr(" + digits + ", CAST(" + x + " AS " + integer + ") + 1))\n        ELSE concat(" + digits
        + ", rpad('', CAST(" + x + " - " + count + " AS " + integer + "), '0')) END) END\n  ELSE " + t + " END";
}

std::string portableCanonicalSetMembers(const std::string& members, bool numbers, SqlDialect d)
{
    // What streamscope_canonical_json does to a set's members, in functions DuckDB, Athena/Trino and Spark SQL share:
    // array_distinct, array_sort (ascending, by the members' text) and, for NS, transform (DuckDB calls it
    // list_transform) with the number rule. The members are sorted as text, not as their JSON text (DuckDB's
    // macro): the order can differ for members holding characters before '"', but each engine gives equal sets one
    // text, which is what the comparison needs.
    const std::string m =
        numbers ? "transform(" + members + ", x -> " + portableCanonicalNumber("x", d) + ")" : members;
    return "array_sort(array_distinct(" + m + "))";
}

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

std::string canonicalNumberMacro()
{
    // Decimal::parse and Decimal::canonical (model/decimal.cpp) in SQL: the digits without leading and trailing
    // zeros, the exponent of 0.d1d2… (small: DynamoDB allows -130 to 126, HUGEINT holds every exponent text up to
    // 38 digits), then plain text when it takes at most 50 characters, else d1.d2…E±x. Text that is no number, or
    // whose exponent lies beyond 10^17 (Decimal::parse refuses it), stays as written, as the desktop compares it.
    return "CREATE OR REPLACE MACRO streamscope_canonical_number(t) AS (list_transform(\n"
           "  [regexp_extract(t, '^([+-]?)([0-9]*)(?:\\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?$', ['s', 'i', 'f', 'e'])],\n"
           "  p -> CASE WHEN NOT regexp_full_match(t, '[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?') THEN t\n"
           "  ELSE (list_transform([{d: rtrim(ltrim(p.i || p.f, '0'), '0'),\n"
           "                         x: length(p.i) - (length(p.i || p.f) - length(ltrim(p.i || p.f, '0')))\n"
           "                            + coalesce(TRY_CAST(nullif(p.e, '') AS HUGEINT), CASE WHEN p.e = '' THEN 0 "
           "END)}],\n"
           "    n -> CASE WHEN n.d = '' THEN '0'\n"
           "              WHEN n.x IS NULL OR abs(n.x) > 100000000000000000 THEN t\n"
           "              ELSE CASE WHEN p.s = '-' THEN '-' ELSE '' END\n"
           "                || CASE WHEN (CASE WHEN n.x <= 0 THEN 2 - n.x + length(n.d)\n"
           "                                   WHEN n.x < length(n.d) THEN length(n.d) + 1 ELSE n.x END) > 50\n"
           "                        THEN n.d[1:1] || CASE WHEN length(n.d) > 1 THEN '.' || n.d[2:] ELSE '' END || 'E'\n"
           "                             || CASE WHEN n.x - 1 < 0 THEN '-' ELSE '+' END || CAST(abs(n.x - 1) AS "
           "VARCHAR)\n"
           "                        WHEN n.x <= 0 THEN '0.' || repeat('0', CAST(-n.x AS BIGINT)) || n.d\n"
           "                        WHEN n.x < length(n.d) THEN n.d[1:CAST(n.x AS BIGINT)] || '.' || n.d[CAST(n.x AS "
           "BIGINT) + 1:]\n"
           "                        ELSE n.d || repeat('0', CAST(n.x - length(n.d) AS BIGINT)) END END))[1] END))[1]";
}

std::string canonicalJsonMacro()
{
    // Level k canonicalises k levels of JSON: an object's members sorted by name, an array's elements in order (both
    // as {k, v} entries, an element's key its zero-padded index, so that one sorted list serves both and each level
    // names the next level once: the text grows linearly with the depth). Inside an object, the member "N" holding a
    // string is a DynamoDB number (streamscope_canonical_number) and the members "SS", "NS", "BS" holding an array
    // are sets (their members canonical, sorted, each once: the desktop compares sets as sets); an attribute of an
    // item or M is never a string or an array, so no attribute is taken for them. Strings need nothing: every value
    // below the top level is taken out of a MAP or JSON[] cast, which DuckDB writes again from the parsed value
    // ("\u00e9" comes out as "é"). Level 0 is the text of a scalar, or, for an object or array nested deeper than
    // kCanonicalDepth, kTooDeepMarker and the text as written (compared as written; streamscope_raw_lines.not_canonical
    // flags it).
    std::string level = "CASE WHEN json_type(j0) IN ('OBJECT', 'ARRAY') THEN '" + std::string(kTooDeepMarker)
        + "' || CAST(to_json(CAST(j0 AS VARCHAR)) AS VARCHAR) || '}' ELSE CAST(j0 AS VARCHAR) END";
    for (int k = 1; k <= kCanonicalDepth; ++k) {
        const std::string n = std::to_string(k);
        const std::string j = "j" + n;
        const std::string e = "e" + n;
        const std::string x = "x" + n;
        const std::string inner = level;
        // An entry: {key, value, o} (o: a member of an object, not an array element). A number (N) is taken as a
        // set of one member, so that the number macro is named once per level.
        level = "CASE WHEN json_type(" + j
            + ") IN ('OBJECT', 'ARRAY') THEN (list_transform([list_sort(list_transform(\n"
              "  CASE WHEN json_type("
            + j + ") = 'OBJECT' THEN list_transform(map_entries(CAST(" + j + " AS MAP(VARCHAR, JSON))), m" + n
            + " -> {key: m" + n + ".key, value: m" + n + ".value, o: true})\n  ELSE list_transform(CAST(" + j
            + " AS JSON[]), (x" + n + ", i" + n + ") -> {key: lpad(CAST(i" + n + " AS VARCHAR), 10, '0'), value: x" + n
            + ", o: false}) END,\n  " + e + " -> {k: " + e + ".key, v: CASE\n    WHEN " + e + ".o AND ((" + e
            + ".key = 'N' AND json_type(" + e + ".value) = 'VARCHAR')\n              OR (" + e
            + ".key IN ('SS', 'NS', 'BS') AND json_type(" + e
            + ".value) = 'ARRAY'))\n      THEN (list_transform([list_transform(CASE WHEN " + e + ".key = 'N' THEN [" + e
            + ".value] ELSE CAST(" + e + ".value AS JSON[]) END,\n        " + x + " -> CASE WHEN " + e
            + ".key IN ('N', 'NS') AND json_type(" + x
            + ") = 'VARCHAR'\n          THEN CAST(to_json(streamscope_canonical_number(json_extract_string(" + x
            + ", '$'))) AS VARCHAR)\n          ELSE CAST(" + x + " AS VARCHAR) END)],\n        l" + n + " -> CASE WHEN "
            + e + ".key = 'N' THEN l" + n + "[1]\n                ELSE '[' || array_to_string(list_sort(list_distinct(l"
            + n + ")), ',') || ']' END))[1]\n    ELSE (list_transform([" + e + ".value], j" + std::to_string(k - 1)
            + " -> " + inner + "))[1] END}))],\n  s" + n + " -> CASE WHEN json_type(" + j
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

std::string rawLinesView(const SqlRequest& r, const std::string& rawTable,
                         const std::vector<std::string>& incrementalTables)
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
        const auto lines = [&](const std::string& from, std::optional<std::int64_t> windowFrom) {
            parts.push_back({table, parsedMap("Keys", d), parsedMap("OldImage", d), parsedMap("NewImage", d), noText,
                             noText, "false", writeTime(d), "true", bigintLiteral(windowFrom, d), from,
                             "Keys IS NOT NULL"});
        };
        if (r.source == SqlSource::S3Incremental)
            lines(rawTable, r.windowFromMicros);
        // Each incremental export after the full export with its own window start.
        for (std::size_t i = 0; i < incrementalTables.size() && i < r.incrementalExports.size(); ++i)
            lines(incrementalTables[i], r.incrementalExports[i].windowFromMicros);
    }
    std::string from;
    for (RawPart& p : parts) {
        if (d != SqlDialect::DuckDb) { // DuckDB: streamscope_canonical_json does every level
            p.keysMap = topLevelValuesCanonical(p.keysMap, d);
            p.oldMap = topLevelValuesCanonical(p.oldMap, d);
            p.newMap = topLevelValuesCanonical(p.newMap, d);
        }
        from += (from.empty() ? "" : "\n  UNION ALL\n") + partSelect(p, d);
    }
    // DuckDB compares the top-level values of the canonical images (parsed again: one canonicalisation per image);
    // the other dialects the values of the maps with their top-level numbers and sets canonical.
    const bool duck = d == SqlDialect::DuckDb;
    const std::string changed = duck ? changedNames(d, "CAST(CAST(old_image AS JSON) AS MAP(VARCHAR, JSON))",
                                                    "CAST(CAST(new_image AS JSON) AS MAP(VARCHAR, JSON))")
                                     : changedNames(d, "old_map", "new_map");
    // DuckDB: whether an image or the Keys hold an object nested deeper than the canonical form goes.
    const std::string notCanonical = duck ? "       contains(concat(item_key, old_image, new_image), "
            + sqlString(kTooDeepMarker, d) + ") AS not_canonical,\n"
                                          : std::string();
    // DuckDB: a table, so that the canonical form is computed once, not again in every query over the views.
    return std::string(duck ? "CREATE OR REPLACE TABLE streamscope_raw_lines AS\n"
                            : "CREATE OR REPLACE VIEW streamscope_raw_lines AS\n")
        + "SELECT table_name, item_key, event_name, time_us, event_id, ttl, old_image, new_image,\n"
          "       "
        + changed + " AS changed,\n" + notCanonical
        + "       compacted, window_from_us, file_name, line_no\n"
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
          // The importer's reading order: a folder's export folders in the order of their paths (by export ID, not
          // by the exports' times: storage/import/exportfolder.cpp orders them by their manifest's path), each
          // export's data files by path, lines in order; the full path gives that order for exports in one folder.
          // A full export whose ID sorts after the incremental exports' is read last by both (tst_sqlduckdb rawAudit
          // "full export sorting last by path").
          "  SELECT l.*, row_number() OVER (ORDER BY file_name, line_no, time_us, item_key) AS line_order\n"
          "  FROM streamscope_raw_lines l\n"
          ") AS ordered";
}

} // namespace storage
