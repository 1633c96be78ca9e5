#!/usr/bin/env python3
"""Writes the DynamoDB export folders used by tst_exportfolder and tst_cli_import (run once; output committed).

full/AWSDynamoDB/01700000000000-a1b2c3d4/   a full export of table Orders (key orderId + line) at 2023-11-14T22:00:00Z:
    manifest-summary.json (+ .md5), manifest-files.json (+ .md5), _started, data/: two gzip parts and an empty gzip
    partition.
chain/AWSDynamoDB/01700000000000-f0f0f0f0/  a full export of table Carts (key cartId) at 2023-11-14T22:00:00Z, then
chain/AWSDynamoDB/01700003600000-1c1c1c1c/  an incremental export 22:00 .. 23:00 (NEW_AND_OLD_IMAGES, compacted: one
    line per changed item: a modify, an insert, a remove; an item inserted and deleted inside the window is absent).
overlap/AWSDynamoDB/01700001000000-0a0a0a0a/ a full export of table Baskets (key basketId) at 2023-11-14T22:30:00Z, inside
overlap/AWSDynamoDB/01700002800000-1b1b1b1b/ an incremental export 22:00 .. 23:00 (NEW_AND_OLD_IMAGES): its OldImages are
    the items at 22:00, so b-1 (changed at 22:10, before the full export) has an OldImage the full export does not show
    (compaction, not a missing record); b-2 was inserted at 22:10; b-4 did not change before 22:30. Then
overlap/AWSDynamoDB/01700006400000-2c2c2c2c/ an incremental export 23:00 .. 00:00 whose b-1 OldImage differs from the
    first window's NewImage: a real gap (the windows follow each other, nothing explains it).
overlap-stream.json                         a Lambda event of the Baskets stream (NEW_AND_OLD_IMAGES) beside the overlap
    exports: b-1 changed at 22:10 and b-2 inserted at 22:10 (both before the full export), b-4 removed at 22:35 (inside
    the first window, after the full export: the window's b-4 line, a MODIFY, is no modify-after-remove) and changed
    again at 23:10 (after that line: compared with it, no finding), b-3 inserted and deleted inside the window (no line
    in the export), b-5 with a real gap at 21:40 (stream records only). tst_sqlduckdb imports it with overlap/.
orders-describe-table.json                  `aws dynamodb describe-table --table-name Orders` output.
"""
import base64, gzip, hashlib, io, json, os, shutil

HERE = os.path.dirname(os.path.abspath(__file__))
ACCOUNT = "123456789012"


def gz(lines):
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, filename="") as f:
        f.write("".join(line + "\n" for line in lines).encode())
    return buf.getvalue()


def md5b64(data):
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def write_export(root, export_id, table, summary_extra, parts):
    d = os.path.join(root, "AWSDynamoDB", export_id)
    os.makedirs(os.path.join(d, "data"), exist_ok=True)
    files = []
    total = 0
    for name, lines in parts:
        data = gz(lines)
        key = f"AWSDynamoDB/{export_id}/data/{name}"
        with open(os.path.join(d, "data", name), "wb") as f:
            f.write(data)
        files.append({"itemCount": len(lines), "md5Checksum": md5b64(data),
                      "etag": hashlib.md5(data).hexdigest(), "dataFileS3Key": key})
        total += len(lines)
    manifest_files = "".join(json.dumps(f) + "\n" for f in files).encode()
    table_arn = f"arn:aws:dynamodb:eu-west-1:{ACCOUNT}:table/{table}"
    summary = {"version": "2023-08-01", "exportArn": f"{table_arn}/export/{export_id}",
               "startTime": "2023-11-14T23:01:00.000Z", "endTime": "2023-11-14T23:06:00.000Z",
               "tableArn": table_arn, "tableId": "12345a12-abcd-123a-ab12-1234abc12345",
               "s3Bucket": "exports-bucket", "s3Prefix": None, "s3SseAlgorithm": "AES256", "s3SseKmsKeyId": None,
               "manifestFilesS3Key": f"AWSDynamoDB/{export_id}/manifest-files.json", "billedSizeBytes": 0,
               "itemCount": total, "outputFormat": "DYNAMODB_JSON"}
    summary.update(summary_extra)
    summary_bytes = json.dumps(summary).encode()
    for name, data in (("manifest-summary", summary_bytes), ("manifest-files", manifest_files)):
        with open(os.path.join(d, name + ".json"), "wb") as f:
            f.write(data)
        with open(os.path.join(d, name + ".md5"), "w") as f:
            f.write(md5b64(data) + "\n")
    open(os.path.join(d, "_started"), "w").close()


def item(**attrs):
    return json.dumps({"Item": attrs}, separators=(",", ":"))


def main():
    for sub in ("full", "chain", "overlap"):
        shutil.rmtree(os.path.join(HERE, sub), ignore_errors=True)
    S = lambda v: {"S": v}
    N = lambda v: {"N": v}
    # Full export: two order lines share orderId "o-1" (the key is orderId + line; a guess of orderId alone merges them).
    write_export(os.path.join(HERE, "full"), "01700000000000-a1b2c3d4", "Orders",
                 {"exportTime": "2023-11-14T22:00:00.000Z", "exportType": "FULL_EXPORT"},
                 [("k3b8qzy1fe2xbp4dnv6c.json.gz", [
                     item(orderId=S("o-1"), line=N("1"), sku=S("A-1"), price=N("19.99")),
                     item(orderId=S("o-1"), line=N("2"), sku=S("B-7"), price=N("5.00")),
                     item(orderId=S("o-2"), line=N("1"), sku=S("C-3"), price=N("123456789012345678901234567890.5"))]),
                  ("p7x2mwl5cq9rvt3ehj8a.json.gz", [
                     item(orderId=S("o-3"), line=N("1"), sku=S("A-1"), price=N("19.99")),
                     item(orderId=S("o-4"), line=N("1"), sku=S("D-9"), tags={"SS": ["gift", "fragile"]})]),
                  ("zz0empty4partition9x.json.gz", [])])
    # Chain: full export at 22:00, incremental 22:00 .. 23:00.
    write_export(os.path.join(HERE, "chain"), "01700000000000-f0f0f0f0", "Carts",
                 {"exportTime": "2023-11-14T22:00:00.000Z", "exportType": "FULL_EXPORT"},
                 [("a1.json.gz", [item(cartId=S("c-1"), total=N("10")), item(cartId=S("c-2"), total=N("20"))]),
                  ("a2.json.gz", [])])

    def inc(ts, keys, old=None, new=None):
        line = {"Metadata": {"WriteTimestampMicros": N(str(ts))}, "Keys": keys}
        if old is not None:
            line["OldImage"] = old
        if new is not None:
            line["NewImage"] = new
        return json.dumps(line, separators=(",", ":"))
    t0 = 1700000000 * 1000000  # 2023-11-14T22:13:20Z
    write_export(os.path.join(HERE, "chain"), "01700003600000-1c1c1c1c", "Carts",
                 {"exportTime": "2023-11-14T23:00:00.000Z", "exportType": "INCREMENTAL_EXPORT",
                  "exportFromTime": "2023-11-14T22:00:00.000Z", "exportToTime": "2023-11-14T23:00:00.000Z",
                  "outputView": "NEW_AND_OLD_IMAGES"},
                 [("b1.json.gz", [
                     inc(t0 + 5000000, {"cartId": S("c-1")}, {"cartId": S("c-1"), "total": N("10")},
                         {"cartId": S("c-1"), "total": N("15.50")}),
                     inc(t0 + 6000000, {"cartId": S("c-3")}, None, {"cartId": S("c-3"), "total": N("7")})]),
                  ("b2.json.gz", [inc(t0 + 7000000, {"cartId": S("c-2")}, {"cartId": S("c-2"), "total": N("20")})])])
    # Overlap: the full export's exportTime (22:30) lies inside the first incremental window (22:00 .. 23:00).
    t2200 = 1699999200 * 1000000
    minute = 60 * 1000000
    cart = lambda k, total: {"basketId": S(k), "total": N(total)}
    write_export(os.path.join(HERE, "overlap"), "01700001000000-0a0a0a0a", "Baskets",
                 {"exportTime": "2023-11-14T22:30:00.000Z", "exportType": "FULL_EXPORT"},
                 [("c1.json.gz", [item(**cart("b-1", "12")), item(**cart("b-2", "5")), item(**cart("b-4", "40"))])])
    write_export(os.path.join(HERE, "overlap"), "01700002800000-1b1b1b1b", "Baskets",
                 {"exportTime": "2023-11-14T23:00:00.000Z", "exportType": "INCREMENTAL_EXPORT",
                  "exportFromTime": "2023-11-14T22:00:00.000Z", "exportToTime": "2023-11-14T23:00:00.000Z",
                  "outputView": "NEW_AND_OLD_IMAGES"},
                 [("d1.json.gz", [
                     inc(t2200 + 40 * minute, {"basketId": S("b-1")}, cart("b-1", "10"), cart("b-1", "15")),
                     inc(t2200 + 45 * minute, {"basketId": S("b-2")}, None, cart("b-2", "8")),
                     inc(t2200 + 50 * minute, {"basketId": S("b-4")}, cart("b-4", "40"), cart("b-4", "41"))])])
    write_export(os.path.join(HERE, "overlap"), "01700006400000-2c2c2c2c", "Baskets",
                 {"exportTime": "2023-11-15T00:00:00.000Z", "exportType": "INCREMENTAL_EXPORT",
                  "exportFromTime": "2023-11-14T23:00:00.000Z", "exportToTime": "2023-11-15T00:00:00.000Z",
                  "outputView": "NEW_AND_OLD_IMAGES"},
                 [("e1.json.gz", [
                     inc(t2200 + 70 * minute, {"basketId": S("b-1")}, cart("b-1", "99"), cart("b-1", "16"))])])
    # The Baskets stream beside the overlap exports (Lambda event; times in seconds, sequence numbers in time order).
    stream_arn = f"arn:aws:dynamodb:eu-west-1:{ACCOUNT}:table/Baskets/stream/2023-11-01T00:00:00.000"

    def ddb(n, name, minutes, key, old=None, new=None):
        d = {"ApproximateCreationDateTime": 1699999200 + minutes * 60, "Keys": {"basketId": S(key)},
             "SequenceNumber": str(1000 + n), "SizeBytes": 40, "StreamViewType": "NEW_AND_OLD_IMAGES"}
        if old is not None:
            d["OldImage"] = old
        if new is not None:
            d["NewImage"] = new
        return {"eventID": f"bs-{n}", "eventName": name, "eventVersion": "1.1", "eventSource": "aws:dynamodb",
                "awsRegion": "eu-west-1", "dynamodb": d, "eventSourceARN": stream_arn}
    records = [ddb(1, "INSERT", -30, "b-5", new=cart("b-5", "1")),
               ddb(2, "MODIFY", -20, "b-5", cart("b-5", "9"), cart("b-5", "10")),
               ddb(3, "INSERT", 5, "b-3", new=cart("b-3", "3")),
               ddb(4, "MODIFY", 10, "b-1", cart("b-1", "10"), cart("b-1", "12")),
               ddb(5, "INSERT", 10, "b-2", new=cart("b-2", "5")),
               ddb(6, "REMOVE", 15, "b-3", old=cart("b-3", "3")),
               ddb(7, "REMOVE", 35, "b-4", old=cart("b-4", "40")),
               ddb(8, "MODIFY", 70, "b-4", cart("b-4", "41"), cart("b-4", "42"))]
    with open(os.path.join(HERE, "overlap-stream.json"), "w") as f:
        json.dump({"Records": records}, f, indent=2)
        f.write("\n")
    with open(os.path.join(HERE, "orders-describe-table.json"), "w") as f:
        json.dump({"Table": {"TableName": "Orders",
                             "AttributeDefinitions": [{"AttributeName": "orderId", "AttributeType": "S"},
                                                      {"AttributeName": "line", "AttributeType": "N"}],
                             "KeySchema": [{"AttributeName": "line", "KeyType": "RANGE"},
                                           {"AttributeName": "orderId", "KeyType": "HASH"}],
                             "TableStatus": "ACTIVE", "ItemCount": 5,
                             "TableArn": f"arn:aws:dynamodb:eu-west-1:{ACCOUNT}:table/Orders"}}, f, indent=4)
        f.write("\n")


if __name__ == "__main__":
    main()
