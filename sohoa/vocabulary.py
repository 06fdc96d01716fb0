"""The words every face of sohoa uses for the same thing: one name per thing, so a clerk who
reads "bản gốc điện tử" on the web, in the CLI and in an archival package knows it is one form
of paper (review14a N1: one paper form had four names: "bản gốc điện tử", "bản điện tử gốc",
"bản số hóa từ bản giấy", "số hóa từ bản giấy").

Each screen, command, PDF and package takes its words from here; tests/test_vocabulary.py
refuses the other names anywhere else in the code."""

from __future__ import annotations

# What a stored paper is, as a person choosing one to reuse must know (tester13 F19): the
# issuer's own electronic original (a result `sohoa result add` stored as signed), an electronic
# copy certified from the original (Nghị định 23/2015: `sohoa certify copy`), or a digitized
# copy of a paper (a scan, signed by the agency or the desk officer). TT 01/2023 accepts these
# forms of a dossier's component, and they are not worth the same.
ORIGINAL = "original"
CERTIFIED_COPY = "certified_copy"
DIGITIZED_COPY = "digitized_copy"

# the full name: in sentences, on records, in packages
PAPER_FORM_NAMES = {ORIGINAL: "bản gốc điện tử",
                    CERTIFIED_COPY: "bản sao điện tử chứng thực từ bản chính",
                    DIGITIZED_COPY: "bản số hóa từ bản giấy"}
# the short name, where a table cell has room for two or three words
PAPER_FORM_SHORT = {ORIGINAL: "bản gốc điện tử",
                    CERTIFIED_COPY: "bản sao chứng thực",
                    DIGITIZED_COPY: "bản số hóa"}
# names that said the same and must not come back (tests/test_vocabulary.py)
RETIRED_NAMES = ("bản điện tử gốc", "số hóa từ bản giấy")


def sentence_start(words: str) -> str:
    """``words`` opening a sentence or a note: "Bản gốc điện tử"."""
    return words[:1].upper() + words[1:]
