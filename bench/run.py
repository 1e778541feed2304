"""Run planner's benchmarks: ``uv run python bench/run.py [--runs N] [NAME...]``.

Each benchmark lives in a ``bench/bench_*.py`` module that exposes
``BENCHMARKS: dict[str, Callable[[], dict[str, object]]]`` and/or ``PAIRS:
dict[str, Callable[[], timing.Pair]]`` (setup, then a product and a floor
callable that ``run.py`` runs interleaved, P F P F P F). Every benchmark runs
in its own subprocess, so that its peak RSS is its own, and prints one JSON
object per line with at least ``name``, ``seconds`` and ``floor_seconds``
(medians), ``runs``, ``seconds_all``/``floor_all`` (every run), ``ratio`` and
``peak_rss_mb``. A benchmark measures its floor in the same run.

``--runs N`` (default 3, at least 3) is the number of runs of the product and of
its floor. ``BENCHMARKS`` functions that interleave internally read it with
``timing.runs()``; one that does not report ``runs`` of at least 3 is run again
in fresh processes until it has N, and its medians are taken over them.

``divide_50k``'s floor needs the ``bench`` dependency group (k-means-constrained,
which pulls scipy, kept out of the application): ``uv sync --group bench``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import timing  # noqa: E402  (bench/ is not a package)

Bench = Callable[[], dict[str, object]]


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


def discover() -> dict[str, tuple[Path, Bench]]:
    """Map every benchmark name to its module file and function."""
    found: dict[str, tuple[Path, Bench]] = {}
    for path in sorted(BENCH_DIR.glob("bench_*.py")):
        module = _load(path)
        for name, func in getattr(module, "BENCHMARKS", {}).items():
            found[name] = (path, func)
        for name, make in getattr(module, "PAIRS", {}).items():
            found[name] = (path, _paired(make))
    return found


def _paired(make: Callable[[], timing.Pair]) -> Bench:
    return lambda: timing.interleave(make(), timing.runs())


def _child(name: str) -> int:
    _, func = discover()[name]
    result = func()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = {"name": name, **result}
    result.setdefault("peak_rss_mb", round(peak_kb / 1024, 1))
    _add_ratio(result)
    print(json.dumps(result, ensure_ascii=False), flush=True)
    return 0


def _add_ratio(result: dict[str, object]) -> None:
    seconds, floor = result.get("seconds"), result.get("floor_seconds")
    if isinstance(seconds, int | float) and isinstance(floor, int | float) and floor > 0:
        result["ratio"] = round(seconds / floor, 2)


def _run_child(name: str, runs: int) -> tuple[int, dict[str, object] | None]:
    """One benchmark in a fresh process; its JSON line (other output passes through)."""
    env = os.environ | {timing.RUNS_ENV: str(runs)}
    proc = subprocess.run(
        [sys.executable, __file__, "--child", name],
        check=False,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    result = None
    for line in proc.stdout.splitlines():
        if line.startswith("{"):
            result = json.loads(line)
        else:
            print(line, file=sys.stderr)
    return proc.returncode, result


def _enough_runs(result: dict[str, object], runs: int) -> bool:
    count = result.get("runs")
    return isinstance(count, int) and not isinstance(count, bool) and count >= runs


def _across_processes(results: list[dict[str, object]]) -> dict[str, object]:
    """Medians over several processes of a benchmark that measured one run each."""
    seconds = [float(r["seconds"]) for r in results]  # type: ignore[arg-type]
    floors = [float(r["floor_seconds"]) for r in results if r.get("floor_seconds") is not None]  # type: ignore[arg-type]
    middle = sorted(results, key=lambda r: float(r["seconds"]))[len(results) // 2]  # type: ignore[arg-type]
    merged = dict(middle)
    merged |= timing.medians(seconds, floors or [float("nan")])
    if not floors:
        merged["floor_seconds"] = None
    merged["runs_in_processes"] = True
    rss = [r.get("peak_rss_mb") for r in results]
    merged["peak_rss_mb"] = max(v for v in rss if isinstance(v, int | float))
    merged.pop("ratio", None)
    _add_ratio(merged)
    return merged


def _parse(argv: list[str]) -> tuple[int, list[str]]:
    runs, names = timing.MIN_RUNS, []
    args = iter(argv)
    for arg in args:
        if arg == "--runs" or arg.startswith("--runs="):
            value = arg.split("=", 1)[1] if "=" in arg else next(args, "")
            if not value.isdigit() or int(value) < timing.MIN_RUNS:
                raise ValueError(f"--runs attend un entier d'au moins {timing.MIN_RUNS}")
            runs = int(value)
        else:
            names.append(arg)
    return runs, names


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "--child":
        return _child(argv[1])
    try:
        runs, names = _parse(argv)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    available = discover()
    names = names or list(available)
    unknown = [n for n in names if n not in available]
    if unknown:
        print(
            f"Benchmarks inconnus : {', '.join(unknown)}. Disponibles : {', '.join(available)}",
            file=sys.stderr,
        )
        return 2
    status = 0
    for name in names:
        code, result = _run_child(name, runs)
        if result is not None and code == 0 and not _enough_runs(result, runs):
            # Measured once per process: run it again until it has `runs`.
            results = [result]
            while code == 0 and len(results) < runs:
                code, more = _run_child(name, runs)
                if more is not None:
                    results.append(more)
            result = _across_processes(results) if code == 0 else result
        if result is not None:
            print(json.dumps(result, ensure_ascii=False), flush=True)
        status = status or code
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
