#!/usr/bin/env python3
"""The same records in the other source layouts Streamscope imports, for tst_sqlduckdb.

Reads a capture written by gen_capture.py --layout jsonl (Lambda DynamoDB stream records, one per line, in delivery
order: shuffled, with duplicates and gaps) and writes the same changes as

  kinesis-archive   Kinesis Data Streams for DynamoDB records (tableName, eventID, userIdentity, µs
                    ApproximateCreationDateTime with ApproximateCreationDateTimePrecision, no SequenceNumber), JSON
                    Lines in Firehose-style time-named files (every other file concatenated without newlines, as
                    Firehose writes them without a delimiter), in delivery order; kinesis-archive-mixed-units
                    the same with the time also as µs without a precision and as ms with MILLISECOND, in turn;
  s3-incremental    one DynamoDB incremental export folder per table (AWSDynamoDB/<id>/ with manifest-summary.json,
                    manifest-files.json with MD5s, data/*.json.gz): one line per delivered record, in delivery order,
                    Metadata.WriteTimestampMicros {"N": "…"}, a number or a string in turn (the importer and the
                    DDL take all three); the images the view type has, every other line's Keys and images with
                    their attributes in reverse order at every level (nested M members too);
  s3-incremental-respelled
                    the same, every other line's images also written differently but equal as the desktop compares
                    them (numbers respelled, set members reversed and repeated) and written with \\u escapes for
                    every non-ASCII character, and every tenth line's NewImage with a number changed by 10^-20 (the
                    next line's OldImage then differs: a gap);
  s3-full           per table a full export at a second boundary in the middle of the capture (the item each key's
                    last record before it left) and an incremental export of the records after it;
  s3-full-overlap   per table the same full export and one compacted incremental export whose window starts before
                    it (one line per key: first OldImage, last NewImage), as s3_full_overlap() says;
  s3-incremental-deep
                    s3-incremental with every image of a quarter of the keys holding an attribute nested 20 levels of
                    M deep (beyond the 16 levels DuckDB's canonical form sorts; single-member maps, so every spelling
                    is the same text); OUTDIR.deep-records lists those lines (table, Keys, time in µs; tab-separated);
  s3-full-two-incremental
                    per table the full export, an incremental export of every record after it up to a second boundary
                    and a compacted incremental export whose window starts before that boundary, as
                    s3_full_two_incremental() says; s3-full-two-incremental-unsorted the same with export IDs that
                    sort the full export last by path.

Times: a record's time is its ApproximateCreationDateTime (seconds) plus its rank in its table's sequence order in
µs, so every layout orders a key's records as the stream did. Usage: layouts.py LAYOUT CAPTURE.jsonl OUTDIR
"""
import base64
import gzip
import hashlib
import json
import os
import sys
import time


def iso(micros):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(micros // 1000000)) + ".%03dZ" % (micros % 1000000 // 1000)


def table_of(record):
    return record["eventSourceARN"].split("/")[1]


def read(capture):
    records = [json.loads(line) for line in open(capture, encoding="utf-8") if line.strip()]
    ranks = {}
    for table in sorted({table_of(r) for r in records}):
        seqs = sorted({int(r["dynamodb"]["SequenceNumber"]) for r in records if table_of(r) == table})
        ranks.update({(table, s): i for i, s in enumerate(seqs)})
    for r in records:
        d = r["dynamodb"]
        r["_us"] = int(d["ApproximateCreationDateTime"]) * 1000000 + ranks[(table_of(r), int(d["SequenceNumber"]))]
    return records


def compact(obj):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def kinesis_time(r, index, mixed_units):
    """The record's ApproximateCreationDateTime fields: µs with MICROSECOND precision; with mixed_units in turn also
    µs without a precision (17 digits read as µs) and ms with MILLISECOND (records in the same ms then tie: both the
    importer and SQL order them by arrival)."""
    if not mixed_units or index % 3 == 0:
        return {"ApproximateCreationDateTime": r["_us"], "ApproximateCreationDateTimePrecision": "MICROSECOND"}
    if index % 3 == 1:
        return {"ApproximateCreationDateTime": r["_us"]}
    return {"ApproximateCreationDateTime": r["_us"] // 1000, "ApproximateCreationDateTimePrecision": "MILLISECOND"}


def kinesis_archive(records, out, mixed_units=False):
    folder = os.path.join(out, "2023", "11", "14", "22")
    os.makedirs(folder)
    for part in range(0, len(records), 40):
        name = "streamscope-cdc-1-2023-11-14-22-%02d-00-%04d" % (part // 40 // 60, part // 40)
        separator = "\n" if part // 40 % 2 == 0 else ""
        with open(os.path.join(folder, name), "w", encoding="utf-8") as f:
            for index, r in enumerate(records[part:part + 40], start=part):
                d = r["dynamodb"]
                inner = kinesis_time(r, index, mixed_units)
                inner["Keys"] = d["Keys"]
                for image in ("NewImage", "OldImage"):
                    if image in d:
                        inner[image] = d[image]
                inner["SizeBytes"] = d.get("SizeBytes", 1)
                f.write(compact({"awsRegion": r["awsRegion"], "eventID": r["eventID"], "eventName": r["eventName"],
                                 "userIdentity": r.get("userIdentity"), "recordFormat": "application/json",
                                 "tableName": table_of(r), "dynamodb": inner, "eventSource": "aws:dynamodb"}) + separator)


def write_export(out, table, number, kind, lines, export_us, from_us=None, view=None, ascii_escapes=False,
                 id_us=None):
    """id_us: the time the export ID begins with (its request, in ms), by default its export time."""
    export_id = "%014d-%08x" % ((export_us if id_us is None else id_us) // 1000, number)
    base = "AWSDynamoDB/" + export_id
    os.makedirs(os.path.join(out, base, "data"))
    table_arn = "arn:aws:dynamodb:eu-central-1:123456789012:table/" + table
    files = []
    for part in range(0, max(len(lines), 1), 60):
        key = "%s/data/part%04d.json.gz" % (base, part // 60)
        text = "".join((json.dumps(l, separators=(",", ":")) if ascii_escapes and i % 2 else compact(l)) + "\n"
                       for i, l in enumerate(lines[part:part + 60], start=part))
        data = gzip.compress(text.encode("utf-8"), mtime=0)
        with open(os.path.join(out, key), "wb") as f:
            f.write(data)
        files.append({"itemCount": len(lines[part:part + 60]),
                      "md5Checksum": base64.b64encode(hashlib.md5(data).digest()).decode("ascii"),
                      "etag": hashlib.md5(data).hexdigest(), "dataFileS3Key": key})
    with open(os.path.join(out, base, "manifest-files.json"), "w", encoding="utf-8") as f:
        f.write("".join(json.dumps(x) + "\n" for x in files))
    summary = {"version": "2023-08-01", "exportArn": table_arn + "/export/" + export_id,
               "startTime": iso(export_us), "endTime": iso(export_us), "tableArn": table_arn,
               "tableId": "12345a12-abcd-123a-ab12-1234abc12345", "s3Bucket": "exports-bucket", "s3Prefix": None,
               "s3SseAlgorithm": "AES256", "s3SseKmsKeyId": None, "manifestFilesS3Key": base + "/manifest-files.json",
               "billedSizeBytes": 0, "itemCount": len(lines), "outputFormat": "DYNAMODB_JSON",
               "exportTime": iso(export_us), "exportType": kind}
    if kind == "INCREMENTAL_EXPORT":
        summary.update({"exportFromTime": iso(from_us), "exportToTime": iso(export_us), "outputView": view})
    with open(os.path.join(out, base, "manifest-summary.json"), "w", encoding="utf-8") as f:
        json.dump(summary, f)
    open(os.path.join(out, base, "_started"), "w").close()


def reversed_value(value):
    """A DynamoDB value with the members of every M inside it in reverse order (L elements stay in order)."""
    if "M" in value:
        return {"M": {name: reversed_value(v) for name, v in reversed(list(value["M"].items()))}}
    if "L" in value:
        return {"L": [reversed_value(v) for v in value["L"]]}
    return value


def reordered(item, index):
    """Every other line's Keys and images with their attributes in reverse order at every level (the members of
    nested M maps too): the same item (the importer compares items, not text), which SQL over the raw lines must see
    as equal too."""
    return {name: reversed_value(v) for name, v in reversed(list(item.items()))} if index % 2 else item


SPELLINGS = ("{}.0", "{}E0", "0{}", "{}0E-1")


def respelled_number(text, turn):
    """The same number written another way (as the desktop compares numbers: 1 = 1.0 = 1E0 = 01 = 10E-1)."""
    if "e" in text.lower():
        return text
    sign = "-" if text.startswith("-") else ""
    digits = text.lstrip("-")
    if "." in digits and turn % 4 in (0, 3):
        return sign + digits + "0"  # trailing zero of the fraction
    return sign + SPELLINGS[turn % 4].format(digits)


def respelled_value(value, turn):
    """A DynamoDB value equal to `value` as the desktop compares values, written differently: numbers respelled,
    set members in reverse order with the first one repeated (sets are sets), nested M and L values likewise."""
    if "N" in value:
        return {"N": respelled_number(value["N"], turn)}
    if "NS" in value:
        members = [respelled_number(m, turn + i) for i, m in enumerate(reversed(value["NS"]))]
        return {"NS": members + members[:1]}
    if "SS" in value or "BS" in value:
        tag = "SS" if "SS" in value else "BS"
        members = list(reversed(value[tag]))
        return {tag: members + members[:1]}
    if "M" in value:
        return {"M": {n: respelled_value(v, turn + i) for i, (n, v) in enumerate(value["M"].items())}}
    if "L" in value:
        return {"L": [respelled_value(v, turn + i) for i, v in enumerate(value["L"])]}
    return value


def changed_number(item, keys):
    """A NewImage with its first plain number of at most 15 digits that is no key attribute changed by 10^-20 (a change no double holds:
    exact numbers see it), so that the next record's OldImage differs from it: a gap the desktop reports and SQL must
    report too."""
    out = dict(item)
    for name, value in sorted(item.items()):
        text = value.get("N", "e")
        digits = text.lstrip("-").replace(".", "").strip("0")
        # (at most 15 significant digits: with the 20 more the number stays within DynamoDB's 38, which the
        # importer enforces)
        if "e" not in text.lower() and len(digits) <= 15 and name != "version" and name not in keys:
            out[name] = {"N": text + ("" if "." in text else ".") + "00000000000000000001"}
            return out
    return out


def is_deep(keys):
    """A quarter of the keys, chosen by their text: their images get deep_value()."""
    return hashlib.md5(compact(sorted(keys.items())).encode("utf-8")).digest()[0] % 4 == 0


def deep_value(levels=20):
    """An attribute value nested `levels` levels of M deep (DynamoDB allows 32), each map with one member."""
    value = {"S": "deep"}
    for _ in range(levels):
        value = {"M": {"d": value}}
    return value


def incremental_line(r, index, respell=False, deep=False):
    d = r["dynamodb"]
    stamp = [{"N": str(r["_us"])}, r["_us"], str(r["_us"])][index % 3]
    line = {"Metadata": {"WriteTimestampMicros": stamp}, "Keys": reordered(d["Keys"], index)}
    for image in ("OldImage", "NewImage"):
        if image in d:
            line[image] = reordered(d[image], index)
            if deep and is_deep(d["Keys"]):
                line[image] = dict(line[image], deep=deep_value())
            if respell and index % 2:
                line[image] = {n: respelled_value(v, index + i) for i, (n, v) in enumerate(line[image].items())}
    if respell and index % 10 == 5 and "NewImage" in line:
        line["NewImage"] = changed_number(line["NewImage"], d["Keys"])
    return line


def s3_exports(records, out, with_full, respell=False, deep=False):
    for number, table in enumerate(sorted({table_of(r) for r in records})):
        mine = [r for r in records if table_of(r) == table]
        view = mine[0]["dynamodb"].get("StreamViewType", "NEW_AND_OLD_IMAGES")
        first = min(r["_us"] for r in mine)
        last = max(r["_us"] for r in mine)
        split = first
        if with_full:
            # The key schema for the full export's items, found beside the export as a DescribeTable output.
            names = list(mine[0]["dynamodb"]["Keys"])  # the generator writes the partition key first
            schema = [{"AttributeName": n, "KeyType": t} for n, t in zip(names, ("HASH", "RANGE"))]
            with open(os.path.join(out, "describe-table-%s.json" % table), "w", encoding="utf-8") as f:
                json.dump({"Table": {"TableName": table, "KeySchema": schema}}, f)
            # A second boundary in the middle: the full export shows the table just before it.
            split = ((first + last) // 2 // 1000000) * 1000000
            state = {}
            for r in sorted((r for r in mine if r["_us"] < split), key=lambda r: r["_us"]):
                key = compact(sorted(r["dynamodb"]["Keys"].items()))
                state[key] = None if r["eventName"] == "REMOVE" else r["dynamodb"].get("NewImage")
            items = [{"Item": item} for item in state.values() if item is not None]
            write_export(out, table, 2 * number, "FULL_EXPORT", items, split - 1000)
            mine = [r for r in mine if r["_us"] >= split]
        lines = [incremental_line(r, i, respell, deep) for i, r in enumerate(mine)]
        if deep:
            with open(out.rstrip("/") + ".deep-records", "a", encoding="utf-8") as f:
                for r in mine:
                    if is_deep(r["dynamodb"]["Keys"]):
                        f.write("%s\t%s\t%d\n" % (table, compact(r["dynamodb"]["Keys"]), r["_us"]))
        write_export(out, table, 2 * number + 1, "INCREMENTAL_EXPORT", lines, (last // 1000000 + 1) * 1000000,
                     from_us=split - 1000 if with_full else (first // 1000000) * 1000000, view=view,
                     ascii_escapes=respell)


def s3_full_overlap(records, out):
    """Per table a full export in the middle of the capture and ONE compacted incremental export whose window starts
    before it (half-way from the capture's first second): one line per key with the key's first OldImage in the window and its
    last NewImage (none when it was inserted and removed inside the window), written at the key's last change. A
    line after the full export's item holds the item at the window start, not at the export: the desktop does not
    compare them (the window spans the snapshot), which SQL can do only knowing the window start (--window-from)."""
    for number, table in enumerate(sorted({table_of(r) for r in records})):
        mine = sorted((r for r in records if table_of(r) == table), key=lambda r: r["_us"])
        names = list(mine[0]["dynamodb"]["Keys"])
        schema = [{"AttributeName": n, "KeyType": t} for n, t in zip(names, ("HASH", "RANGE"))]
        with open(os.path.join(out, "describe-table-%s.json" % table), "w", encoding="utf-8") as f:
            json.dump({"Table": {"TableName": table, "KeySchema": schema}}, f)
        first = mine[0]["_us"] // 1000000 * 1000000
        last = mine[-1]["_us"]
        split = ((first + last) // 2 // 1000000) * 1000000
        state = {}
        for r in (r for r in mine if r["_us"] < split):
            state[compact(sorted(r["dynamodb"]["Keys"].items()))] = (
                None if r["eventName"] == "REMOVE" else r["dynamodb"].get("NewImage"))
        write_export(out, table, 2 * number, "FULL_EXPORT", [{"Item": i} for i in state.values() if i is not None],
                     split - 1000)
        # The window starts half-way to the full export (every key was inserted before it, so its lines are
        # MODIFYs and REMOVEs with the item at the window start as OldImage).
        start = ((first + split) // 2 // 1000000) * 1000000
        window = {}
        for r in (r for r in mine if r["_us"] >= start):
            window.setdefault(compact(sorted(r["dynamodb"]["Keys"].items())), []).append(r)
        write_export(out, table, 2 * number + 1, "INCREMENTAL_EXPORT", compacted_lines(window),
                     (last // 1000000 + 1) * 1000000, from_us=start, view="NEW_AND_OLD_IMAGES")


def compacted_lines(changes_by_key):
    """One line per key over a window: the key's first OldImage and last NewImage (none when it was inserted, or
    removed, inside the window), written at its last change."""
    lines = []
    for index, changes in enumerate(changes_by_key.values()):
        d0 = changes[0]["dynamodb"]
        d1 = changes[-1]["dynamodb"]
        line = {"Metadata": {"WriteTimestampMicros": {"N": str(changes[-1]["_us"])}},
                "Keys": reordered(d0["Keys"], index)}
        if changes[0]["eventName"] != "INSERT" and "OldImage" in d0:
            line["OldImage"] = reordered(d0["OldImage"], index)
        if changes[-1]["eventName"] != "REMOVE" and "NewImage" in d1:
            line["NewImage"] = reordered(d1["NewImage"], index)
        if "OldImage" in line or "NewImage" in line:
            lines.append(line)
    return lines


def s3_full_two_incremental(records, out, unsorted_ids=False):
    """Per table a full export at a second boundary S in the middle of the capture, an incremental export of every
    record in [S, T) (one line per record, in delivery order, window from S - 1 ms) and a compacted incremental
    export of the records from W on (one line per key, window from W), where S < W < T: the two windows overlap. A
    line of the second export whose key changed in [W, T) holds the item at W, not after the first export's line:
    the desktop does not compare them (the manifests give each export its window), nor does SQL given each export's
    own --window-from; with one start for both it reports gaps. unsorted_ids: the full export's ID begins with a
    later time than the incremental exports' (requested after them), so that it sorts last by path."""
    for number, table in enumerate(sorted({table_of(r) for r in records})):
        delivered = [r for r in records if table_of(r) == table]
        mine = sorted(delivered, key=lambda r: r["_us"])
        names = list(mine[0]["dynamodb"]["Keys"])
        schema = [{"AttributeName": n, "KeyType": t} for n, t in zip(names, ("HASH", "RANGE"))]
        with open(os.path.join(out, "describe-table-%s.json" % table), "w", encoding="utf-8") as f:
            json.dump({"Table": {"TableName": table, "KeySchema": schema}}, f)
        first = mine[0]["_us"] // 1000000 * 1000000
        last = mine[-1]["_us"]
        split = ((first + last) // 2 // 1000000) * 1000000
        end = ((split + last) // 2 // 1000000) * 1000000
        start = ((split + end) // 2 // 1000000) * 1000000
        if not split < start < end:
            sys.exit("s3-full-two-incremental: the capture spans too few seconds")
        state = {}
        for r in (r for r in mine if r["_us"] < split):
            state[compact(sorted(r["dynamodb"]["Keys"].items()))] = (
                None if r["eventName"] == "REMOVE" else r["dynamodb"].get("NewImage"))
        after = (last // 1000000 + 1) * 1000000
        write_export(out, table, 3 * number, "FULL_EXPORT", [{"Item": i} for i in state.values() if i is not None],
                     split - 1000, id_us=after + 1000000 if unsorted_ids else None)
        lines = [incremental_line(r, i) for i, r in enumerate(r for r in delivered if split <= r["_us"] < end)]
        write_export(out, table, 3 * number + 1, "INCREMENTAL_EXPORT", lines, end, from_us=split - 1000,
                     view="NEW_AND_OLD_IMAGES")
        window = {}
        for r in (r for r in mine if r["_us"] >= start):
            window.setdefault(compact(sorted(r["dynamodb"]["Keys"].items())), []).append(r)
        write_export(out, table, 3 * number + 2, "INCREMENTAL_EXPORT", compacted_lines(window), after,
                     from_us=start, view="NEW_AND_OLD_IMAGES")


def main():
    layout, capture, out = sys.argv[1:4]
    records = read(capture)
    os.makedirs(out)
    if layout == "kinesis-archive":
        kinesis_archive(records, out)
    elif layout == "kinesis-archive-mixed-units":
        kinesis_archive(records, out, mixed_units=True)
    elif layout == "s3-incremental":
        s3_exports(records, out, with_full=False)
    elif layout == "s3-incremental-respelled":
        s3_exports(records, out, with_full=False, respell=True)
    elif layout == "s3-full":
        s3_exports(records, out, with_full=True)
    elif layout == "s3-full-overlap":
        s3_full_overlap(records, out)
    elif layout == "s3-incremental-deep":
        s3_exports(records, out, with_full=False, deep=True)
    elif layout == "s3-full-two-incremental":
        s3_full_two_incremental(records, out)
    elif layout == "s3-full-two-incremental-unsorted":
        s3_full_two_incremental(records, out, unsorted_ids=True)
    else:
        sys.exit("unknown layout " + layout)


if __name__ == "__main__":
    main()
