"""Folded words and trimmed values: the small text helpers every field reader uses."""

from __future__ import annotations

import re

from sohoa.vntext import fold, squash_spaces


def _words(label: str) -> list[str]:
    return re.findall(r"[0-9a-z]+", fold(label))


_JUNK_EDGE = " ,;:-–—_.'\"`‘’“”|~*•"


def _text(value: str) -> str | None:
    value = squash_spaces(value).lstrip(_JUNK_EDGE).rstrip(" ,;:-–—_'\"`|~*•")
    value = value[:-1] if value.endswith(".") and not value.endswith("..") else value
    return value or None
