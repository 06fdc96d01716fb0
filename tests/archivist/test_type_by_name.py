"""Reviewer's note: listings print a paper's type by its Vietnamese name ("Giấy khai sinh"),
but --type took only the code. Both are taken, accents and case ignored, by the CLI's --type
and by the lookups the API shares; a name that is no type is still refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from archivist_helpers import opened, store
from click.testing import CliRunner

from sohoa.cli.main import cli
from sohoa.doctypes import DEFAULT_PATH, load_registry
from sohoa.errors import ConfigError
from sohoa.pipeline.settings import Settings


def test_a_type_is_taken_by_its_code_or_its_vietnamese_name(settings: Settings) -> None:
    registry = load_registry()
    for typed in ("birth_certificate", "Giấy khai sinh", "giay khai  sinh", "GIẤY KHAI SINH"):
        assert registry.code_of(typed) == "birth_certificate", typed
    for typed in ("Căn cước công dân / Thẻ căn cước", "the can cuoc", "căn cước công dân"):
        assert registry.code_of(typed) == "citizen_id_card", typed
    assert registry.code_of("giấy phép lái xe bay") is None
    # tester11 F18: the short names desks type
    for typed, code in (("CCCD", "citizen_id_card"), ("cmnd", "citizen_id_card"),
                        ("so do", "land_use_certificate"), ("GCNQSDĐ", "land_use_certificate"),
                        ("gks", "birth_certificate"), ("LLTP", "judicial_record")):
        assert registry.code_of(typed) == code, typed

    with opened(settings) as archive:
        card = store(archive, None, "card")
        birth = store(archive, None, "birth", doc_type="birth_certificate",
                      title="GIẤY KHAI SINH", retention="permanent")
    runner = CliRunner(env={"SOHOA_HOME": None, "SOHOA_USER": "lan",
                            "SOHOA_PURPOSE": "giải quyết hồ sơ"})
    home = ["--home", str(settings.home)]
    for typed, want in (("giay khai sinh", birth), ("Thẻ căn cước", card),
                        ("citizen_id_card", card)):
        done = runner.invoke(cli, [*home, "reuse", "075203001234", "--type", typed, "--json"])
        assert done.exit_code == 0, done.output
        rows = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
        assert [r["document_id"] for r in rows if "document_id" in r] == [want], (typed, rows)
    wrong = runner.invoke(cli, [*home, "reuse", "075203001234", "--type", "giấy phép bay"])
    assert wrong.exit_code == 2 and "Giấy khai sinh" in wrong.output, wrong.output

    # the reviewer's `review type` takes the name `review show` prints, too
    typed = runner.invoke(cli, [*home, "review", "type", card, "giay khai sinh", "--by", "lan"])
    assert typed.exit_code == 0, typed.output
    shown = json.loads(runner.invoke(cli, [*home, "show", card, "--json"]).stdout)
    assert shown["doc_type"] == "birth_certificate", shown["doc_type"]


def test_a_name_two_types_share_without_accents_is_refused_with_both(tmp_path: Path) -> None:
    """review11 L2: a home's doctypes.toml may declare a name that folds like another's: the
    first match is not taken silently; the accents, typed, tell them apart. And the đ: 'dang
    ky' finds 'đăng ký'."""
    assert load_registry().code_of("giay chung nhan dang ky doanh nghiep") == (
        "business_registration")
    text = DEFAULT_PATH.read_text(encoding="utf-8")
    start = text.index('[[type]]\ncode = "birth_certificate"')
    block = text[start:text.index("[[type]]", start + 1)]
    twin = block.replace('"birth_certificate"', '"birth_certificate_copy"').replace(
        'name = "Giấy khai sinh"', 'name = "Giấy khải sinh"')
    path = tmp_path / "doctypes.toml"
    path.write_text(text + "\n" + twin, encoding="utf-8")
    registry = load_registry(path)
    with pytest.raises(ConfigError, match=r"birth_certificate .*birth_certificate_copy"):
        registry.code_of("giay khai sinh")
    assert registry.code_of("Giấy khải sinh") == "birth_certificate_copy"
    assert registry.code_of("giấy khai sinh") == "birth_certificate"
