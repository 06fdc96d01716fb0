from datetime import date

from sohoa.idcodes import PROVINCES, citizen_id_problems
from sohoa.synth import make_person
from sohoa.synth.people import card_expiry
from sohoa.vntext import nfc


def test_make_person_is_deterministic_and_plausible():
    assert make_person(5) == make_person(5)
    seen = set()
    for seed in range(200):
        p = make_person(seed)
        seen.add(p.full_name)
        assert p.full_name == nfc(p.full_name)
        assert len(p.full_name.split()) >= 3
        assert p.sex in ("Nam", "Nữ")
        assert citizen_id_problems(p.id_number, p.date_of_birth, p.sex == "Nữ") == []
        assert p.id_number[:3] == p.province_code and p.province_code in PROVINCES
        assert p.id_issue_date < p.id_expiry_date
        assert p.id_issue_date.year - p.date_of_birth.year >= 14
        assert p.address.startswith("Số ")
    assert len(seen) > 150  # names vary


def test_card_expiry_follows_the_age_milestones():
    birth = date(1990, 6, 1)
    assert card_expiry(birth, date(2021, 3, 1)) == date(2030, 6, 1)  # 40th birthday
    assert card_expiry(birth, date(2029, 1, 1)) == date(2050, 6, 1)  # within 2 years: next
    assert card_expiry(date(2003, 2, 10), date(2021, 5, 5)) == date(2028, 2, 10)  # 25th
