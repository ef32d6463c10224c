"""`pledges build` end to end on SYNTHETIC data (no browser): outputs, escaping, downloads, feeds."""

from __future__ import annotations

import csv
import json
import re
from datetime import date
from pathlib import Path

import pytest
from synth import XSS_NAME, write_dataset

from conftest import run_build
from pledges.dataset import load_dataset


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_both_languages_have_identical_paths(hostile_site):
    en = {p.relative_to(hostile_site / "en") for p in (hostile_site / "en").rglob("*.html")}
    nl = {p.relative_to(hostile_site / "nl") for p in (hostile_site / "nl").rglob("*.html")}
    assert en == nl
    for page in ("index.html", "providers/acme-telecom/index.html", "pledges/acme-repair-guarantee/index.html",
                 "sectors/telecoms/index.html", "metrics/complaints-per-100k/index.html", "methodology/index.html",
                 "sources/index.html", "changelog/index.html", "downloads/index.html", "contribute/index.html",
                 "about/index.html"):
        assert Path(page) in en, page


def test_root_index_leads_to_a_language_without_javascript(hostile_site):
    text = (hostile_site / "index.html").read_text(encoding="utf-8")
    assert 'http-equiv="refresh" content="0; url=en/"' in text
    assert 'href="en/"' in text and 'href="nl/"' in text
    assert "<script" not in text


def test_language_switch_links_to_the_same_page(hostile_site):
    text = (hostile_site / "en/providers/acme-telecom/index.html").read_text(encoding="utf-8")
    links = re.findall(r'<a href="([^"]+)" hreflang="(\w+)"', text)
    assert ("../../../nl/providers/acme-telecom/", "nl") in links
    assert ("../../../en/providers/acme-telecom/", "en") in links


def test_contributor_text_is_escaped_everywhere(hostile_site):
    """No hostile string survives as markup in any page, feed or search index."""
    raw_markers = ["<script>window.__xss", "onerror=\"window", "href=\"javascript:", "href='javascript:",
                   "<img src=x", "<a href=\"javascript"]
    checked = 0
    # data/*.csv|json keep the text exactly (they are data, not HTML); pages, feeds and search indexes may not
    for path in list(hostile_site.rglob("*.html")) + list(hostile_site.rglob("*.xml")) + list(hostile_site.glob("*/search/*.json")):
        text = path.read_text(encoding="utf-8")
        for marker in raw_markers:
            assert marker not in text, f"{path}: {marker}"
        checked += 1
    assert checked > 30
    page = (hostile_site / "en/providers/acme-telecom/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;window.__xss = 1&lt;/script&gt;" in page  # shown as text
    pledge = (hostile_site / "en/pledges/acme-repair-guarantee/index.html").read_text(encoding="utf-8")
    assert "[para link](javascript:window.__xss=5)" in pledge  # Markdown syntax after a blank line stays text
    assert "&lt;/p&gt;&lt;/blockquote&gt;&lt;script&gt;window.__xss=6" in pledge
    assert "<title>Acme Telecom &lt;script&gt;" in page


def test_no_javascript_or_foreign_asset_urls(hostile_site):
    for path in html_files(hostile_site):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r'(?i)href\s*=\s*["\']?\s*javascript:', text), path
        assert not re.search(r'(?i)<(script|img|iframe|link)[^>]+(src|href)="(https?:)?//', text), path
        assert "fonts.googleapis" not in text and "api.github.com" not in text


def test_second_build_rewrites_nothing(tmp_path):
    data = write_dataset(tmp_path / "data")
    code, out, err = run_build(data, tmp_path / "site")
    assert code == 0, err
    gen = tmp_path / "build"  # out is <cwd>/site, so the generated tree is <cwd>/build
    before = {p: p.stat().st_mtime_ns for p in gen.rglob("*") if p.is_file()}
    assert len(before) > 50
    code, out, err = run_build(data, tmp_path / "site")
    assert code == 0, err
    assert "site_rebuild_rewrites: 0" in out
    after = {p: p.stat().st_mtime_ns for p in gen.rglob("*") if p.is_file()}
    assert before == after


def test_a_failed_mkdocs_leaves_the_published_downloads_as_they_were(tmp_path, monkeypatch):
    """Downloads are published as hard links to the generated files: a later build whose MkDocs fails must not have
    changed them through the link (the generated file that changes is replaced, never rewritten in place)."""
    import argparse

    from pledges.site import build

    data = write_dataset(tmp_path / "data")
    code, out, err = run_build(data, tmp_path / "site")
    assert code == 0, err
    published = {p: p.read_bytes() for p in (tmp_path / "site" / "data").rglob("*") if p.is_file()}
    linked = tmp_path / "site" / "data" / "providers.csv"
    assert linked.stat().st_nlink == 2  # shared with build/static/data/providers.csv
    provider = data / "providers" / "beta-broadband.yaml"
    provider.write_text(provider.read_text(encoding="utf-8").replace("name: Beta", "name: Renamed Beta", 1),
                        encoding="utf-8")

    def failing(self):
        self.stop()
        return False, {lang: "ERROR - MkDocs failed (simulated)" for lang in self.configs}

    monkeypatch.setattr(build.MkDocsRuns, "finish", failing)
    monkeypatch.chdir(tmp_path)  # the same generated tree as the first build (build/ beside site/)
    args = argparse.Namespace(data=str(data), out="site", today=date(2026, 12, 1), no_strict=False, generate_only=False)
    assert build.run_build(args) == 1
    generated = (tmp_path / "build" / "static" / "data" / "providers.csv").read_text(encoding="utf-8")
    assert "Renamed Beta" in generated  # the generated tree did change...
    after = {p: p.read_bytes() for p in (tmp_path / "site" / "data").rglob("*") if p.is_file()}
    assert after == published  # ...and the published one did not
    assert not list((tmp_path / "site").glob(".*.new"))


def _build_args(data: Path):
    import argparse

    return argparse.Namespace(data=str(data), out="site", today=date(2026, 12, 1), no_strict=False, generate_only=False)


def test_a_first_build_stages_its_downloads_while_mkdocs_runs(tmp_path, monkeypatch):
    """Into an output folder without data/, feeds/ and charts/, the downloads are linked while MkDocs still runs
    (out/.<name>.new) and renamed into place once it has succeeded; a later build syncs the published folders."""
    from pledges.site import build

    data = write_dataset(tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    real_finish, seen = build.MkDocsRuns.finish, []

    def finish(self):  # what the output folder holds while MkDocs runs
        seen.append(sorted(p.name for p in (tmp_path / "site").iterdir()))
        return real_finish(self)

    monkeypatch.setattr(build.MkDocsRuns, "finish", finish)
    assert build.run_build(_build_args(data)) == 0
    assert {".data.new", ".feeds.new", ".charts.new"} <= set(seen[0]) and "data" not in seen[0]
    site = tmp_path / "site"
    assert not list(site.glob(".*.new"))
    published = site / "data" / "providers.csv"
    assert published.stat().st_ino == (tmp_path / "build/static/data/providers.csv").stat().st_ino  # a link
    assert {p.relative_to(site / "feeds") for p in (site / "feeds").rglob("*")} == \
        {p.relative_to(tmp_path / "build/static/feeds") for p in (tmp_path / "build/static/feeds").rglob("*")}
    assert build.run_build(_build_args(data)) == 0
    assert not {".data.new", ".feeds.new", ".charts.new"} & set(seen[1])  # published already: synced at the end
    assert published.stat().st_ino == (tmp_path / "build/static/data/providers.csv").stat().st_ino


def test_a_failed_first_build_leaves_no_downloads_behind(tmp_path, monkeypatch):
    from pledges.site import build

    data = write_dataset(tmp_path / "data")

    def failing(self):
        self.stop()
        return False, {lang: "ERROR - MkDocs failed (simulated)" for lang in self.configs}

    monkeypatch.setattr(build.MkDocsRuns, "finish", failing)
    monkeypatch.chdir(tmp_path)
    assert build.run_build(_build_args(data)) == 1
    assert sorted(p.name for p in (tmp_path / "site").iterdir()) == [build.MARKER]


def test_bad_data_fails_with_position_and_writes_nothing(tmp_path):
    data = write_dataset(tmp_path / "data")
    path = data / "pledges" / "delta-switch-promise.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("kind: scheme", "kind: promise"), encoding="utf-8")
    code, out, err = run_build(data, tmp_path / "site")
    assert code == 1
    assert "Traceback" not in err
    assert re.search(r"delta-switch-promise\.yaml:\d+:\d+: 'promise' is not allowed", err), err
    assert not (tmp_path / "site").exists()


def test_generate_only_writes_markdown_and_no_site(tmp_path):
    data = write_dataset(tmp_path / "data")
    code, out, err = run_build(data, tmp_path / "site", "--generate-only")
    assert code == 0, err
    assert (tmp_path / "build/docs/en/providers/acme-telecom.md").is_file()
    assert (tmp_path / "build/docs/nl/pledges/acme-repair-guarantee.md").is_file()
    assert not (tmp_path / "site").exists()
    import yaml
    pages = list((tmp_path / "build/docs").rglob("*.md"))
    assert len(pages) > 20
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert text.startswith("---\n"), page
        meta = yaml.safe_load(text.split("\n---\n", 1)[0][4:])
        assert isinstance(meta, dict) and meta.get("title"), page


def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_csv_and_json_downloads_equal_the_data(hostile_site, hostile_data):
    dataset = load_dataset(hostile_data, date(2026, 11, 23))
    rows = read_csv(hostile_site / "data/statistics.csv")
    assert len(rows) == len(dataset.statistics)
    for row in rows:
        stat = dataset.statistics[row["id"]]
        assert float(row["value"]) == stat.value
        assert float(row["industry_average"]) == stat.industry_average
        assert row["period"] == stat.period and row["provider"] == stat.provider
    as_json = json.loads((hostile_site / "data/statistics.json").read_text(encoding="utf-8"))
    assert {r["id"]: r["value"] for r in as_json} == {s.id: s.value for s in dataset.statistics.values()}
    per_provider = read_csv(hostile_site / "data/providers/acme-telecom/statistics.csv")
    assert {r["id"] for r in per_provider} == {s.id for s in dataset.statistics.values() if s.provider == "acme-telecom"}
    providers = read_csv(hostile_site / "data/providers.csv")
    assert {r["id"]: r["name"] for r in providers} == {p.id: p.name for p in dataset.providers.values()}
    assert any(XSS_NAME in r["name"] for r in providers)  # data files keep the text exactly; only HTML escapes


def test_every_download_link_exists(hostile_site):
    for path in html_files(hostile_site / "en"):
        for href in re.findall(r'href="([^"]+\.(?:csv|json|xml))"', path.read_text(encoding="utf-8")):
            target = (path.parent / href).resolve()
            assert target.is_file(), f"{path}: {href}"


def test_datapackage_passes_frictionless(hostile_site):
    from frictionless import validate

    report = validate(str(hostile_site / "data/datapackage.json"))
    assert report.valid, report.flatten(["type", "note"])[:10]


def test_feeds_parse_with_stable_ids_and_data_dates(hostile_site, tmp_path):
    import feedparser

    feed = feedparser.parse((hostile_site / "feeds/en/all.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    ids = [entry.id for entry in feed.entries]
    assert ids and all(i.startswith("tag:") for i in ids)
    assert len(set(ids)) == len(ids)
    assert "tag:service-pledge-tracker.github.io,2026:correction/correction-1" in ids
    dates = {entry.updated[:10] for entry in feed.entries}
    assert "2026-11-23" not in dates  # the build day is not a data date
    assert "2026-02-12" in dates  # the correction's date
    provider = feedparser.parse((hostile_site / "feeds/nl/providers/acme-telecom.xml").read_bytes())
    assert not provider.bozo and provider.entries
    assert all("acme" in e.id or "correction" in e.id for e in provider.entries)
    # a build of the same data on another day gives a byte-identical feed (dates come from the data)
    data = write_dataset(tmp_path / "data", hostile=True)
    code, out, err = run_build(data, tmp_path / "site", "--today", "2026-12-01")
    assert code == 0
    again = (tmp_path / "site/feeds/en/all.xml").read_bytes()
    assert again == (hostile_site / "feeds/en/all.xml").read_bytes()


def test_pages_show_history_diff_and_not_ranked_reason(hostile_site):
    pledge = (hostile_site / "en/pledges/acme-repair-guarantee/index.html").read_text(encoding="utf-8")
    assert "<del>three</del>" in pledge and "<ins>two</ins>" in pledge
    assert "Cite this" in pledge and "Data version (commit)" in pledge
    home = (hostile_site / "nl/index.html").read_text(encoding="utf-8")
    # a board where nobody is ranked is one line on the home page, with a reason; its table is on the sector page
    assert "Waar nog niemand gerangschikt kan worden" in home and "bijvoorbeeld:" in home
    sector = (hostile_site / "nl/sectors/energy/index.html").read_text(encoding="utf-8")
    assert "niet gerangschikt — waarom:" in sector
    sources = (hostile_site / "en/sources/index.html").read_text(encoding="utf-8")
    assert "HTTP 503 from the synthetic endpoint" in sources
    assert "stale" in sources or "failing" in sources


def test_real_data_strict_build(real_site):
    assert (real_site / "en/index.html").is_file() and (real_site / "nl/index.html").is_file()
    assert (real_site / "data/datapackage.json").is_file()


def test_a_failure_while_generating_publishes_nothing(tmp_path, monkeypatch, capfd):
    """The data stages run in a forked child (site/stages.py): a bug there ends the build with exit code 1 and its
    traceback, MkDocs builds already started are stopped, and the published site stays as it was."""
    import argparse

    from pledges.site import build, generate

    data = write_dataset(tmp_path / "data")
    code, out, err = run_build(data, tmp_path / "site")
    assert code == 0, err
    before = {p: p.read_bytes() for p in (tmp_path / "site").rglob("*") if p.is_file()}
    real = generate.generate

    def half_then_fail(model, gen_root, pages_done=None, **kwargs):
        def one_language_then_fail(lang):
            pages_done(lang)  # MkDocs of one language starts...
            raise RuntimeError("simulated bug in the page generation")  # ...and the generation fails
        return real(model, gen_root, workers=1, pages_done=one_language_then_fail)

    monkeypatch.setattr(generate, "generate", half_then_fail)
    monkeypatch.chdir(tmp_path)
    args = argparse.Namespace(data=str(data), out="site", today=date(2026, 12, 1), no_strict=False, generate_only=False)
    assert build.run_build(args) == 1
    assert "simulated bug in the page generation" in capfd.readouterr().err
    after = {p: p.read_bytes() for p in (tmp_path / "site").rglob("*") if p.is_file()}
    assert after == before
    assert not list((tmp_path / "site").glob(".*.new"))


def test_a_failing_page_worker_fails_the_generation(tmp_path, monkeypatch):
    """The second plan (Dutch pages, feeds) runs in a forked worker: its failure reaches the caller, and the Dutch
    pages it wrote first were still announced (their MkDocs may start)."""
    from pledges.site import feeds, generate
    from pledges.site.scores import compute_scores

    data = write_dataset(tmp_path / "data")
    today = date(2026, 12, 1)
    dataset = load_dataset(data, today)
    model = generate.SiteModel(dataset, compute_scores(dataset, today), today, "test", None)

    def broken(self, lang):
        raise OSError("simulated: the disk is full")

    monkeypatch.setattr(feeds.FeedWriter, "write", broken)
    announced: list[str] = []
    with pytest.raises(RuntimeError, match="page generation failed: .*the disk is full"):
        generate.generate(model, tmp_path / "gen", pages_done=announced.append)
    assert sorted(announced) == ["en", "nl"]


def test_one_process_and_a_forked_worker_write_the_same_files(tmp_path, monkeypatch):
    """Above ONE_PROCESS_FROM providers the pages are written by one process (memory); the files are the same."""
    from pledges.site import generate as generate_module
    from pledges.site.scores import compute_scores

    today = date(2026, 12, 1)
    dataset = load_dataset(write_dataset(tmp_path / "data", hostile=True), today)
    model = generate_module.SiteModel(dataset, compute_scores(dataset, today), today, "test", None)
    done: dict[str, list[str]] = {"one": [], "two": []}
    generate_module.generate(model, tmp_path / "two", workers=2, pages_done=done["two"].append)
    monkeypatch.setattr(generate_module, "ONE_PROCESS_FROM", len(model.providers))  # this data counts as large
    generate_module.generate(model, tmp_path / "one", pages_done=done["one"].append)
    assert done["one"] == ["en", "nl"] and sorted(done["two"]) == ["en", "nl"]  # each language's MkDocs may start

    def files(root: Path) -> dict[Path, bytes]:
        return {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}

    one, two = files(tmp_path / "one"), files(tmp_path / "two")
    assert one.keys() == two.keys() and len(one) > 50
    assert [str(p) for p in one if one[p] != two[p]] == []


def test_a_scoring_failure_is_reported_and_nothing_is_written(tmp_path, monkeypatch, capsys):
    """Scoring runs beside the checks (site/stages.py); when it fails on data without problems, the build says so
    in one line and writes nothing; when the data has problems, those are reported instead."""
    from pledges.site import scores as scores_module
    from pledges.site.stages import Stages, make_pages

    def failing(*_args, **_kwargs):
        raise ZeroDivisionError("no rate")

    monkeypatch.setattr(scores_module, "compute_scores", failing)
    data = write_dataset(tmp_path / "data")
    events: list = []
    stages = Stages(data, date(2026, 12, 1), tmp_path / "gen", None)
    assert make_pages(stages, lambda kind, value: events.append(kind)) == 1
    err = capsys.readouterr().err
    assert f"{data}:1:1: scoring failed: no rate" in err and "Traceback" not in err
    assert events == [] and not (tmp_path / "gen").exists()

    pledge = sorted((data / "pledges").glob("*.yaml"))[0]
    pledge.write_text(pledge.read_text(encoding="utf-8").replace("provider: ", "provider: nobody-", 1),
                      encoding="utf-8")
    assert make_pages(stages, lambda kind, value: events.append(kind)) == 1
    err = capsys.readouterr().err
    assert "nobody-" in err and "scoring failed" not in err and events == []
