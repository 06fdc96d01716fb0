"""How documents are signed: PAdES level, TSA, and the visible stamp's template and place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sohoa.clock import VIETNAM as VIETNAM_TIME
from sohoa.errors import ConfigError

LEVELS = ("B-B", "B-T", "B-LT", "B-LTA")
SIGNATURE_KINDS = ("agency", "officer")
# TT 01/2023/TT-VPCP Điều 8.1: the digitizing officer's personal signature shows the person's
# name (from the certificate) and the time of copying, at the top left of the page.
OFFICER_STAMP = "{signer}\nThời gian số hóa: {time}"
OFFICER_REASON = "Số hóa hồ sơ, giấy tờ tại Bộ phận Một cửa (TT 01/2023/TT-VPCP Điều 8)"

# Times New Roman is what NĐ 30/2020 asks for; Liberation Serif has its metrics and every
# Vietnamese letter. Noto Serif is the fallback that Debian's fonts-noto-core always has.
DEFAULT_FONTS = (
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf",
)

MM = 72.0 / 25.4


@dataclass(frozen=True)
class SigningSettings:
    """Signing configuration (section ``[signing]`` of sohoa.toml).

    The default stamp is the NĐ 30/2020 electronic-copy form: black upright text, no seal. With
    ``seal_image`` (TT 01/2019, digitized incoming documents) the seal is printed at its real size
    ``seal_size_mm`` to the left of the text.

    ``stamp_template`` placeholders: ``{agency}``, ``{signer}``, ``{time}`` (Vietnam time as
    people read it, with the ISO 8601 zone: 27/11/2026 22:10:05 +07:00) and ``{date}``
    (dd/mm/yyyy). ``stamp_box`` is ``(x1, y1, x2, y2)`` in PDF points on page 1's unrotated
    page space, origin bottom-left; None puts the stamp in ``stamp_corner`` of page 1 as
    displayed (``/Rotate`` accounted for), on blank paper, at least 60 mm wide and wide enough
    for the text at ``font_size``.
    """

    level: str = "B-B"  # "B-B" | "B-T" | "B-LT" | "B-LTA"
    tsa_url: str | None = None
    stamp_template: str = "SAO Y\n{agency}\nThời gian ký: {time}"
    stamp_box: tuple[float, float, float, float] | None = None
    stamp_corner: str = "top-right"  # "top-right" (NĐ 30/2020 copy) | "top-left" (TT 01/2023)
    font_path: str | None = None
    font_size: float = 10.0
    reason: str = "Số hóa hồ sơ, giấy tờ"
    location: str = ""
    seal_image: str | None = None  # PNG of the red seal (TT 01/2019 variant); None: text only
    seal_size_mm: float = 36.0  # the seal's real diameter; it is printed at this size
    # The first signature of a document certifies it (DocMDP): after it, only more signatures,
    # form filling, validation data and document timestamps (B-LTA, renewals) may be added;
    # anything else, such as painting over a page, breaks it for every validator.
    certify: bool = True
    kind: str = "agency"  # "agency" (NĐ 30/2020 copy) | "officer" (TT 01/2023 Điều 8.1)

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ConfigError(
                f"Không có mức chữ ký {self.level!r} (signing.level); chọn một trong "
                f"{', '.join(LEVELS)}."
            )
        if self.level != "B-B" and not self.tsa_url:
            raise ConfigError(
                f"Mức chữ ký {self.level} cần máy chủ cấp dấu thời gian: đặt signing.tsa_url "
                "trong sohoa.toml, hoặc dùng mức B-B."
            )
        if self.kind not in SIGNATURE_KINDS:
            raise ConfigError(f"Không có loại chữ ký {self.kind!r}; chọn agency (chữ ký cơ "
                              "quan) hoặc officer (chữ ký cá nhân cán bộ).")
        if self.stamp_corner not in ("top-right", "top-left"):
            raise ConfigError(
                f"signing.stamp_corner {self.stamp_corner!r} không hợp lệ: chọn top-right "
                "(góc trên bên phải) hoặc top-left (góc trên bên trái)."
            )
        if not 4.0 <= self.font_size <= 36.0:
            raise ConfigError("signing.font_size phải từ 4 đến 36 point (cỡ chữ).")
        if not 10.0 <= self.seal_size_mm <= 80.0:
            raise ConfigError("signing.seal_size_mm phải từ 10 đến 80 milimét.")
        if self.stamp_box is not None:
            x1, y1, x2, y2 = self.stamp_box
            if x2 <= x1 or y2 <= y1:
                raise ConfigError(
                    "signing.stamp_box phải có dạng (x1, y1, x2, y2) với x2 > x1 và y2 > y1, "
                    "tính bằng point từ góc dưới bên trái của trang."
                )

    @classmethod
    def for_archive(cls, tsa_url: str | None = None, **overrides: object) -> SigningSettings:
        """What archived documents get: B-LTA when a timestamp server is configured (they must
        stay verifiable for decades), B-B otherwise; callers should say which one applied."""
        level = "B-LTA" if tsa_url else "B-B"
        return cls(level=level, tsa_url=tsa_url, **overrides)  # type: ignore[arg-type]

    def resolve_font(self) -> Path:
        candidates = (self.font_path,) if self.font_path else DEFAULT_FONTS
        for candidate in candidates:
            if candidate and Path(candidate).is_file():
                return Path(candidate)
        raise ConfigError(
            f"Không tìm thấy phông chữ cho dấu chữ ký (đã thử "
            f"{', '.join(c for c in candidates if c)}). Hãy cài fonts-liberation2 hoặc "
            "fonts-noto-core, hoặc đặt signing.font_path là một phông TrueType có đủ chữ tiếng "
            "Việt."
        )


def vietnam_time(moment: datetime) -> str:
    """ISO 8601 in Vietnam time, to the second, as NĐ 30/2020 Phụ lục I asks."""
    return moment.astimezone(VIETNAM_TIME).isoformat(timespec="seconds")


def stamp_time(moment: datetime) -> str:
    """The signing moment as the stamp prints it for people: "07/12/2026 10:43:10 +07:00".

    NĐ 30/2020 Phụ lục I asks for day, month, year; hours, minutes, seconds; and Vietnam's
    time zone in ISO 8601 form: the zone stays "+07:00", the rest is written as people read
    dates (README: DD/MM/YYYY HH:MM), not "2026-12-07T10:43:10+07:00" (tester12 F6). The
    machine-readable moment is the signature's own signing time."""
    local = moment.astimezone(VIETNAM_TIME)
    offset = local.isoformat()[-6:]  # "+07:00"
    return f"{local:%d/%m/%Y %H:%M:%S} {offset}"
