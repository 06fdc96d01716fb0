"""tester12 F4: a form, a receipt, an unclassified paper (validity "none" in doctypes.toml) prove
nothing. `show` said "hiệu lực đến: vĩnh viễn" for them and `reuse OWNER` offered them as
still-valid papers; a clerk is told "không áp dụng", reuse lists only papers that prove
something, and `dossier reuse` refuses to put another dossier's form on a component."""

from __future__ import annotations

import json
from datetime import date

from archivist_helpers import opened, store
from click.testing import CliRunner

from sohoa.pipeline.settings import Settings

P = ("--purpose", "HS H19.22-0001")
OWNER = "075203001234"
PROCEDURE = "2.001610.000.00.00.H19"  # TP1 đơn đề nghị (application_form), TP2 căn cước
CODE = "H19.22-261207-0101"


def said(settings: Settings, *args: str) -> tuple[int, str, str]:
    from sohoa.cli.main import cli

    done = CliRunner().invoke(cli, ["--home", str(settings.home), *args],
                              env={"SOHOA_USER": "Lan"}, catch_exceptions=False)
    return done.exit_code, done.stdout, done.stderr


def seed(settings: Settings) -> dict[str, str]:
    """One owner's papers from an earlier dossier: an ID card and three that prove nothing."""
    with opened(settings) as archive:
        return {doc_type: store(archive, None, doc_type, doc_type=doc_type, title=title,
                                dossier="HS-0", issue_date=date(2024, 1, 1), owner_id=OWNER)
                for doc_type, title in (("citizen_id_card", "CĂN CƯỚC CÔNG DÂN"),
                                        ("application_form", "ĐƠN ĐỀ NGHỊ"),
                                        ("dossier_receipt", "GIẤY TIẾP NHẬN HỒ SƠ"),
                                        ("other", "THÔNG BÁO"))}


def test_reuse_offers_only_papers_that_prove_something_and_show_says_not_applicable(
        settings: Settings) -> None:
    from sohoa.api.web.officer import validity

    ids = seed(settings)
    code, out, err = said(settings, "reuse", OWNER, *P)
    assert code == 0, err
    assert ids["citizen_id_card"] in out and "vĩnh viễn" in out, out
    for doc_type in ("application_form", "dossier_receipt", "other"):
        assert ids[doc_type] not in out, (doc_type, out)
    code, out, _ = said(settings, "reuse", OWNER, "--json", *P)
    listed = [json.loads(line)["document_id"] for line in out.splitlines()]
    assert listed == [ids["citizen_id_card"]], out

    code, out, err = said(settings, "show", ids["dossier_receipt"], *P)
    assert code == 0, err
    assert "hiệu lực đến: không áp dụng (không phải giấy chứng nhận)" in out, out
    assert "vĩnh viễn" not in out, out
    _, out, _ = said(settings, "show", ids["application_form"], "--json", *P)
    doc = json.loads(out)
    assert doc["valid_until"] is None and doc["validity_applies"] is False, doc
    assert validity(doc, date(2026, 12, 7)).startswith("Không áp dụng"), doc
    _, out, _ = said(settings, "show", ids["citizen_id_card"], "--json", *P)
    doc = json.loads(out)
    assert doc["validity_applies"] is True
    assert validity(doc, date(2026, 12, 7)) == "Không ghi thời hạn"


def test_dossier_reuse_refuses_another_dossiers_form(settings: Settings) -> None:
    ids = seed(settings)
    code, _, err = said(settings, "dossier", "open", CODE, "--procedure", PROCEDURE,
                        "--owner", OWNER, "--unit", "H19.22", "--received", "2026-12-07T08:15")
    assert code == 0, err
    code, out, err = said(settings, "dossier", "reuse", CODE, ids["application_form"],
                          "--component", "TP1", *P)
    assert code == 2, (out, err)
    assert "không phải giấy chứng nhận" in err and "HS-0" in err, err
    code, _, err = said(settings, "dossier", "reuse", CODE, ids["other"], *P)
    assert code == 2 and "sohoa review type" in err, err
    _, out, _ = said(settings, "dossier", "show", CODE, "--json")
    assert all(c["document_id"] is None for c in json.loads(out)["components"]), out
    # a paper that proves something is still reused
    code, _, err = said(settings, "dossier", "reuse", CODE, ids["citizen_id_card"], *P)
    assert code == 0, err
    _, out, _ = said(settings, "dossier", "show", CODE, "--json")
    card = next(c for c in json.loads(out)["components"] if c["code"] == "TP2")
    assert card["document_id"] == ids["citizen_id_card"] and card["satisfied"] == "reused", out
