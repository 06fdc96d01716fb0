"""What a document builder gets (a context) and gives back (a built document), plus the
public bodies that issue documents and the procedures a dossier is filed for."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from sohoa.synth.parts import Authority
from sohoa.synth.people import (
    PROVINCES,
    District,
    Person,
    Place,
    Province,
    make_name,
    pick_place,
)
from sohoa.synth.sheet import Sheet


@dataclass(frozen=True)
class Procedure:
    name: str  # administrative procedure, as on the receipt
    form_title: str  # the application form filed for it
    evidence: tuple[str, ...]  # document types filed with the form, most usual first
    days: int  # statutory processing time in working days


PROCEDURES: tuple[Procedure, ...] = (
    Procedure("Đăng ký thường trú", "TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ",
              ("citizen_id_card", "birth_certificate", "residence_confirmation",
               "marriage_certificate", "power_of_attorney"), 7),
    Procedure("Cấp giấy phép xây dựng nhà ở riêng lẻ", "ĐƠN ĐỀ NGHỊ CẤP GIẤY PHÉP XÂY DỰNG",
              ("land_use_certificate", "citizen_id_card", "construction_permit",
               "power_of_attorney", "decision"), 15),
    Procedure("Cấp Phiếu lý lịch tư pháp", "TỜ KHAI YÊU CẦU CẤP PHIẾU LÝ LỊCH TƯ PHÁP",
              ("citizen_id_card", "residence_confirmation", "judicial_record",
               "birth_certificate"), 10),
    Procedure("Đăng ký thay đổi nội dung đăng ký doanh nghiệp",
              "ĐƠN ĐỀ NGHỊ THAY ĐỔI NỘI DUNG ĐĂNG KÝ DOANH NGHIỆP",
              ("business_registration", "citizen_id_card", "power_of_attorney", "decision"), 3),
    Procedure("Đăng ký kết hôn", "TỜ KHAI ĐĂNG KÝ KẾT HÔN",
              ("citizen_id_card", "birth_certificate", "residence_confirmation",
               "judicial_record", "marriage_certificate"), 5),
    Procedure("Chuyển mục đích sử dụng đất", "ĐƠN ĐỀ NGHỊ CHUYỂN MỤC ĐÍCH SỬ DỤNG ĐẤT",
              ("land_use_certificate", "citizen_id_card", "decision", "power_of_attorney",
               "construction_permit"), 15),
)


@dataclass(frozen=True)
class DossierInfo:
    code: str  # "H19.22-241105-0042"
    received: date
    procedure: Procedure
    desk: Place  # where the one-stop desk is
    listed: tuple[str, ...] = ()  # names of the filed documents, as listed on the receipt


@dataclass
class Ctx:
    """Everything a builder may draw on; ``rng`` is the only source of randomness."""

    rng: random.Random
    dpi: int
    person: Person
    dossier: DossierInfo

    def sheet(self) -> Sheet:
        return Sheet(self.dpi)

    def day_before(self, lo: int, hi: int) -> date:
        """A date ``lo``..``hi`` days before the dossier was received."""
        return self.dossier.received - timedelta(days=self.rng.randint(lo, hi))

    def officer(self, female: bool | None = None) -> str:
        """A name for a clerk or signing official (two in five are women)."""
        return make_name(self.rng, self.rng.random() < 0.4 if female is None else female)


@dataclass
class Built:
    title: str
    owner_id: str | None
    owner_kind: str | None
    fields: dict[str, str | None]
    sheets: list[Sheet] = field(default_factory=list)


# --- places and the bodies seated there ------------------------------------------------------


def place_of(text: str, rng: random.Random) -> Place:
    """The place an address ends with; a random one when it names none we know."""
    for province in PROVINCES:
        if province.formal not in text:
            continue
        for district in province.districts:
            if district.name in text:
                for ward in district.wards:
                    if ward in text:
                        return Place(province, district, ward)
                return Place(province, district, district.wards[0])
    return pick_place(rng)


def short_name(district: District) -> str:
    """"huyện Trảng Bom" -> "Trảng Bom", the way the date line names the place."""
    for prefix in ("thành phố ", "thị xã ", "huyện ", "quận "):
        if district.name.startswith(prefix):
            return district.name[len(prefix):]
    return district.name


def _province_place(province: Province) -> str:
    return "TP. Hồ Chí Minh" if province.code == "079" else province.name


def _caps(text: str) -> str:
    return text.upper()


def district_committee(place: Place) -> Authority:
    d = place.district
    return Authority(
        lines=(("ỦY BAN NHÂN DÂN", "bold"), (_caps(d.name), "bold")),
        place=short_name(d) if not d.name.startswith("Quận") else _province_place(place.province),
        name=f"Ủy ban nhân dân {d.name}",
        seal_rim=f"ỦY BAN NHÂN DÂN {_caps(d.name)} * {_caps(place.province.formal)}",
        seal_centre="UBND",
        notation="UBND",
    )


def ward_committee(place: Place) -> Authority:
    return Authority(
        lines=(("ỦY BAN NHÂN DÂN", "bold"), (_caps(place.ward), "bold")),
        place=place.ward.split(" ", 1)[1] if " " in place.ward else place.ward,
        name=f"Ủy ban nhân dân {place.ward}, {place.district.name}",
        seal_rim=f"ỦY BAN NHÂN DÂN {_caps(place.ward)} * {_caps(place.district.name)}",
        seal_centre="UBND",
        notation="UBND",
    )


def ward_police(place: Place) -> Authority:
    return Authority(
        lines=((f"CÔNG AN {_caps(place.district.name)}", "regular"),
               (f"CÔNG AN {_caps(place.ward)}", "bold")),
        place=place.ward.split(" ", 1)[1] if " " in place.ward else place.ward,
        name=f"Công an {place.ward}, {place.district.name}",
        seal_rim=f"CÔNG AN {_caps(place.ward)} * {_caps(place.district.name)}",
        seal_centre="CÔNG AN",
        notation="CAX",
    )


def justice_department(province: Province) -> Authority:
    return Authority(
        lines=((f"UBND {_caps(province.formal)}", "regular"), ("SỞ TƯ PHÁP", "bold")),
        place=_province_place(province),
        name=f"Sở Tư pháp {province.formal}",
        seal_rim=f"SỞ TƯ PHÁP * {_caps(province.formal)}",
        seal_centre="STP",
        notation="STP",
    )


def business_registry(province: Province) -> Authority:
    return Authority(
        lines=((f"SỞ KẾ HOẠCH VÀ ĐẦU TƯ {_caps(province.formal)}", "regular"),
               ("PHÒNG ĐĂNG KÝ KINH DOANH", "bold")),
        place=_province_place(province),
        name=f"Phòng Đăng ký kinh doanh - Sở Kế hoạch và Đầu tư {province.formal}",
        seal_rim=f"SỞ KẾ HOẠCH VÀ ĐẦU TƯ {_caps(province.formal)} * PHÒNG ĐĂNG KÝ KINH DOANH",
        seal_centre="ĐKKD",
        notation="ĐKKD",
    )


def district_economy_office(place: Place) -> Authority:
    """The district's finance and planning office, where a household business registers
    (NĐ 01/2021/NĐ-CP, Điều 87)."""
    d = place.district
    return Authority(
        lines=((f"UBND {_caps(d.name)}", "regular"), ("PHÒNG TÀI CHÍNH - KẾ HOẠCH", "bold")),
        place=short_name(d) if not d.name.startswith("Quận") else _province_place(place.province),
        name=f"Phòng Tài chính - Kế hoạch {d.name}",
        seal_rim=f"ỦY BAN NHÂN DÂN {_caps(d.name)} * PHÒNG TÀI CHÍNH - KẾ HOẠCH",
        seal_centre="TCKH",
        notation="TCKH",
    )


def land_office(province: Province) -> Authority:
    return Authority(
        lines=((f"UBND {_caps(province.formal)}", "regular"),
               ("SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG", "bold")),
        place=_province_place(province),
        name=f"Sở Tài nguyên và Môi trường {province.formal}",
        seal_rim=f"SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG * {_caps(province.formal)}",
        seal_centre="STNMT",
        notation="STNMT",
    )


def one_stop_desk(place: Place) -> Authority:
    d = place.district
    return Authority(
        lines=((f"UBND {_caps(d.name)}", "regular"),
               ("BỘ PHẬN TIẾP NHẬN VÀ", "bold"), ("TRẢ KẾT QUẢ", "bold")),
        place=short_name(d) if not d.name.startswith("Quận") else _province_place(place.province),
        name=f"Bộ phận Tiếp nhận và Trả kết quả {d.name}",
        seal_rim=f"ỦY BAN NHÂN DÂN {_caps(d.name)} * {_caps(place.province.formal)}",
        seal_centre="UBND",
        notation="BPMC",
    )
