"""Splitting a batch's pages into dossiers at each dossier-code sheet."""

from __future__ import annotations

from sohoa.scanners import Dossier, split_dossiers

A, B = "H19.22-241105-0042", "H19.22-241105-0043"


def test_new_dossier_at_each_code_sheet() -> None:
    assert split_dossiers([A, None, None, B, None]) == [
        Dossier(A, (0, 1, 2), False),
        Dossier(B, (3, 4), False),
    ]


def test_pages_before_the_first_code_are_kept_for_review() -> None:
    assert split_dossiers([None, None, A, None]) == [
        Dossier(None, (0, 1), True),
        Dossier(A, (2, 3), False),
    ]


def test_repeated_code_on_consecutive_pages_stays_one_dossier() -> None:
    # The receipt's back carries the code too, and a sheet fed twice repeats it.
    assert split_dossiers([A, A, None, A, B, B]) == [
        Dossier(A, (0, 1, 2, 3), False),
        Dossier(B, (4, 5), False),
    ]


def test_same_code_after_another_dossier_starts_again() -> None:
    assert [d.code for d in split_dossiers([A, B, A])] == [A, B, A]


def test_edge_cases() -> None:
    assert split_dossiers([]) == []
    assert split_dossiers([None]) == [Dossier(None, (0,), True)]
    every = split_dossiers([A, None, B, None, None])
    assert sorted(i for d in every for i in d.pages) == [0, 1, 2, 3, 4]  # nothing dropped
