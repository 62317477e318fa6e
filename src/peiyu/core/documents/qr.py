"""QR codes of our own URLs (certificate verification, session check-in, catalog entries): an inline
SVG for pages and a vector flowable for PDFs, both from segno with the same error correction."""

from __future__ import annotations

from typing import Any

import segno
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

ERROR_CORRECTION = "m"  # 15 %: survives a crease or a smudge on paper, keeps the code small


def qr_matrix(data: str, *, border: int = 2) -> list[list[bool]]:
    """The modules of the code of `data`, dark = True, with a quiet zone of `border` modules."""
    code = segno.make(data, error=ERROR_CORRECTION, micro=False)
    return [[bool(m) for m in row] for row in code.matrix_iter(border=border)]


def qr_svg(data: str, *, title: str = "", scale: int = 4, border: int = 2, scalable: bool = False) -> str:
    """An inline <svg> of the code of `data` (segno writes it; `title` is escaped by segno). `scalable`
    leaves out the fixed width and height (a viewBox only), so CSS sizes it (a projector, a printout)."""
    code = segno.make(data, error=ERROR_CORRECTION, micro=False)
    svg: str = code.svg_inline(scale=scale, border=border, title=title or None, omitsize=scalable)
    return svg


class QRCode(Flowable):  # type: ignore[misc]  # reportlab is untyped
    """A QR code drawn as vector squares (no image library needed); `drawOn(canvas, x, y)` places it
    on a canvas outside a story too."""

    def __init__(self, data: str, size: float = 32 * mm) -> None:
        super().__init__()
        self.data = data
        self.size = size
        self.rows = qr_matrix(data)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        cell = self.size / len(self.rows)
        canv: Any = self.canv
        path = canv.beginPath()  # one path of dark runs: no hairline seams between modules
        for y, row in enumerate(self.rows):
            x = 0
            while x < len(row):
                if not row[x]:
                    x += 1
                    continue
                start = x
                while x < len(row) and row[x]:
                    x += 1
                path.rect(start * cell, self.size - (y + 1) * cell, (x - start) * cell, cell)
        canv.setFillColor(colors.black)
        canv.drawPath(path, stroke=0, fill=1)
