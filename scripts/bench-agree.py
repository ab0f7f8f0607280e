"""Whether this run's ratios to the bare query agree with the previous run's.

    python3 scripts/bench-agree.py PREVIOUS.jsonl CURRENT.jsonl

Two runs of the same commit (a clean tree) on the same machine agree when, for every engine and measure they
both have, their medians differ by at most AGREE (percentage points of the
baseline). Prints each comparison; exits 1 when one differs more.
"""
import json
import sys

AGREE = 0.05


def rows(path):
    return [json.loads(line) for line in open(path) if line.startswith("{")]


def ratios(path):
    return {(r["engine"], r["measure"]): r for r in rows(path) if r.get("scenario") == "ratio"}


def build(path):
    return next((r["commit"] for r in rows(path) if r.get("scenario") == "build"), None)


if build(sys.argv[1]) != build(sys.argv[2]) or build(sys.argv[2]) is None or build(sys.argv[2]).endswith("-dirty"):
    print(f"the previous run measured {build(sys.argv[1])}, this one {build(sys.argv[2])}: "
          "only two runs of the same commit are compared")
    sys.exit(0)
previous, current = ratios(sys.argv[1]), ratios(sys.argv[2])
apart = []
for key in sorted(current.keys() & previous.keys()):
    before, now = previous[key]["median"], current[key]["median"]
    verdict = "agrees" if abs(now - before) <= AGREE else "DIFFERS"
    print(f"{key[0]} {key[1]}: {before:.1%} then {now:.1%} ({now - before:+.1%}) {verdict}")
    if verdict != "agrees":
        apart.append(key)
if apart:
    print(f"{len(apart)} ratio(s) moved more than {AGREE:.0%} points from the previous run: "
          "something else was using the machine; run again on a quiet one.")
    sys.exit(1)
print(f"every ratio within {AGREE:.0%} points of the previous run")
