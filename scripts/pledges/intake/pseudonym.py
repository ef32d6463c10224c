"""The reporter's stable pseudonym: a keyed hash (HMAC-SHA-256) of the GitHub account, never the login.

The key is a secret (the repository secret PLEDGES_PSEUDONYM_KEY in the intake workflow; a fixed key in the
tests). With the key, the same account always gets the same pseudonym, so distinct reporters can be
counted; without it, nobody can test a guessed login against the published pseudonyms.
"""

from __future__ import annotations

import hashlib
import hmac
import os

KEY_VARIABLE = "PLEDGES_PSEUDONYM_KEY"
MIN_KEY_CHARS = 16


class KeyMissing(Exception):
    pass


def pseudonym(login: str, key: str | None = None) -> str:
    key = key if key is not None else os.environ.get(KEY_VARIABLE, "")
    if len(key) < MIN_KEY_CHARS:
        raise KeyMissing(f"{KEY_VARIABLE} is not set (or shorter than {MIN_KEY_CHARS} characters) — set it to the "
                         "project's secret key; it turns the account into a pseudonym that is published instead")
    # GitHub logins are case-insensitive: one account, one pseudonym.
    digest = hmac.new(key.encode("utf-8"), f"github:{login.strip().lower()}".encode(), hashlib.sha256)
    return "r-" + digest.hexdigest()[:12]
