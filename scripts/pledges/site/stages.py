"""The build's data stages — load, score, generate — in a process of their own, forked by `pledges build`.

Why a process: the loaded dataset, the scores and the site model are the build's largest objects (gigabytes at
10,000 providers), and they are needed only until the last page is written. Made in a forked child, they go when the
child ends; the parent, which runs the two MkDocs builds and publishes the site, never holds them. Each language's
MkDocs starts while the child is still writing the downloads and feeds.

The child tells the parent what happened through a pipe, in order: ``("scored", None)`` once the data is loaded
without problems and scored (the parent may claim the output folder only then: bad data writes nothing),
``("pages", lang)`` as soon as one language's pages are written, and last ``("exit", code)``. Everything it has to
say to the user it prints itself, with the same lines and exit codes as before.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

Events = Callable[[str, Any], None]


@dataclass(frozen=True)
class Stages:
    data: Path
    today: date
    gen_root: Path
    site_url: str | None


@dataclass
class Prepared:
    """What the pages are made from, worked out while the records were being checked: the site model, or why
    scoring failed (on data with problems it may; those problems are then what the build reports)."""

    model: Any = None
    scoring_failure: Exception | None = None
    seconds: float = 0.0


def make_pages(stages: Stages, events: Events) -> int:
    """Load, score and generate; returns the exit code (0, or 1 for bad data or a scoring failure)."""
    from pledges.dataset import load_dataset_beside
    from pledges.heap import collector_off

    from .build import claim, drop_links, gen_entries
    from .generate import SiteModel, data_version, generate
    from .i18n import LANGUAGES
    from .scores import compute_scores

    started = time.perf_counter()
    data, today = stages.data, stages.today

    def prepare(dataset: Any) -> Prepared:
        begun = time.perf_counter()
        # The dataset (frozen by load_dataset_beside), the scores and the model live as long as this process:
        # frozen, the collector never walks them (generate freezes again before its worker forks).
        with collector_off(keep=True):
            try:
                scores = compute_scores(dataset, today)
            except Exception as exc:  # noqa: BLE001 - the scoring module is separate; report, do not trace back
                return Prepared(scoring_failure=exc)
            model = SiteModel(dataset, scores, today, data_version(data), stages.site_url)
        return Prepared(model=model, seconds=time.perf_counter() - begun)

    # scoring and the site model are made here while a forked child checks the records
    dataset, prepared = load_dataset_beside(data, today, prepare)
    if dataset.problems:
        for found in dataset.problems:
            print(found, file=sys.stderr)
        print(f"{len(dataset.problems)} problem(s) in {data} — fix them (see `pledges check`) and build again; "
              "nothing was written", file=sys.stderr)
        return 1
    if prepared.scoring_failure is not None:
        print(f"{data}:1:1: scoring failed: {prepared.scoring_failure} — run `pledges score --data {data}` to see "
              "why", file=sys.stderr)
        return 1
    dataset.drop_documents()  # good data: from here on only its typed records are read
    scored = time.perf_counter()
    events("scored", None)

    claim(stages.gen_root)
    drop_links(stages.gen_root, gen_entries(LANGUAGES))
    counts = generate(prepared.model, stages.gen_root, pages_done=lambda lang: events("pages", lang))
    generated = time.perf_counter()
    times = counts.pop("times", {})
    changed = sum(v for k, v in counts.items() if k.endswith("_changed"))
    # load and score overlap: "score" is the scoring and site model, made while the records were checked
    print(f"generated: {sum(v for k, v in counts.items() if k.endswith('_files'))} files in {stages.gen_root}, "
          f"{changed} changed (load {scored - started:.1f} s, score {prepared.seconds:.1f} s, "
          f"generate {generated - scored:.1f} s: {', '.join(f'{k} {v}' for k, v in times.items())})")
    print(f"site_rebuild_rewrites: {changed}")
    return 0


def end_with_parent() -> None:
    """Linux: this process gets SIGTERM when the process that forked it dies (even by SIGKILL), so no orphan
    goes on writing the generated tree beside the next build. Elsewhere: nothing."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGTERM), 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _child(conn: Any, stages: Stages) -> None:
    end_with_parent()
    code = 1
    try:
        code = make_pages(stages, lambda kind, value: conn.send((kind, value)))
    except KeyboardInterrupt:  # Ctrl-C reaches the whole group: the parent says "interrupted"
        code = 130
    except BaseException:  # noqa: BLE001 - a bug: its traceback for the report, exit code 1 for the build
        import traceback

        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        conn.send(("exit", code))
        conn.close()


def run_stages(stages: Stages, events: Events) -> int:
    """``make_pages`` in a forked child (in this process where fork is not available); its exit code."""
    import multiprocessing as mp

    if "fork" not in mp.get_all_start_methods():
        return make_pages(stages, events)
    ctx = mp.get_context("fork")
    parent_end, child_end = ctx.Pipe(duplex=False)
    sys.stdout.flush()
    sys.stderr.flush()
    proc = ctx.Process(target=_child, args=(child_end, stages))
    proc.start()
    child_end.close()
    code = None
    try:
        while code is None:
            try:
                kind, value = parent_end.recv()
            except EOFError:  # the child died without a word (killed, out of memory)
                break
            if kind == "exit":
                code = value
            else:
                events(kind, value)
    except BaseException:  # this side failed (or Ctrl-C): the child's work is not wanted any more
        proc.terminate()
        raise
    finally:
        proc.join()
        parent_end.close()
    if code is None:
        print(f"pledges build: the page generation ended with exit code {proc.exitcode} before finishing — "
              "nothing was published; run the build again, and report it if it happens again", file=sys.stderr)
        return 1
    return int(code)
