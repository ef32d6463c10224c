"""Front matter as one line of JSON: YAML (MkDocs' reader) and json.loads (the theme hook's) read it alike, and the
hook's reader gives what MkDocs' gives, or hands the page to MkDocs' own."""

from __future__ import annotations

import yaml
from mkdocs.utils.meta import get_data

from pledges.site.frontmatter import front_matter, read_front_matter

HOSTILE = ["AT&T <script>x</script>", 'quote " and \\ backslash', "tab\tnew\nline\r", "emoji 😀 and 𝔸",
           "NEL \x85 LS \u2028 PS \u2029", "C1 \x80\x9f DEL \x7f", "BOM \ufeff non \ufffe\uffff", "é ß 中文 ‮rtl",
           "---", "...", "# not a comment", "key: value", "{flow: map}", "&anchor *alias !tag", "@`|>%"]


def _mkdocs_and_ours(doc: str) -> tuple[tuple, tuple, bool]:
    called = []

    def fallback(text: str):
        called.append(text)
        return get_data(text)

    return get_data(doc), read_front_matter(doc, fallback), bool(called)


def test_yaml_and_json_read_the_same_front_matter():
    for text in HOSTILE:
        for extra in ({}, {"feeds": [("../f/" + text + ".xml", text)], "search_exclude": True, "hide_toc": True}):
            doc = f"{front_matter(text, **extra)}\n\n<p>body</p>\n"
            mkdocs, ours, fell_back = _mkdocs_and_ours(doc)
            assert mkdocs[1], f"MkDocs lost the front matter of {text!r}"  # YAML read it: no lost title
            assert ours == mkdocs and not fell_back, text
            line = doc.split("\n")[1]
            assert yaml.load(line, Loader=yaml.SafeLoader) == yaml.load(line, Loader=yaml.CSafeLoader) == ours[1]


def test_anything_else_goes_to_mkdocs_own_reader():
    for doc in ["---\ntitle: YAML\n---\n\nbody", '---\n{"title": "n", "count": 1e5}\n---\nbody',  # 1e5: text to YAML
                '---\n{"title": "\\ud83d\\ude00"}\n---\nbody', "no front matter", '---\n{"title": "x"}\n',
                '---\n{"title": "x"}\n...\nbody', '---\n{"title": "x",\n "more": 1}\n---\nbody', "---\n{not json}\n---\nb",
                '---\n["a list"]\n---\nbody', '---\n{"nan": NaN}\n---\nbody']:
        mkdocs, ours, fell_back = _mkdocs_and_ours(doc)
        assert ours == mkdocs and fell_back, doc


def test_every_generated_page_is_read_quickly_and_alike(hostile_site):
    from pledges.site.i18n import REPO_ROOT

    docs = hostile_site.parent / "build" / "docs"
    # content/en/about.md is docs/en/about/index.md
    written_by_hand = {p.relative_to(REPO_ROOT / "content").with_suffix("") / "index.md"
                       for p in (REPO_ROOT / "content").rglob("*.md")}
    pages = sorted(docs.rglob("*.md"))
    assert len(pages) > 40 and written_by_hand
    for page in pages:
        mkdocs, ours, fell_back = _mkdocs_and_ours(page.read_text(encoding="utf-8"))
        assert ours == mkdocs and mkdocs[1].get("title"), page
        # every page we generate takes the quick way; content/'s own pages keep their YAML
        assert fell_back == (page.relative_to(docs) in written_by_hand), page
