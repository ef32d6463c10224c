"""Dutch pages are Dutch: no English sentence outside text marked lang="en" (issue 8).

Walks every Dutch HTML page of the real data's site (the session's real-data build) and lists each English
sentence with its page. Verbatim English (pledge texts, contributors' notes, publishers' names) must be inside an
element marked lang="en"; generated sentences must come from templates/i18n.yaml in Dutch.
"""

from __future__ import annotations

from english import english_sentences, visible_chunks


def test_english_detector_finds_english_and_passes_dutch():
    html = ('<p>Geen cijfer van deze soort in de data; de score is niet vergeleken.</p>'
            '<p>No figure of this kind in the data.</p>'
            '<p lang="en">The switch will take no more than 5 working days.</p>'
            '<p>Of <code>the-provider-and-the-pledge</code> is gemeten.</p>')
    found = english_sentences(visible_chunks(html))
    assert found == ["No figure of this kind in the data."]


def test_no_english_sentence_on_any_dutch_page(real_site):
    pages = sorted((real_site / "nl").rglob("*.html"))
    assert len(pages) > 50  # the real data has hundreds of providers and pledges
    problems: list[str] = []
    for page in pages:
        for sentence in english_sentences(visible_chunks(page.read_text(encoding="utf-8"))):
            problems.append(f"{page.relative_to(real_site)}: {sentence[:160]}")
    distinct = sorted({p.split(": ", 1)[1] for p in problems})
    assert not problems, f"{len(problems)} English sentences on Dutch pages ({len(distinct)} distinct), e.g.:\n" + "\n".join(
        problems[:40])


def test_pledge_names_on_dutch_pages_are_dutch_or_marked_english(real_site):
    """A pledge's `title` is the project's English name whatever the promise's language: on a Dutch page it shows the
    Dutch name (`title_nl`) when there is one, else the English name marked lang="en" — never English marked as Dutch."""
    import re

    import yaml

    data = real_site.parent / "data"  # not always beside the site: read the repository's data instead
    root = data if (data / "pledges").is_dir() else __import__("pathlib").Path(__file__).parents[2] / "data"
    with_nl, without_nl = None, None
    for path in sorted((root / "pledges").glob("*.yaml")):
        record = yaml.safe_load(path.read_text(encoding="utf-8"))
        if record.get("title_nl") and with_nl is None:
            with_nl = record
        if not record.get("title_nl") and without_nl is None:
            without_nl = record
    assert with_nl and without_nl
    from html import escape

    page = (real_site / "nl" / "pledges" / with_nl["id"] / "index.html").read_text(encoding="utf-8")
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1)
    assert escape(with_nl["title_nl"], quote=False) in h1 and 'lang="en"' not in h1
    assert f"<title>{escape(with_nl['title_nl'], quote=False)}" in page
    page = (real_site / "nl" / "pledges" / without_nl["id"] / "index.html").read_text(encoding="utf-8")
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1)
    assert 'lang="en"' in h1 and escape(without_nl["title"], quote=False) in h1
    english = (real_site / "en" / "pledges" / with_nl["id"] / "index.html").read_text(encoding="utf-8")
    assert escape(with_nl["title"], quote=False) in re.search(r"<h1[^>]*>(.*?)</h1>", english, re.S).group(1)
