"""Turn the JSON written by bench_benchmarks.py --json into the Markdown tables of docs/benchmarks.md.

.venv/bin/python bench/render_results.py bench/results/latest.json [--plans]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def _ms(value: float) -> str:
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def main_table(results: list[dict[str, Any]], shape: str) -> list[str]:
    rows = [item for item in results if item["shape"] == shape]
    lines = [
        "| Stored assessments | Database | Peers (national, region, category, function, size) "
        "| `build_benchmarks` median (p95) [best], ms | Queries | Results page median [best], ms | Load average |",
        "| ---: | --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for item in rows:
        bench, page = item["benchmarks"], item["page"]
        peers = ", ".join(str(group["peers"]) for group in bench["groups"])
        lines.append(
            f"| {item['load']['assessments']:,} | {NAMES[item['db']]} | {peers} | "
            f"{_ms(bench['median_ms'])} ({_ms(bench['p95_ms'])}) [{_ms(bench['min_ms'])}] | "
            f"{bench['queries_per_run']} | {_ms(page['median_ms'])} [{_ms(page['min_ms'])}] | "
            f"{item['loadavg_before']:.1f} |"
        )
    return lines


def baseline_table(results: list[dict[str, Any]], shape: str) -> list[str]:
    lines = [
        "| Stored assessments | Database | Before (per group, old indexes) | One pass, old indexes "
        "| Per group, new indexes | Now (one pass, new indexes) | Group counts before → now |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for item in results:
        found = item.get("baseline")
        if item["shape"] != shape or not found:
            continue
        new, old = found["new_indexes"], found["old_indexes"]
        lines.append(
            f"| {item['load']['assessments']:,} | {NAMES[item['db']]} | "
            f"{_ms(old['build_benchmarks_per_group']['median_ms'])} | {_ms(old['build_benchmarks']['median_ms'])} | "
            f"{_ms(new['build_benchmarks_per_group']['median_ms'])} | {_ms(new['build_benchmarks']['median_ms'])} | "
            f"{_ms(old['group_counts_per_group']['median_ms'])} → "
            f"{_ms(new['group_counts_one_pass']['median_ms'])} |"
        )
    return lines


def plans(results: list[dict[str, Any]]) -> list[str]:
    lines: list[str] = []
    for item in results:
        first = item["benchmarks"]["plans"][:2]
        lines.append(f"### {NAMES[item['db']]}, {item['shape']}, {item['load']['assessments']:,} assessments")
        for plan in first:
            lines += ["", "```", *plan["plan"], "```"]
        lines.append("")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("json", type=Path)
    parser.add_argument("--plans", action="store_true")
    args = parser.parse_args()
    data = json.loads(args.json.read_text(encoding="utf-8"))
    print(json.dumps(data["machine"], indent=2))
    for shape in ("history", "sites"):
        print(f"\n## {shape}\n")
        print("\n".join(main_table(data["results"], shape)))
        print()
        print("\n".join(baseline_table(data["results"], shape)))
    if args.plans:
        print("\n".join(plans(data["results"])))


if __name__ == "__main__":
    main()
