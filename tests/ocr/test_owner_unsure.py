"""Never a sure wrong owner (issue 18, heavy photocopies): a number whose readings disagree is
proposed but goes to a person, and the next person's number on a paper of several people is
never taken for the first person's lost one."""

from __future__ import annotations

from functools import partial

from sohoa.doctypes import load_registry
from sohoa.ocr.fields.extract import extract_fields
from sohoa.ocr.fields.personal_ids import lost_first_person_number
from sohoa.ocr.idreread import reread_ids
from sohoa.ocr.layout import Box, Line
from sohoa.pipeline.codec import ocr_from_json, ocr_to_json
from sohoa.pipeline.owner import resolve_owner
from sohoa.records import OcrPage

REGISTRY = load_registry()
extract = partial(extract_fields, registry=REGISTRY)
owner_of = partial(resolve_owner, registry=REGISTRY)


def _line(*words: str, top: int) -> Line:
    boxes, left = [], 10
    for word in words:
        boxes.append(Box(word, left, top, 12 * len(word), 20, 90.0, top))
        left += 12 * len(word) + 10
    return Line(words=tuple(boxes), block=0)


def _read(by_top: dict[int, list[str]]):  # type: ignore[no-untyped-def]
    return lambda box, kind: by_top.get(box[1], [])


VALID = [_line("Họ", "và", "tên:", "NGUYỄN", "BÍCH", "HẰNG", top=100),
         _line("Ngày", "sinh:", "28/02/1981", top=140),
         _line("Số", "CCCD:", "075181899634", "cấp", "ngày", "21/12/2021", top=180)]


def test_a_valid_number_whose_readings_alone_disagree_is_kept_but_unsure() -> None:
    # Heavy owner bench page 68: "…886467" read "…886367" (valid); alone "…886367" and
    # "…880467". Kept as the best reading, recorded as unsure.
    lines, unsure = reread_ids(VALID, _read({180: ["075181899634", "075181899624"]}))
    assert lines == VALID
    assert unsure == [("075181899634", "075181899634/075181899624")]


def test_a_number_swapped_by_the_readings_alone_is_unsure_too() -> None:
    lines, unsure = reread_ids(VALID, _read({180: ["075181899624", "075181899624"]}))
    assert "075181899624" in " ".join(w.text for w in lines[2].words)
    assert unsure == [("075181899624", "075181899624/075181899634")]


def test_readings_that_agree_or_say_nothing_leave_the_number_sure() -> None:
    for again in (["075181899634", "075181899634"], [], ["07518189963", "0751818996341"],
                  ["075181899634", "0751B1899634"]):
        assert reread_ids(VALID, _read({180: again})) == (VALID, [])


def test_a_corrected_failing_number_is_unsure_when_its_readings_alone_disagree() -> None:
    page = [*VALID[:2], _line("Số", "CCCD:", "075161899634", "cấp", top=180)]  # born 1961?
    lines, unsure = reread_ids(page, _read({180: ["075181899634", "075181899634"]}))
    assert "075181899634" in " ".join(w.text for w in lines[2].words) and unsure == []
    lines, unsure = reread_ids(page, _read({180: ["075181899634", "075191899634"]}))
    assert unsure == [("075181899634", "075181899634/075191899634")]


LLTP = """TỜ KHAI YÊU CẦU CẤP PHIẾU LÝ LỊCH TƯ PHÁP
1. Họ và tên: ĐẶNG MINH QUỐC LỘC
2. Giới tính: Nam
3. Ngày, tháng, năm sinh: 09/09/1994
7. Giấy CMND/CCCD/Hộ chiếu: Số: 075094886367 Cấp ngày: 25/04/2023
"""


def test_an_unsure_owner_number_is_proposed_and_sent_to_a_person() -> None:
    sure = extract("application_form", LLTP)
    assert sure.owner_id == "075094886367" and not owner_of("application_form", sure).needs_review
    doc = extract("application_form", LLTP,
                  unsure=[("075094886367", "075094886367/075094880467")])
    assert doc.owner_id is None and doc.proposed_owner_id == "075094886367"
    assert doc.fields["id_number"].flag == ("đọc không thống nhất (075094886367/075094880467):"
                                            " đối chiếu với giấy tờ")
    decision = owner_of("application_form", doc)
    assert decision.owner_id == "075094886367" and decision.needs_review
    assert decision.reason and "xác nhận" in decision.reason
    # Another number's doubt is not this one's.
    other = extract("application_form", LLTP, unsure=[("075094880467", "075094880467/1")])
    assert other.owner_id == "075094886367" and other.fields["id_number"].flag is None


def test_unsure_numbers_survive_the_stage_cache() -> None:
    page = OcrPage("x", 0, 0.0, 1, 1, 300, (), "", 0.9,
                   unsure_ids=(("075094886367", "075094886367/075094880467"),))
    assert ocr_from_json(ocr_to_json(page)) == page


LAND_2014 = """GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU NHÀ Ở VÀ TÀI SẢN KHÁC
1. Người sử dụng đất, chủ sở hữu nhà ở và tài sản khác gắn liền với đất
Ống: NGUYÊN TUẦN QUANG, Năm sinh: 1961, CCCD {husband}
Địa chỉ thường trú: Số 14, đường Quốc lộ 1A, ấp 3, xã Hoằng Đạo, huyện Hoằng Hóa
và bà: PHAN BÍCH DUNG, Năm sinh: 1971. CCCD số: 038171478195
II. Thửa đất, nhà ở và tài sản khác gắn liền với đất
"""


def test_the_wifes_number_is_never_the_husbands_lost_one() -> None:
    # Heavy owner bench page 28: "số" read "xố", the husband's number not taken; the wife's
    # was the land certificate's owner, sure.
    for husband in ("số: ", "số: ........", "sổ 040 06"):
        doc = extract("land_use_certificate", LAND_2014.format(husband=husband))
        assert doc.owner_id is None and doc.proposed_owner_id is None, husband
        assert "038171478195 là của người ghi sau" in (doc.fields["id_number"].flag or "")
        decision = owner_of("land_use_certificate", doc)
        assert decision.owner_id is None and decision.needs_review
    # The number right after the damaged caption, agreeing with the clause's birth year
    # (1961), is proposed to a person; one that disagrees is not.
    doc = extract("land_use_certificate", LAND_2014.format(husband="xố: 040061687733"))
    assert doc.owner_id is None and doc.proposed_owner_id == "040061687733"
    assert "đối chiếu" in (doc.fields["id_number"].flag or "")
    decision = owner_of("land_use_certificate", doc)
    assert decision.owner_id == "040061687733" and decision.needs_review
    doc = extract("land_use_certificate", LAND_2014.format(husband="xố: 040071687733"))
    assert doc.owner_id is None and doc.proposed_owner_id is None
    doc = extract("land_use_certificate", LAND_2014.format(husband="số: 040061687733"))
    assert doc.owner_id == "040061687733"


def test_the_sentence_form_and_a_marriage_paper_by_the_same_structure() -> None:
    land = ("GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT\nÔng Nguyễn Văn An, sinh năm 1970, căn cước "
            "công dân số {n}; cùng bà Lê Thị Hoa, căn cước công dân số 075172654321; địa chỉ: "
            "xã Bắc Sơn")
    assert extract("land_use_certificate", land.format(n="075070123456")).owner_id \
        == "075070123456"
    assert lost_first_person_number(land.format(n="O7S07..."))
    # The wife's surname read with another tone mark still opens her block.
    assert lost_first_person_number(land.format(n="O7S07...").replace("bà Lê", "bà Lẽ"))
    assert extract("land_use_certificate", land.format(n="O7S07...")).owner_id is None
    marriage = ("GIẤY CHỨNG NHẬN KẾT HÔN\nHọ, chữ đệm, tên vợ: LÊ THỊ HOA\n"
                "Ngày, tháng, năm sinh: 12/03/1972\nGiấy tờ tùy thân: Căn cước công dân số {n}\n"
                "Họ, chữ đệm, tên chồng: NGUYỄN VĂN AN\nNgày, tháng, năm sinh: 01/01/1970\n"
                "Giấy tờ tùy thân: Căn cước công dân số 075070123456\n")
    doc = extract("marriage_certificate", marriage.format(n="075172654321"))
    assert doc.fields["id_number"].value == "075172654321"
    doc = extract("marriage_certificate", marriage.format(n="......"))
    assert doc.fields["id_number"].value is None and doc.fields["id_number"].flag


def test_one_persons_paper_keeps_its_number() -> None:
    # A caption without a number before the person's own block, or a number in the block of
    # the first caption, is no lost first person.
    assert lost_first_person_number(LLTP) is None
    card = "CĂN CƯỚC CÔNG DÂN\nSố / No.: 075094886367\nHọ và tên / Full name: ĐẶNG LỘC\n"
    assert lost_first_person_number(card) is None
    decision = ("QUYẾT ĐỊNH\nXét đề nghị của ông Lê Văn Bình (số định danh cá nhân "
                "075094886367), Điều 1. Cấp giấy phép cho ông Lê Văn Bình")
    assert lost_first_person_number(decision) is None


def test_a_place_after_a_colon_and_the_same_person_named_again_start_no_other_person() -> None:
    # Review 11b M3: "Bà Rịa" after "Nơi cấp:" is a place, not a person's block; the person's
    # own number below an empty old caption stays the owner's.
    residence = ("GIẤY XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ\nHọ và tên: NGUYỄN VĂN AN\n"
                 "Ngày sinh: 01/01/1990\nSố CMND: .........\n{place}\n"
                 "Số định danh cá nhân: 077090001234\n")
    for place in ("Nơi cấp: Bà Rịa - Vũng Tàu", "Quê quán: Bà Điểm, Hóc Môn",
                  "Nơi sinh: Ông Đình, Khoái Châu", "NƠI CẤP: BÀ RỊA - VŨNG TÀU"):
        text = residence.format(place=place)
        assert lost_first_person_number(text) is None, place
        assert extract("residence_confirmation", text).owner_id == "077090001234", place
    # A decision names its applicant twice, the caption of the first mention damaged.
    decision = ("ỦY BAN NHÂN DÂN\nHUYỆN TRẢNG BOM\nSố: 12/QĐ-UBND\nQUYẾT ĐỊNH\nXét đơn đề nghị "
                "của ông Lê Văn Bình, CCCD số: 07S0.....;\nQUYẾT ĐỊNH:\nĐiều 1. Cấp giấy phép "
                "xây dựng cho ông {name}, số định danh cá nhân 075094886367, cư trú tại xã An "
                "Phước.")
    assert lost_first_person_number(decision.format(name="Lê Văn Bình")) is None
    assert extract("construction_permit", decision.format(name="Lê Văn Bình")).owner_id \
        == "075094886367"
    # Another person named there is still the next person: never the first one's number.
    assert lost_first_person_number(decision.format(name="Trần Văn Cường"))
    assert extract("construction_permit", decision.format(name="Trần Văn Cường")).owner_id \
        is None


def test_a_number_read_a_digit_short_takes_the_valid_reading_alone() -> None:
    # Heavy owner bench page 70 (light, 300 dpi): "074063117991" read "07406311799]".
    page = [_line("Số", "định", "danh", "cá", "nhân:", "07406311799]", top=180)]
    both = ["074063117991", "074063117991"]
    lines, unsure = reread_ids(page, _read({180: both}))
    # Review 11b S1: the two readings alone are the same crop at two sizes, and the digit put
    # back comes only from them: the number is proposed to a person, never sure.
    assert lines[0].words[-1].text == "074063117991"
    assert unsure == [("074063117991", "07406311799/074063117991")]
    # One reading alone only: taken, unsure too; a reading that adds a digit elsewhere and
    # fails the checks (province 999) is not taken.
    lines, unsure = reread_ids(page, _read({180: ["074063117991", "0740631"]}))
    assert lines[0].words[-1].text == "074063117991"
    assert unsure == [("074063117991", "07406311799/074063117991/0740631")]
    assert reread_ids(page, _read({180: ["999406311799", "999406311799"]})) == (page, [])


def test_a_verified_mrz_settles_an_unsure_printed_number() -> None:
    from datetime import date

    from sohoa.ocr.mrz import build_td1

    zone = build_td1("075180954281", date(1980, 2, 4), "F", date(2040, 2, 4), "VO",
                     "MY NGOC CHI")
    card = ("CĂN CƯỚC CÔNG DÂN\nSố định danh cá nhân/Personal identification number: "
            "075180954281\nNgày sinh / Date of birth: 04/02/1980\n" + "\n".join(zone))
    doubt = [("075180954281", "075180954281/075180954231")]
    doc = extract("citizen_id_card", card, unsure=doubt)
    assert doc.owner_id == "075180954281" and doc.proposed_owner_id is None
    assert doc.fields["id_number"].flag is None
    # Without the zone the same doubt is a proposal.
    doc = extract("citizen_id_card", card.split("\nID")[0], unsure=doubt)
    assert doc.owner_id is None and doc.proposed_owner_id == "075180954281"


def test_a_birth_year_printed_alone_is_read_again_with_its_number() -> None:
    # Seed 7 page 700084 (land certificate, heavy): "Năm sinh: 1992," read "1993,", the
    # number (born 1992) refused against it; the year alone read "1992." (its stop too).
    page = [_line("Bà:", "PHẠM", "DIỆU", "HẠNH,", "Năm", "sinh:", "1993,", "CCCD", "số:",
                  "074192735831", top=180)]
    year = page[0].words[6]
    read = _read({180: ["074192735831", "074192735831"]})

    def again(box: tuple[int, int, int, int], kind: str) -> list[str]:
        return ["1992.", "1992."] if box[0] == year.left else read(box, kind)

    lines, unsure = reread_ids(page, again)
    assert [w.text for w in lines[0].words][6] == "1992," and unsure == []


LETTER = """CÔNG AN PHƯỜNG TÂN PHONG
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 323/GXN
GIẤY MỜI
Công an phường Tân Phong trân trọng kính mời:
Ông/Bà: VŨ THẾ MỸ
Ngày sinh: 28/04/1996
Số định danh cá nhân: 038096887985
Đến trụ sở để làm việc về hồ sơ cư trú."""


def test_a_valid_number_on_a_paper_of_no_owner_type_is_proposed_not_unread() -> None:
    """tester11 F3: a letter typed 'other' read the name and a valid 12-digit number, yet said
    "không đọc được chủ sở hữu": the number is proposed, a person confirms, the reason says so."""
    doc = extract("other", LETTER)
    assert doc.fields["id_number"].value == "038096887985" and doc.owner_id is None
    assert doc.fields["date_of_birth"].value == "1996-04-28"
    decision = owner_of("other", doc)
    assert (decision.owner_id, decision.needs_review) == ("038096887985", True)
    assert decision.reason and "đề xuất 038096887985" in decision.reason
    # An invalid number (no such province) is no proposal.
    bad = extract("other", LETTER.replace("038096887985", "998096887985"))
    assert owner_of("other", bad).owner_id is None
    # Nor one whose birth year is not the date printed beside it.
    born = extract("other", LETTER.replace("28/04/1996", "28/04/1986"))
    assert owner_of("other", born).owner_id is None


def test_a_number_refused_only_for_a_doubtful_birth_year_is_proposed() -> None:
    # Recognition read the number the same three times and the year not (sohoa.ocr.idreread):
    # proposed with both reasons, never the owner by itself.
    text = ("GIẤY ỦY QUYỀN\nBÊN ỦY QUYỀN (Bên A):\nHọ và tên: NGUYỄN BÍCH HẰNG\n"
            "Ngày sinh: 28/02/1961\nSố CCCD: 075181899634 cấp ngày 21/12/2021\n")
    doubt = ("075181899634", "số 075181899634 đọc ba lần như nhau, ngày sinh đọc "
             "28/02/1961 hoặc 28/02/1991")
    refused = extract_fields("power_of_attorney", text, load_registry())
    assert refused.owner_id is None and refused.proposed_owner_id is None
    proposed = extract_fields("power_of_attorney", text, load_registry(), unsure=[doubt])
    assert proposed.owner_id is None and proposed.proposed_owner_id == "075181899634"
    flag = proposed.fields["id_number"].flag or ""
    assert "giấy in 1961" in flag and "đọc ba lần như nhau" in flag
    # A number that fails its own checks is never proposed for it.
    bad = extract_fields("power_of_attorney", text.replace("0751", "9991"), load_registry(),
                         unsure=[("999181899634", doubt[1])])
    assert bad.proposed_owner_id is None
