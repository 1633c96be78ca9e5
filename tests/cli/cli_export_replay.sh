#!/usr/bin/env bash
# CLI test of `streamscope export` and `streamscope replay` on a generated capture.
# usage: cli_export_replay.sh STREAMSCOPE PYTHON SOURCE_DIR SHARED_DIR
set -euo pipefail
BIN=$1 PY=$2 SRC=$3 SHARED=$4
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
expect_rc() { local want=$1; shift; set +e; "$@" >"$T/out" 2>"$T/err"; local rc=$?; set -e
  [ "$rc" = "$want" ] || { cat "$T/out" "$T/err" >&2; fail "exit $rc, expected $want: $*"; }; }

"$PY" "$SHARED/tools/gen_capture.py" --seed 11 --records 600 --keys 60 --tables 2 --out "$T/cap" --quiet
expect_rc 0 "$BIN" import --store "$T/s.streamscope" "$T/cap"

# Lambda batches, one stream per file, manifest with counts.
expect_rc 0 "$BIN" export --store "$T/s.streamscope" --out "$T/ex" --batch-size 50
[ -f "$T/ex/manifest.json" ] || fail "no manifest"
"$PY" - "$T/ex" <<'PYEOF'
import json, os, sys
d = sys.argv[1]
m = json.load(open(os.path.join(d, "manifest.json")))
assert m["counts"]["written"] == 600, m["counts"]
n = 0
for f in m["files"]:
    ev = json.load(open(os.path.join(d, f["name"])))
    recs = ev["Records"]
    assert 0 < len(recs) <= 50
    assert len({r["eventSourceARN"] for r in recs}) == 1
    seqs = [int(r["dynamodb"]["SequenceNumber"]) for r in recs]
    assert seqs == sorted(seqs)
    assert os.path.getsize(os.path.join(d, f["name"])) == f["bytes"] <= 6291456
    n += len(recs)
assert n == 600
PYEOF
# Refuses to overwrite, --force replaces.
expect_rc 2 "$BIN" export --store "$T/s.streamscope" --out "$T/ex"
grep -q -- "--force" "$T/err" || fail "refusal does not mention --force"
expect_rc 0 "$BIN" export --store "$T/s.streamscope" --out "$T/ex" --force --js-unsafe exclude --json
"$PY" -c 'import json,sys; m=json.load(open(sys.argv[1])); assert m["counts"]["excludedByJsUnsafeOption"] > 0' "$T/out"
expect_rc 0 "$BIN" export --store "$T/s.streamscope" --out "$T/csv" --format csv --event MODIFY
head -1 "$T/csv/changes.csv" | grep -q '^time,table,key,event,path,op,old,new' || fail "csv header"
expect_rc 2 "$BIN" export --store "$T/s.streamscope" --out "$T/x" --batch-size 10001
expect_rc 2 "$BIN" export --store "$T/s.streamscope" --out "$T/x" --table NoSuchTable

# Replay: success, partial failure with retries, and the recorded runs.
H="$SRC/resources/handlers/fail_on_record.py"
expect_rc 0 "$BIN" replay --store "$T/s.streamscope" --batch-size 100 --handler "$PY" "$H"
SEQ=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["Records"][3]["dynamodb"]["SequenceNumber"])' "$T/ex/batch-000001.json")
expect_rc 1 "$BIN" replay --store "$T/s.streamscope" --batch-size 100 --max-retries 2 --json --handler "$PY" "$H" --fail-seq "$SEQ"
"$PY" - "$T/out" "$SEQ" <<'PYEOF'
import json, sys
run = json.load(open(sys.argv[1]))
seq = sys.argv[2]
b = run["batches"][0]
assert [a["verdict"] for a in b["attempts"]] == ["partial"] * 3, b["attempts"]
assert all(a["checkpoint"] == seq for a in b["attempts"])
st = {r["sequenceNumber"]: r for r in b["records"]}
idx = [r["sequenceNumber"] for r in b["records"]].index(seq)
for i, r in enumerate(b["records"]):
    if i < idx:
        assert r["status"] == "succeeded" and r["deliveries"] == 1, r
    else:
        assert r["status"] == "discarded" and r["deliveries"] == 3, r
assert st[seq]["reportedFailures"] == 3
assert run["counts"]["discarded"] == len(b["records"]) - idx
PYEOF
expect_rc 1 "$BIN" replay --store "$T/s.streamscope" --timeout 1 --max-retries 0 --batch-size 10 --to-seq "$SEQ" --handler "$PY" "$H" --fail-seq "$SEQ" --mode hang
grep -q "timed out" "$T/out" || fail "timeout not reported"
expect_rc 0 "$BIN" replay --store "$T/s.streamscope" --list
[ "$(grep -c '^Replay run' "$T/out")" = 3 ] || fail "expected 3 recorded runs"
expect_rc 1 "$BIN" replay --store "$T/s.streamscope" --show 2
expect_rc 2 "$BIN" replay --store "$T/s.streamscope"
echo "cli export/replay: ok"
