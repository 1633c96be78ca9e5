-- The versions of AllTypes with the item as nested types: every attribute and DynamoDB type the store has seen
-- (--from-store; a type it has not seen reads as NULL).
CREATE OR REPLACE VIEW streamscope_versions_alltypes AS
SELECT table_name, item_key, pos, event_name, sequence_number, time_us, event_id, state,
       json_transform(image, '{"binaryData":{"B":"VARCHAR"},"binarySet":{"BS":["VARCHAR"]},"booleanFalse":{"BOOL":"BOOLEAN"},"booleanTrue":{"BOOL":"BOOLEAN"},"complexObject":{"M":{"active":{"BOOL":"BOOLEAN"},"count":{"N":"VARCHAR"},"items":{"L":[{"M":{"id":{"N":"VARCHAR"},"label":{"S":"VARCHAR"}}}]},"metadata":{"M":{"created":{"S":"VARCHAR"},"updated":{"S":"VARCHAR"}}},"name":{"S":"VARCHAR"}}},"decimalField":{"N":"VARCHAR"},"id":{"S":"VARCHAR"},"mixedList":{"L":[{"BOOL":"BOOLEAN","M":{"nested":{"S":"VARCHAR"}},"N":"VARCHAR","S":"VARCHAR"}]},"nestedMap":{"M":{"level1":{"M":{"level2":{"M":{"level3":{"M":{"deepValue":{"S":"VARCHAR"}}}}}}}}},"nullField":{"NULL":"BOOLEAN"},"numberArray":{"NS":["VARCHAR"]},"numberField":{"N":"VARCHAR"},"simpleMap":{"M":{"key1":{"S":"VARCHAR"},"key2":{"S":"VARCHAR"},"key3":{"N":"VARCHAR"}}},"stringArray":{"SS":["VARCHAR"]},"stringField":{"S":"VARCHAR"}}') AS item
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
