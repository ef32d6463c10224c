"""Site build benchmark: `pledges build` (both languages) on SYNTHETIC data folders.

SYNTHETIC: N made-up providers × 5 pledges × 12 quarters × 3 statistics (benchmarks/synthetic.py),
written to a temporary folder, never real data. Each run builds into a fresh folder, in a
subprocess, timed by wall clock; the peak RSS is the largest sum of the resident memory of the
build process and all its children (the forked page workers and the two `mkdocs build` processes), sampled every
50 ms; the peak PSS is the same sum with shared pages divided among the processes that share them, sampled
every 5 s.

Figures (medians over runs):
- site_build_s_1000        full build at N = 1,000 (target ≤ 60 s)
- site_peak_rss_mb_1000    peak memory of that build (target ≤ 1,500 MB)
- site_scaling_ratio       time at N = 2,000 over time at N = 1,000 (target ≤ 2.1)
- generate_share           our generation stage (jinja2 pages + data files) over the total (target ≤ 0.25)
- site_pre_mkdocs_share    everything before MkDocs (load + score + generate) over the total, for context
- site_vs_material_floor_ratio_1000  our full build over a bare Material build of the same pages per language
                           (benchmarks/floor.py: trivial pages, same nav and search exclusions, both languages in
                           parallel), measured right after each of our builds; median of the ratios (target ≤ 1.5)
- site_rebuild_rewrites    generated files rewritten by a second build with no data change (must be 0)
- site_rebuild_mtime_changes  generated files whose modification time changed in that second build (must be 0)

Runs: BENCH_SITE_RUNS (default 3) at N = 1,000 and BENCH_SITE_RUNS_2000 (default 2) at N = 2,000.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from . import synthetic
from .floor import floor_once

TODAY = date(2026, 11, 23)
STAGES = re.compile(r"load ([\d.]+) s, score ([\d.]+) s, generate ([\d.]+) s")
REWRITES = re.compile(r"site_rebuild_rewrites: (\d+)")


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as handle:
                found += [int(c) for c in handle.read().split()]
    except OSError:
        pass
    return found


def _tree_memory_kb(pid: int, with_pss: bool) -> tuple[int, int]:
    """(RSS, PSS) summed over the process and its children, in kB (PSS 0 unless ``with_pss``). The RSS sum counts
    the pages that forked workers share with their parent once per process; PSS divides each shared page among its
    sharers, so its sum is what the build really holds. Reading PSS walks each process's page tables, so it is
    sampled less often than RSS (a sampler that reads it every 50 ms takes most of a core from the build)."""
    rss, pss, stack = 0, 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/status", encoding="ascii") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        rss += int(line.split()[1])
                        break
            if with_pss:
                with open(f"/proc/{current}/smaps_rollup", encoding="ascii") as handle:
                    pss += next((int(line.split()[1]) for line in handle if line.startswith("Pss:")), 0)
        except OSError:
            continue
        stack += _children(current)
    return rss, pss


PSS_EVERY = 100  # samples: PSS every 5 s (a 3 GB process takes 0.1–0.3 s to read), RSS every 50 ms


def build_once(data: Path, workdir: Path) -> dict[str, float]:
    """One `pledges build` in workdir (generated Markdown in workdir/build, site in workdir/site)."""
    workdir.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "pledges", "build", "--data", str(data), "--out", str(workdir / "site"),
           "--today", TODAY.isoformat()]
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    peak = peak_pss = samples = 0
    while proc.poll() is None:
        rss, pss = _tree_memory_kb(proc.pid, with_pss=samples % PSS_EVERY == 0)
        peak, peak_pss, samples = max(peak, rss), max(peak_pss, pss), samples + 1
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    output = proc.stdout.read() if proc.stdout else ""
    if proc.returncode != 0:
        raise RuntimeError(f"pledges build failed ({proc.returncode}):\n{output[-3000:]}")
    stages = STAGES.search(output)
    rewrites = REWRITES.search(output)
    load, score, generate = (float(x) for x in stages.groups()) if stages else (0.0, 0.0, 0.0)
    return {"seconds": elapsed, "rss_mb": peak / 1024, "pss_mb": peak_pss / 1024, "load": load, "score": score, "generate": generate,
            "rewrites": float(rewrites.group(1)) if rewrites else -1.0}


def _mtimes(root: Path) -> dict[str, int]:
    return {str(p): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


def run() -> dict[str, float]:
    runs_1000 = int(os.environ.get("BENCH_SITE_RUNS", "3"))
    runs_2000 = int(os.environ.get("BENCH_SITE_RUNS_2000", "2"))
    with tempfile.TemporaryDirectory(prefix="bench-site-") as tmp:
        root = Path(tmp)
        data_1000, data_2000 = root / "data-1000", root / "data-2000"
        synthetic.dataset(data_1000, providers=1000, pledges_each=5, quarters=12, metrics=3)
        synthetic.dataset(data_2000, providers=2000, pledges_each=5, quarters=12, metrics=3)
        os.sync()  # the data writer's disk flush is not part of any timed build
        # interleave the sizes so that drift of the machine's speed affects both alike
        results_1000, results_2000 = [], []
        for i in range(max(runs_1000, runs_2000)):
            if i < runs_1000:
                result = build_once(data_1000, root / f"run-1000-{i}")
                os.sync()
                # the engine's floor for the same page list, right after ours (same run, same machine state)
                result["floor"], result["pages"] = floor_once(root / f"run-1000-{i}" / "build", root / f"floor-{i}")
                results_1000.append(result)
                os.sync()
            if i < runs_2000:
                results_2000.append(build_once(data_2000, root / f"run-2000-{i}"))
                os.sync()
        # second build with no data change, in a finished run's folder: nothing generated may be rewritten
        last = root / f"run-1000-{runs_1000 - 1}"
        before = _mtimes(last / "build")
        rebuild = build_once(data_1000, last)
        after = _mtimes(last / "build")
        mtime_changes = sum(1 for path, mtime in after.items() if before.get(path) != mtime)

    def median(results: list[dict], key: str) -> float:
        return statistics.median(r[key] for r in results)

    t1000, t2000 = median(results_1000, "seconds"), median(results_2000, "seconds")
    shares = [r["generate"] / r["seconds"] for r in results_1000]
    pre = [(r["load"] + r["score"] + r["generate"]) / r["seconds"] for r in results_1000]
    return {
        "site_build_s_1000": round(t1000, 2),
        "site_peak_rss_mb_1000": round(median(results_1000, "rss_mb"), 1),
        "site_peak_pss_mb_1000": round(median(results_1000, "pss_mb"), 1),
        "site_build_s_2000": round(t2000, 2),
        "site_peak_rss_mb_2000": round(median(results_2000, "rss_mb"), 1),
        "site_scaling_ratio": round(t2000 / t1000, 3),
        "generate_share": round(statistics.median(shares), 3),
        "site_pre_mkdocs_share": round(statistics.median(pre), 3),
        "site_stage_load_s_1000": round(median(results_1000, "load"), 2),
        "site_stage_score_s_1000": round(median(results_1000, "score"), 2),
        "site_stage_generate_s_1000": round(median(results_1000, "generate"), 2),
        "site_vs_material_floor_ratio_1000": round(statistics.median(r["seconds"] / r["floor"] for r in results_1000), 3),
        "material_floor_s_1000": round(median(results_1000, "floor"), 2),
        "site_pages_per_language_1000": int(results_1000[0]["pages"]),
        "site_rebuild_rewrites": int(rebuild["rewrites"]),
        "site_rebuild_mtime_changes": mtime_changes,
        "site_runs_1000": runs_1000,
        "site_runs_2000": runs_2000,
    }


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name}: {value:.3f}" if isinstance(value, float) else f"{name}: {value}", flush=True)
