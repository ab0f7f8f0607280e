"""Turns the bench's JSON lines into the Markdown table of docs/PERFORMANCE.md."""
import json
import sys

rows = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
print("| engine | measure | figure |")
print("|---|---|---|")
for r in rows:
    engine, scenario = r.get("engine", ""), r["scenario"]
    if scenario == "dataset":
        figure = f'{r["persons_added"]:,} persons, {r["creances_added"]:,} créances in {r["seconds"]} s'
    elif scenario == "processing run":
        figure = f'{r["applied"]:,} payments in {float(r["seconds"]):.3f} s = {r["per_minute"]:,} /min'
    elif scenario == "accepted → visible":
        figure = f'p50 {r["p50_ms"]} ms, p99 {r["p99_ms"]} ms ({r["samples"]} samples)'
    elif scenario in ("accepted payments waiting for processing", "build"):
        continue
    elif scenario == "ratio":
        figure = (f'{r["measure"]} / baseline: median {r["median"]:.1%} ± {r["spread"]:.1%} over {len(r["rounds"])} '
                  f'rounds ({r["throughput_per_s"]:,.0f} against {r["baseline_per_s"]:,.0f} req/s, '
                  f'{r["workers"]} connections)')
    else:
        figure = (f'{r["mode"]}: {r["throughput_per_s"]:,.0f} req/s, p50 {r["p50_ms"]} ms, p99 {r["p99_ms"]} ms, '
                  f'{r["errors"]} errors, RSS {r["rss_mib"]} MiB')
    print(f"| {engine} | {scenario} | {figure} |")
