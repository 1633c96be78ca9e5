-- The versions of AllTypes with the item as nested types: every attribute and DynamoDB type the store has seen
-- (--from-store; a type it has not seen reads as NULL).
CREATE OR REPLACE VIEW streamscope_versions_alltypes AS
SELECT table_name, item_key, pos, event_name, sequence_number, time_us, event_id, state,
       CAST(json_parse(image) AS ROW("binaryData" ROW("B" varchar), "binarySet" ROW("BS" array(varchar)), "booleanFalse" ROW("BOOL" boolean), "booleanTrue" ROW("BOOL" boolean), "complexObject" ROW("M" ROW("active" ROW("BOOL" boolean), "count" ROW("N" varchar), "items" ROW("L" array(ROW("M" ROW("id" ROW("N" varchar), "label" ROW("S" varchar))))), "metadata" ROW("M" ROW("created" ROW("S" varchar), "updated" ROW("S" varchar))), "name" ROW("S" varchar))), "decimalField" ROW("N" varchar), "id" ROW("S" varchar), "mixedList" ROW("L" array(ROW("BOOL" boolean, "M" ROW("nested" ROW("S" varchar)), "N" varchar, "S" varchar))), "nestedMap" ROW("M" ROW("level1" ROW("M" ROW("level2" ROW("M" ROW("level3" ROW("M" ROW("deepValue" ROW("S" varchar))))))))), "nullField" ROW("NULL" boolean), "numberArray" ROW("NS" array(varchar)), "numberField" ROW("N" varchar), "simpleMap" ROW("M" ROW("key1" ROW("S" varchar), "key2" ROW("S" varchar), "key3" ROW("N" varchar))), "stringArray" ROW("SS" array(varchar)), "stringField" ROW("S" varchar))) AS item
FROM streamscope_item_versions
WHERE table_name = 'AllTypes';

-- State at a time: every item's last version at or before it (records without a creation time are not placed),
-- as `streamscope state --at` (which lists present and unknown items; absent ones are left out).
SELECT table_name, item_key, state, image, sequence_number, event_name, event_id, time_us
FROM (
  SELECT v.*, row_number() OVER (PARTITION BY table_name, item_key ORDER BY pos DESC) AS newest
  FROM streamscope_item_versions v
  WHERE time_us IS NOT NULL AND time_us <= 1700000100000000 /* the time, microseconds UTC */
) AS at_time
WHERE newest = 1 AND state <> 'absent'
ORDER BY table_name, item_key;
