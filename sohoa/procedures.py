"""The reference data a province edits: the procedure catalogue, the levels and units with their
desk staff, and the KPI indicators with the plan's targets.

Data, not code (``procedures.toml``, ``units.toml``, ``kpi.toml`` beside this module are a small
Đồng Nai sample; the ``dossiers.*`` settings point at a province's own files). Shared by every
room (the archive fills a dossier's components from the catalogue, the report reads targets),
so it imports no room, like ``doctypes``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from sohoa.errors import ConfigError, NotFoundError
from sohoa.vntext import fold, nfc

HERE = Path(__file__).parent
PROCEDURES_PATH = HERE / "procedures.toml"
UNITS_PATH = HERE / "units.toml"
KPI_PATH = HERE / "kpi.toml"


@dataclass(frozen=True)
class Component:
    """A component (thành phần hồ sơ) a procedure asks for."""

    code: str
    name: str
    doc_type: str
    required: bool
    # One paper per party (the two spouses' cards for a marriage): the dossier holds this many
    # papers of the component, each a different person's (archive/dossiers._slot).
    parties: int = 1


@dataclass(frozen=True)
class Procedure:
    code: str  # mã TTHC
    name: str
    levels: tuple[str, ...]
    result_code: str  # mã loại kết quả (TT 01/2023 Điều 10.2)
    result_name: str
    result_doc_type: str
    result_validity: str  # "permanent" | "months:N"
    paper_result: bool
    certified_copy: bool
    processing_days: int
    components: tuple[Component, ...]

    def parties(self) -> dict[str, int]:
        """The document types this procedure takes from more than one person (the two
        spouses' cards of a marriage), with how many people: a dossier of it holds papers of
        people other than its applicant."""
        return {c.doc_type: c.parties for c in self.components if c.parties > 1}

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "levels": list(self.levels),
                "result_code": self.result_code, "result_name": self.result_name,
                "result_doc_type": self.result_doc_type,
                "result_validity": self.result_validity, "paper_result": self.paper_result,
                "certified_copy": self.certified_copy,
                "processing_days": self.processing_days,
                "components": [{"code": c.code, "name": c.name, "doc_type": c.doc_type,
                                "required": c.required, "parties": c.parties}
                               for c in self.components]}


@dataclass(frozen=True)
class Level:
    code: str
    name: str
    historic: bool = False


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    level: str
    staff: int
    staff_by_year: tuple[tuple[int, int], ...] = ()

    def staff_in(self, year: int) -> int:
        return dict(self.staff_by_year).get(year, self.staff)


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    points: float
    threshold: float
    target: str | None  # key of a [targets.*] table, or None


def _load(path: Path, what: str) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"không tìm thấy tệp {what} {path}; kiểm tra thiết lập "
                          "dossiers.* trong sohoa.toml") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"tệp {what} {path} sai cú pháp TOML: {exc}") from None


def _need(entry: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in entry or entry[key] in ("", None):
        raise ConfigError(f"{where}: thiếu khóa {key!r}")
    return entry[key]


class Catalogue:
    """The procedure catalogue: mã TTHC → :class:`Procedure`."""

    def __init__(self, procedures: Mapping[str, Procedure], path: Path) -> None:
        self.procedures = dict(procedures)
        self.path = path

    def get(self, code: str) -> Procedure:
        proc = self.procedures.get(nfc(code.strip()))
        if proc is None:
            raise NotFoundError(
                f"thủ tục {code!r} không có trong danh mục thủ tục ({self.path}); xem "
                "'sohoa procedures' hoặc bổ sung thủ tục vào tệp danh mục")
        return proc

    def find(self, code: str | None) -> Procedure | None:
        return self.procedures.get(nfc(code.strip())) if code else None

    def __iter__(self) -> Any:
        return iter(self.procedures.values())

    def named_in(self, text: str) -> Procedure | None:
        """The procedure whose name a paper prints (a receipt's "Nội dung yêu cầu giải quyết:
        Đăng ký kết hôn"), read accent-insensitively as whole words; of names inside one
        another the longest; None when none is printed."""
        words = f" {' '.join(fold(text).split())} "
        named = [p for p in self.procedures.values()
                 if f" {' '.join(fold(p.name).split())} " in words]
        return max(named, key=lambda p: len(p.name), default=None)


def _parties(component: Mapping[str, Any], where: str) -> int:
    value = component.get("parties", 1)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 9:
        raise ConfigError(f"{where}, thành phần {component.get('code', '?')}: parties = "
                          f"{value!r} phải là số bên nộp giấy tờ, từ 1 đến 9 (2: hai bên "
                          "nam, nữ)")
    return value


@lru_cache(maxsize=8)
def load_catalogue(path: Path = PROCEDURES_PATH) -> Catalogue:
    data = _load(path, "danh mục thủ tục")
    procedures: dict[str, Procedure] = {}
    for n, entry in enumerate(data.get("procedure", []), 1):
        where = f"{path}, thủ tục thứ {n}"
        code = nfc(str(_need(entry, "code", where)))
        if code in procedures:
            raise ConfigError(f"{where}: mã thủ tục {code} lặp lại")
        comps = tuple(
            Component(code=nfc(str(_need(c, "code", where))),
                      name=nfc(str(_need(c, "name", where))),
                      doc_type=str(c.get("doc_type", "other")),
                      required=bool(c.get("required", True)),
                      parties=_parties(c, where))
            for c in entry.get("component", []))
        validity = str(entry.get("result_validity", "permanent"))
        if validity != "permanent" and not (validity.startswith("months:")
                                            and validity[7:].isdigit()):
            raise ConfigError(f"{where}: result_validity {validity!r} phải là "
                              "\"permanent\" hoặc \"months:N\"")
        procedures[code] = Procedure(
            code=code, name=nfc(str(_need(entry, "name", where))),
            levels=tuple(entry.get("levels", [])),
            result_code=nfc(str(_need(entry, "result_code", where))),
            result_name=nfc(str(entry.get("result_name", ""))) or nfc(str(entry["name"])),
            result_doc_type=str(entry.get("result_doc_type", "other")),
            result_validity=validity, paper_result=bool(entry.get("paper_result", True)),
            certified_copy=bool(entry.get("certified_copy", False)),
            processing_days=int(entry.get("processing_days", 0)), components=comps)
    return Catalogue(procedures, path)


class Units:
    """Levels and units: unit code → :class:`Unit`, level code → :class:`Level`."""

    def __init__(self, levels: Mapping[str, Level], units: Mapping[str, Unit]) -> None:
        self.levels = dict(levels)
        self.units = dict(units)

    def level_of(self, unit: str | None) -> str | None:
        found = self.units.get(nfc(unit)) if unit else None
        return found.level if found else None

    def get(self, unit: str) -> Unit | None:
        return self.units.get(nfc(unit))

    def level(self, code: str) -> Level:
        if code not in self.levels:
            raise ConfigError(f"cấp {code!r} không có trong danh sách cấp; chọn một trong: "
                              f"{', '.join(self.levels)}")
        return self.levels[code]


@lru_cache(maxsize=8)
def load_units(path: Path = UNITS_PATH) -> Units:
    data = _load(path, "đơn vị")
    levels = {str(lv["code"]): Level(str(lv["code"]), nfc(str(lv.get("name", lv["code"]))),
                                     bool(lv.get("historic", False)))
              for lv in data.get("level", [])}
    units: dict[str, Unit] = {}
    for n, entry in enumerate(data.get("unit", []), 1):
        where = f"{path}, đơn vị thứ {n}"
        level = str(_need(entry, "level", where))
        if level not in levels:
            raise ConfigError(f"{where}: cấp {level!r} chưa khai báo trong [[level]]")
        code = nfc(str(_need(entry, "code", where)))
        by_year = tuple(sorted((int(y), int(s))
                               for y, s in dict(entry.get("staff_by_year", {})).items()))
        units[code] = Unit(code, nfc(str(entry.get("name", code))), level,
                           int(entry.get("staff", 0)), by_year)
    return Units(levels, units)


@dataclass(frozen=True)
class KpiRules:
    indicators: tuple[Indicator, ...]
    targets: Mapping[str, Any]

    def target(self, key: str | None, level: str | None, year: int) -> float | None:
        """The plan's target for ``key`` at ``level`` in ``year`` (percent, or a count for
        productivity, minutes for waiting), or None when the plan sets none."""
        table = self.targets.get(key or "")
        if table is None:
            return None
        if key == "waiting_minutes":
            value = table.get(str(year))
        elif key == "productivity":
            value = table.get(level or "")
        else:
            value = dict(table.get(level or "", {})).get(str(year))
        return float(value) if value is not None else None


@lru_cache(maxsize=8)
def load_kpi_rules(path: Path = KPI_PATH) -> KpiRules:
    data = _load(path, "chỉ số")
    indicators = tuple(
        Indicator(str(i["code"]), nfc(str(i["name"])), float(i["points"]),
                  float(i.get("threshold", 1.0)), i.get("target"))
        for i in data.get("indicator", []))
    for ind in indicators:
        if not 0 < ind.threshold <= 1:
            raise ConfigError(f"{path}: ngưỡng của {ind.code} phải trong (0, 1]")
    return KpiRules(indicators, dict(data.get("targets", {})))
