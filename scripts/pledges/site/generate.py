"""Generate the site's Markdown pages and static data files from the data and the scores: the orchestrator.

Runs before MkDocs, with its own jinja2 templates (templates/*.j2, autoescaped): no MkDocs hooks,
no plugins, no Python called from a theme template. Output per language goes to
``<gen>/docs/<lang>/`` (MkDocs' docs_dir); language-neutral files (CSV, JSON, feeds,
datapackage.json) go to ``<gen>/static/`` and are copied to the site root after a successful build.
Every file is written only when its bytes change.

Where each output is made:
- ``markup``: values to text, links, grades, diffs, escaping, the jinja2 environment
- ``model``: the language-neutral site model (``SiteModel``)
- ``tables``: one declaration per downloadable table → CSV, JSON and datapackage.json
- ``feeds``: typed entries per record kind → Atom feeds and the changelog
- ``pages``: the Markdown pages of one language
"""

from __future__ import annotations

import gc
import re
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .feeds import TAG_AUTHORITY, FeedWriter
from .i18n import LANGUAGES
from .markup import (  # noqa: F401  (re-exported: the public names of this module before the split)
    VERDICTS,
    day,
    fmt_num,
    front_matter,
    html_grade,
    html_link,
    make_env,
    md_escape,
    period_key,
    safe_href,
    trend_text,
    val,
    verdict_class,
    word_diff,
)
from .model import SiteModel
from .pages import CONTENT, HUBS, LOWER_IS_BETTER, PageWriter, root_index  # noqa: F401
from .tables import TOP_TABLES, Table, csv_cell, csv_text, json_text, write_tables  # noqa: F401
from .writer import Tree

__all__ = ["SiteModel", "Generator", "generate", "data_version", "TAG_AUTHORITY"]


def data_version(data_root: Path) -> str:
    try:
        out = subprocess.run(["git", "-C", str(data_root), "rev-parse", "HEAD"], capture_output=True, text=True,
                             timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    text = out.stdout.strip()
    return text if out.returncode == 0 and re.fullmatch(r"[0-9a-f]{40}", text) else "unknown"



class Generator:
    """One worker's writers: the static tree (tables, feeds) and the pages of the languages it renders."""

    def __init__(self, model: SiteModel, gen_root: Path, search_bulk: bool = False):
        self.m = model
        self.gen_root = Path(gen_root)
        self.env = make_env()  # feeds, the root index: the text they print is translated before
        self.page_envs = {lang: make_env(lang) for lang in LANGUAGES}  # pages: compiled per language
        self.static = Tree(self.gen_root / "static")
        self.search_bulk = search_bulk

    def write_static(self) -> None:
        write_tables(self.static, self.m)

    def write_feeds(self, lang: str) -> None:
        FeedWriter(self.m, self.env, self.static).write(lang)

    def render_language(self, lang: str) -> Tree:
        # the static tree too: each chart's standalone SVG file is written beside its page (embeds.py)
        return PageWriter(self.m, self.page_envs[lang], self.gen_root, self.search_bulk, self.static).render_language(lang)

    def root_index(self) -> None:
        root_index(self.env, self.static)


def _run_jobs(model: SiteModel, gen_root: Path, search_bulk: bool, jobs: list[str],
              pages_done: Callable[[str], None]) -> dict:
    """Run one worker's jobs in order; ``pages_done(lang)`` as soon as a language's pages are all written."""
    gen = Generator(model, gen_root, search_bulk=search_bulk)
    result: dict[str, Any] = {"docs": {}, "times": {}}
    for job in jobs:
        started = time.perf_counter()
        if job == "static":
            gen.write_static()
        elif job == "feeds":
            for lang in LANGUAGES:
                gen.write_feeds(lang)
            gen.root_index()
        else:
            docs = gen.render_language(job)
            docs.prune()
            result["docs"][job] = (len(docs.written), docs.changed)
            pages_done(job)
        result["times"][job] = round(time.perf_counter() - started, 2)
    result["static_written"] = list(gen.static.written)
    result["static_changed"] = gen.static.changed
    return result


def _child(conn, model, gen_root, search_bulk, jobs) -> None:
    from .stages import end_with_parent

    end_with_parent()
    try:
        result = _run_jobs(model, gen_root, search_bulk, jobs, lambda lang: conn.send(("pages", lang)))
        conn.send(("ok", result))
    except BaseException as exc:  # noqa: BLE001 - whatever ends the worker is reported by the parent
        import traceback
        conn.send(("error", f"{exc!r}\n{traceback.format_exc()}"))
    finally:
        conn.close()


# Up to this many providers, provider and pledge pages, and every page of the long lists, are in the search index.
# Above it the index keeps the hubs and the first page of each list: the bulk pages are found by the provider finder,
# and a list's later pages (rows of names and numbers, 185 KB each) would make the index the browser downloads
# megabytes larger and cost the build about 0.3 s per page and language, for matches page 1 already gives.
SEARCH_BULK_LIMIT = 300
# Each plan writes one language's pages first, so that its MkDocs build can start (``pages_done``) while the
# language-neutral files, which MkDocs does not read, are still being written.
PLANS = [[LANGUAGES[0], "static"], [*LANGUAGES[1:], "feeds"]]


def _run_forked(model: SiteModel, gen_root: Path, search_bulk: bool, notify: Callable[[str], None]) -> list[dict]:
    """The first plan here, the other in one forked worker: two processes, not three, hold the model (a worker
    copies the pages of the model it touches). A thread passes the worker's "pages done" on as it comes."""
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    # Everything that exists now (dataset, scores, model) lives until the worker ends: frozen, the cyclic collector
    # no longer walks it in the worker, and so no longer touches (and copies) each shared page of this process.
    gc.freeze()
    parent_end, child_end = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child_end, model, gen_root, search_bulk, PLANS[1]))
    proc.start()
    child_end.close()
    lock = threading.Lock()

    def locked(lang: str) -> None:  # called from this thread and the relay
        with lock:
            notify(lang)

    ended: list[tuple[str, Any]] = []

    def relay() -> None:
        while True:
            try:
                status, payload = parent_end.recv()
            except EOFError:  # the worker died without a word (killed, out of memory)
                proc.join()
                ended.append(("error", f"a page worker ended with exit code {proc.exitcode}"))
                return
            if status != "pages":
                ended.append((status, payload))
                return
            locked(payload)

    relay_thread = threading.Thread(target=relay, name="page-worker-relay", daemon=True)
    relay_thread.start()
    try:
        own = _run_jobs(model, gen_root, search_bulk, PLANS[0], locked)
    except BaseException:
        proc.terminate()
        raise
    finally:
        relay_thread.join()
        proc.join()
        parent_end.close()
    status, payload = ended[0]
    if status != "ok":
        raise RuntimeError(f"page generation failed: {payload}")
    return [own, payload]


# Above this many providers the pages are written by one process: a forked worker reads, and so copies, most of
# the model's memory pages (reading a Python object writes its reference count), and at 10,000 providers that
# second copy is gigabytes. Below it, the worker halves the generation's time. The two MkDocs builds still run
# beside the one process, each starting when its language's pages are written.
ONE_PROCESS_FROM = 4000


def generate(model: SiteModel, gen_root: Path, search_bulk: bool | None = None, workers: int | None = None,
             pages_done: Callable[[str], None] | None = None) -> dict:
    """Write every generated file: one plan (a language and part of the rest) here, the other in a forked worker.

    ``pages_done(lang)`` is called in this process as soon as the pages of ``lang`` are written and the language's
    folder pruned (the build starts that language's MkDocs then). Returns counts of files written and changed.
    Raises RuntimeError if a worker fails.
    """
    import multiprocessing as mp

    if search_bulk is None:
        # Indexing thousands of bulk pages would dominate the build; hubs stay searchable always.
        search_bulk = len(model.providers) <= SEARCH_BULK_LIMIT
    notify = pages_done or (lambda lang: None)
    if workers is None:
        workers = 1 if len(model.providers) >= ONE_PROCESS_FROM else 2

    if workers > 1 and "fork" in mp.get_all_start_methods():
        results = _run_forked(model, Path(gen_root), search_bulk, notify)
    else:  # every language's pages first, so that each MkDocs build starts as early as it can
        jobs = [*LANGUAGES, *(job for plan in PLANS for job in plan if job not in LANGUAGES)]
        results = [_run_jobs(model, gen_root, search_bulk, jobs, notify)]
    static = Tree(Path(gen_root) / "static")
    for result in results:
        static.written.update(result["static_written"])
    static.prune()
    counts: dict[str, Any] = {}
    for result in results:
        for lang, (files, changed) in result["docs"].items():
            counts[f"docs_{lang}_files"] = files
            counts[f"docs_{lang}_changed"] = changed
    counts["times"] = {job: sec for result in results for job, sec in result["times"].items()}
    counts["static_files"] = len(static.written)
    counts["static_changed"] = sum(r["static_changed"] for r in results)
    return counts
