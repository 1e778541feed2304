"""tools/bench_table.py: JSON lines of bench/run.py to the README's table."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

TOOL = Path(__file__).resolve().parents[2] / "tools" / "bench_table.py"


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_table_tool", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


LINES = [
    {"name": "map_50k", "seconds": 0.31, "floor_seconds": 0.25, "ratio": 1.24, "runs": 3,
     "peak_rss_mb": 418.1},
    {"name": "table_sort_200k", "seconds": 0.14, "floor_seconds": 0.02, "ratio": 7.0, "runs": 7},
    {"name": "unknown_bench", "seconds": 2.5, "floor_seconds": None, "runs": 3},
]  # fmt: skip

README = """# planner

## Benchmarks

Some prose kept as it is.

<!-- bench-table:start -->
| old | table |
<!-- bench-table:end -->

## Layout
"""


def _jsonl(tmp_path: Path) -> Path:
    path = tmp_path / "last.jsonl"
    text = "Sandboxing disabled by user.\n" + "\n".join(json.dumps(x) for x in LINES) + "\n"
    path.write_text(text, encoding="utf-8")
    return path


def test_parse_skips_noise_and_keeps_the_last_line_of_a_name() -> None:
    tool = _tool()
    again = {**LINES[0], "seconds": 0.4}
    text = ["QRhiGles2: Failed", "{not json", *map(json.dumps, LINES), json.dumps(again)]
    parsed = tool.parse(text)
    assert [x["name"] for x in parsed] == ["map_50k", "table_sort_200k", "unknown_bench"]
    assert parsed[0]["seconds"] == 0.4


def test_goals_say_met_or_not() -> None:
    tool = _tool()
    block = tool.table(tool.parse(map(json.dumps, LINES)), "06/12/2026", "test machine")
    rows = {row.split(" | ")[0]: row for row in block.splitlines() if row.startswith("| `")}
    assert "≤ 1.5× floor (#17) | yes |" in rows["| `map_50k`"]
    assert "310 ms" in rows["| `map_50k`"]
    assert "< 100 ms (#17) | **no** |" in rows["| `table_sort_200k`"]
    assert rows["| `unknown_bench`"].endswith("|  |  |")  # no goal, no verdict
    assert "06/12/2026, test machine" in block


def test_several_goals_and_nested_figures_each_get_a_verdict() -> None:
    tool = _tool()
    lines = [
        {"name": "divide_500k", "seconds": 12.0, "floor_seconds": 3.0, "ratio": 4.0, "runs": 3,
         "planner_with_rules": {"max_deviation_pct": 1.7}},
        {"name": "shared_campaign_load", "seconds": 1.0, "floor_seconds": 1.0, "runs": 3,
         "write_p95_ms": 80.0, "lost_updates": 0},
        {"name": "region_open_500k", "seconds": 2.0, "floor_seconds": 1.0, "runs": 3},
    ]  # fmt: skip
    block = tool.table(lines, "06/12/2026", "test machine")
    rows = {row.split(" | ")[0]: row for row in block.splitlines() if row.startswith("| `")}
    assert "≤ 15.00 s (#17); max deviation ≤ 1 % (#17) | yes; **no** |" in rows["| `divide_500k`"]
    assert (
        "p95 < 100 ms (#13); lost updates ≤ 0 (#13) | yes; yes |"
        in rows["| `shared_campaign_load`"]
    )
    # an absent figure gets no verdict, never a "yes"
    assert rows["| `region_open_500k`"].endswith("| yes;  |")


def test_rewrite_replaces_only_between_markers_and_is_idempotent(tmp_path: Path) -> None:
    tool = _tool()
    readme = tmp_path / "README.md"
    readme.write_text(README, encoding="utf-8")
    args = [str(_jsonl(tmp_path)), "--readme", str(readme), "--date", "06/12/2026",
            "--machine", "test machine"]  # fmt: skip
    assert tool.main(args) == 0
    once = readme.read_text(encoding="utf-8")
    assert "| old | table |" not in once
    assert "`table_sort_200k`" in once
    assert once.startswith(README.split("<!-- bench-table:start -->", maxsplit=1)[0])
    assert once.endswith("<!-- bench-table:end -->\n\n## Layout\n")
    assert tool.main(args) == 0
    assert readme.read_text(encoding="utf-8") == once


def test_missing_markers_are_refused() -> None:
    tool = _tool()
    with pytest.raises(ValueError, match="marqueurs"):
        tool.rewrite("# no markers\n", "| table |")
