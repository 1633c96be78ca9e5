-- The versions of AllTypes with the item as nested types: every attribute and DynamoDB type the store has seen
-- (--from-store; a type it has not seen reads as NULL).
CREATE OR REPLACE VIEW streamscope_versions_alltypes AS
SELECT table_name, item_key, pos, event_name, sequence_number, time_us, event_id, state,
       from_json(image, 'STRUCT<`binaryData`: STRUCT<`B`: STRING>, `binarySet`: STRUCT<`BS`: ARRAY<STRING>>, `booleanFalse`: STRUCT<`BOOL`: BOOLEAN>, `booleanTrue`: STRUCT<`BOOL`: BOOLEAN>, `complexObject`: STRUCT<`M`: STRUCT<`active`: STRUCT<`BOOL`: BOOLEAN>, `count`: STRUCT<`N`: STRING>, `items`: STRUCT<`L`: ARRAY<STRUCT<`M`: STRUCT<`id`: STRUCT<`N`: STRING>, `label`: STRUCT<`S`: STRING>>>>>, `metadata`: STRUCT<`M`: STRUCT<`created`: STRUCT<`S`: STRING>, `updated`: STRUCT<`S`: STRING>>>, `name`: STRUCT<`S`: STRING>>>, `decimalField`: STRUCT<`N`: STRING>, `id`: STRUCT<`S`: STRING>, `mixedList`: STRUCT<`L`: ARRAY<STRUCT<`BOOL`: BOOLEAN, `M`: STRUCT<`nested`: STRUCT<`S`: STRING>>, `N`: STRING, `S`: STRING>>>, `nestedMap`: STRUCT<`M`: STRUCT<`level1`: STRUCT<`M`: STRUCT<`level2`: STRUCT<`M`: STRUCT<`level3`: STRUCT<`M`: STRUCT<`deepValue`: STRUCT<`S`: STRING>>>>>>>>>, `nullField`: STRUCT<`NULL`: BOOLEAN>, `numberArray`: STRUCT<`NS`: ARRAY<STRING>>, `numberField`: STRUCT<`N`: STRING>, `simpleMap`: STRUCT<`M`: STRUCT<`key1`: STRUCT<`S`: STRING>, `key2`: STRUCT<`S`: STRING>, `key3`: STRUCT<`N`: STRING>>>, `stringArray`: STRUCT<`SS`: ARRAY<STRING>>, `stringField`: STRUCT<`S`: STRING>>') AS item
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
