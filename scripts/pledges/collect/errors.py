"""The one error a collector raises: the source could not be collected, said in plain words."""

from __future__ import annotations


class CollectError(Exception):
    """The source could not be collected; the message says what was expected and what was found."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


