"""Run planner's benchmarks: ``uv run python bench/run.py [NAME...]``.

Each benchmark lives in a ``bench/bench_*.py`` module that exposes
``BENCHMARKS: dict[str, Callable[[], dict[str, object]]]``. Every benchmark runs
in its own subprocess, so that its peak RSS is its own, and prints one JSON
object per line with at least ``name``, ``seconds``, ``floor_seconds``, ``ratio``
and ``peak_rss_mb``. A benchmark measures its floor in the same run.

``divide_50k``'s floor needs the ``bench`` dependency group (k-means-constrained,
which pulls scipy, kept out of the application): ``uv sync --group bench``.
"""

from __future__ import annotations

import importlib.util
import json
import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

BENCH_DIR = Path(__file__).resolve().parent


def _load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(BENCH_DIR))
    # Registered under its name: dataclasses need it, and worker processes
    # (spawned) import their target from it.
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    return module


def discover() -> dict[str, tuple[Path, Callable[[], dict[str, object]]]]:
    """Map every benchmark name to its module file and function."""
    found: dict[str, tuple[Path, Callable[[], dict[str, object]]]] = {}
    for path in sorted(BENCH_DIR.glob("bench_*.py")):
        for name, func in _load(path).BENCHMARKS.items():
            found[name] = (path, func)
    return found


def _child(name: str) -> int:
    _, func = discover()[name]
    result = func()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = {"name": name, **result}
    result.setdefault("peak_rss_mb", round(peak_kb / 1024, 1))
    if result.get("floor_seconds") and "ratio" not in result:
        result["ratio"] = round(float(result["seconds"]) / float(result["floor_seconds"]), 2)
    print(json.dumps(result, ensure_ascii=False), flush=True)
    return 0


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "--child":
        return _child(argv[1])
    available = discover()
    names = argv or list(available)
    unknown = [n for n in names if n not in available]
    if unknown:
        print(
            f"Benchmarks inconnus : {', '.join(unknown)}. Disponibles : {', '.join(available)}",
            file=sys.stderr,
        )
        return 2
    status = 0
    for name in names:
        proc = subprocess.run([sys.executable, __file__, "--child", name], check=False)
        status = status or proc.returncode
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
