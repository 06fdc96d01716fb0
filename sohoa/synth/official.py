"""Documents issued by an office: the dossier receipt, decisions, enterprise registration,
powers of attorney, land-use certificates and construction permits."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sohoa.idcodes import enterprise_check_digit
from sohoa.synth.context import (
    Built,
    Ctx,
    business_registry,
    district_committee,
    district_economy_office,
    land_office,
    one_stop_desk,
    place_of,
)
from sohoa.synth.marks import barcode_image
from sohoa.synth.parts import (
    dmy,
    footer,
    motto_only,
    national_header,
    number_words,
    recipients,
    signature_block,
    title,
    vn_date,
)
from sohoa.synth.people import person_from_rng, street_address

RECEIPT_TITLE = "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"


def _working_days_after(day: date, days: int) -> date:
    while days:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def dossier_receipt(ctx: Ctx) -> Built:
    p, rng, dossier = ctx.person, ctx.rng, ctx.dossier
    s = ctx.sheet()
    desk = one_stop_desk(dossier.desk)
    due = _working_days_after(dossier.received, dossier.procedure.days)
    y = national_header(s, desk, s.top, number=f"{dossier.code}", when=dossier.received)
    y = title(s, RECEIPT_TITLE, y)
    # The code sheet: Code 128 on the left, QR on the right, the code as text between them.
    module = max(2, round(s.dpi / 200 * 4))
    bar = barcode_image(dossier.code, "code128", module, s.mm(13))
    qr = barcode_image(dossier.code, "qr", max(4, round(s.dpi / 200 * 7)))
    s.image.paste(bar, (s.left, y))
    s.image.paste(qr, (s.right - qr.width + s.mm(2), y - s.mm(2)))
    y = s.write(f"Mã hồ sơ: {dossier.code}", s.left + s.mm(2), y + bar.height + s.mm(1),
                size=14, style="bold")
    y = max(y, y - s.mm(2) + qr.height - bar.height) + s.mm(4)
    y = s.paragraph(f"{desk.name} đã tiếp nhận hồ sơ của:", y)
    y = s.labelled("Ông/Bà:", p.full_name, y, value_style="bold")
    y = s.labelled("Số định danh cá nhân:", p.id_number, y)
    y = s.labelled("Địa chỉ:", p.address, y)
    y = s.labelled("Số điện thoại:", p.phone, y)
    y = s.labelled("Nội dung yêu cầu giải quyết:", dossier.procedure.name, y, value_style="bold")
    y = s.write("1. Thành phần hồ sơ nộp gồm:", s.left, y)
    for i, name in enumerate(dossier.listed or (dossier.procedure.form_title.capitalize(),)):
        y = s.write(f"{i + 1}) {name}: 01 bản", s.left + s.mm(8), y)
    y = s.write("2. Số lượng hồ sơ: 01 bộ", s.left, y)
    y = s.paragraph(f"3. Thời gian giải quyết hồ sơ theo quy định là: {dossier.procedure.days:02d} "
                    "ngày làm việc", y, indent=0)
    hour = rng.choice((7, 8, 9, 10, 13, 14, 15))
    y = s.write(f"4. Thời gian nhận hồ sơ: {hour:02d} giờ {rng.randint(0, 59):02d} phút, "
                f"ngày {dmy(dossier.received)}", s.left, y)
    y = s.write(f"5. Thời gian trả kết quả giải quyết hồ sơ: {rng.choice((8, 14)):02d} giờ 00 "
                f"phút, ngày {dmy(due)}", s.left, y)
    y = s.paragraph("6. Vào Sổ theo dõi hồ sơ, Quyển số: 01, Số thứ tự: "
                    f"{int(dossier.code[-4:])}", y, indent=0)
    y += s.mm(6)
    col = (s.right - s.left) / 2
    clerk = ctx.officer()
    signature_block(s, rng, y, s.left + col / 2, ["NGƯỜI NỘP HỒ SƠ"], p.full_name,
                    note="(Ký và ghi rõ họ tên)")
    signature_block(s, rng, y, s.left + col * 1.5, ["NGƯỜI TIẾP NHẬN HỒ SƠ"], clerk,
                    note="(Ký và ghi rõ họ tên)")
    fields = {
        "dossier_code": dossier.code, "full_name": p.full_name, "id_number": p.id_number,
        "issue_date": dossier.received.isoformat(), "issuing_body": desk.name,
        "address": p.address,
    }
    return Built(RECEIPT_TITLE, p.id_number, "person", fields, [s])


_DECISION_SUBJECTS = (
    ("Về việc công nhận kết quả hòa giải thành ngoài Tòa án",
     "Công nhận kết quả hòa giải thành giữa {who} và các bên liên quan theo biên bản "
     "hòa giải ngày {day}."),
    ("Về việc giao đất ở có thu tiền sử dụng đất",
     "Giao cho {who} thửa đất tại {addr} để sử dụng vào mục đích đất ở tại nông thôn, "
     "thời hạn sử dụng lâu dài."),
    ("Về việc cho phép chuyển mục đích sử dụng đất",
     "Cho phép {who} được chuyển mục đích sử dụng đất từ đất trồng cây lâu năm sang đất ở "
     "đối với thửa đất tại {addr}."),
    ("Về việc hỗ trợ kinh phí cho hộ gia đình khó khăn về nhà ở",
     "Hỗ trợ kinh phí xây dựng nhà ở cho hộ {who}, địa chỉ {addr}, "
     "với mức hỗ trợ 40.000.000 đồng."),
)


def decision(ctx: Ctx) -> Built:
    p, rng = ctx.person, ctx.rng
    home = place_of(p.address, rng)
    authority = district_committee(home)
    issued = ctx.day_before(10, 400)
    number = f"{rng.randint(12, 4800)}/{issued.year}/QĐ-{authority.notation}"
    subject, article_one = rng.choice(_DECISION_SUBJECTS)
    who = f"{p.honorific.lower()} {p.full_name} (số định danh cá nhân {p.id_number})"
    first, second = ctx.sheet(), ctx.sheet()
    y = national_header(first, authority, first.top, number=number, when=issued)
    y = title(first, "QUYẾT ĐỊNH", y, size=15)
    cx = (first.left + first.right) / 2
    y = first.write(subject, cx, y, size=14, style="bold", align="center")
    y = first.write("", cx, y)
    y = first.write(f"ỦY BAN NHÂN DÂN {home.district.name.upper()}", cx, y, size=14,
                    style="bold", align="center") + first.mm(2)
    for basis in (
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, "
        "bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương "
        "ngày 22 tháng 11 năm 2019;",
        "Căn cứ Luật Đất đai ngày 29 tháng 11 năm 2013 và các văn bản hướng dẫn thi hành;",
        f"Căn cứ đơn đề nghị của {p.honorific.lower()} {p.full_name} và hồ sơ kèm theo;",
        f"Theo đề nghị của Trưởng phòng Tài nguyên và Môi trường tại Tờ trình số "
        f"{rng.randint(100, 999)}/TTr-TNMT ngày {dmy(issued - timedelta(days=7))}.",
    ):
        y = first.paragraph(basis, y, style="italic")
    y += first.mm(2)
    y = first.write("QUYẾT ĐỊNH:", cx, y, size=14, style="bold", align="center") + first.mm(2)
    body = article_one.format(who=who, addr=p.address, day=dmy(issued - timedelta(days=20)))
    y = first.paragraph(f"Điều 1. {body}", y)
    y = first.paragraph("Thời gian thực hiện: kể từ ngày ký Quyết định này. Người được giao "
                        "có trách nhiệm sử dụng đúng mục đích, thực hiện đầy đủ nghĩa vụ tài "
                        "chính và các nghĩa vụ khác theo quy định của pháp luật hiện hành.", y)
    footer(first, "Trang 1/2")
    y = second.top + second.mm(5)
    y = second.paragraph("Điều 2. Giao Phòng Tài nguyên và Môi trường, Chi cục Thuế khu vực "
                         "và Ủy ban nhân dân cấp xã nơi có đất có trách nhiệm hướng dẫn, kiểm "
                         "tra việc thực hiện Quyết định này.", y)
    y = second.paragraph("Điều 3. Chánh Văn phòng Hội đồng nhân dân và Ủy ban nhân dân huyện, "
                         "Trưởng phòng Tài nguyên và Môi trường, Thủ trưởng các cơ quan, đơn vị "
                         f"có liên quan và {who} chịu trách nhiệm thi hành Quyết định này kể từ "
                         "ngày ký./.", y)
    y += second.mm(8)
    recipients(second, y, ["Như Điều 3;", "Chủ tịch, các PCT UBND huyện;", "Lưu: VT, TNMT."])
    signature_block(second, rng, y, second.right - second.mm(45),
                    ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], ctx.officer(),
                    seal=authority)
    footer(second, "Trang 2/2")
    fields = {
        "document_number": number, "issuing_body": authority.name,
        "issue_date": issued.isoformat(), "full_name": p.full_name, "id_number": p.id_number,
    }
    return Built("QUYẾT ĐỊNH", p.id_number, "person", fields, [first, second])


def enterprise_code(rng: random.Random) -> str:
    """A 10-digit enterprise code (mã số doanh nghiệp) with a valid check digit."""
    while True:
        first_nine = "36" + "".join(str(rng.randint(0, 9)) for _ in range(7))
        check = enterprise_check_digit(first_nine)
        if check is not None:
            return f"{first_nine}{check}"


_COMPANY_KINDS = ("CÔNG TY TNHH", "CÔNG TY TNHH MỘT THÀNH VIÊN", "CÔNG TY CỔ PHẦN")
_COMPANY_TRADES = ("THƯƠNG MẠI DỊCH VỤ", "XÂY DỰNG", "SẢN XUẤT", "VẬN TẢI", "NÔNG SẢN",
                   "CÔNG NGHỆ")
_COMPANY_NAMES = ("AN PHÁT", "HƯNG THỊNH", "PHÚ QUÝ", "MINH KHANG", "ĐẠI LỘC", "TÂN TIẾN",
                  "SAO MAI", "HOÀNG GIA", "BÌNH MINH", "THÀNH ĐẠT")


def business_registration(ctx: Ctx) -> Built:
    p, rng = ctx.person, ctx.rng
    s = ctx.sheet()
    home = place_of(p.address, rng)
    authority = business_registry(home.province)
    code = enterprise_code(rng)
    name = " ".join((rng.choice(_COMPANY_KINDS), rng.choice(_COMPANY_TRADES),
                     rng.choice(_COMPANY_NAMES)))
    first_reg = ctx.day_before(200, 3000)
    seat = street_address(rng, place_of(p.address, rng))
    capital = rng.choice((500, 1_000, 2_000, 3_500, 5_000, 10_000))
    y = national_header(s, authority, s.top, when=first_reg)
    y = title(s, "GIẤY CHỨNG NHẬN ĐĂNG KÝ DOANH NGHIỆP", y)
    cx = (s.left + s.right) / 2
    y = s.write(f"Mã số doanh nghiệp: {code}", cx, y, size=14, style="bold", align="center")
    y = s.write(f"Đăng ký lần đầu: {vn_date(first_reg)}", cx, y, style="italic",
                align="center") + s.mm(3)
    y = s.write("1. Tên công ty", s.left, y, style="bold")
    y = s.labelled("Tên công ty viết bằng tiếng Việt:", name, y, value_style="bold")
    y = s.labelled("Tên công ty viết tắt:", name.split()[-2] + " " + name.split()[-1] + " CO.",
                   y)
    y = s.write("2. Địa chỉ trụ sở chính", s.left, y, style="bold")
    y = s.paragraph(seat, y, indent=0)
    y = s.labelled("Điện thoại:", p.phone, y)
    y = s.write("3. Vốn điều lệ", s.left, y, style="bold")
    y = s.labelled("Vốn điều lệ:", f"{capital:,}.000.000 đồng".replace(",", "."), y)
    y = s.write("4. Người đại diện theo pháp luật của công ty", s.left, y, style="bold")
    y = s.labelled("Họ và tên:", p.full_name.upper(), y, value_style="bold")
    y = s.write(f"Giới tính: {p.sex}    Chức danh: Giám đốc", s.left, y)
    y = s.labelled("Sinh ngày:", f"{dmy(p.date_of_birth)}    Dân tộc: {p.ethnicity}    "
                   f"Quốc tịch: {p.nationality}", y)
    y = s.labelled("Số định danh cá nhân:", p.id_number, y)
    y = s.labelled("Địa chỉ thường trú:", p.address, y)
    y += s.mm(6)
    signature_block(s, rng, y, s.right - s.mm(45), ["TRƯỞNG PHÒNG"], ctx.officer(),
                    seal=authority)
    fields = {
        "enterprise_code": code, "enterprise_name": name, "address": seat,
        "issue_date": first_reg.isoformat(), "issuing_body": authority.name,
        "full_name": p.full_name, "id_number": p.id_number,
    }
    return Built("GIẤY CHỨNG NHẬN ĐĂNG KÝ DOANH NGHIỆP", code, "organization", fields, [s])


_HOUSEHOLD_TRADES = (("CÀ PHÊ", "Dịch vụ phục vụ đồ uống"), ("TẠP HÓA", "Bán lẻ hàng tạp hóa"),
                     ("SỬA XE", "Bảo dưỡng, sửa chữa mô tô, xe máy"),
                     ("VẬT LIỆU XÂY DỰNG", "Bán lẻ vật liệu xây dựng"),
                     ("ĂN UỐNG", "Dịch vụ ăn uống"))


def household_business_code(rng: random.Random, province_code: str) -> str:
    """A household business code as NĐ 01/2021 prints it: province, district letter, 8, digits."""
    return (f"{int(province_code) % 100:02d}{rng.choice('ABCDEFGHKLMN')}8"
            f"{rng.randint(0, 999_999):06d}")


def household_business_registration(ctx: Ctx) -> Built:
    """GIẤY CHỨNG NHẬN ĐĂNG KÝ HỘ KINH DOANH (TT 02/2023/TT-BKHĐT, Mẫu số 1): the chủ hộ owns
    it. Half of them were changed since the first registration: the certificate is dated by
    its last change."""
    p, rng = ctx.person, ctx.rng
    s = ctx.sheet()
    home = place_of(p.address, rng)
    office = district_economy_office(home)
    code = household_business_code(rng, home.province.code)
    trade, line_of_work = rng.choice(_HOUSEHOLD_TRADES)
    name = f"HỘ KINH DOANH {trade} {p.full_name.split()[-1].upper()}"
    first_reg = ctx.day_before(400, 3000)
    changed: list[date] = []
    for _ in range(rng.choice((0, 0, 1, 2, 3))):
        changed.append(min((changed or [first_reg])[-1] + timedelta(days=rng.randint(90, 700)),
                           ctx.day_before(1, 30)))
    issued = changed[-1] if changed else first_reg
    # the dateline, where the office prints one, is the day of this certificate: the last change
    y = national_header(s, office, s.top, when=issued)
    y = title(s, "GIẤY CHỨNG NHẬN ĐĂNG KÝ HỘ KINH DOANH", y)
    cx = (s.left + s.right) / 2
    y = s.write(f"Mã số hộ kinh doanh: {code}", cx, y, size=14, style="bold", align="center")
    y = s.write(f"Đăng ký lần đầu: {vn_date(first_reg)}", cx, y, style="italic", align="center")
    for n, day in enumerate(changed, 1):
        y = s.write(f"Đăng ký thay đổi lần thứ {n}: {vn_date(day)}", cx, y, style="italic",
                    align="center")
    y += s.mm(3)
    seat = street_address(rng, home)
    y = s.labelled("1. Tên hộ kinh doanh:", name, y, value_style="bold")
    y = s.labelled("2. Địa điểm kinh doanh:", seat, y)
    y = s.labelled("3. Ngành, nghề kinh doanh:", line_of_work, y)
    y = s.labelled("4. Vốn kinh doanh:", f"{rng.choice((50, 100, 200, 300, 500))}.000.000 đồng",
                   y)
    y = s.write("5. Thông tin về chủ hộ kinh doanh:", s.left, y, style="bold")
    y = s.labelled("Họ và tên:", p.full_name.upper(), y, value_style="bold")
    y = s.labelled("Sinh ngày:", f"{dmy(p.date_of_birth)}    Giới tính: {p.sex}    Dân tộc: "
                   f"{p.ethnicity}", y)
    y = s.labelled("Số định danh cá nhân:", p.id_number, y)
    y = s.labelled("Địa chỉ thường trú:", p.address, y)
    y += s.mm(6)
    signature_block(s, rng, y, s.right - s.mm(45), ["KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG"],
                    ctx.officer(), seal=office)
    fields = {
        # the paper is its owner's: the address of record is the chủ hộ's residence
        "household_business_code": code, "enterprise_name": name, "address": p.address,
        "issue_date": issued.isoformat(), "issuing_body": office.name,
        "full_name": p.full_name, "id_number": p.id_number,
    }
    return Built("GIẤY CHỨNG NHẬN ĐĂNG KÝ HỘ KINH DOANH", p.id_number, "person", fields, [s])


def power_of_attorney(ctx: Ctx) -> Built:
    p, rng = ctx.person, ctx.rng
    s = ctx.sheet()
    agent = person_from_rng(rng)
    signed = ctx.day_before(2, 60)
    home = place_of(p.address, rng)
    y = motto_only(s, s.top)
    y = title(s, "GIẤY ỦY QUYỀN", y, size=15)
    y = s.paragraph("Căn cứ Bộ luật Dân sự ngày 24 tháng 11 năm 2015 và các văn bản pháp luật "
                    "liên quan.", y, style="italic")
    y = s.paragraph(f"Hôm nay, {vn_date(signed)}, tại {home.short()}, chúng tôi gồm:", y)
    for heading, who in (("I. BÊN ỦY QUYỀN", p), ("II. BÊN ĐƯỢC ỦY QUYỀN", agent)):
        y = s.write(heading, s.left, y, style="bold")
        y = s.labelled("Họ và tên:", who.full_name.upper(), y, value_style="bold")
        y = s.labelled("Ngày sinh:", dmy(who.date_of_birth), y)
        y = s.labelled("Số định danh cá nhân:", who.id_number, y)
        y = s.labelled("Địa chỉ thường trú:", who.address, y)
    y = s.write("III. NỘI DUNG ỦY QUYỀN", s.left, y, style="bold")
    y = s.paragraph(f"Bên được ủy quyền thay mặt bên ủy quyền nộp hồ sơ, bổ sung giấy tờ và "
                    f"nhận kết quả giải quyết thủ tục {ctx.dossier.procedure.name.lower()} "
                    "tại cơ quan có thẩm quyền.", y)
    y = s.paragraph("Thời hạn ủy quyền: kể từ ngày ký đến khi hoàn thành công việc được "
                    "ủy quyền. Hai bên cam kết chịu trách nhiệm trước pháp luật về nội dung "
                    "ủy quyền.", y)
    y += s.mm(6)
    col = (s.right - s.left) / 2
    signature_block(s, rng, y, s.left + col / 2, ["BÊN ĐƯỢC ỦY QUYỀN"], agent.full_name,
                    note="(Ký, ghi rõ họ tên)")
    y = signature_block(s, rng, y, s.left + col * 1.5, ["BÊN ỦY QUYỀN"], p.full_name,
                        note="(Ký, ghi rõ họ tên)")
    fields = {
        "full_name": p.full_name, "id_number": p.id_number,
        "date_of_birth": p.date_of_birth.isoformat(), "address": p.address,
        "issue_date": signed.isoformat(),
    }
    return Built("GIẤY ỦY QUYỀN", p.id_number, "person", fields, [s])


def land_use_certificate(ctx: Ctx) -> Built:
    p, rng = ctx.person, ctx.rng
    s = ctx.sheet()
    home = place_of(p.address, rng)
    authority = land_office(home.province)
    issued = ctx.day_before(300, 4000)
    serial = f"{rng.choice(('CS', 'CT', 'DA', 'DB'))} {rng.randint(1000, 999999):06d}"
    parcel, sheet_no = rng.randint(10, 999), rng.randint(1, 60)
    area = round(rng.uniform(80, 450), 1)
    land_addr = home.short()
    y = national_header(s, authority, s.top, when=issued)
    y = title(s, "GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT", y,
              subtitle="QUYỀN SỞ HỮU NHÀ Ở VÀ TÀI SẢN KHÁC GẮN LIỀN VỚI ĐẤT")
    cx = (s.left + s.right) / 2
    y = s.write(f"Số: {serial}", cx, y, size=14, style="bold", align="center") + s.mm(3)
    y = s.write("I. Người sử dụng đất, chủ sở hữu nhà ở và tài sản khác gắn liền với đất",
                s.left, y, style="bold")
    y = s.labelled(f"{p.honorific}:", f"{p.full_name.upper()}, sinh năm {p.date_of_birth.year}",
                   y, value_style="bold")
    y = s.labelled("CCCD số:", p.id_number, y)
    y = s.labelled("Địa chỉ thường trú:", p.address, y)
    y = s.write("II. Thửa đất, nhà ở và tài sản khác gắn liền với đất", s.left, y, style="bold")
    y = s.write(f"a) Thửa đất số: {parcel}    Tờ bản đồ số: {sheet_no}", s.left, y)
    y = s.labelled("b) Địa chỉ:", land_addr, y)
    y = s.write(f"c) Diện tích: {area:.1f} m² (bằng chữ: {_area_words(area)})".replace(
        ".", ","), s.left, y)
    y = s.write("d) Hình thức sử dụng: Sử dụng riêng", s.left, y)
    y = s.write("đ) Mục đích sử dụng: Đất ở tại nông thôn", s.left, y)
    y = s.write("e) Thời hạn sử dụng: Lâu dài", s.left, y)
    y = s.write("g) Nguồn gốc sử dụng: Nhận chuyển nhượng đất được công nhận QSDĐ", s.left, y)
    y += s.mm(6)
    signature_block(s, rng, y, s.right - s.mm(45), ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"],
                    ctx.officer(), seal=authority)
    fields = {
        "full_name": p.full_name, "id_number": p.id_number, "address": land_addr,
        "document_number": serial, "issuing_body": authority.name,
        "issue_date": issued.isoformat(),
    }
    return Built("GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT", p.id_number, "person", fields, [s])


def _area_words(area: float) -> str:
    whole, tenth = int(area), round((area - int(area)) * 10)
    words = number_words(whole) if whole < 10000 else str(whole)
    return f"{words} phẩy {number_words(tenth)} mét vuông" if tenth else f"{words} mét vuông"


def construction_permit(ctx: Ctx) -> Built:
    p, rng = ctx.person, ctx.rng
    s = ctx.sheet()
    home = place_of(p.address, rng)
    authority = district_committee(home)
    issued = ctx.day_before(30, 700)
    expiry = issued.replace(year=issued.year + 1) if not (
        issued.month == 2 and issued.day == 29) else issued + timedelta(days=365)
    number = f"{rng.randint(10, 990)}/GPXD-{authority.notation}"
    site = street_address(rng, place_of(p.address, rng))
    floors = rng.randint(1, 4)
    y = national_header(s, authority, s.top, number=number, when=issued)
    y = title(s, "GIẤY PHÉP XÂY DỰNG", y, size=15)
    cx = (s.left + s.right) / 2
    y = s.write("(Sử dụng cho nhà ở riêng lẻ)", cx, y, style="italic", align="center")
    y += s.mm(3)
    y = s.labelled("1. Cấp cho:", f"{p.honorific} {p.full_name}", y, value_style="bold")
    y = s.labelled("Số định danh cá nhân:", p.id_number, y)
    y = s.labelled("Địa chỉ:", p.address, y)
    y = s.labelled("2. Được phép xây dựng công trình:", "Nhà ở riêng lẻ", y)
    y = s.labelled("Theo thiết kế:", f"do Công ty tư vấn thiết kế lập năm {issued.year}", y)
    y = s.labelled("Vị trí xây dựng:", site, y)
    y = s.write(f"Tổng diện tích sàn: {rng.randint(90, 420)} m²    Số tầng: {floors:02d}",
                s.left, y)
    y = s.write(f"Chiều cao công trình: {3.6 * floors + 1.2:.1f} m".replace(".", ","), s.left, y)
    y = s.paragraph(f"3. Giấy phép này có hiệu lực khởi công xây dựng trong thời hạn 12 tháng "
                    f"kể từ ngày cấp; quá thời hạn trên thì phải đề nghị gia hạn giấy phép. "
                    f"Giấy phép có giá trị đến ngày {dmy(expiry)}.", y, indent=0)
    y += s.mm(6)
    recipients(s, y, ["Như trên;", "UBND xã, thị trấn;", "Lưu: VT, QLĐT."])
    signature_block(s, rng, y, s.right - s.mm(45), ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"],
                    ctx.officer(), seal=authority)
    fields = {
        "full_name": p.full_name, "id_number": p.id_number, "address": site,
        "document_number": number, "issuing_body": authority.name,
        "issue_date": issued.isoformat(), "expiry_date": expiry.isoformat(),
    }
    return Built("GIẤY PHÉP XÂY DỰNG", p.id_number, "person", fields, [s])

