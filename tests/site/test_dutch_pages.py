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
