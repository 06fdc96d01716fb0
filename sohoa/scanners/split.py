"""Cutting a batch's page stream into dossiers at each dossier-code sheet."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Dossier:
    code: str | None  # None: the "unassigned" pages before the first code sheet
    pages: tuple[int, ...]  # indices into the sequence given to split_dossiers
    needs_review: bool  # True for the unassigned pages


def opens_dossier(code: str | None, current_code: str | None) -> bool:
    """Does a page carrying ``code`` start a new dossier after one coded ``current_code``?"""
    return code is not None and code != current_code


def split_dossiers(codes: Sequence[str | None]) -> list[Dossier]:
    """One dossier per run of pages that starts at a page carrying a code.

    The code sheet belongs to its dossier (it is the receipt document). A page repeating the
    current code (the receipt's back, a sheet fed twice) stays in the same dossier rather than
    opening an empty twin. The same code coming back after another dossier starts a new
    dossier: the desk put the sheets there, and merging across other dossiers would hide it.
    Pages before the first code are kept as an unassigned dossier for review, never dropped.
    """
    dossiers: list[Dossier] = []
    current_code: str | None = None
    current: list[int] = []

    def close() -> None:
        if current:
            dossiers.append(Dossier(current_code, tuple(current), current_code is None))

    for index, code in enumerate(codes):
        if opens_dossier(code, current_code):
            close()
            current_code, current = code, []
        current.append(index)
    close()
    return dossiers
