"""Building blocks of the platform's PDFs (application forms, letters, receipts, notices, training
certificates): A4 geometry, the paragraph styles they share, a ruled grid table, ticked boxes, the
document template with its footer line and page numbers, and dates written the Chinese way."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table, TableStyle

from .fonts import CJK_FONT, cjk_font

PDF_CONTENT_TYPE = "application/pdf"
MARGIN = 18 * mm
WIDTH = A4[0] - 2 * MARGIN  # the text width of a portrait A4 page
LABEL_W = 32 * mm
ROW_MIN = 7 * mm
TICKED, UNTICKED = "☑", "☐"
NBSP = "\u00a0"  # paragraphs collapse ordinary and ideographic spaces; the blanks of a form must stay
BLANK_DATE = f"年{NBSP * 3}月{NBSP * 3}日"

cjk_font()  # paragraphs resolve their font when they are built, before any document is


def paragraph_style(
    name: str, size: float = 10, align: int = TA_LEFT, leading: float | None = None, **kw: Any
) -> ParagraphStyle:
    """A paragraph style in the CJK font, wrapping between any two CJK characters."""
    return ParagraphStyle(
        name,
        fontName=CJK_FONT,
        fontSize=size,
        leading=leading or size * 1.4,
        alignment=align,
        wordWrap="CJK",
        **kw,
    )


TITLE = paragraph_style("peiyu-title", 17, TA_CENTER, 26, spaceAfter=4 * mm)
HEADER = paragraph_style("peiyu-header", 12)
LABEL = paragraph_style("peiyu-label", 10, TA_CENTER)
VALUE = paragraph_style("peiyu-value", 10)
BODY = paragraph_style("peiyu-body", 11, TA_LEFT, 20, firstLineIndent=22)
PLAIN = paragraph_style("peiyu-plain", 11, TA_LEFT, 20)
RIGHT = paragraph_style("peiyu-right", 11, TA_RIGHT, 20)
CENTER = paragraph_style("peiyu-center", 12, TA_CENTER, 20)
NOTE = paragraph_style("peiyu-note", 9, TA_LEFT, 13)
META = paragraph_style("peiyu-meta", 9, TA_RIGHT, 13)


def cn_date(value: dt.date | str | None) -> str:
    """'2026年3月5日' for a date, an aware datetime (local date) or an ISO date string; '' for none;
    any other text as it is."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            return value
        value = day
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return f"{value.year}年{value.month}月{value.day}日"


def para(text: Any, style: ParagraphStyle = VALUE) -> Paragraph:
    """A paragraph of plain text (escaped: stored text never becomes markup); newlines break lines;
    an empty value (None, "", 0) prints nothing."""
    return Paragraph(escape(str(text or "")).replace("\n", "<br/>"), style)


def grid(
    rows: list[list[Any]],
    widths: list[float],
    *,
    spans: Iterable[tuple[tuple[int, int], tuple[int, int]]] = (),
    min_heights: list[float] | None = None,
    split: bool = False,
    ruled: bool = True,
    extra: Iterable[tuple[Any, ...]] = (),
) -> Table:
    """A table in the CJK font, ruled like a printed form unless `ruled=False`; `split` lets a tall
    row break across pages."""
    table = Table(
        rows,
        colWidths=widths,
        minRowHeights=min_heights or [ROW_MIN] * len(rows),
        splitInRow=1 if split else 0,
    )
    style = [
        *([("GRID", (0, 0), (-1, -1), 0.6, colors.black)] if ruled else []),
        ("FONT", (0, 0), (-1, -1), CJK_FONT, 10),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        *[("SPAN", a, b) for a, b in spans],
        *extra,
    ]
    table.setStyle(TableStyle(style))
    return table


class Ticks(Flowable):  # type: ignore[misc]  # reportlab is untyped
    """Options with drawn boxes, the chosen ones ticked ('初级□ 中级□ 高级□ （请打√）'). The CJK font has
    no ☐/☑ glyphs, so the boxes are drawn; the marks are also written as invisible text, so the PDF
    text reads '初级☑ 中级☐' when searched or copied."""

    def __init__(self, options: Iterable[str], chosen: Iterable[str], size: float = 10) -> None:
        super().__init__()
        self.options = list(options)
        self.chosen = set(chosen)
        self.size = size
        self.leading = size * 1.5
        self._lines: list[list[tuple[str, float]]] = []

    def _item_width(self, label: str) -> float:
        width: float = pdfmetrics.stringWidth(label, CJK_FONT, self.size)
        return width + self.size * 1.1 + self.size * 1.2

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        lines: list[list[tuple[str, float]]] = [[]]
        x = 0.0
        for option in self.options:
            w = self._item_width(option)
            if lines[-1] and x + w > avail_width:
                lines.append([])
                x = 0.0
            lines[-1].append((option, x))
            x += w
        self._lines = lines
        self.width = max(avail_width, 1)
        self.height = self.leading * len(lines)
        return self.width, self.height

    def draw(self) -> None:
        canv: Any = self.canv
        s = self.size
        for n, line in enumerate(self._lines):
            y = self.height - (n + 1) * self.leading + (self.leading - s) / 2 + s * 0.15
            for option, x in line:
                canv.setFont(CJK_FONT, s)
                canv.drawString(x, y, option)
                bx = x + pdfmetrics.stringWidth(option, CJK_FONT, s) + s * 0.15
                box = s * 0.8
                canv.setLineWidth(0.6)
                canv.rect(bx, y - s * 0.05, box, box, stroke=1, fill=0)
                if option in self.chosen:
                    canv.setLineWidth(1.1)
                    path = canv.beginPath()
                    path.moveTo(bx + box * 0.15, y + box * 0.45)
                    path.lineTo(bx + box * 0.42, y + box * 0.12)
                    path.lineTo(bx + box * 0.95, y + box * 0.95)
                    canv.drawPath(path, stroke=1, fill=0)
                canv.saveState()  # the render mode is graphics state: keep it to the mark
                text = canv.beginText(bx, y)
                text.setTextRenderMode(3)
                text.setFont(CJK_FONT, s)
                text.textOut(TICKED if option in self.chosen else UNTICKED)
                canv.drawText(text)
                canv.restoreState()


def build_pdf(story: list[Flowable], *, title: str, subject: str = "", footer: str = "") -> bytes:
    """A portrait A4 document of `story`; every page carries `footer` on the left and its page
    number on the right."""
    cjk_font()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=title,
        subject=subject,
        author="peiyu",
        creator="peiyu",
        lang="zh-CN",
    )

    def page(canv: Any, document: Any) -> None:
        canv.saveState()
        canv.setFont(CJK_FONT, 7.5)
        if footer:
            canv.drawString(MARGIN, 10 * mm, footer)
        canv.drawRightString(A4[0] - MARGIN, 10 * mm, f"第 {document.page} 页")
        canv.restoreState()

    doc.build(story, onFirstPage=page, onLaterPages=page)
    return buffer.getvalue()
