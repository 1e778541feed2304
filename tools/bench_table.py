"""Write the README's benchmark table from the JSON lines of ``bench/run.py``.

    uv run python bench/run.py > bench/out/last.jsonl
    uv run python tools/bench_table.py bench/out/last.jsonl

The table goes between ``<!-- bench-table:start -->`` and
``<!-- bench-table:end -->`` in ``README.md`` (``--readme`` for another file),
replacing what was there; everything else is left as it was. Running it twice
on the same lines gives the same file. Goals live here, in ``GOALS``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

START = "<!-- bench-table:start -->"
END = "<!-- bench-table:end -->"
ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Goal:
    """A bound on one figure of a benchmark's JSON line: ``ratio``, ``seconds``… or a
    nested one, dotted (``planner_with_rules.max_deviation_pct``)."""

    field: str
    limit: float
    strict: bool = False  # "<" rather than "≤"
    issue: int = 17

    def text(self) -> str:
        sign = "<" if self.strict else "≤"
        leaf = self.field.rsplit(".", 1)[-1]
        if self.field == "ratio":
            return f"{sign} {self.limit:g}× floor"
        if self.field == "ratio_with_write":
            return f"{sign} {self.limit:g}× floor + its write"
        if self.field == "seconds":
            return f"{sign} {_duration(self.limit)}"
        if leaf == "app_peak_rss_mb":
            return f"app peak {sign} {self.limit / 1024:g} GB"
        if leaf.endswith("peak_rss_mb"):
            return f"peak {sign} {self.limit / 1024:g} GB"
        if leaf == "write_p95_ms":
            return f"p95 {sign} {self.limit:g} ms"
        if leaf == "max_deviation_pct":
            return f"max deviation {sign} {self.limit:g} %"
        if leaf == "lost_updates":
            return f"lost updates {sign} {self.limit:g}"
        return f"{leaf} {sign} {self.limit:g}"

    def value(self, line: dict[str, object]) -> object:
        """The figure in ``line`` (None when absent)."""
        value: object = line
        for part in self.field.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return value

    def met(self, line: dict[str, object]) -> bool | None:
        value = self.value(line)
        if not isinstance(value, int | float) or isinstance(value, bool):
            return None
        return value < self.limit if self.strict else value <= self.limit


#: The goals, by benchmark name (one place): issue 17's, and issue 13's for the
#: shared campaign under load.
GOALS: dict[str, tuple[Goal, ...]] = {
    # Against the bare scan (the issue's floor) and against the same output (the
    # scan's rows committed to SQLite: "file to committed rows").
    "import_1m": (Goal("ratio", 2.0), Goal("ratio_with_write", 2.0)),
    "import_5m": (Goal("ratio", 2.0), Goal("ratio_with_write", 2.0)),
    "import_10m": (Goal("import_peak_rss_mb", 1536),),
    "import_parquet_5m": (Goal("ratio", 1.5),),
    "map_50k": (Goal("ratio", 1.5),),
    "map_filter_50k": (Goal("seconds", 0.3, strict=True),),
    "table_sort_200k": (Goal("seconds", 0.1, strict=True),),
    "table_filter_200k": (Goal("seconds", 0.1, strict=True),),
    "call_lists_export_100k": (Goal("ratio", 1.2),),
    "region_open_500k": (Goal("seconds", 3.0), Goal("app_peak_rss_mb", 2560, strict=True)),
    "region_open_500k_no_cache": (Goal("seconds", 3.0),),
    "region_map_500k": (Goal("ratio", 1.5),),
    "region_filter_500k": (Goal("seconds", 0.3, strict=True),),
    # "table sort and filter < 100 ms": each step, until the view has repainted.
    "region_table_500k": (Goal("sort_ms", 100, strict=True), Goal("filter_ms", 100, strict=True)),
    "region_call_lists_500k": (Goal("ratio", 1.2),),
    "shared_campaign_load": (
        Goal("write_p95_ms", 100, strict=True, issue=13),
        Goal("lost_updates", 0, issue=13),
    ),
    "divide_500k": (Goal("seconds", 15.0), Goal("planner_with_rules.max_deviation_pct", 1.0)),
}


def _duration(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.1f} ms"
    return f"{seconds:.2f} s"


def parse(lines: Iterable[str]) -> list[dict[str, object]]:
    """The benchmarks' JSON objects, in order; other lines are skipped, and a
    benchmark measured twice keeps its last line."""
    found: dict[str, dict[str, object]] = {}
    for raw in lines:
        text = raw.strip()
        if not text.startswith("{"):
            continue
        try:
            line = json.loads(text)
        except json.JSONDecodeError:
            continue
        if isinstance(line, dict) and isinstance(line.get("name"), str):
            found[line["name"]] = line
    return list(found.values())


def _seconds(value: object) -> str:
    return _duration(float(value)) if isinstance(value, int | float) else ""


def table(lines: list[dict[str, object]], when: str, machine: str) -> str:
    """The Markdown block put between the markers."""
    out = [
        f"Generated by `tools/bench_table.py` from `bench/run.py`'s JSON lines: {when}, {machine}.",
        "Medians of `runs` runs, product and floor interleaved (each benchmark's docstring",
        "states its floor).",
        "",
        "| benchmark | measured (median) | floor (median) | ratio | runs | peak RSS | goal"
        " | met? |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for line in lines:
        name = str(line["name"])
        goals = GOALS.get(name, ())
        verdicts = [goal.met(line) for goal in goals]
        ratio = line.get("ratio")
        rss = line.get("peak_rss_mb")
        cells = [
            f"`{name}`",
            _seconds(line.get("seconds")),
            _seconds(line.get("floor_seconds")),
            f"{ratio:.2f}" if isinstance(ratio, int | float) else "",
            str(line.get("runs", "")),
            f"{rss:,.0f} MB" if isinstance(rss, int | float) else "",
            "; ".join(f"{goal.text()} (#{goal.issue})" for goal in goals),
            "; ".join("" if met is None else ("yes" if met else "**no**") for met in verdicts),
        ]
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def rewrite(readme: str, block: str) -> str:
    """``readme`` with ``block`` between the markers (which must be there, once)."""
    if readme.count(START) != 1 or readme.count(END) != 1:
        raise ValueError(f"README: les marqueurs {START} et {END} doivent figurer une fois")
    head, rest = readme.split(START)
    _, tail = rest.split(END)
    if END in head:
        raise ValueError(f"README: {END} précède {START}")
    return f"{head}{START}\n{block}\n{END}{tail}"


def machine_line() -> str:
    cores = os.cpu_count() or 0
    python = platform.python_version()
    return f"{platform.system()} {platform.machine()}, {cores} cores, Python {python}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("jsonl", type=Path, nargs="?", default=ROOT / "bench/out/last.jsonl")
    parser.add_argument("--readme", type=Path, default=ROOT / "README.md")
    parser.add_argument("--date", help="date of the run (default: the JSON file's, UTC)")
    parser.add_argument("--machine", help="machine line (default: this machine)")
    args = parser.parse_args(argv)
    lines = parse(args.jsonl.read_text(encoding="utf-8").splitlines())
    if not lines:
        print(f"Aucun résultat de benchmark dans {args.jsonl}", file=sys.stderr)
        return 1
    when = args.date or dt.datetime.fromtimestamp(args.jsonl.stat().st_mtime, dt.UTC).strftime(
        "%d/%m/%Y"
    )
    readme = args.readme.read_text(encoding="utf-8")
    new = rewrite(readme, table(lines, when, args.machine or machine_line()))
    if new != readme:
        args.readme.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
