"""The stamp's text: its template filled in, and every character it can ever contain.

Apart from ``stamp.py`` (fontTools and pyHanko) so that a ``DocumentSigner`` checks its
template when it is made without importing either.
"""

from __future__ import annotations

from sohoa.errors import ConfigError
from sohoa.vntext import nfc

# Characters the variable parts of a stamp ({time}, {date}) can produce.
_TIME_CHARS = "0123456789-:+T/ "


def stamp_characters(template: str, fixed: dict[str, str]) -> str:
    """Every character a stamp made from ``template`` can contain."""
    sample = render_template(template, {**fixed, "time": "", "date": ""})
    return "".join(sorted(set(sample + _TIME_CHARS) - {"\n"}))


def render_template(template: str, values: dict[str, str]) -> str:
    try:
        return nfc(template.format(**values))
    except (KeyError, IndexError, ValueError) as exc:
        raise ConfigError(
            f"Mẫu dấu chữ ký {template!r} không hợp lệ ({exc}); mẫu chỉ được dùng {{agency}}, "
            "{signer}, {time} và {date}, còn dấu ngoặc nhọn in ra phải viết đôi ({{ và }})."
        ) from exc
