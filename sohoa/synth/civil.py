"""Documents about a person: application forms, the citizen ID card, birth, residence,
marriage and judicial-record papers."""

from __future__ import annotations

from datetime import date, timedelta

from PIL import ImageDraw

from sohoa.idcodes import mrz_check_digit
from sohoa.synth.context import (
    Built,
    Ctx,
    district_committee,
    justice_department,
    place_of,
    short_name,
    ward_committee,
    ward_police,
)
from sohoa.synth.fonts import font
from sohoa.synth.marks import SEAL_RED, SIGNATURE_BLUE, seal_mask, signature_mask, stamp_ink
from sohoa.synth.parts import (
    Authority,
    date_in_words,
    dmy,
    motto_only,
    national_header,
    signature_block,
    title,
    vn_date,
)
from sohoa.synth.people import person_from_rng
from sohoa.synth.sheet import INK
from sohoa.vntext import fold


def application_form(ctx: Ctx) -> Built:
    p, rng, dossier = ctx.person, ctx.rng, ctx.dossier
    s = ctx.sheet()
    signed = dossier.received - timedelta(days=rng.randint(0, 3))
    addressee = district_committee(dossier.desk).name
    y = motto_only(s, s.top)
    y = title(s, dossier.procedure.form_title, y)
    y = s.labelled("Kính gửi:", addressee, y)
    y += s.mm(3)
    y = s.labelled("1. Họ, chữ đệm và tên:", p.full_name.upper(), y, value_style="bold")
    y = s.labelled("2. Ngày, tháng, năm sinh:", dmy(p.date_of_birth), y)
    y = s.labelled("3. Giới tính:", p.sex, y)
    y = s.labelled("4. Số định danh cá nhân:", p.id_number, y)
    y = s.labelled("5. Số điện thoại liên hệ:", p.phone, y)
    y = s.labelled("6. Nơi thường trú:", p.address, y)
    y = s.labelled("7. Nội dung đề nghị:", dossier.procedure.name, y)
    y += s.mm(2)
    reason = rng.choice((
        "Tôi làm đơn này kính đề nghị cơ quan có thẩm quyền xem xét, giải quyết theo quy định "
        "của pháp luật. Hồ sơ kèm theo gồm các giấy tờ được liệt kê trong giấy tiếp nhận.",
        "Kính đề nghị quý cơ quan xem xét, giải quyết. Tôi xin chịu trách nhiệm trước pháp luật "
        "về tính trung thực của các thông tin đã khai và các giấy tờ kèm theo.",
    ))
    y = s.paragraph(reason, y)
    y = s.paragraph("Tôi xin cam đoan những nội dung khai trên là đúng sự thật và chịu trách "
                    "nhiệm trước pháp luật về lời khai của mình.", y)
    y += s.mm(6)
    cx = s.right - s.mm(45)
    place = short_name(ctx.dossier.desk.district)
    y = s.write(f"{place}, {vn_date(signed)}", cx, y, style="italic", align="center")
    signature_block(s, rng, y, cx, ["NGƯỜI LÀM ĐƠN"], p.full_name,
                    note="(Ký và ghi rõ họ tên)")
    fields = _person_fields(p) | {"issue_date": signed.isoformat(), "address": p.address}
    return Built(dossier.procedure.form_title, p.id_number, "person", fields, [s])


def _person_fields(p) -> dict[str, str | None]:
    return {"full_name": p.full_name, "id_number": p.id_number,
            "date_of_birth": p.date_of_birth.isoformat(), "sex": p.sex}


# --- citizen ID card (chip card, 2021 model), photocopied front and back on one A4 page -----


def _mrz(p) -> list[str]:
    """ICAO 9303 TD1: document number = last 9 digits, optional data = the full 12 digits."""
    number = p.id_number[3:]
    line1 = f"IDVNM{number}{mrz_check_digit(number)}{p.id_number}".ljust(30, "<")
    birth = p.date_of_birth.strftime("%y%m%d")
    expiry = p.id_expiry_date.strftime("%y%m%d")
    sex = "F" if p.female else "M"
    head = f"{birth}{mrz_check_digit(birth)}{sex}{expiry}{mrz_check_digit(expiry)}VNM"
    head = head.ljust(29, "<")
    composite = line1[5:30] + head[0:7] + head[8:15] + head[18:29]
    line2 = head + str(mrz_check_digit(composite))
    words = fold(p.full_name).upper().split()
    line3 = (words[0] + "<<" + "<".join(words[1:]))[:30].ljust(30, "<")
    return [line1, line2, line3]


def citizen_id_card(ctx: Ctx) -> Built:
    p, rng = ctx.person, ctx.rng
    s = ctx.sheet()
    k = 1.55  # photocopies of cards are usually enlarged so they stay legible
    card_w, card_h = s.mm(85.6 * k), s.mm(53.98 * k)
    x0 = round((s.width - card_w) / 2)
    y_front = s.mm(28)
    y_back = y_front + card_h + s.mm(22)
    officer = ctx.officer(female=False)
    for top in (y_front, y_back):
        s.draw.rounded_rectangle((x0, top, x0 + card_w, top + card_h), radius=s.mm(4 * k),
                                 fill=(236, 240, 238), outline=(120, 120, 120), width=2)

    def at(dx: float, dy: float, top: int) -> tuple[float, float]:
        return x0 + s.mm(dx * k), top + s.mm(dy * k)

    # Front: emblem, national name, title, photo, then the personal data with English labels.
    ex, ey = at(5, 4, y_front)
    er = s.mm(6 * k)
    s.draw.ellipse((ex, ey, ex + er, ey + er), fill=(215, 60, 50), outline=(190, 150, 40),
                   width=3)
    cx = x0 + card_w / 2 + s.mm(6)
    yy = at(0, 3.5, y_front)[1]
    yy = s.write("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", cx, yy, size=7.5 * k, style="bold",
                 align="center", spacing=1.15)
    yy = s.write("Độc lập - Tự do - Hạnh phúc", cx, yy, size=7.5 * k, style="bold",
                 align="center", spacing=1.2)
    yy = s.write("CĂN CƯỚC CÔNG DÂN", cx, yy, size=10 * k, style="bold", align="center",
                 fill=(150, 30, 40), spacing=1.3)
    px0, py0 = at(4, 19, y_front)
    px1, py1 = at(24, 45, y_front)
    s.draw.rectangle((px0, py0, px1, py1), fill=(196, 200, 204), outline=(150, 150, 150))
    head_r = (px1 - px0) * 0.22
    hx = (px0 + px1) / 2
    s.draw.ellipse((hx - head_r, py0 + (py1 - py0) * 0.18, hx + head_r,
                    py0 + (py1 - py0) * 0.18 + 2.4 * head_r), fill=(120, 122, 126))
    s.draw.pieslice((px0 + (px1 - px0) * 0.1, py0 + (py1 - py0) * 0.62, px1 - (px1 - px0) * 0.1,
                     py1 + (py1 - py0) * 0.4), 180, 360, fill=(120, 122, 126))
    lx = at(27, 0, y_front)[0]
    size = 6.6 * k
    yy = at(0, 19.5, y_front)[1]
    yy = s.write(f"Số / No.: {p.id_number}", lx, yy, size=size * 1.25, style="bold",
                 spacing=1.25)
    yy = s.write("Họ và tên / Full name:", lx, yy, size=size, spacing=1.15)
    yy = s.write(p.full_name.upper(), lx, yy, size=size * 1.2, style="bold", spacing=1.2)
    yy = s.write(f"Ngày sinh / Date of birth: {dmy(p.date_of_birth)}", lx, yy, size=size,
                 spacing=1.2)
    yy = s.write(f"Giới tính / Sex: {p.sex}    Quốc tịch / Nationality: {p.nationality}", lx,
                 yy, size=size, spacing=1.2)
    yy = s.write("Quê quán / Place of origin:", lx, yy, size=size, spacing=1.15)
    right = x0 + card_w - s.mm(3 * k)
    for line in s.wrap(p.hometown, right - lx, size=size):
        yy = s.write(line, lx, yy, size=size, spacing=1.15)
    yy = s.write("Nơi thường trú / Place of residence:", lx, yy, size=size, spacing=1.15)
    for line in s.wrap(p.address, right - lx, size=size):
        yy = s.write(line, lx, yy, size=size, spacing=1.15)
    ex_x, ex_y = at(3, 47, y_front)
    s.write(f"Có giá trị đến: {dmy(p.id_expiry_date)}", ex_x, ex_y, size=size * 0.9)
    s.write("Date of expiry", ex_x, ex_y + s.pt(size * 0.95), size=size * 0.8, style="italic")

    # Back: identifying marks, issue date and issuer with seal, fingerprints, chip, MRZ.
    lx = at(4, 0, y_back)[0]
    yy = at(0, 3, y_back)[1]
    size = 6.0 * k
    mark = rng.choice(("Nốt ruồi C:2cm trên sau đầu lông mày phải",
                       "Sẹo chấm C:1cm dưới trước mép trái",
                       "Nốt ruồi C:1,5cm dưới sau cánh mũi trái"))
    yy = s.write("Đặc điểm nhân dạng / Personal identification:", lx, yy, size=size,
                 spacing=1.15)
    yy = s.write(mark, lx, yy, size=size, spacing=1.25)
    yy = s.write(f"Ngày, tháng, năm / Date, month, year: {dmy(p.id_issue_date)}", lx, yy,
                 size=size, spacing=1.2)
    issuer = "CỤC TRƯỞNG CỤC CẢNH SÁT QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI"
    icx = x0 + card_w * 0.36
    for line in s.wrap(issuer, round(card_w * 0.55), size=size * 0.95, style="bold"):
        yy = s.write(line, icx, yy, size=size * 0.95, style="bold", align="center", spacing=1.1)
    seal = seal_mask(s, "BỘ CÔNG AN * CỤC CẢNH SÁT QLHC VỀ TTXH", "BCA", rng).resize(
        (s.mm(11 * k), s.mm(11 * k)))
    sig = signature_mask(s, rng, width_mm=20 * k, height_mm=6 * k)
    stamp_ink(s, seal, round(icx - seal.width * 0.9), yy, SEAL_RED)
    stamp_ink(s, sig, round(icx - sig.width / 3), yy + s.mm(2 * k), SIGNATURE_BLUE)
    s.write(officer, icx, yy + seal.height, size=size, style="bold", align="center")
    for i, label in enumerate(("Ngón trỏ trái", "Ngón trỏ phải")):
        fx0, fy0 = at(62 + i * 11.5, 4, y_back)
        s.draw.rectangle((fx0, fy0, fx0 + s.mm(10.5 * k), fy0 + s.mm(13 * k)),
                         outline=(110, 110, 110), width=2)
        _fingerprint(s.draw, fx0 + s.mm(5.25 * k), fy0 + s.mm(6.5 * k), s.mm(4 * k))
        s.write(label, fx0 + s.mm(5.25 * k), fy0 + s.mm(13.5 * k), size=size * 0.7,
                align="center", record=False)
    chx, chy = at(64, 22, y_back)
    s.draw.rounded_rectangle((chx, chy, chx + s.mm(11 * k), chy + s.mm(9 * k)),
                             radius=s.mm(1.5 * k), fill=(206, 176, 92), outline=(150, 120, 50))
    my = at(0, 40.5, y_back)[1]
    mono = font("mono", s.pt(8.2 * k))
    for line in _mrz(p):
        # MRZ letters sit at a fixed pitch; centre the 30-character line on the card.
        width = mono.getlength(line)
        s.draw.text((x0 + (card_w - width) / 2, my), line, font=mono, fill=INK, anchor="la")
        s.lines.append(line)
        my += round(s.pt(8.2 * k) * 1.25)
    fields = _person_fields(p) | {
        "place_of_origin": p.hometown, "address": p.address,
        "issue_date": p.id_issue_date.isoformat(), "expiry_date": p.id_expiry_date.isoformat(),
        "issuing_body": "Cục Cảnh sát quản lý hành chính về trật tự xã hội",
    }
    return Built("CĂN CƯỚC CÔNG DÂN", p.id_number, "person", fields, [s])


def _fingerprint(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float) -> None:
    for i in range(1, 8):
        rr = r * i / 7
        draw.arc((cx - rr * 0.8, cy - rr, cx + rr * 0.8, cy + rr), 200, 520 - i * 8,
                 fill=(90, 90, 90), width=2)


# --- civil status and residence ---------------------------------------------------------------


def birth_certificate(ctx: Ctx) -> Built:
    p, rng = ctx.person, ctx.rng
    s = ctx.sheet()
    birthplace = place_of(p.place_of_birth, rng)
    authority = ward_committee(birthplace)
    registered = p.date_of_birth + timedelta(days=rng.randint(5, 50))
    number = str(rng.randint(12, 380))
    book = f"{rng.randint(1, 3):02d}/{registered.year}"
    y = national_header(s, authority, s.top)
    y = title(s, "GIẤY KHAI SINH", y, size=16)
    cx = (s.left + s.right) / 2
    y = s.write(f"Số: {number}    Quyển số: {book}", cx, y, align="center") + s.mm(3)
    y = s.labelled("Họ, chữ đệm, tên:", p.full_name.upper(), y, value_style="bold")
    y = s.labelled("Ngày, tháng, năm sinh:", dmy(p.date_of_birth), y)
    y = s.labelled("ghi bằng chữ:", date_in_words(p.date_of_birth), y)
    y = s.write(f"Giới tính: {p.sex}    Dân tộc: {p.ethnicity}    Quốc tịch: {p.nationality}",
                s.left, y)
    y = s.labelled("Nơi sinh:", p.place_of_birth, y)
    y = s.labelled("Quê quán:", p.hometown, y)
    y = s.labelled("Số định danh cá nhân:", p.id_number, y)
    y += s.mm(2)
    mother = person_from_rng(rng, female=True,
                             born_between=(p.date_of_birth.year - 38, p.date_of_birth.year - 20))
    father = person_from_rng(rng, female=False,
                             born_between=(p.date_of_birth.year - 42, p.date_of_birth.year - 21))
    father_name = p.full_name.split()[0] + " " + " ".join(father.full_name.split()[1:])
    for role, parent, name in (("mẹ", mother, mother.full_name), ("cha", father, father_name)):
        y = s.labelled(f"Họ, chữ đệm, tên người {role}:", name.upper(), y, value_style="bold")
        y = s.write(f"Năm sinh: {parent.date_of_birth.year}    Dân tộc: Kinh    "
                    "Quốc tịch: Việt Nam", s.left, y)
        y = s.labelled("Nơi cư trú:", birthplace.short(), y)
    y += s.mm(2)
    y = s.labelled("Người đi khai sinh:", f"{father_name}, quan hệ với người được khai sinh: "
                   "cha đẻ", y)
    y = s.labelled("Nơi đăng ký khai sinh:", authority.name, y)
    y = s.labelled("Ngày, tháng, năm đăng ký:", dmy(registered), y)
    y += s.mm(5)
    cx = s.right - s.mm(45)
    signature_block(s, rng, y, cx, ["NGƯỜI KÝ GIẤY KHAI SINH"], ctx.officer(),
                    seal=authority, note="(Ký, ghi rõ họ, chữ đệm, tên, chức vụ, đóng dấu)")
    fields = _person_fields(p) | {
        "place_of_birth": p.place_of_birth, "document_number": number,
        "issuing_body": authority.name, "issue_date": registered.isoformat(),
    }
    return Built("GIẤY KHAI SINH", p.id_number, "person", fields, [s])


def residence_confirmation(ctx: Ctx) -> Built:
    p, rng = ctx.person, ctx.rng
    s = ctx.sheet()
    home = place_of(p.address, rng)
    authority = ward_police(home)
    issued = ctx.day_before(3, 40)
    valid = issued + timedelta(days=30)
    number = f"{rng.randint(100, 2999)}/XN-{authority.notation}"
    y = national_header(s, authority, s.top, number=number, when=issued)
    y = title(s, "XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ", y)
    y = s.paragraph(f"{authority.name} xác nhận thông tin về cư trú của công dân như sau:", y)
    y = s.labelled("1. Họ, chữ đệm và tên:", p.full_name.upper(), y, value_style="bold")
    y = s.labelled("2. Ngày, tháng, năm sinh:", dmy(p.date_of_birth), y)
    y = s.labelled("3. Giới tính:", p.sex, y)
    y = s.labelled("4. Số định danh cá nhân:", p.id_number, y)
    y = s.labelled("5. Dân tộc:", p.ethnicity, y)
    y = s.labelled("6. Quốc tịch:", p.nationality, y)
    y = s.labelled("7. Quê quán:", p.hometown, y)
    y = s.labelled("8. Nơi thường trú:", p.address, y)
    y = s.labelled("9. Nơi tạm trú:", "Không", y)
    y = s.labelled("10. Nơi ở hiện tại:", p.address, y)
    head = make_head(ctx, p)
    y = s.labelled("11. Họ và tên chủ hộ:", head, y)
    y = s.labelled("12. Quan hệ với chủ hộ:", "Chủ hộ" if head == p.full_name else "Con", y)
    y += s.mm(2)
    y = s.paragraph(f"Xác nhận này có giá trị đến ngày {dmy(valid)}.", y, style="italic")
    y += s.mm(6)
    cx = s.right - s.mm(45)
    signature_block(s, rng, y, cx, ["TRƯỞNG CÔNG AN"], ctx.officer(False), seal=authority)
    fields = _person_fields(p) | {
        "address": p.address, "document_number": number, "issuing_body": authority.name,
        "issue_date": issued.isoformat(), "expiry_date": valid.isoformat(),
    }
    return Built("XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ", p.id_number, "person", fields, [s])


def make_head(ctx: Ctx, p) -> str:
    return p.full_name if ctx.rng.random() < 0.6 else ctx.officer(False)


def marriage_certificate(ctx: Ctx) -> Built:
    p, rng = ctx.person, ctx.rng
    s = ctx.sheet()
    spouse = person_from_rng(rng, female=not p.female,
                             born_between=(p.date_of_birth.year - 4, p.date_of_birth.year + 3))
    wife, husband = (p, spouse) if p.female else (spouse, p)
    home = place_of(p.address, rng)
    authority = ward_committee(home)
    start = max(wife.date_of_birth, husband.date_of_birth).year + 20
    registered = date(min(start + rng.randint(0, 8), ctx.dossier.received.year - 1),
                      rng.randint(1, 12), rng.randint(1, 28))
    number = f"{rng.randint(1, 160):02d}"
    y = national_header(s, authority, s.top)
    y = title(s, "GIẤY CHỨNG NHẬN KẾT HÔN", y, size=16)
    cx = (s.left + s.right) / 2
    y = s.write(f"Số: {number}    Quyển số: 01/{registered.year}", cx, y, align="center")
    y += s.mm(3)
    for label, who in (("Họ, chữ đệm, tên vợ:", wife), ("Họ, chữ đệm, tên chồng:", husband)):
        y = s.labelled(label, who.full_name.upper(), y, value_style="bold")
        y = s.labelled("Ngày, tháng, năm sinh:", dmy(who.date_of_birth), y)
        y = s.write(f"Dân tộc: {who.ethnicity}    Quốc tịch: {who.nationality}", s.left, y)
        y = s.labelled("Nơi cư trú:", who.address, y)
        y = s.labelled("Giấy tờ tùy thân:", f"Căn cước công dân số {who.id_number}", y)
        y += s.mm(2)
    y = s.labelled("Nơi đăng ký kết hôn:", authority.name, y)
    y = s.labelled("Ngày, tháng, năm đăng ký:", dmy(registered), y)
    y += s.mm(5)
    # Reading order: the spouses' signatures side by side, then the official's block below.
    col = (s.right - s.left) / 2
    signature_block(s, rng, y, s.left + col / 2, ["Chữ ký của vợ"], wife.full_name)
    y = signature_block(s, rng, y, s.left + col * 1.5, ["Chữ ký của chồng"],
                        husband.full_name) + s.mm(4)
    signature_block(s, rng, y, s.right - s.mm(45), ["NGƯỜI KÝ GIẤY CHỨNG NHẬN"], ctx.officer(),
                    seal=authority, note="(Ký, ghi rõ họ, chữ đệm, tên, chức vụ, đóng dấu)")
    fields = _person_fields(p) | {
        "document_number": number, "issuing_body": authority.name,
        "issue_date": registered.isoformat(), "address": p.address,
    }
    return Built("GIẤY CHỨNG NHẬN KẾT HÔN", p.id_number, "person", fields, [s])


_MARITAL_STATES = (
    "Hiện tại chưa đăng ký kết hôn với ai.",
    "Chưa đăng ký kết hôn với ai.",
    "Đã đăng ký kết hôn, nhưng đã ly hôn theo bản án của Tòa án nhân dân; hiện tại chưa đăng "
    "ký kết hôn với ai.",
)


def marital_status_certificate(ctx: Ctx) -> Built:
    """GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN (TT 04/2020/TT-BTP, the commune's form): the
    person it certifies owns it; the commune prints their card's number under "Giấy tờ tùy
    thân". It is valid six months from issue (NĐ 123/2015/NĐ-CP, Điều 23) and is brought to
    register a marriage."""
    p, rng = ctx.person, ctx.rng
    s = ctx.sheet()
    home = place_of(p.address, rng)
    authority = ward_committee(home)
    issued = ctx.day_before(3, 150)
    number = f"{rng.randint(10, 900)}/UBND-XNTTHN"
    y = national_header(s, authority, s.top, number=number, when=issued)
    y = title(s, "GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN", y)
    cx = (s.left + s.right) / 2
    y = s.write(f"ỦY BAN NHÂN DÂN {home.ward.upper()}", cx, y, style="bold", align="center")
    y += s.mm(2)
    y = s.paragraph(f"Xét đề nghị của {'bà' if p.female else 'ông'} {p.full_name} về việc xác "
                    "nhận tình trạng hôn nhân cho:", y)
    y = s.labelled("Họ, chữ đệm, tên:", p.full_name.upper(), y, value_style="bold")
    y = s.labelled("Ngày, tháng, năm sinh:", dmy(p.date_of_birth), y)
    y = s.write(f"Giới tính: {p.sex}    Dân tộc: {p.ethnicity}    Quốc tịch: {p.nationality}",
                s.left, y)
    y = s.labelled("Giấy tờ tùy thân:", f"Căn cước công dân số {p.id_number}", y)
    y = s.labelled("Nơi cư trú:", p.address, y)
    since = date(p.date_of_birth.year + 18, p.date_of_birth.month, min(p.date_of_birth.day, 28))
    y = s.paragraph(f"Trong thời gian cư trú tại {home.ward}, {home.district.name} từ ngày "
                    f"{dmy(since)} đến ngày {dmy(issued)}", y)
    y = s.labelled("Tình trạng hôn nhân:", rng.choice(_MARITAL_STATES), y)
    y = s.labelled("Giấy này được cấp để:", "Đăng ký kết hôn.", y)
    y = s.paragraph("Giấy này có giá trị sử dụng trong thời hạn 06 tháng, kể từ ngày cấp.", y,
                    style="italic")
    y += s.mm(5)
    titles = rng.choice((["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"],
                         ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]))
    signature_block(s, rng, y, s.right - s.mm(45), titles, ctx.officer(), seal=authority)
    fields = _person_fields(p) | {
        # the paper names its commune without the district (its header, its body's first line)
        "address": p.address, "document_number": number,
        "issuing_body": f"Ủy ban nhân dân {home.ward}", "issue_date": issued.isoformat(),
    }
    return Built("GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN", p.id_number, "person", fields, [s])


def judicial_record(ctx: Ctx) -> Built:
    p, rng = ctx.person, ctx.rng
    s = ctx.sheet()
    province = place_of(p.address, rng).province
    authority: Authority = justice_department(province)
    issued = ctx.day_before(5, 120)
    number = f"{rng.randint(100, 9999)}/{issued.year}/LLTP"
    y = national_header(s, authority, s.top, number=number, when=issued)
    y = title(s, "PHIẾU LÝ LỊCH TƯ PHÁP SỐ 1", y)
    y = s.paragraph(f"Căn cứ Luật Lý lịch tư pháp ngày 17 tháng 6 năm 2009; xét đề nghị của "
                    f"{p.honorific.lower()} {p.full_name}, {authority.name} xác nhận:", y)
    y = s.labelled("1. Họ và tên:", p.full_name.upper(), y, value_style="bold")
    y = s.labelled("2. Giới tính:", p.sex, y)
    y = s.labelled("3. Ngày, tháng, năm sinh:", dmy(p.date_of_birth), y)
    y = s.labelled("4. Nơi sinh:", p.place_of_birth, y)
    y = s.labelled("5. Quốc tịch:", p.nationality, y)
    y = s.labelled("6. Nơi cư trú:", p.address, y)
    y = s.labelled("7. Số định danh cá nhân:", p.id_number, y)
    y = s.labelled("Tình trạng án tích:", "Không có án tích", y, value_style="bold")
    y = s.labelled("Thông tin về việc cấm đảm nhiệm chức vụ, thành lập, quản lý doanh nghiệp, "
                   "hợp tác xã:", "Không bị cấm", y)
    y += s.mm(6)
    cx = s.right - s.mm(45)
    signature_block(s, rng, y, cx, ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"], ctx.officer(),
                    seal=authority)
    fields = _person_fields(p) | {
        "place_of_birth": p.place_of_birth, "address": p.address, "document_number": number,
        "issuing_body": authority.name, "issue_date": issued.isoformat(),
    }
    return Built("PHIẾU LÝ LỊCH TƯ PHÁP SỐ 1", p.id_number, "person", fields, [s])

