"""Review rounds on a real catalog (SQLite, blobs, tantivy), without OCR: documents are stored
as ingest stores them, with their page analysis in the stage cache."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from PIL import Image, ImageDraw

import sohoa.archive.review_models  # noqa: F401  (registers review_events on Base.metadata)
from sohoa.archive import Archive
from sohoa.archive import review as review_rows
from sohoa.archive.catalog import current_revision, head_revision
from sohoa.cli.main import cli
from sohoa.errors import ConfigError, NotFoundError
from sohoa.ocr.classify import NgramModel
from sohoa.pipeline import review
from sohoa.pipeline.analysis import PAGE_STAGE
from sohoa.pipeline.codec import ocr_to_json
from sohoa.pipeline.services import load_type_model, open_archive
from sohoa.pipeline.settings import load_settings
from sohoa.pipeline.training import train_types
from sohoa.records import DocumentRecord, OcrPage, PageRecord, SignatureSummary, Word, sha256_hex
from sohoa.synth.typetexts import labelled_first_pages

JUDICIAL = """ỦY BAN NHÂN DÂN
THÀNH PHỐ BIÊN HÒA
Số: 12/2024/LLTP
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Biên Hòa, ngày 05 tháng 03 năm 2024
PHIẾU LÝ LỊCH TƯ PHÁP SỐ 1
Họ và tên: NGUYỄN VĂN AN
Giới tính: Nam
Ngày, tháng, năm sinh: 01/02/2003
Nơi sinh: Biên Hòa, Đồng Nai
Số định danh cá nhân: O75203001234
Tình trạng án tích: Không có án tích"""

RECEIPT = """UBND THÀNH PHỐ BIÊN HÒA
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ
Mã hồ sơ: H19.22-240305-0001
Họ và tên: NGUYỄN VĂN AN
Số định danh cá nhân: 075203001234"""


def _settings(home: Path, **env: str):  # type: ignore[no-untyped-def]
    return load_settings(home=home, environ={f"SOHOA_{k.upper()}": v for k, v in env.items()})


def _page(text: str, seed: str) -> tuple[bytes, OcrPage]:
    """A real PNG page and its page analysis: one word box per word, one line per text line."""
    width, line_h = 1000, 40
    lines = text.splitlines()
    img = Image.new("L", (width, 60 + line_h * len(lines)), 255)
    draw = ImageDraw.Draw(img)
    words = []
    for n, line in enumerate(lines):
        x = 40
        for token in line.split():
            w = 12 * len(token)
            draw.rectangle((x, 30 + n * line_h, x + w, 30 + n * line_h + 24), outline=0)
            words.append(Word(token, x, 30 + n * line_h, w, 24, 90.0, 0, n))
            x += w + 12
    draw.text((4, 4), seed, fill=0)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    data = buf.getvalue()
    ocr = OcrPage(page_sha256=sha256_hex(data), rotation=0, skew=0.0, width=img.width,
                  height=img.height, dpi=200, words=tuple(words), text=text, confidence=0.9)
    return data, ocr


def _store(archive: Archive, seed: str, text: str, doc_type: str, *, fields: dict,
           owner_id: str | None, needs_review: bool, reasons: tuple[str, ...] = (),
           flags: tuple[str, ...] = (), extra: dict | None = None) -> str:
    image, ocr = _page(text, seed)
    page = PageRecord(source=f"/scans/{seed}.pdf", index=0, sha256=ocr.page_sha256,
                      side="front", rotation=0, skew=0.0, confidence=0.9,
                      blob_sha256=ocr.page_sha256)
    pdf = f"%PDF-1.7 {seed}".encode()
    key = hashlib.sha256(ocr.page_sha256.encode()).hexdigest()
    rec = DocumentRecord(
        doc_key=key, dossier_code="H19.22-240305-0001", unit="H19.22", doc_type=doc_type,
        title=text.splitlines()[6 if doc_type == "judicial_record" else 2], owner_id=owner_id,
        owner_kind="person" if owner_id else None, owner_name="Nguyễn Văn An",
        fields=fields, field_flags=flags, text=text, pages=(page,), confidence=0.9,
        needs_review=needs_review, review_reasons=reasons, pdf_sha256=sha256_hex(pdf),
        pdf_size=len(pdf),
        signature=SignatureSummary("B-B", "THỬ NGHIỆM", datetime(2024, 3, 5, tzinfo=UTC)),
        issue_date=date(2024, 3, 5), retention="years:10",
        ingested_at=datetime(2024, 3, 5, tzinfo=UTC), extra=extra or {})
    archive.cache_put(PAGE_STAGE, ocr.page_sha256, {
        "page_sha256": ocr.page_sha256, "blank": False, "code": None, "ocr": ocr_to_json(ocr)})
    doc_id, created = archive.store_document(rec, pdf, [image])
    assert created
    return doc_id


@pytest.fixture
def home(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A flagged judicial record (ID misread), a confident receipt, and 10 confident others."""
    settings = _settings(tmp_path)
    ids: dict[str, str] = {}
    with open_archive(settings) as archive:
        ids["flagged"] = _store(
            archive, "flagged", JUDICIAL, "judicial_record", needs_review=True, owner_id=None,
            fields={"full_name": "Nguyễn Văn An", "id_number": "O75203001234",
                    "date_of_birth": "2003-02-01", "sex": "Nam", "issue_date": "2024-03-05",
                    "document_number": "12/2024/LLTP"},
            flags=("id_number: 2 readings of 'O75203001234' are valid; read the paper",),
            reasons=("owner: no owner could be read from the document or its dossier",
                     "id_number: 2 readings of 'O75203001234' are valid; read the paper"))
        ids["receipt"] = _store(
            archive, "receipt", RECEIPT, "dossier_receipt", needs_review=False,
            owner_id="075203001234",
            fields={"full_name": "Nguyễn Văn An", "id_number": "075203001234",
                    "dossier_code": "H19.22-240305-0001"})
        for n in range(10):
            ids[f"c{n}"] = _store(
                archive, f"c{n}", RECEIPT + f"\nGhi chú: {n}", "dossier_receipt",
                needs_review=False, owner_id="075203001234",
                fields={"full_name": "Nguyễn Văn An", "id_number": "075203001234"})
    return tmp_path, ids


def test_catalog_migrates_to_the_review_revision(home: tuple[Path, dict[str, str]]) -> None:
    settings = _settings(home[0])
    # 0003 added the review table; later revisions build on it.
    assert int(head_revision()) >= 3
    with open_archive(settings) as archive:
        assert current_revision(archive._reader) == head_revision()
        assert review_rows.events(archive) == []


def test_sampling_is_deterministic_and_near_the_ratio() -> None:
    ids = [hashlib.sha256(str(n).encode()).hexdigest()[:16] for n in range(20_000)]
    picked = [i for i in ids if review.sampled(i, 1, 0.05)]
    assert 0.04 < len(picked) / len(ids) < 0.06
    assert picked == [i for i in ids if review.sampled(i, 1, 0.05)]
    # Each round draws its own sample.
    assert set(picked) != {i for i in ids if review.sampled(i, 2, 0.05)}
    assert not any(review.sampled(i, 1, 0.0) for i in ids[:500])
    assert all(review.sampled(i, 1, 1.0) for i in ids[:500])


def test_round_one_lists_flagged_documents_and_a_sample(
        home: tuple[Path, dict[str, str]]) -> None:
    root, ids = home
    waiting = review.pending(_settings(root, review_sample_ratio="0"))
    assert [w["document_id"] for w in waiting] == [ids["flagged"]]
    assert waiting[0]["round"] == 1 and waiting[0]["why"] == "cần kiểm tra"
    assert set(waiting[0]["fields_to_check"]) == {"owner_id", "id_number"}

    everything = review.pending(_settings(root, review_sample_ratio="1"))
    assert len(everything) == 12 and everything[0]["document_id"] == ids["flagged"]
    sample = review.pending(_settings(root))  # 5 %
    expected = {i for i in ids.values() if review.sampled(i, 1, 0.05)} | {ids["flagged"]}
    assert {w["document_id"] for w in sample} == expected


def test_a_correction_updates_document_owner_audit_and_search(
        home: tuple[Path, dict[str, str]]) -> None:
    root, ids = home
    settings = _settings(root)
    doc = ids["flagged"]
    with pytest.raises(ConfigError, match="mã tỉnh 999 không tồn tại"):
        review.decide(settings, "Trần Thị Bình", "set", doc, "id_number", "999203001234")
    with pytest.raises(ConfigError, match="--by"):
        review.decide(settings, " ", "set", doc, "id_number", "075203001234")
    with pytest.raises(ConfigError, match="không phải là trường của loại judicial_record"):
        review.decide(settings, "Bình", "set", doc, "enterprise_code", "0301234567")
    with pytest.raises(NotFoundError):
        review.decide(settings, "Bình", "set", "0000000000000000", "id_number", "075203001234")

    result = review.decide(settings, "Trần Thị Bình", "set", doc, "id_number",
                           "075 203 001 234", reason="read on the paper")
    assert result["correction"] and result["old"] == "O75203001234"
    assert result["new"] == "075203001234" and result["owner_id"] == "075203001234"
    assert result["needs_review"] is False and result["reasons"] == []

    with open_archive(settings) as archive:
        stored = archive.get_document(doc)
        assert stored["owner_id"] == "075203001234" and stored["needs_review"] is False
        assert stored["fields"]["id_number"] == "075203001234"
        assert stored["field_flags"] == [] and stored["extra"]["owner_from"] == "review"
        events = archive.audit_events(target=doc)
        assert events[0]["action"] == "review.corrected"
        assert events[0]["actor"] == "Trần Thị Bình"
        assert events[0]["detail"] == {"round": 1, "field": "id_number", "old": "O75203001234",
                                       "new": "075203001234", "reason": "read on the paper"}
        assert archive.audit_verify()[0]
        valid = archive.reuse("075203001234", valid_on=date(2024, 4, 1))
        assert doc in [r["document_id"] for r in valid]
        archive.sync_index()
        hits = archive.search("lý lịch tư pháp", owner="075203001234")
        assert [h["document_id"] for h in hits] == [doc]
        (row,) = review_rows.events(archive, [doc])
    assert row["action"] == "correct" and row["produced_by"] == "sohoa"
    assert row["reviewer"] == "Trần Thị Bình" and row["at"]


def test_two_rounds_cross_checked_and_error_rates(home: tuple[Path, dict[str, str]]) -> None:
    root, ids = home
    settings = _settings(root, review_sample_ratio="0")
    doc = ids["flagged"]
    review.decide(settings, "Bình", "set", doc, "id_number", "075203001234")
    review.decide(settings, "Bình", "set", doc, "full_name", "nguyễn văn  an")  # a confirmation
    accepted = review.decide(settings, "Bình", "accept", doc)
    assert accepted["round"] == 1 and accepted["next_round"] == 2
    # Round 2 cross-checks what round 1 corrected, and not by the same person.
    assert [(w["document_id"], w["round"]) for w in review.pending(settings)] == [(doc, 2)]
    with pytest.raises(ConfigError, match="phải do người khác làm"):
        review.decide(settings, "Bình", "accept", doc)
    review.decide(settings, "Cường", "set", doc, "issue_date", "ngày 06 tháng 3 năm 2024")
    review.decide(settings, "Cường", "accept", doc)
    assert review.pending(settings) == []

    stats = review.stats(settings)
    fields = stats["fields"]
    assert fields["id_number"] == {"checks": 2, "errors": 1, "error_rate": 0.5}
    assert fields["issue_date"] == {"checks": 2, "errors": 1, "error_rate": 0.5}
    assert fields["full_name"]["errors"] == 0 and fields["full_name"]["checks"] == 2
    # Round 1 checked recognition's values; round 2 checked Bình's.
    assert stats["operators"]["sohoa"]["errors"] == 1
    assert stats["operators"]["Bình"]["errors"] == 1
    assert stats["reviewers"]["Cường"]["errors"] == 1
    assert stats["documents_accepted"] == {"1": 1, "2": 1}
    with open_archive(settings) as archive:
        assert archive.get_document(doc)["issue_date"] == "2024-03-06"


def test_accept_refuses_a_document_without_owner(home: tuple[Path, dict[str, str]]) -> None:
    root, ids = home
    with pytest.raises(ConfigError, match="chưa có chủ sở hữu"):
        review.decide(_settings(root), "Bình", "accept", ids["flagged"])


def test_type_correction_reads_fields_again_and_trains_the_classifier(
        home: tuple[Path, dict[str, str]]) -> None:
    root, ids = home
    settings = _settings(root)
    doc = ids["receipt"]
    with pytest.raises(NotFoundError, match="các loại đã khai báo"):
        review.decide(settings, "Bình", "type", doc, "passport")
    result = review.decide(settings, "Bình", "type", doc, "judicial_record", reason="test")
    assert result["correction"] and result["doc_type"] == "judicial_record"
    with open_archive(settings) as archive:
        stored = archive.get_document(doc)
    assert stored["doc_type"] == "judicial_record" and stored["retention"] == "years:10"
    assert stored["extra"]["classification"]["method"] == "review"
    review.decide(settings, "Bình", "type", ids["c1"], "dossier_receipt")  # a confirmation

    report = train_types(settings, generated=labelled_first_pages(2, seed=3))
    assert report["catalog"] == 2 and report["types"]["judicial_record"]["catalog"] == 1
    assert report["types"]["birth_certificate"]["synthetic"] == 4  # 2 and their rough twins
    assert report["held_out"]["examples"] > 0
    assert 0.0 <= report["held_out"]["accuracy"] <= 1.0
    model = load_type_model(settings)
    assert isinstance(model, NgramModel) and "judicial_record" in model.labels
    assert load_type_model(settings) is model  # read once per process


def test_training_without_labels_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="--synthetic"):
        train_types(_settings(tmp_path))


def test_show_crops_the_field_and_logs_the_read(home: tuple[Path, dict[str, str]]) -> None:
    root, ids = home
    settings = _settings(root)
    result = review.show(settings, ids["flagged"], "id_number", root / "out", user="Bình")
    (image,) = result["images"]
    crop = Image.open(image["path"])
    assert crop.width < 1000 and crop.height < 200
    assert "O75203001234" in result["ocr_text"]
    assert result["round"] == 1 and result["reasons"]
    whole = review.show(settings, ids["flagged"], None, root / "out", user="Bình")
    assert Path(whole["images"][0]["path"]).name.endswith("-p1.png")
    with pytest.raises(ConfigError, match="không phải là trường"):
        review.show(settings, ids["flagged"], "enterprise_name", root / "out", user="Bình")
    with open_archive(settings) as archive:
        reads = archive.access_events(document=ids["flagged"])
    assert len(reads) == 2 and reads[0]["user"] == "Bình"


def test_review_settings(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    assert (settings.review_rounds, settings.review_sample_ratio) == (2, 0.05)
    assert _settings(tmp_path, review_rounds="1").review_rounds == 1
    with pytest.raises(ConfigError, match=r"review\.rounds"):
        _settings(tmp_path, review_rounds="0")
    with pytest.raises(ConfigError, match="sample_ratio"):
        _settings(tmp_path, review_sample_ratio="1.5")


def _cli(home: Path, *args: str) -> Result:
    env = {"SOHOA_HOME": str(home), "SOHOA_REVIEW_SAMPLE_RATIO": "0"}
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def test_cli_review_round_trip(home: tuple[Path, dict[str, str]]) -> None:
    root, ids = home
    doc = ids["flagged"]
    listed = _cli(root, "review", "--json")
    assert listed.exit_code == 0, listed.output
    assert [json.loads(x)["document_id"] for x in listed.stdout.splitlines()] == [doc]
    bad = _cli(root, "review", "set", doc, "id_number", "12345", "--by", "Bình")
    assert bad.exit_code == 2 and "Hãy đối chiếu với giấy; nếu giấy ghi đúng như vậy" in bad.stderr
    # A unique prefix names the paper, as `review show` takes it; an unknown id is exit 5
    # "not found", not "no longer kept" (tester10 F16).
    for verb in (("set", "id_number", "1"), ("type", "decision"), ("accept",)):
        unknown = _cli(root, "review", verb[0], "zzzz", *verb[1:], "--by", "Bình")
        assert unknown.exit_code == 5, unknown.output
        assert "không có giấy tờ zzzz trong kho" in unknown.stderr, unknown.stderr
    # A command that changes the paper wants 8+ characters: a short prefix that happens to
    # be unique could be another citizen's paper (review10b C).
    for verb in (("set", "id_number", "075203001234"), ("type", "decision"), ("accept",)):
        short = _cli(root, "review", verb[0], doc[:6], *verb[1:], "--by", "Bình")
        assert short.exit_code == 2, short.output
        assert "ít nhất 8 ký tự" in short.stderr, short.stderr
    done = _cli(root, "review", "set", doc[:8], "id_number", "075203001234", "--by", "Bình",
                "--json")
    assert done.exit_code == 0 and json.loads(done.stdout)["needs_review"] is False, done.output
    assert json.loads(done.stdout)["document_id"] == doc  # the full id it resolved to
    accepted = _cli(root, "review", "accept", doc[:8], "--by", "Bình")
    assert accepted.exit_code == 0 and "lượt 1 đã được" in accepted.stdout
    assert accepted.stdout.startswith(doc), accepted.stdout
    stats = _cli(root, "review", "stats", "--json")
    assert json.loads(stats.stdout)["fields"]["id_number"]["errors"] == 1
    # plain output names the field by its caption, not its key (tester 9, F20 addendum)
    plain = _cli(root, "review", "stats")
    assert "Số định danh cá nhân" in plain.stdout and "id_number" not in plain.stdout, plain.stdout
    shown = _cli(root, "review", "show", doc, "--field", "full_name", "--json")
    assert shown.exit_code == 0 and Path(json.loads(shown.stdout)["images"][0]["path"]).is_file()
    helped = _cli(root, "--help")
    assert "Rà soát (reviewers)" in helped.stdout and "types" in helped.stdout


def test_cli_types_train_and_list(tmp_path: Path) -> None:
    trained = _cli(tmp_path, "types", "train", "--synthetic", "1")
    assert trained.exit_code == 0, trained.output
    # tester12 F19: each type by its name, the code after it (the table printed codes alone)
    for named in ("Giấy khai sinh (birth_certificate)", "Quyết định (decision)",
                  "Căn cước công dân / Thẻ căn cước (citizen_id_card)"):
        assert named in trained.stdout, trained.stdout
    model = tmp_path.resolve() / "models" / "types.npz"
    assert NgramModel.load(model).labels
    listed = _cli(tmp_path, "types", "list", "--json")
    assert "dossier_receipt" in {json.loads(x)["code"] for x in listed.stdout.splitlines()}


def test_ingest_assembly_consults_the_trained_model() -> None:
    from sohoa.doctypes import load_registry
    from sohoa.pipeline.analysis import PageAnalysis
    from sohoa.pipeline.assemble import PageItem, draft_dossier
    from sohoa.records import Page

    model = NgramModel.train(
        ["Thửa đất số 12, tờ bản đồ số 3. Diện tích 120 m². Mục đích sử dụng: đất ở",
         "Thửa đất số 7, tờ bản đồ số 9. Diện tích 80 m². Nguồn gốc sử dụng: nhận chuyển nhượng",
         "Bên ủy quyền và bên được ủy quyền. Nội dung ủy quyền: nộp hồ sơ",
         "Thời hạn ủy quyền kể từ ngày ký. Bên được ủy quyền nhận kết quả"],
        ["land_use_certificate", "land_use_certificate", "power_of_attorney",
         "power_of_attorney"])
    text = "Diện tích: 120 m². Thửa đất số 12, tờ bản đồ số 3.\nMục đích sử dụng: đất ở"
    page = Page(source="b.pdf", index=0, source_sha256="0" * 64, data=b"p", mime="image/png",
                width=100, height=100, dpi=200)
    ocr = OcrPage(page_sha256=page.sha256, rotation=0, skew=0.0, width=100, height=100, dpi=200,
                  words=(), text=text, confidence=0.9)
    items = [PageItem(page, PageAnalysis(page.sha256, False, None, ocr))]
    (without,) = draft_dossier(items, "H19.22-240305-0001", load_registry(), 0.6)
    (with_model,) = draft_dossier(items, "H19.22-240305-0001", load_registry(), 0.6,
                                  model=model)
    assert without.classification.doc_type == "other"
    assert with_model.classification.method == "model"
    assert with_model.classification.doc_type == "land_use_certificate"


MARRIAGE = """UBND PHƯỜNG TÂN PHONG
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
GIẤY CHỨNG NHẬN KẾT HÔN
Họ và tên chồng: Nguyễn Văn An
Ngày sinh: 01/02/1993
Số định danh cá nhân: 075203001234
Họ và tên vợ: Lê Thị Hoa"""


def test_reasons_are_vietnamese_and_name_the_field_once(
        home: tuple[Path, dict[str, str]]) -> None:
    """What older catalogs hold in English ("owner: …", "id_number: id_number: …") and what
    recognition writes now are both said in Vietnamese, the field named once."""
    root, _ = home
    settings = _settings(root, review_sample_ratio="0")
    [waiting] = review.pending(settings)
    assert waiting["reasons"] == [
        "Chủ sở hữu: không đọc được chủ sở hữu trên giấy tờ hay trong hồ sơ",
        "Số định danh cá nhân: 2 cách đọc của 'O75203001234' đều hợp lệ; đối chiếu với giấy"]
    with open_archive(settings) as archive:
        doubled = _store(
            archive, "doubled", JUDICIAL + "\nGhi chú: x", "judicial_record", needs_review=True,
            owner_id="075203001234", fields={"id_number": "075203001234"},
            flags=("id_number: id_number: printed twice, read as 075203001234 and "
                   "075203001284",),
            reasons=("id_number: id_number: printed twice, read as 075203001234 and "
                     "075203001284", "document type uncertain (0.41)", "low OCR confidence (0.52)"))
    shown = review.show(settings, doubled, None, root / "shown", user="Bình")
    assert shown["reasons"] == [
        "Số định danh cá nhân: in hai lần, đọc thành 075203001234 và 075203001284",
        "Loại giấy tờ: chưa chắc chắn (độ tin cậy 0,41)",
        "Nhận dạng chữ: độ tin cậy thấp (0,52)"]
    listed = _cli(root, "review")
    assert listed.exit_code == 0, listed.output
    assert "id_number: id_number" not in listed.output and "printed twice" not in listed.output
    assert "in hai lần" in listed.output and "owner:" not in listed.output

    # What recognition writes today: the field's Vietnamese name, once, then why.
    from sohoa.doctypes import load_registry
    from sohoa.ocr.fields.extract import extract_fields
    flags = extract_fields("citizen_id_card", "Số định danh cá nhân: 999180954281\n"
                           "Ngày sinh: 01/02/1980\nGiới tính: Nữ", load_registry()).flags()
    assert flags == ["Số định danh cá nhân: mã tỉnh 999 không tồn tại"], flags


def test_a_corrected_birth_date_settles_the_reasons_it_caused(
        home: tuple[Path, dict[str, str]]) -> None:
    """A marriage certificate whose husband's birth date was misread: his ID number failed
    against it, so the receipt's applicant (him) was not found among the people it names and
    the document waited without an owner. Correcting the date checks the number again and
    finds the owner; a date still wrong says so again, in Vietnamese, instead of the old
    reasons."""
    root, _ = home
    settings = _settings(root, review_sample_ratio="0")
    with open_archive(settings) as archive:
        doc = _store(
            archive, "marriage", MARRIAGE, "marriage_certificate", needs_review=True,
            owner_id=None, fields={"full_name": "Nguyễn Văn An", "id_number": "075203001234",
                                   "date_of_birth": "1993-02-01", "sex": "Nam"},
            flags=("id_number: birth year 1993 does not match the number (2003)",),
            reasons=("owner: the document names several people and the dossier's receipt "
                     "names none of them",
                     "id_number: birth year 1993 does not match the number (2003)"))

    still = review.decide(settings, "Trần Thị Bình", "set", doc, "date_of_birth", "1994-02-01")
    assert still["owner_id"] is None and still["needs_review"] is True
    assert still["reasons"] == [
        "Số định danh cá nhân: năm sinh 1994 không khớp với số (2003)",
        "Chủ sở hữu: giấy tờ ghi nhiều người và giấy tiếp nhận của hồ sơ không ghi ai trong "
        "số đó"]

    fixed = review.decide(settings, "Trần Thị Bình", "set", doc, "date_of_birth", "01/02/2003")
    assert fixed["new"] == "2003-02-01"
    assert fixed["owner_id"] == "075203001234"  # the receipt's applicant, named on the paper
    assert fixed["reasons"] == [] and fixed["needs_review"] is False
    with open_archive(settings) as archive:
        stored = archive.get_document(doc)
    assert stored["field_flags"] == [] and stored["review_reasons"] == []
    assert stored["owner_id"] == "075203001234"


def test_cli_review_names_fields_by_their_labels(home: tuple[Path, dict[str, str]],
                                                 tmp_path: Path) -> None:
    """tester9 F27/F37: the reviewer read 'cần kiểm tra kiểm tra: doc_type, owner_id', field
    codes in `review show`, and 'issue_date đã sửa (None → 2020-12-31)'."""
    import re

    root, ids = home
    doc = ids["flagged"]
    codes = re.compile(r"\b(full_name|id_number|owner_id|doc_type|issue_date|date_of_birth|"
                       r"document_number|None)\b")
    listed = _cli(root, "review").stdout
    assert "kiểm tra kiểm tra" not in listed, listed
    assert "cần kiểm tra: Số định danh cá nhân, Chủ sở hữu" in listed, listed
    assert "(judicial_record)" in listed and not codes.search(listed), listed
    as_json = json.loads(_cli(root, "review", "--json").stdout.splitlines()[0])
    assert set(as_json["fields_to_check"]) == {"owner_id", "id_number"}  # --json keeps codes

    shown = _cli(root, "review", "show", doc, "-o", str(tmp_path)).stdout
    assert "Họ và tên: Nguyễn Văn An" in shown and "Ngày sinh: 01/02/2003" in shown, shown
    assert "Ngày cấp: 05/03/2024" in shown, shown
    fields = [line for line in shown.split("văn bản nhận dạng được")[0].splitlines()]
    assert not [f for f in fields if codes.search(f)], shown

    cleared = _cli(root, "review", "set", doc, "document_number", "", "--by", "Bình")
    assert cleared.exit_code == 0, cleared.output
    assert "Số, ký hiệu đã sửa (12/2024/LLTP → (trống))" in cleared.stdout, cleared.stdout
    # the caption shown is accepted where the key is (with or without its accents)
    dated = _cli(root, "review", "set", doc, "ngay cap", "31/12/2020", "--by", "Bình")
    assert dated.exit_code == 0, dated.output
    assert "Ngày cấp đã sửa (05/03/2024 → 31/12/2020)" in dated.stdout, dated.stdout
    again = _cli(root, "review", "show", doc, "-o", str(tmp_path)).stdout
    assert "Số, ký hiệu: (trống)" in again, again
    kept = json.loads(_cli(root, "review", "set", doc, "issue_date", "2020-12-30", "--by",
                           "Bình", "--json").stdout)
    assert (kept["field"], kept["old"], kept["new"]) == ("issue_date", "2020-12-31",
                                                         "2020-12-30")


def test_cli_types_list_says_owner_and_validity_in_words(tmp_path: Path) -> None:
    """tester9 F27: `types list` showed 'id_number', 'permanent', 'until:expiry_date…'."""
    import re

    text = CliRunner().invoke(cli, ["types", "list"], env={"COLUMNS": "400"}).stdout
    assert not re.search(r"\b(id_number|enterprise_code|permanent|until|months|none)\b",
                         text), text
    row = next(line for line in text.splitlines() if line.startswith("residence_confirmation"))
    assert "Số định danh cá nhân" in row and "đến ngày ghi ở “Có giá trị đến” (không đọc " \
        "được thì 1 tháng kể từ ngày cấp)" in row, row
    assert "6 tháng kể từ ngày cấp" in text and "vĩnh viễn" in text
    listed = _cli(tmp_path, "types", "list", "--json")
    codes = {json.loads(x)["code"]: json.loads(x) for x in listed.stdout.splitlines()}
    assert codes["judicial_record"]["validity"] == "months:6"  # --json keeps the rule


def test_a_type_correction_keeps_what_was_read(home: tuple[Path, dict[str, str]]) -> None:
    """tester11 F16: a retype read the fields again and lost the ones read right. A field the new
    type lists keeps its value when the new reading has none; one it does not list is set
    aside (extra), and comes back when a later type lists it."""
    root, ids = home
    settings = _settings(root)
    doc = ids["flagged"]
    review.decide(settings, "Bình", "type", doc, "other")
    with open_archive(settings) as archive:
        stored = archive.get_document(doc)
    assert stored["fields"]["full_name"] == "Nguyễn Văn An"
    assert stored["fields"]["document_number"] == "12/2024/LLTP"
    assert stored["fields"]["date_of_birth"] == "2003-02-01"  # 'other' lists it too
    assert "sex" not in stored["fields"]
    assert stored["extra"]["set_aside"] == {"doc_type": "judicial_record",
                                            "fields": {"sex": "Nam"}}
    review.decide(settings, "Bình", "type", doc, "judicial_record")
    with open_archive(settings) as archive:
        back = archive.get_document(doc)
    assert back["fields"]["date_of_birth"] == "2003-02-01" and back["fields"]["sex"] == "Nam"
    assert "set_aside" not in back["extra"]


def test_review_show_says_the_papers_signer_and_ink(tmp_path: Path) -> None:
    """tester15 F4's reason "Người ký: máy đọc là … đối chiếu với giấy" asks the reviewer to
    compare the signer read with the paper: `review show` (and the reviewer's web page, from
    the same result) says the signer and the seals and hand signatures found, as `show` does."""
    settings = _settings(tmp_path)
    reason = ("Người ký: máy đọc là “Trần Bao Mỹ” và đã sửa thành “Trần Bảo Mỹ” ở trang 1 "
              "của /scans/qd.pdf; đối chiếu với giấy")
    with open_archive(settings) as archive:
        doc = _store(archive, "signed", RECEIPT, "dossier_receipt", needs_review=True,
                     owner_id="075203001234", reasons=(reason,),
                     fields={"full_name": "Nguyễn Văn An", "id_number": "075203001234"},
                     extra={"signer": {"title": "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH",
                                       "name": "Trần Bảo Mỹ"},
                            "ink_marks": [{"kind": "seal", "page": 1, "left": 10, "top": 20,
                                           "width": 300, "height": 300}]})
    shown = _cli(tmp_path, "review", "show", doc, "-o", str(tmp_path / "crops"))
    assert shown.exit_code == 0, shown.output
    assert "  người ký: KT. CHỦ TỊCH / PHÓ CHỦ TỊCH — Trần Bảo Mỹ\n" in shown.stdout, shown.stdout
    assert "  dấu, chữ ký tay: dấu ở trang 1 (x 10, y 20, 300×300 điểm ảnh)" in shown.stdout
    as_json = json.loads(_cli(tmp_path, "review", "show", doc, "-o", str(tmp_path / "crops"),
                              "--json").stdout)
    assert as_json["signer"] == "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH — Trần Bảo Mỹ"


def test_a_signer_doubt_asks_for_the_signer_not_the_whole_paper() -> None:
    # tester16 F11: "cần kiểm tra: toàn bộ" when the only reason was the signer's name.
    from sohoa.pipeline.review import _flagged_fields
    from sohoa.reasons import reason

    doc = {"field_flags": [], "fields": {"full_name": "Lữ Bích Uyển"},
           "review_reasons": [reason("signer", "không đọc chắc chắn “Dương thị Mỹ” ở trang 1")]}
    assert _flagged_fields(doc) == ["signer"]
    doc["review_reasons"].append(reason("ocr", "độ tin cậy thấp"))
    assert _flagged_fields(doc) == ["signer", "ocr"]
