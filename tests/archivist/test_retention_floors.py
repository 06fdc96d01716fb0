"""tester13 F10–F12: records destroyed before their time, on one person's say.

F10 — one archivist shortened a permanent marriage certificate's dossier to 1 year; F11 — a paper
archived a quarter of an hour before, unreviewed, with an OCR-read year, was listed and destroyed
the same day; F12 — the proposer approved his own list by typing someone else's name."""

from __future__ import annotations

from datetime import date

import pytest
from archivist_helpers import opened, signer_for, store
from click.testing import CliRunner

from sohoa.archive import disposal, retention
from sohoa.archive.archivist_models import RetentionOverride
from sohoa.archive.catalog import upsert
from sohoa.archive.values import utc_now, vietnam_today
from sohoa.cli.main import cli
from sohoa.doctypes import add_months, load_registry
from sohoa.errors import WorkflowError
from sohoa.pipeline.settings import Settings

REGISTRY = load_registry()
AS_OF = date(2025, 12, 1)
DOSSIER = "H19.22-261207-0301"


def _by_id(settings: Settings) -> dict[str, retention.Eligibility]:
    with opened(settings) as archive, archive.transaction(write=False) as conn:
        return {e.document_id: e for e in retention.evaluate(conn, registry=REGISTRY)}


def test_an_override_never_shortens_a_paper_below_its_type(settings: Settings) -> None:
    with opened(settings) as archive:
        marriage = store(archive, None, "kh", doc_type="marriage_certificate",
                         title="GIẤY CHỨNG NHẬN KẾT HÔN", retention="permanent", dossier=DOSSIER)
        card = store(archive, None, "cc", dossier=DOSSIER)
        store(archive, None, "cc2", dossier="HS-075-2015-0009")
        with pytest.raises(WorkflowError, match="vĩnh viễn không bao giờ được rút ngắn") as e:
            retention.set_override(archive, DOSSIER, years=1, counted_from="issue",
                                   reason="thử rút ngắn", by="luutru_an")
        assert "Giấy chứng nhận kết hôn (1 giấy tờ): vĩnh viễn" in str(e.value)
        # shorter than a timed type: refused too, the type named with its period
        with pytest.raises(WorkflowError, match=r"Căn cước.*10 năm"):
            retention.set_override(archive, "HS-075-2015-0009", years=5, counted_from="issue",
                                   reason="thử rút ngắn", by="luutru_an")
        assert retention.overrides(archive) == []
        # lengthening is free: permanently, or longer than every type in the dossier
        retention.set_override(archive, "HS-075-2015-0009", years=20, counted_from="issue",
                               reason="hồ sơ cần giữ lâu hơn", by="luutru_an")
        retention.set_override(archive, DOSSIER, years=None, counted_from="issue",
                               reason="giá trị lịch sử", by="luutru_an")
    got = _by_id(settings)
    assert got[marriage].eligible_on is None and got[card].eligible_on is None


def test_a_shortening_recorded_before_is_not_applied_and_says_so(settings: Settings) -> None:
    with opened(settings) as archive:
        marriage = store(archive, None, "kh", doc_type="marriage_certificate",
                         title="GIẤY CHỨNG NHẬN KẾT HÔN", retention="permanent", dossier=DOSSIER)
        card = store(archive, None, "cc", dossier=DOSSIER)
        with archive.transaction(write=True) as conn:  # as session 12 let one person write it
            upsert(conn, RetentionOverride.__table__, {
                "dossier_code": DOSSIER, "years": 1, "counted_from": "issue",
                "reason": "thử rút ngắn", "set_by": "luutru_an", "set_at": utc_now()},
                key=("dossier_code",), update=("years",))
        lst = disposal.propose(archive, registry=REGISTRY, as_of=AS_OF, note="hết hạn",
                               by="luutru_an")
        assert lst is not None
        listed = [i["document_id"] for i in disposal.get(archive, lst["list"])["items"]]
    assert listed == [card]  # past its own 10 years; the marriage certificate is not listed
    got = _by_id(settings)
    assert got[marriage].eligible_on is None and got[marriage].retention == "Vĩnh viễn"
    assert "ngắn hơn thời hạn của loại nên không áp dụng" in got[marriage].basis
    assert got[card].eligible_on == date(2022, 3, 1)  # its type's 10 years, not 1


def test_a_paper_archived_today_is_not_due_on_the_year_printed_on_it(
        settings: Settings) -> None:
    today = vietnam_today()
    with opened(settings) as archive:
        doc = store(archive, None, "uq", doc_type="citizen_id_card", issue_date=date(2014, 3, 5),
                    ingested_at=utc_now())
        assert disposal.propose(archive, registry=REGISTRY, as_of=today, note="hết hạn",
                                by="luutru_an") is None
    e = _by_id(settings)[doc]
    assert e.starts_on == today and e.eligible_on == add_months(today, 120)
    assert e.start_said.startswith(f"ngày lưu vào kho {today:%d/%m/%Y}")
    assert "ngày ban hành 05/03/2014 do máy đọc, chưa người xác nhận" in e.start_said


def test_an_unreviewed_paper_is_kept_off_the_list_with_the_reason(settings: Settings) -> None:
    signer = signer_for(settings)
    with opened(settings) as archive:
        seen = store(archive, signer, "a")
        unseen = store(archive, signer, "b", owner_id="075203009999", needs_review=True)
        plan = retention.plan(archive, as_of=AS_OF, registry=REGISTRY)
        lst = disposal.propose(archive, registry=REGISTRY, as_of=AS_OF, note="hết hạn",
                               by="luutru_an")
        assert lst is not None
        items = disposal.get(archive, lst["list"])["items"]
        apart = disposal.unreviewed_due(archive, as_of=AS_OF, registry=REGISTRY)
    assert [i["document_id"] for i in items] == [seen]
    # the list says how the date was obtained: the machine's reading, nobody confirmed it
    assert "ngày ban hành 01/03/2012 do máy đọc, chưa người xác nhận" in items[0]["basis"]
    assert [a["document_id"] for a in apart] == [unseen]
    assert "chưa được rà soát" in apart[0]["reason"]
    assert plan[0]["unreviewed"] == 1 and plan[0]["due"] == 1


def _cli(settings: Settings, user: str, *args: str) -> tuple[int, str, str]:
    ran = CliRunner().invoke(cli, ["--home", str(settings.home), "disposal", *args],
                             env={"SOHOA_USER": user})
    return ran.exit_code, ran.stdout, ran.stderr


def test_the_proposer_cannot_approve_under_another_name(settings: Settings) -> None:
    with opened(settings) as archive:
        store(archive, None, "a")
    code, out, err = _cli(settings, "luutru_an", "propose", "--as-of", "01/12/2025",
                          "--note", "hết thời hạn bảo quản")
    assert code == 0, err
    decision = ("--decision", "Quyết định số 12/QĐ-UBND")
    code, out, err = _cli(settings, "luutru_an", "approve", "1", *decision,
                          "--by", "Trần Thủ Trưởng")
    assert code == 2 and "không được phê duyệt danh mục của chính mình" in err, (out, err)
    code, out, err = _cli(settings, "thutruong_tam", "approve", "1", *decision,
                          "--by", "Trần Thủ Trưởng")
    assert code == 0, err
    # the runner is recorded beside the typed name, and said
    assert "bởi Trần Thủ Trưởng (người chạy lệnh: thutruong_tam)" in out, out
    with opened(settings) as archive:
        got = disposal.get(archive, 1, items=False)
        e = archive.audit_events(limit=5)
    assert got["approved_run_by"] == "thutruong_tam" and got["proposed_run_by"] == "luutru_an"
    assert any(x["action"] == "disposal.approved" and x["detail"]["runner"] == "thutruong_tam"
               for x in e)
    code, out, err = _cli(settings, "luutru_an", "show", "1")
    assert code == 0 and "căn cứ: loại Căn cước" in out, out

