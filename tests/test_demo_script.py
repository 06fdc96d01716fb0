"""scripts/demo.sh as a new user reads it (tester9 F2, F4): its narration in Vietnamese between
sohoa's Vietnamese output, and the demo dossier's code dated on Viet Nam's day."""

from __future__ import annotations

import re
from pathlib import Path

from test_messages import ENGLISH, NOT_PROSE

DEMO = Path(__file__).resolve().parent.parent / "scripts" / "demo.sh"


def _narration() -> list[str]:
    """What the demo prints itself: its step titles and echo lines."""
    lines = []
    for line in DEMO.read_text(encoding="utf-8").splitlines():
        m = re.match(r'\s*(?:step|echo)\s+"(.*)"', line) or re.search(
            r'\|\|\s*\{?\s*echo\s+"([^"]*)"', line)
        if m:
            lines.append(m.group(1))
    return lines


def test_the_narration_is_vietnamese() -> None:
    said = _narration()
    assert len(said) >= 15, said
    for text in said:
        prose = NOT_PROSE.sub(" ", re.sub(r"\$\(?[\w{}:-]+\)?|\$\([^)]*\)", " ", text))
        assert not ENGLISH.findall(prose), (ENGLISH.findall(prose), text)


def test_the_dossier_code_is_dated_on_viet_nams_day() -> None:
    """`date +%y%m%d` is the machine's day (UTC on servers): from 17:00 UTC the code named the
    day before the receipt sohoa printed beside it. sohoa's own clock gives the day (TZ= needs
    the tz database, and without it falls back to UTC without a word)."""
    script = DEMO.read_text(encoding="utf-8")
    assert not re.search(r"\bdate \+", script), "the machine's clock dates the demo"
    assert "CODE=H19.22-$(vietnam_day %y%m%d)-0001" in script
