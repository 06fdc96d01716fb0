"""Synthetic Vietnamese people and places: names, addresses, citizen ID numbers and cards."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from sohoa.idcodes import citizen_id, citizen_id_problems
from sohoa.vntext import nfc

# Family names with rough frequencies: Nguyễn alone is about four names in ten.
SURNAMES: tuple[tuple[str, int], ...] = (
    ("Nguyễn", 380), ("Trần", 110), ("Lê", 95), ("Phạm", 70), ("Hoàng", 50), ("Huỳnh", 40),
    ("Phan", 45), ("Vũ", 40), ("Võ", 35), ("Đặng", 25), ("Bùi", 25), ("Đỗ", 22), ("Hồ", 18),
    ("Ngô", 15), ("Dương", 12), ("Lý", 8),
)
MIDDLE_MALE = ("Văn", "Hữu", "Đức", "Minh", "Quốc", "Thanh", "Công", "Xuân", "Hoàng", "Ngọc",
               "Anh", "Trung", "Đình", "Tuấn")
MIDDLE_FEMALE = ("Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mỹ", "Bích", "Hồng",
                 "Phương", "Diệu", "Khánh")
GIVEN_MALE = ("An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hiếu", "Hùng", "Khánh", "Khoa",
              "Long", "Lộc", "Minh", "Nam", "Nghĩa", "Phong", "Phúc", "Quang", "Sơn", "Tài",
              "Thắng", "Thành", "Thịnh", "Toàn", "Trí", "Trung", "Tuấn", "Việt", "Vinh", "Vũ")
GIVEN_FEMALE = ("Anh", "Chi", "Dung", "Duyên", "Giang", "Hà", "Hạnh", "Hằng", "Hoa", "Hương",
                "Huyền", "Lan", "Liên", "Linh", "Loan", "Mai", "My", "Nga", "Ngân", "Nhung",
                "Oanh", "Phương", "Quyên", "Thảo", "Thủy", "Trang", "Tuyết", "Uyên", "Vân", "Yến")


@dataclass(frozen=True)
class District:
    name: str  # "huyện Trảng Bom", "thành phố Biên Hòa", "Quận 1"
    wards: tuple[str, ...]  # "xã Bắc Sơn", "phường Tân Phong"
    streets: tuple[str, ...]


@dataclass(frozen=True)
class Province:
    code: str  # the three first digits of a citizen ID registered there
    name: str  # "Đồng Nai"
    formal: str  # "tỉnh Đồng Nai" | "Thành phố Hồ Chí Minh"
    districts: tuple[District, ...]


PROVINCES: tuple[Province, ...] = (
    Province("075", "Đồng Nai", "tỉnh Đồng Nai", (
        District("thành phố Biên Hòa", ("phường Tân Phong", "phường Trảng Dài", "phường Hố Nai",
                                         "phường Tam Hiệp", "phường Quang Vinh"),
                 ("Phạm Văn Thuận", "Nguyễn Ái Quốc", "Đồng Khởi", "Võ Thị Sáu", "30 Tháng 4")),
        District("huyện Trảng Bom", ("thị trấn Trảng Bom", "xã Bắc Sơn", "xã Hố Nai 3",
                                      "xã Quảng Tiến"),
                 ("Hùng Vương", "Ba Mươi Tháng Tư", "Nguyễn Hoàng")),
        District("huyện Long Thành", ("thị trấn Long Thành", "xã An Phước", "xã Long An"),
                 ("Lê Duẩn", "Tôn Đức Thắng", "Nguyễn Hải")),
        District("thành phố Long Khánh", ("phường Xuân An", "phường Xuân Bình", "xã Bảo Quang"),
                 ("Hồ Thị Hương", "Hùng Vương", "Nguyễn Văn Bé")),
    )),
    Province("070", "Bình Phước", "tỉnh Bình Phước", (
        District("thành phố Đồng Xoài", ("phường Tân Phú", "phường Tân Bình", "xã Tiến Hưng"),
                 ("Phú Riềng Đỏ", "Trần Hưng Đạo", "Lê Quý Đôn")),
        District("thị xã Chơn Thành", ("phường Hưng Long", "phường Minh Hưng", "xã Quang Minh"),
                 ("Quốc lộ 13", "Nguyễn Tất Thành")),
        District("huyện Bù Đăng", ("thị trấn Đức Phong", "xã Đoàn Kết", "xã Minh Hưng"),
                 ("Quốc lộ 14", "Trần Phú")),
    )),
    Province("079", "Hồ Chí Minh", "Thành phố Hồ Chí Minh", (
        District("Quận 1", ("phường Bến Nghé", "phường Đa Kao", "phường Tân Định"),
                 ("Lê Lợi", "Hai Bà Trưng", "Nguyễn Thị Minh Khai", "Điện Biên Phủ")),
        District("thành phố Thủ Đức", ("phường Linh Trung", "phường Hiệp Phú", "phường An Khánh"),
                 ("Võ Văn Ngân", "Lê Văn Việt", "Kha Vạn Cân")),
        District("quận Bình Thạnh", ("Phường 25", "Phường 13", "Phường 2"),
                 ("Xô Viết Nghệ Tĩnh", "Nơ Trang Long", "Phan Đăng Lưu")),
    )),
    Province("074", "Bình Dương", "tỉnh Bình Dương", (
        District("thành phố Thủ Dầu Một", ("phường Phú Cường", "phường Hiệp Thành",
                                            "phường Chánh Nghĩa"),
                 ("Yersin", "Cách Mạng Tháng Tám", "Đại lộ Bình Dương")),
        District("thành phố Dĩ An", ("phường Đông Hòa", "phường Dĩ An", "phường Tân Bình"),
                 ("Nguyễn An Ninh", "Trần Hưng Đạo")),
    )),
    Province("040", "Nghệ An", "tỉnh Nghệ An", (
        District("thành phố Vinh", ("phường Hưng Bình", "phường Lê Lợi", "xã Nghi Phú"),
                 ("Lê Hồng Phong", "Quang Trung", "Nguyễn Du")),
        District("huyện Diễn Châu", ("thị trấn Diễn Châu", "xã Diễn Kỷ"), ("Quốc lộ 1A",)),
    )),
    Province("038", "Thanh Hóa", "tỉnh Thanh Hóa", (
        District("thành phố Thanh Hóa", ("phường Điện Biên", "phường Ba Đình", "phường Đông Thọ"),
                 ("Lê Lai", "Trần Phú", "Bà Triệu")),
        District("huyện Hoằng Hóa", ("thị trấn Bút Sơn", "xã Hoằng Đạo"), ("Quốc lộ 1A",)),
    )),
)
# Most applicants at a Đồng Nai desk live in Đồng Nai; some come from the neighbours.
_PROVINCE_WEIGHTS = (55, 12, 12, 9, 6, 6)
_HOMETOWN_WEIGHTS = (35, 10, 10, 8, 19, 18)


@dataclass(frozen=True)
class Place:
    province: Province
    district: District
    ward: str

    def short(self) -> str:
        """"xã Bắc Sơn, huyện Trảng Bom, tỉnh Đồng Nai" — how Quê quán and Nơi sinh are written."""
        return nfc(f"{self.ward}, {self.district.name}, {self.province.formal}")


@dataclass(frozen=True)
class Person:
    full_name: str
    id_number: str  # 12 digits, consistent with province, birth year and sex
    date_of_birth: date
    sex: str  # "Nam" | "Nữ", as printed
    place_of_birth: str
    address: str  # Nơi thường trú
    province_code: str  # of the citizen ID number
    hometown: str  # Quê quán
    nationality: str = "Việt Nam"
    ethnicity: str = "Kinh"
    phone: str = ""
    id_issue_date: date = date(2021, 1, 1)
    id_expiry_date: date = date(2046, 1, 1)

    @property
    def female(self) -> bool:
        return self.sex == "Nữ"

    @property
    def honorific(self) -> str:
        return "Bà" if self.female else "Ông"


def weighted(rng: random.Random, items: tuple, weights: tuple[int, ...]):
    return rng.choices(items, weights=weights, k=1)[0]


def pick_place(rng: random.Random, weights: tuple[int, ...] = _PROVINCE_WEIGHTS) -> Place:
    province = weighted(rng, PROVINCES, weights)
    district = rng.choice(province.districts)
    return Place(province, district, rng.choice(district.wards))


def street_address(rng: random.Random, place: Place) -> str:
    number = rng.randint(1, 480)
    street = rng.choice(place.district.streets)
    hamlet = rng.choice(("khu phố", "tổ", "ấp")) + f" {rng.randint(1, 12)}"
    return nfc(f"Số {number}, đường {street}, {hamlet}, {place.short()}")


def make_name(rng: random.Random, female: bool) -> str:
    surname = weighted(rng, tuple(s for s, _ in SURNAMES), tuple(w for _, w in SURNAMES))
    middle = rng.choice(MIDDLE_FEMALE if female else MIDDLE_MALE)
    given = rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)
    # A third of names carry a second middle name ("Nguyễn Thị Ngọc Lan").
    if rng.random() < 0.3:
        extra = rng.choice(MIDDLE_FEMALE[3:] if female else MIDDLE_MALE[1:])
        if extra not in (middle, given):
            middle = f"{middle} {extra}"
    return nfc(f"{surname} {middle} {given}")


def card_expiry(birth: date, issued: date) -> date:
    """Chip cards are valid until the next 25th, 40th or 60th birthday; a card issued within
    two years before one of them runs to the following one (Luật Căn cước công dân 2014,
    art. 21)."""
    for age in (25, 40, 60):
        milestone = _birthday(birth, age)
        if milestone > _birthday(issued, 2):
            return milestone
    return _birthday(birth, 60)


def _birthday(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def make_person(seed: int) -> Person:
    """A plausible adult citizen; the same seed always gives the same person."""
    rng = random.Random(f"person:{seed}")
    return person_from_rng(rng)


def person_from_rng(rng: random.Random, *, female: bool | None = None,
                    born_between: tuple[int, int] = (1968, 2004)) -> Person:
    if female is None:
        female = rng.random() < 0.5
    birth = date(rng.randint(*born_between), 1, 1) + timedelta(days=rng.randint(0, 364))
    hometown = pick_place(rng, _HOMETOWN_WEIGHTS)
    birthplace = hometown if rng.random() < 0.7 else pick_place(rng)
    home = pick_place(rng)
    number = citizen_id(birthplace.province.code, birth.year, female, rng.randint(1, 999_999))
    assert not citizen_id_problems(number, birth, female), number
    issued = date(rng.randint(2021, 2024), 1, 1) + timedelta(days=rng.randint(0, 364))
    if issued < _birthday(birth, 14):  # a first card is issued at 14 at the earliest
        issued = _birthday(birth, 14) + timedelta(days=rng.randint(0, 200))
    phone = "0" + rng.choice(("90", "91", "93", "97", "98", "86", "83", "39", "35")) + "".join(
        str(rng.randint(0, 9)) for _ in range(7))
    return Person(
        full_name=make_name(rng, female),
        id_number=number,
        date_of_birth=birth,
        sex="Nữ" if female else "Nam",
        place_of_birth=birthplace.short(),
        address=street_address(rng, home),
        province_code=birthplace.province.code,
        hometown=hometown.short(),
        phone=phone,
        id_issue_date=issued,
        id_expiry_date=card_expiry(birth, issued),
    )
