"""Files a maintainer downloaded by hand, read in place of the web (`pledges collect --files-from DIR`).

Some publishers' files reach the project as copies (a workbook saved from the publisher's page, a
mirror in an archive). Collecting them through the same collector keeps one parser and one set of
checks; only the transport differs. Each address a collector asks for is answered with the file in
DIR named like the address's last path segment, so the release still names the publisher's URL,
the SHA-256 is that of the bytes read, and nothing is fetched from the network.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .http import FetchError, Response

MAX_LOCAL_BYTES = 64 * 1024 * 1024  # the same order as the HTTP helper's body cap


class LocalFiles:
    """The part of HttpClient's interface that collectors use (get, fetch_many, close)."""

    def __init__(self, folder: Path, now: datetime | None = None):
        self.folder = Path(folder)
        self.now = (now or datetime.now(UTC)).replace(microsecond=0)

    def path_for(self, url: str) -> Path:
        name = unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1])
        return self.folder / name

    def get(self, url: str, **_: object) -> Response:
        path = self.path_for(url)
        if not path.name or "/" in path.name or path.name in (".", ".."):
            raise FetchError(f"no file name in {url} to look up in {self.folder}", url, final=True)
        try:
            if not path.is_file():
                raise FetchError(f"--files-from: {path} not found for {url} — put the file there under that name", url, final=True)
            if path.stat().st_size > MAX_LOCAL_BYTES:
                raise FetchError(f"--files-from: {path} is over {MAX_LOCAL_BYTES:,} bytes", url, final=True)
            body = path.read_bytes()
        except OSError as exc:
            raise FetchError(f"--files-from: cannot read {path}: {exc.strerror or exc}", url, final=True) from None
        return Response(url=url, status=200, body=body, headers={}, retrieved=self.now)

    def fetch_many(self, requests: list, stop_on_error: bool = False) -> list:
        results: list = []
        for url, _options in requests:
            try:
                results.append(self.get(url))
            except FetchError as exc:
                results.append(exc)
                if stop_on_error:
                    break
        return results

    def close(self) -> None:
        pass
