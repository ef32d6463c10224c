"""`pledges build`: load and check the data, score it, generate the pages, build both languages.

Stages: load (``pledges.dataset``) → score (``pledges.scoring``) → generate (our jinja2 templates into
``<gen>/docs/<lang>/`` and ``<gen>/static/``) → ``mkdocs build`` once per language, in parallel
processes, into a temporary folder → on success only, the new ``<out>/<lang>/`` replaces the old one and
the static files (data/, feeds/, index.html) are synced into ``<out>/``. A failed build leaves the
previous site untouched.

Publishing replaces and prunes folders, so before anything is loaded the output folder and the generated
folder are checked (``output_problem``): never a source folder of the repository, the --data folder, or
anything containing or inside one of them; never a non-empty folder that an earlier build did not mark as
its own (``MARKER``). Inside a marked folder only the entries the build creates are replaced.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO, Any

import yaml

from .i18n import LANGUAGES, REPO_ROOT

CONFIG_DIR = REPO_ROOT  # mkdocs.yml (shared), mkdocs.en.yml and mkdocs.nl.yml live at the top level
SITE_URL_ENV = "PLEDGES_SITE_URL"
# Written by the build into every folder it writes into (output and generated tree): a non-empty folder
# without it is somebody's files, and a build would delete them (publish replaces and prunes).
MARKER = ".pledges-site"
MARKER_TEXT = ("Made by `pledges build`. Each build replaces en/, nl/, data/, feeds/, charts/ and index.html here "
               "(and docs/, static/ in a generated tree); other files are left alone.\n")
# The repository's source folders: a build that writes into, inside or around one of them deletes sources.
SOURCE_FOLDERS = ("data", "content", "templates", "scripts", "overrides", "schema", "docs", "tests", "benchmarks",
                  "tools", ".github", ".git")


def output_problem(folder: Path, data: Path, option: str = "--out") -> str | None:
    """Why the build must not write into ``folder`` (one line), or None when it may.

    Paths are compared after resolving symlinks and ``..``, so a link to data/ or ``./scripts/..`` is seen
    for what it is.
    """
    real, root = folder.resolve(), REPO_ROOT.resolve()
    protected = [((root / name).resolve(), f"the repository's {name}/ folder") for name in SOURCE_FOLDERS]
    protected.append((data.resolve(), "the --data folder"))
    protected.append((root, "the repository root"))  # only itself and its parents: site/ inside it is fine
    where = next((f"is {what}" for source, what in protected if real == source), None)
    for source, what in protected:
        if where:
            break
        if real.is_relative_to(source) and source != root:
            where = f"lies inside {what} ({source})"
        elif source.is_relative_to(real):
            where = f"contains {what} ({source})"
    if where:
        return (f"pledges build: {option} {folder} ({real}) {where} — building there would replace or delete "
                "source files; choose a folder outside the sources, e.g. --out site")
    try:
        if real.exists() and not real.is_dir():
            return f"pledges build: {option} {folder} is not a folder — choose a new or empty folder"
        if real.is_dir() and not (real / MARKER).is_file() and any(real.iterdir()):
            return (f"pledges build: {option} {folder} ({real}) is not empty and was not made by pledges build "
                    f"(no {MARKER} file) — choose a new or empty folder, or delete this one yourself if it is an "
                    "old build output (make clean)")
    except OSError as exc:
        return f"pledges build: {option} {folder} cannot be read ({exc.strerror}) — choose another folder"
    return None


def claim(folder: Path) -> None:
    """Create ``folder`` if needed and mark it as a build output (checked by ``output_problem`` first)."""
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / MARKER
    if not marker.is_file():
        marker.write_text(MARKER_TEXT, encoding="utf-8")


# The language-neutral folders of the site, made in the generated tree's static/ and published beside the languages.
STATIC_FOLDERS = ("data", "feeds", "charts")


def out_entries(languages: tuple[str, ...]) -> list[str]:
    """The entries of the output folder that a build replaces; nothing else there is touched."""
    return [*languages, *(f".{lang}.{tmp}" for lang in languages for tmp in ("new", "old")), *STATIC_FOLDERS,
            *(f".{name}.new" for name in STATIC_FOLDERS), "index.html"]


def gen_entries(languages: tuple[str, ...]) -> list[str]:
    return ["docs", "static", *(f"mkdocs.{lang}.yml" for lang in languages)]


def occupied(path: Path) -> bool:
    """Whether anything is at ``path``: a file, a folder or a symlink (even one that leads nowhere)."""
    return path.exists() or path.is_symlink()


def remove(path: Path) -> None:
    """Remove a file, a folder or a symlink (never what a symlink points to)."""
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)


def drop_links(folder: Path, names: list[str]) -> None:
    """Unlink symlinks among and under the entries the build rewrites and prunes: writing or pruning
    through one (say data -> ../data) would reach files outside the build's own folder."""
    stack = [folder / name for name in names]
    while stack:
        path = stack.pop()
        if path.is_symlink():
            path.unlink()
        elif path.is_dir():
            with os.scandir(path) as entries:
                for entry in entries:
                    if entry.is_symlink():
                        os.unlink(entry.path)
                    elif entry.is_dir(follow_symlinks=False):
                        stack.append(Path(entry.path))


def gen_root_for(out: Path) -> Path:
    """Where generated Markdown goes: build/ for the default site/ (git-ignored), else beside --out."""
    out = out.resolve()
    if out == (Path.cwd() / "site").resolve():
        return Path.cwd() / "build"
    return out.with_name(out.name + ".build")


def language_config(gen_root: Path, out: Path, lang: str, site_url: str | None, strict: bool) -> Path:
    """A tiny config that INHERITs the committed one and sets this build's absolute paths."""
    config = {
        "INHERIT": str(CONFIG_DIR / f"mkdocs.{lang}.yml"),
        "docs_dir": str((gen_root / "docs" / lang).resolve()),
        "site_dir": str((out / f".{lang}.new").resolve()),
        "theme": {"custom_dir": str((REPO_ROOT / "overrides").resolve())},
        # mkdocs.yml's relative path would be read relative to this generated file
        "hooks": [str((Path(__file__).parent / "theme_cache.py").resolve())],
    }
    if site_url:
        config["site_url"] = site_url.rstrip("/") + f"/{lang}/"
    # Theme partials (overrides/) cannot call our translator: their sentences travel in the config.
    config["extra"] = {"pt": theme_strings(lang)}
    path = gen_root / f"mkdocs.{lang}.yml"
    text = "# Generated by `pledges build`: paths of this build. Edit config/ instead.\n" + yaml.safe_dump(config, sort_keys=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return path


def theme_strings(lang: str) -> dict[str, str]:
    """The i18n.yaml sentences the theme partials show (finder), for one language."""
    from .i18n import Translator

    t = Translator(lang)
    return {key.split(".", 1)[1]: t(key) for key in sorted(t.strings) if key.startswith("theme.")}


class MkDocsRuns:
    """One `mkdocs build` per language, each started as soon as its pages are written (``start``), all awaited by
    ``finish``. Output goes to a temporary file, not a pipe: nobody reads it until the end, and a full pipe would
    stall the build."""

    def __init__(self, configs: dict[str, Path], strict: bool) -> None:
        self.configs, self.strict = configs, strict
        self.procs: dict[str, tuple[subprocess.Popen, IO[bytes]]] = {}

    def start(self, lang: str) -> None:
        cmd = [sys.executable, "-m", "mkdocs", "build", "--clean", "-f", str(self.configs[lang])]
        if self.strict:
            cmd.append("--strict")
        env = dict(os.environ)
        env.setdefault("PYTHONHASHSEED", "0")
        log = tempfile.TemporaryFile()
        self.procs[lang] = (subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env), log)

    def finish(self) -> tuple[bool, dict[str, str]]:
        """(every language built, the output per language); a language never started counts as failed."""
        outputs, ok = {}, set(self.procs) == set(self.configs)
        for lang, (proc, log) in self.procs.items():
            ok = proc.wait() == 0 and ok
            log.seek(0)
            outputs[lang] = log.read().decode("utf-8", "replace")
            log.close()
        return ok, outputs

    def stop(self) -> None:
        """Generation failed: end the builds already started."""
        for proc, log in self.procs.values():
            proc.kill()
            proc.wait()
            log.close()
        self.procs.clear()


ROOT_ADDRESS = re.compile(r'(\s(?:href|src)=")/(?!/)')


def fix_404_paths(site_dir: Path, lang: str, site_url: str | None) -> None:
    """Without a site URL MkDocs writes the 404 page's styles and scripts as /assets/…, but each language lives
    in /<lang>/ (a server shows 404.html at any missing address, so relative paths cannot work either)."""
    page = site_dir / "404.html"
    if site_url or not page.is_file():
        return
    text = page.read_text(encoding="utf-8")
    page.write_text(ROOT_ADDRESS.sub(lambda m: f"{m.group(1)}/{lang}/", text), encoding="utf-8")


def publish(out: Path, gen_root: Path, languages: tuple[str, ...], site_url: str | None = None) -> None:
    from .writer import sync_tree

    out.mkdir(parents=True, exist_ok=True)
    for lang in languages:
        new, old, current = out / f".{lang}.new", out / f".{lang}.old", out / lang
        fix_404_paths(new, lang, site_url)
        remove(old)
        if occupied(current):
            current.rename(old)
        new.rename(current)
        remove(old)
    static = gen_root / "static"
    for name in STATIC_FOLDERS:
        staged, published = out / f".{name}.new", out / name
        if staged.is_dir() and not occupied(published):
            staged.rename(published)
        else:
            sync_tree(static / name, published)
    index = static / "index.html"
    target = out / "index.html"
    if target.is_symlink() or target.is_dir():
        remove(target)
    if not target.exists() or target.read_bytes() != index.read_bytes():
        shutil.copyfile(index, target)


def stage_static(out: Path, gen_root: Path) -> None:
    """While MkDocs runs: link each static folder the output folder does not have yet (a first build, as in CI)
    into ``out/.<name>.new``, which ``publish`` renames into place. Linking 24,000 files took 0.8 s at 1,000
    providers, and done at publishing it was the last thing the build did, on one core. A folder already published
    is synced by ``publish`` (only what changed): syncing it now would change the published site before MkDocs
    has succeeded."""
    from .writer import sync_tree

    for name in STATIC_FOLDERS:
        if not occupied(out / name):
            sync_tree(gen_root / "static" / name, out / f".{name}.new")


def prepare_output(out: Path, gen_root: Path, site_url: str | None, strict: bool) -> MkDocsRuns:
    """Claim the output folder and write each language's MkDocs config; the builds start later, one per language."""
    claim(out)
    drop_links(out, out_entries(LANGUAGES))
    for name in unpublished():  # left by an interrupted build; mkdocs --clean would empty whatever they point to
        remove(out / name)
    return MkDocsRuns({lang: language_config(gen_root, out, lang, site_url, strict) for lang in LANGUAGES}, strict)


def unpublished() -> list[str]:
    """The output folder's entries a build makes before publishing: the languages' sites and the staged folders."""
    return [*(f".{lang}.new" for lang in LANGUAGES), *(f".{name}.new" for name in STATIC_FOLDERS)]


def discard_unpublished(out: Path) -> None:
    """Remove the half-built and staged folders; the published site is left as it is."""
    for name in unpublished():
        shutil.rmtree(out / name, ignore_errors=True)


def report_mkdocs_failure(out: Path, outputs: dict[str, str], strict: bool) -> None:
    """MkDocs' own warnings and errors per language; the half-built folders removed (the published site stays)."""
    for lang, output in outputs.items():
        lines = [line for line in output.splitlines() if "WARNING" in line or "ERROR" in line or "Error" in line
                 or "Aborted" in line]
        for line in lines or output.splitlines()[-20:]:
            print(f"[{lang}] {line}", file=sys.stderr)
    discard_unpublished(out)
    print(f"mkdocs build failed{' (strict)' if strict else ''}; the previous site in {out} is unchanged",
          file=sys.stderr)


def run_build(args) -> int:
    from pledges.dataset import today_default

    from .stages import Stages, run_stages

    started = time.perf_counter()
    today = getattr(args, "today", None) or today_default()
    data = Path(getattr(args, "data", "data"))
    out = Path(getattr(args, "out", None) or "site")
    strict = not getattr(args, "no_strict", False)
    generate_only = getattr(args, "generate_only", False)
    site_url = os.environ.get(SITE_URL_ENV) or None

    problem = output_problem(out, data, "--out")
    # the generated folder is worked out only for a usable --out (resolving a bad one can fail)
    gen_root = gen_root_for(out) if problem is None else out
    problem = problem or output_problem(gen_root, data, f"the generated folder for --out {out}:")
    if problem:
        print(problem, file=sys.stderr)
        return 2

    runs: MkDocsRuns | None = None

    def on_event(kind: str, value: Any) -> None:
        nonlocal runs
        if kind == "scored" and not generate_only:  # good data: now the output folder may be claimed
            runs = prepare_output(out, gen_root, site_url, strict)
        elif kind == "pages" and runs:  # each language's MkDocs starts as soon as its pages are written
            runs.start(value)

    code = 1  # what an exception out of the stages leaves
    try:
        code = run_stages(Stages(data, today, gen_root, site_url), on_event)
    finally:
        if runs and code != 0:
            runs.stop()
            discard_unpublished(out)
    generated = time.perf_counter()
    if code != 0 or runs is None:
        return code

    stage_static(out, gen_root)
    ok, outputs = runs.finish()
    if not ok:
        report_mkdocs_failure(out, outputs, strict)
        return 1
    publish(out, gen_root, LANGUAGES, site_url)
    built = time.perf_counter()
    print(f"built {out}/ ({', '.join(LANGUAGES)}) in {built - started:.1f} s "
          f"(MkDocs and publishing {built - generated:.1f} s after generation)")
    return 0
