"""A real archive home with documents of two units, and tokens for every role."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "archive"))

from archive_records import make_record

from sohoa.pipeline.services import open_archive
from sohoa.pipeline.settings import Settings, load_settings

CITIZEN = "075203001234"
COMPANY = "3600123456"


@dataclass
class Home:
    settings: Settings
    ids: dict[str, str]
    tokens: dict[str, str]
    token_ids: dict[str, str]


def make_home(root: Path) -> Home:
    settings = load_settings(home=root, environ={})
    docs = {
        "birth": dict(title="GIẤY KHAI SINH", doc_type="birth_certificate",
                      text="Giấy khai sinh. Họ và tên: Nguyễn Văn An. Nơi sinh: Bệnh viện Đa khoa "
                           "Đồng Nai, thành phố Biên Hòa.",
                      owner_id=CITIZEN, owner_name="Nguyễn Văn An",
                      issue_date=date(2003, 5, 2), unit="H19.22",
                      fields={"full_name": "Nguyễn Văn An", "date_of_birth": "2003-04-20"}),
        "id_card": dict(title="CĂN CƯỚC", doc_type="citizen_id",
                        text="Căn cước của Nguyễn Văn An, quê quán Đồng Nai.",
                        owner_id=CITIZEN, owner_name="Nguyễn Văn An",
                        issue_date=date(2021, 7, 1), valid_until=date(2031, 7, 1),
                        unit="H19.23"),
        "licence": dict(title="GIẤY PHÉP KHAI THÁC", doc_type="decision",
                        text="Giấy phép khai thác cát trên sông Đồng Nai của Công ty TNHH "
                             "Đại Dương.", owner_id=COMPANY, owner_name="Công ty TNHH Đại Dương",
                        issue_date=date(2022, 8, 15), valid_until=date(2023, 8, 15),
                        unit="H19.23"),
    }
    ids: dict[str, str] = {}
    tokens: dict[str, str] = {}
    token_ids: dict[str, str] = {}
    with open_archive(settings) as arc:
        for seed, kw in docs.items():
            rec, pdf, images = make_record(seed, **kw)  # type: ignore[arg-type]
            ids[seed], _ = arc.store_document(rec, pdf, images)
        arc.sync_index()
        for name, (user, role, unit) in {
            "officer": ("Trần Thị Bình", "officer", "H19.22"),
            "officer_other": ("Lê Văn Cường", "officer", "H19.23"),
            "desk": ("Phạm Thu Hà", "desk", "H19.22"),
            "archivist": ("Võ Minh Khoa", "archivist", ""),
        }.items():
            token_ids[name], tokens[name] = arc.add_token(user, role, unit, created_by="test")
    return Home(settings, ids, tokens, token_ids)


def auth(home: Home, who: str = "officer") -> dict[str, str]:
    return {"Authorization": f"Bearer {home.tokens[who]}"}
