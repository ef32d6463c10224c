"""`pledges build --out`: never into, inside or around a source folder; never clears a folder it did not make.

Publishing replaces <out>/en, <out>/nl and syncs <out>/data (deleting what the new build lacks), so
`--out .` or `--out data` used to delete every record. Each test runs the real CLI from a COPY of the
repository (PYTHONPATH points at the copy's scripts/, so the copy is "the repository"): a build that
goes wrong destroys the copy, never the real data/.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from synth import write_dataset
from tests.foundation.helpers import tree_hashes

REPO = Path(__file__).resolve().parents[2]
TOP_LEVEL_SKIP = {".venv", "site", "build", ".git", ".pytest_cache", ".hypothesis", "test-results", ".cache"}


def skip(folder: str, names: list[str]) -> set[str]:
    """Build outputs, caches and virtual environments are not sources: left out of the copy."""
    top = Path(folder) == REPO
    return {n for n in names if (top and n in TOP_LEVEL_SKIP) or n in ("node_modules", "__pycache__")
            or n.endswith(".egg-info")}
MARKER = ".pledges-site"


@pytest.fixture
def repo(tmp_path) -> Path:
    """A copy of the repository's sources (with a .git folder) under tmp_path/repo."""
    copy = tmp_path / "repo"
    shutil.copytree(REPO, copy, ignore=skip, symlinks=True)
    (copy / ".git").mkdir()
    (copy / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    return copy


def build(repo: Path, out: str | Path, data: str | Path = "data", cwd: Path | None = None):
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(repo / "scripts"))
    env.pop("PLEDGES_SITE_URL", None)
    return subprocess.run([sys.executable, "-m", "pledges", "build", "--data", str(data), "--out", str(out),
                           "--today", "2026-12-01"], cwd=cwd or repo, capture_output=True, text=True, env=env,
                          timeout=300)


def assert_refused(result, *words: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("pledges build: "), result.stderr
    assert "Traceback" not in result.stderr and " — " in lines[0]
    for word in words:
        assert word in lines[0], lines[0]
    assert "generated:" not in result.stdout  # refused before anything was loaded or written


def test_the_copy_is_the_repository(repo):
    """The tests below are only meaningful if the CLI they run takes the copy as its repository."""
    env = dict(os.environ, PYTHONPATH=str(repo / "scripts"))
    code = "import pledges.site.i18n as i; print(i.REPO_ROOT)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=repo)
    assert Path(result.stdout.strip()) == repo


@pytest.mark.parametrize("out, words", [
    (".", ["is the repository root"]),
    ("./scripts/..", ["is the repository root"]),
    ("data", ["is the repository's data/ folder"]),
    ("data/x", ["lies inside the repository's data/ folder"]),
    ("data/providers", ["lies inside"]),
    ("scripts", ["scripts/"]),
    ("content/en", ["content/"]),
    ("templates", ["templates/"]),
    ("overrides", ["overrides/"]),
    ("schema", ["schema/"]),
    ("docs/site", ["docs/"]),
    ("tests", ["tests/"]),
    (".git", [".git/"]),
    ("..", ["contains"]),  # the folder holding the repository
    ("/", ["contains"]),
])
def test_source_folders_are_refused(repo, out, words):
    before = tree_hashes(repo)
    result = build(repo, out)
    assert_refused(result, *words)
    assert tree_hashes(repo) == before  # every file of the repository, data/ included, byte for byte
    assert not (repo.parent / "repo.build").exists() and not (repo / "build").exists()


def test_a_symlink_to_data_is_refused(repo, tmp_path):
    link = tmp_path / "looks-harmless"
    link.symlink_to(repo / "data", target_is_directory=True)
    before = tree_hashes(repo / "data")
    result = build(repo, link)
    assert_refused(result, "data/ folder")
    assert tree_hashes(repo / "data") == before


def test_a_folder_under_a_symlink_into_the_sources_is_refused(repo, tmp_path):
    link = tmp_path / "src"
    link.symlink_to(repo, target_is_directory=True)
    before = tree_hashes(repo)
    assert_refused(build(repo, link / "templates" / ".." / "data"), "data/ folder")
    assert_refused(build(repo, link), "repository root")
    assert tree_hashes(repo) == before


def test_a_data_folder_outside_the_repository_is_protected_too(repo, tmp_path):
    data = write_dataset(tmp_path / "elsewhere" / "records")
    before = tree_hashes(data)
    assert_refused(build(repo, data, data=data), "--data folder")
    assert_refused(build(repo, data / "site", data=data), "inside the --data folder")
    assert_refused(build(repo, tmp_path / "elsewhere", data=data), "contains the --data folder")
    assert tree_hashes(data) == before


def test_a_file_is_refused(repo, tmp_path):
    target = tmp_path / "notes.txt"
    target.write_text("mine\n")
    assert_refused(build(repo, target), "not a folder")
    assert target.read_text() == "mine\n"


def test_a_non_empty_unrelated_folder_is_refused_and_left_intact(repo, tmp_path):
    mine = tmp_path / "my-documents"
    (mine / "data").mkdir(parents=True)
    (mine / "en").mkdir()
    (mine / "index.html").write_text("<p>my own page</p>\n")
    (mine / "data" / "accounts.csv").write_text("a,b\n1,2\n")
    (mine / "en" / "letter.txt").write_text("dear\n")
    before, data_before = tree_hashes(mine), tree_hashes(repo / "data")
    result = build(repo, mine)
    assert_refused(result, "not empty", MARKER)
    assert tree_hashes(mine) == before and sorted(p.name for p in mine.iterdir()) == ["data", "en", "index.html"]
    assert tree_hashes(repo / "data") == data_before


def test_a_generated_folder_that_is_somebody_elses_is_refused(repo, tmp_path):
    """`--out site` from a folder generates into ./build: a build/ that the build did not make is not cleared."""
    work = tmp_path / "work"
    (work / "build" / "docs" / "en").mkdir(parents=True)
    (work / "build" / "docs" / "en" / "thesis.md").write_text("# my thesis\n")
    before = tree_hashes(work)
    result = build(repo, work / "site", data=repo / "data", cwd=work)
    assert_refused(result, "generated folder", "not empty")
    assert tree_hashes(work) == before and not (work / "site").exists()


def test_a_new_folder_and_an_earlier_build_output_are_built(repo, tmp_path):
    out = tmp_path / "public"
    data_before = tree_hashes(repo / "data")
    first = build(repo, out)
    assert first.returncode == 0, first.stdout + first.stderr
    assert (out / MARKER).is_file() and (out / "en" / "index.html").is_file()
    assert (tmp_path / "public.build" / MARKER).is_file()
    (out / "CNAME").write_text("pledges.example.org\n")  # the owner's own file in the output folder
    (out / "data" / "stale.csv").write_text("old,download\n")  # a download an earlier build made, since dropped
    second = build(repo, out)
    assert second.returncode == 0, second.stdout + second.stderr
    assert (out / "CNAME").read_text() == "pledges.example.org\n"  # not an entry the build creates: kept
    assert not (out / "data" / "stale.csv").exists()  # inside the build's own data/: pruned
    assert (out / "data" / "datapackage.json").is_file()
    assert tree_hashes(repo / "data") == data_before


def test_an_empty_existing_folder_is_built(repo, tmp_path):
    out = tmp_path / "empty"
    out.mkdir()
    result = build(repo, out)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (out / MARKER).is_file() and (out / "nl" / "index.html").is_file()


def test_a_rebuild_never_writes_through_symlinks_in_its_own_output(repo, tmp_path):
    """A link planted in an earlier output (data -> the records) is replaced, not followed."""
    out = tmp_path / "public"
    assert build(repo, out).returncode == 0
    shutil.rmtree(out / "data")
    (out / "data").symlink_to(repo / "data", target_is_directory=True)
    (out / "feeds" / "en").rename(out / "feeds" / "en-old")
    (out / "feeds" / "en").symlink_to(repo / "templates", target_is_directory=True)
    (out / ".en.new").symlink_to(repo / "content", target_is_directory=True)
    before = tree_hashes(repo)
    result = build(repo, out)
    assert result.returncode == 0, result.stdout + result.stderr
    assert tree_hashes(repo) == before
    assert not (out / "data").is_symlink() and (out / "data" / "datapackage.json").is_file()
    assert not (out / "feeds" / "en").is_symlink() and (out / "feeds" / "en" / "all.xml").is_file()


def test_prune_removes_what_this_run_did_not_write_and_keeps_what_it_did(tmp_path):
    from pledges.site.writer import Tree

    first = Tree(tmp_path / "gen")
    first.write("docs/en/a.md", "a")
    first.write("docs/en/old/b.md", "b")
    second = Tree(tmp_path / "gen")
    assert second.write("docs/en/a.md", "a") is False  # the same bytes: not rewritten
    assert second.prune() == 1
    assert (tmp_path / "gen/docs/en/a.md").read_text() == "a"
    assert not (tmp_path / "gen/docs/en/old").exists()  # the file and then its empty folder


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_sync_tree_links_new_files_and_leaves_linked_ones_alone(tmp_path, monkeypatch):
    """The published data/feeds/charts: hard links to the generated files; an unchanged file is not touched, a
    changed or new one is linked, a gone one removed, a file that became a folder (and back) and a planted link
    replaced; where links cannot be made, copies, compared by their bytes."""
    from pledges.site import writer
    from pledges.site.writer import sync_tree

    src, dst = tmp_path / "static", tmp_path / "out"
    for rel, text in {"a.csv": "a", "sub/b.json": "b", "sub/deep/c.xml": "c", "gone.txt": "g", "x/y": "y"}.items():
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_text(text)
    assert sync_tree(src, dst) == 5
    assert _tree(dst) == _tree(src)
    assert os.stat(dst / "sub/deep/c.xml").st_ino == os.stat(src / "sub/deep/c.xml").st_ino
    assert sync_tree(src, dst) == 0  # nothing changed: nothing linked again

    (src / "gone.txt").unlink()
    fresh = src / "sub/b.json.new"
    fresh.write_text("B")
    fresh.replace(src / "sub/b.json")  # how the generator changes a file: a new inode under the old name
    (src / "x/y").unlink()
    (src / "x/y").mkdir()
    (src / "x/y/z").write_text("z")
    (dst / "a.csv").unlink()
    (dst / "a.csv").symlink_to(tmp_path / "elsewhere")
    assert sync_tree(src, dst) == 3  # a.csv (the link), sub/b.json, x/y/z
    assert _tree(dst) == _tree(src) and not (dst / "a.csv").is_symlink() and not (dst / "gone.txt").exists()

    (src / "x/y/z").unlink()
    (src / "x/y").rmdir()
    (src / "x/y").write_text("file again")

    def no_links(*args, **kwargs):
        raise OSError("no hard links here")
    monkeypatch.setattr(writer.os, "link", no_links)
    copy = tmp_path / "copy"
    assert sync_tree(src, copy) == 4
    assert _tree(copy) == _tree(src) and not (copy / "x/y").is_dir()
    assert sync_tree(src, copy) == 0  # copies with the same bytes are left as they are
    assert sync_tree(src, dst) == 1 and (dst / "x/y").read_text() == "file again"

    assert sync_tree(tmp_path / "no-such-folder", dst) == 0  # a build that drew no chart has no charts/ at all
    assert dst.is_dir() and list(dst.iterdir()) == []


def test_a_tree_creates_new_files_directly_and_compares_old_ones(tmp_path):
    """In a folder this run made, a file is created at once; a name written twice still ends with the last bytes,
    and in a folder that was there the unchanged bytes are left alone (the same file, the same inode)."""
    from pledges.site.writer import Tree

    old = Tree(tmp_path / "gen")
    old.write("static/kept/a.xml", "a")
    inode = (tmp_path / "gen/static/kept/a.xml").stat().st_ino
    tree = Tree(tmp_path / "gen")
    assert tree.write("static/new/deeper/b.xml", "b") is True
    assert tree.new_folders == {tmp_path / "gen/static/new", tmp_path / "gen/static/new/deeper"}
    assert tree.write("static/new/deeper/b.xml", "b2") is True  # written twice in one run: the second wins
    assert tree.write("static/new/deeper/b.xml", "b2") is False
    assert (tmp_path / "gen/static/new/deeper/b.xml").read_text() == "b2"
    assert tree.write("static/kept/a.xml", "a") is False
    assert (tmp_path / "gen/static/kept/a.xml").stat().st_ino == inode
    assert tree.write("static/kept/a.xml", "A") is True  # changed: a new file under the old name
    assert (tmp_path / "gen/static/kept/a.xml").read_text() == "A"
    assert (tmp_path / "gen/static/kept/a.xml").stat().st_ino != inode
    (tmp_path / "gen/static/file").write_text("not a folder")
    with pytest.raises(FileExistsError):
        tree.write("static/file/c.xml", "c")


def test_two_processes_writing_one_tree_share_its_folders(tmp_path):
    """The page worker and the main process write the static tree at once: a folder one of them makes while the
    other makes its parents is taken as there (found by the full suite: the build failed on charts/)."""
    import multiprocessing as mp

    from pledges.site.writer import Tree

    start = mp.get_context("fork").Barrier(4)

    def writer(which: int) -> None:
        tree = Tree(tmp_path / "gen")
        start.wait()
        for index in range(300):  # each file in folders the four processes all make at about the same moment
            tree.write(f"static/charts/{index}/svg/{which}.svg", f"{which} {index}")

    procs = [mp.get_context("fork").Process(target=writer, args=(which,)) for which in range(4)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join()
    assert [proc.exitcode for proc in procs] == [0, 0, 0, 0]
    assert len(list((tmp_path / "gen/static/charts").rglob("*.svg"))) == 1200
