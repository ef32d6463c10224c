"""Realistic pages around the REAL pledge texts (tests only; the page furniture is synthetic).

Each page wraps a pledge's text the way providers' sites do: a navigation bar, a cookie banner,
inline and external scripts, a footer, typographic noise (curly quotes, a non-breaking space, a
soft hyphen, a zero-width space), and the text laid out in one of several ways: one paragraph,
one paragraph per sentence, list items, a table cell, inline <strong> around numbers, a heading
in capitals. The layout is picked from the pledge id, so every run serves the same pages.
"""

from __future__ import annotations

import hashlib
import html
import re
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
REAL = REPO / "data"

NAV = """<header><nav aria-label="Main"><ul><li><a href="/">Home</a></li><li><a href="/broadband">Broadband</a></li>
<li><a href="/energy">Energy</a></li><li><a href="/help">Help &amp; support</a></li><li><a href="/account">My account</a></li></ul></nav></header>"""
COOKIE = """<div class="cookie-banner" role="dialog"><p>We use cookies to make our site work and, with your consent,
to measure how it is used. You can accept all cookies or choose which ones we may set.</p>
<button>Accept all cookies</button><button>Manage preferences</button></div>"""
SCRIPTS = """<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}gtag('js',new Date());
var promise = "we promise nothing in scripts";</script><script src="/static/app.js" defer></script>"""
FOOTER = """<footer><p>© 2026 Example Provider Ltd. Registered in England and Wales. Company number 0000000.</p>
<ul><li><a href="/privacy">Privacy</a></li><li><a href="/terms">Terms and conditions</a></li><li><a href="/accessibility">Accessibility</a></li></ul></footer>"""
RELATED = """<aside><h2>Related articles</h2><ul><li><a href="/a">How to complain</a></li><li><a href="/b">Moving home</a></li>
<li><a href="/c">Check for outages in your area</a></li></ul></aside>"""


def _typography(text: str, salt: int) -> str:
    """The same words as publishers type them: curly quotes, a non-breaking space, a soft hyphen."""
    text = re.sub(r"'(\w)", "\u2018\\1", text).replace("'", "\u2019")
    text = re.sub(r'"(\w)', "\u201c\\1", text).replace('"', "\u201d")
    words = text.split(" ")
    if len(words) > 4:
        words[2] = words[2] + "\u00a0" + words[3]
        del words[3]
    long_words = [i for i, w in enumerate(words) if len(w) > 9 and w.isalpha()]
    if long_words:
        i = long_words[salt % len(long_words)]
        words[i] = words[i][:4] + "\u00ad" + words[i][4:]
    if len(long_words) > 1:
        i = long_words[(salt + 1) % len(long_words)]
        words[i] = words[i][:3] + "\u200b" + words[i][3:]
    return " ".join(words)


def _sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z“\"(])", text)
    return [p for p in parts if p.strip()]


def _numbers_strong(text: str) -> str:
    return re.sub(r"(?<![\w.])(\d+(?:[.,]\d+)?)(?![\w])", r"<strong>\1</strong>", text)


def body_html(text: str, layout: int) -> str:
    esc = html.escape
    if layout == 0:
        return f"<p>{esc(text)}</p>"
    if layout == 1:
        return "".join(f"<p>{esc(s)}</p>\n" for s in _sentences(text))
    if layout == 2:
        return "<ul>" + "".join(f"<li>{esc(s)}</li>" for s in _sentences(text)) + "</ul>"
    if layout == 3:
        return f"<table><tr><th>Our promise</th><td>{esc(text)}</td></tr></table>"
    return f"<div class=\"promise\"><p>{_numbers_strong(esc(text))}</p></div>"


def page(pledge_id: str, text: str) -> bytes:
    salt = int(hashlib.sha256(pledge_id.encode()).hexdigest(), 16)
    layout = salt % 5
    body = body_html(_typography(text, salt), layout)
    heading = "OUR SERVICE PROMISE" if salt % 3 == 0 else "Our service promise"
    doc = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{heading} | Example</title>
<link rel="stylesheet" href="/static/site.css">{SCRIPTS}</head><body>{COOKIE}{NAV}
<main><article><h1>{heading}</h1><p class="intro">Here is what you can expect from us, and what happens when we get
it wrong. Please read this page together with your terms and conditions.</p>
{body}
<p>If you have any questions about this page, our help pages explain how to get in touch with us.</p>
</article>{RELATED}</main>{FOOTER}</body></html>"""
    return doc.encode("utf-8")


JS_SHELL = b"""<!DOCTYPE html><html><head><title>Loading</title><script src="/static/bundle.js"></script>
<script>window.__STATE__={"route":"/promise"};</script></head><body><div id="root"></div>
<noscript>You need to enable JavaScript to run this app.</noscript></body></html>"""


def copy_real(root: Path, pledge_ids: list[str] | None = None) -> Path:
    """A data folder with the real sources, the real pledges (all, or those named) and their providers."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REAL / "sources", root / "sources")
    (root / "pledges").mkdir()
    (root / "providers").mkdir()
    (root / "status").mkdir()
    names = pledge_ids or sorted(p.stem for p in (REAL / "pledges").glob("*.yaml"))
    providers = set()
    for pid in names:
        source = REAL / "pledges" / f"{pid}.yaml"
        shutil.copyfile(source, root / "pledges" / source.name)
        match = re.search(r"^provider: (\S+)$", source.read_text(encoding="utf-8"), re.MULTILINE)
        assert match, pid
        providers.add(match.group(1))
    for provider in providers:
        shutil.copyfile(REAL / "providers" / f"{provider}.yaml", root / "providers" / f"{provider}.yaml")
    return root
