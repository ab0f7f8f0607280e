"""Whether this run's ratios to the bare query agree with the previous run's.

    python3 scripts/bench-agree.py PREVIOUS.jsonl CURRENT.jsonl

Two runs on the same machine agree when, for every engine and measure they
both have, their medians differ by at most AGREE (percentage points of the
baseline). Prints each comparison; exits 1 when one differs more.
"""
import json
import sys

AGREE = 0.05


def ratios(path):
    rows = [json.loads(line) for line in open(path) if line.startswith("{")]
    return {(r["engine"], r["measure"]): r for r in rows if r.get("scenario") == "ratio"}


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
