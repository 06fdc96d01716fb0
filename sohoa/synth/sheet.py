"""An A4 sheet to print on, which remembers every line it prints in reading order."""

from __future__ import annotations

from PIL import Image, ImageDraw

from sohoa.synth.fonts import font
from sohoa.vntext import nfc

INK = (18, 18, 22)
A4_MM = (210.0, 297.0)


class Sheet:
    """Print text on an upright white A4 page at ``dpi``.

    Coordinates are pixels from the top-left corner. Every printed line is appended to ``lines``
    in the order of the calls, so callers print in reading order (left header block, right header
    block, title, body, signature blocks) and the truth follows.
    """

    def __init__(self, dpi: int) -> None:
        self.dpi = dpi
        self.width = round(A4_MM[0] / 25.4 * dpi)
        self.height = round(A4_MM[1] / 25.4 * dpi)
        self.image = Image.new("RGB", (self.width, self.height), (255, 255, 255))
        self.draw = ImageDraw.Draw(self.image)
        self.lines: list[str] = []
        # Margins of Decree 30/2020 (Nghị định 30/2020/NĐ-CP, phụ lục I): left 30, right 15-20,
        # top and bottom 20-25 mm.
        self.left = self.mm(30)
        self.right = self.width - self.mm(18)
        self.top = self.mm(20)
        self.bottom = self.height - self.mm(22)

    # --- units -------------------------------------------------------------------------------

    def mm(self, value: float) -> int:
        return round(value / 25.4 * self.dpi)

    def pt(self, value: float) -> int:
        return round(value / 72.0 * self.dpi)

    def line_height(self, size: float, spacing: float = 1.3) -> int:
        return round(self.pt(size) * spacing)

    @property
    def text_width(self) -> int:
        return self.right - self.left

    def measure(self, text: str, size: float = 13, style: str = "regular") -> int:
        return round(font(style, self.pt(size)).getlength(nfc(text)))

    # --- printing ----------------------------------------------------------------------------

    def write(self, text: str, x: float, y: float, *, size: float = 13, style: str = "regular",
              align: str = "left", record: bool = True, fill: tuple[int, int, int] = INK,
              spacing: float = 1.3) -> int:
        """Print one line; ``x`` is its left edge, centre or right edge per ``align``.
        Returns the y of the next line."""
        text = nfc(text)
        face = font(style, self.pt(size))
        width = face.getlength(text)
        if align == "center":
            x -= width / 2
        elif align == "right":
            x -= width
        self.draw.text((round(x), round(y)), text, font=face, fill=fill, anchor="la")
        if record and text.strip():
            self.lines.append(text)
        return round(y) + self.line_height(size, spacing)

    def underline(self, x_center: float, y: float, length: float, width: int = 2) -> None:
        x0 = round(x_center - length / 2)
        self.draw.line((x0, round(y), x0 + round(length), round(y)), fill=INK, width=width)

    def centered_block(self, lines: list[tuple[str, str]], x_center: float, y: float, *,
                       size: float = 13, spacing: float = 1.2) -> int:
        """Centred lines, each with its own style; returns the y below the block."""
        for text, style in lines:
            y = self.write(text, x_center, y, size=size, style=style, align="center",
                           spacing=spacing)
        return y

    def wrap(self, text: str, width: int, *, size: float = 13, style: str = "regular",
             first_indent: int = 0) -> list[str]:
        words = nfc(text).split()
        face = font(style, self.pt(size))
        lines: list[str] = []
        current: list[str] = []
        for word in words:
            trial = " ".join([*current, word])
            limit = width - (first_indent if not lines else 0)
            if current and face.getlength(trial) > limit:
                lines.append(" ".join(current))
                current = [word]
            else:
                current.append(word)
        if current:
            lines.append(" ".join(current))
        return lines

    def paragraph(self, text: str, y: int, *, size: float = 13, style: str = "regular",
                  indent: int | None = None, x0: int | None = None, x1: int | None = None,
                  justify: bool = True, spacing: float = 1.3, hanging: int = 0) -> int:
        """A wrapped, justified paragraph with a first-line indent (1-1.27 cm in Decree 30)."""
        x0 = self.left if x0 is None else x0
        x1 = self.right if x1 is None else x1
        indent = self.mm(10) if indent is None else indent
        lines = self.wrap(text, x1 - x0 - hanging, size=size, style=style,
                          first_indent=indent - hanging)
        face = font(style, self.pt(size))
        for i, line in enumerate(lines):
            left = x0 + (indent if i == 0 else hanging)
            words = line.split()
            last = i == len(lines) - 1
            if justify and not last and len(words) > 1:
                natural = sum(face.getlength(w) for w in words)
                gap = (x1 - left - natural) / (len(words) - 1)
                # A line with very few words would be stretched grotesquely: leave it ragged.
                if gap < face.getlength(" ") * 3:
                    x = float(left)
                    for word in words:
                        self.draw.text((round(x), y), word, font=face, fill=INK, anchor="la")
                        x += face.getlength(word) + gap
                    self.lines.append(line)
                    y += self.line_height(size, spacing)
                    continue
            y = self.write(line, left, y, size=size, style=style, spacing=spacing)
        return y

    def labelled(self, label: str, value: str, y: int, *, size: float = 13,
                 x0: int | None = None, x1: int | None = None, value_style: str = "regular",
                 spacing: float = 1.3) -> int:
        """"Label: value" on one line (wrapping under the value), the way forms print fields."""
        x0 = self.left if x0 is None else x0
        x1 = self.right if x1 is None else x1
        label = nfc(label)
        value = nfc(value)
        label_face = font("regular", self.pt(size))
        head = f"{label} "
        offset = round(label_face.getlength(head))
        if offset > (x1 - x0) * 0.6:
            # A label as long as a sentence: print it as a paragraph, the value after it.
            return self.paragraph(f"{label} {value}", y, size=size, indent=0, x0=x0, x1=x1,
                                  spacing=spacing)
        lines = self.wrap(value, x1 - x0 - offset, size=size, style=value_style)
        for i, line in enumerate(lines or [""]):
            if i == 0:
                self.draw.text((x0, y), head, font=label_face, fill=INK, anchor="la")
                self.draw.text((x0 + offset, y), line, font=font(value_style, self.pt(size)),
                               fill=INK, anchor="la")
                self.lines.append(f"{head}{line}".strip())
                y += self.line_height(size, spacing)
            else:
                y = self.write(line, x0, y, size=size, style=value_style, spacing=spacing)
        return y
