"""One paper form, one name on every face (review14a N1: "bản gốc điện tử" in `show` and the
reuse list, "bản điện tử gốc" in `dossier show`, the signature line and the web; "bản số hóa
từ bản giấy" and "số hóa từ bản giấy"): the names are sohoa/vocabulary.py's, and the retired
ones appear nowhere else in the code a clerk reads."""

from __future__ import annotations

from pathlib import Path

from sohoa.vntext import fold
from sohoa.vocabulary import PAPER_FORM_NAMES, PAPER_FORM_SHORT, RETIRED_NAMES

SOHOA = Path(__file__).resolve().parents[1] / "sohoa"
FACES = ("*.py", "*.html", "*.js", "*.toml", "*.txt", "*.j2")


def test_no_face_uses_a_retired_name_of_a_paper_form() -> None:
    found = []
    for pattern in FACES:
        for path in SOHOA.rglob(pattern):
            if path.name == "vocabulary.py":
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            for name in RETIRED_NAMES:
                # "bản số hóa từ bản giấy" is the name; "số hóa từ bản giấy" alone is not
                where = text.lower().replace(PAPER_FORM_NAMES["digitized_copy"].lower(), "")
                if name.lower() in where:  # "Bản điện tử gốc" opening a sentence too
                    found.append(f"{path.relative_to(SOHOA.parent)}: {name!r}")
    assert not found, found


def test_each_form_has_one_full_and_one_short_name_all_different() -> None:
    assert PAPER_FORM_NAMES.keys() == PAPER_FORM_SHORT.keys()
    for names in (PAPER_FORM_NAMES, PAPER_FORM_SHORT):
        assert len({fold(n) for n in names.values()}) == len(names)
    assert not set(RETIRED_NAMES) & set(PAPER_FORM_NAMES.values())


def test_dossier_show_and_the_signature_line_say_the_originals_one_name() -> None:
    from sohoa.cli.officer import ORIGINAL_SIGNATURE

    assert ORIGINAL_SIGNATURE.endswith(f"({PAPER_FORM_NAMES['original']})")
