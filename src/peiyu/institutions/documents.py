"""Documents of the directory, rendered from stored records (SEL-7, SEL-9, SEL-10, SEL-12):

- the filled application form as a PDF laid out like the attachment's table (Liaoning attachments 1
  and 2, the Chengdu filing form) and as an xlsx, both driven by the form spec in `rules.forms`;
- the city's recommendation letter (推荐函) for a batch (004 §4(2));
- the Chengdu filing receipt (备案回执) with a QR code to the public catalog entry (001 Art. 7);
- the public notice (公示) with its applications and how to object (000 Art. 7(4)).

Nothing here checks permissions: the views decide who may download what. Personal fields of the form
(`personal=True`, e.g. the legal representative's ID number) are stored encrypted; they are printed
masked unless the caller passes `full=True` (DESIGN §7: the caller audits a full view)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
from collections.abc import Iterable
from typing import Any
from xml.sax.saxutils import escape

import segno
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from peiyu.core import crypto
from peiyu.core.errors import PolicyMissing
from peiyu.core.identifiers import mask_id_number, mask_name, mask_phone
from peiyu.core.policy import policy_named

from .models import Application, Listing, PublicNotice
from .rules.forms import COMMITMENT_TEXT, FORMS, Field, FormSpec, form_key_for

FONT = "STSong-Light"
MARGIN = 18 * mm
WIDTH = A4[0] - 2 * MARGIN
LABEL_W = 32 * mm
ROW_MIN = 7 * mm
TICKED, UNTICKED = "☑", "☐"
PDF_CONTENT_TYPE = "application/pdf"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Totals printed under the volume tables of attachments 1 and 2: (label, column summed, row filter).
TABLE_TOTALS: dict[str, tuple[tuple[str, str, tuple[str, str] | None], ...]] = {
    "volume_5y": (("培训总规模", "trained", None), ("（其中独立培训规模）", "independent", None)),
    "evaluation_5y": (
        ("总规模", "issued", None),
        ("其中自有证书规模", "issued", ("certificate_nature", "自有证书")),
    ),
}
_SHORT_TYPES = {"int", "decimal", "date", "choice", "bool", "phone", "email", "id_number"}
_PERSON_SUFFIXES = ("_name", "_position", "_phone", "_email")


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


_font()  # paragraphs resolve their font when they are built, before any document is


def _style(
    name: str, size: float = 10, align: int = TA_LEFT, leading: float | None = None, **kw
) -> ParagraphStyle:
    return ParagraphStyle(
        name,
        fontName=FONT,
        fontSize=size,
        leading=leading or size * 1.4,
        alignment=align,
        wordWrap="CJK",
        **kw,
    )


TITLE = _style("peiyu-title", 17, TA_CENTER, 26, spaceAfter=4 * mm)
HEADER = _style("peiyu-header", 12)
LABEL = _style("peiyu-label", 10, TA_CENTER)
VALUE = _style("peiyu-value", 10)
BODY = _style("peiyu-body", 11, TA_LEFT, 20, firstLineIndent=22)
PLAIN = _style("peiyu-plain", 11, TA_LEFT, 20)
RIGHT = _style("peiyu-right", 11, TA_RIGHT, 20)
CENTER = _style("peiyu-center", 12, TA_CENTER, 20)
NOTE = _style("peiyu-note", 9, TA_LEFT, 13)
NBSP = "\u00a0"  # paragraphs collapse ordinary and ideographic spaces; the blanks of a form must stay
BLANK_DATE = f"年{NBSP * 3}月{NBSP * 3}日"
META = _style("peiyu-meta", 9, TA_RIGHT, 13)


# --- values ---------------------------------------------------------------------------------------


def form_sha256(form: dict[str, Any]) -> str:
    """SHA-256 of the stored form JSON in canonical form (sorted keys, no spaces, UTF-8): the same
    form always prints the same digest, so a paper copy can be matched with the record."""
    canonical = json.dumps(form or {}, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def form_spec_for(application: Application) -> FormSpec:
    return FORMS[form_key_for(application.call.programme, application.kind)]


def policy_levels(application: Application) -> list[str]:
    """The levels of the call's policy profile (CAT-1, CAT-2): the boxes printed on the form."""
    try:
        levels = list(policy_named(application.policy_name or application.call.policy_name)["levels"])
    except PolicyMissing:
        levels = []
    for extra in [*(application.call.levels or []), *(application.levels or [])]:
        if extra not in levels:
            levels.append(extra)
    return levels


def chosen_levels(application: Application) -> list[str]:
    return list(application.levels or (application.form or {}).get("levels") or [])


def reveal(field: Field, value: Any, *, full: bool = False) -> str:
    """A personal field as printed: decrypted, then masked unless `full` (DESIGN §7)."""
    if value in (None, ""):
        return ""
    text = str(value)
    if text.startswith(crypto.PREFIX + ":"):
        try:
            text = crypto.decrypt(text)
        except crypto.DecryptionError:
            return "（无法解密）"
    if full:
        return text
    if field.type == "phone":
        return mask_phone(text)
    if field.type == "id_number":
        return mask_id_number(text)
    return mask_name(text)


def ticks(options: Iterable[str], chosen: Iterable[str]) -> str:
    """'初级☑ 中级☐ 高级☐': the attachment's boxes as text (xlsx, searchable PDF text)."""
    chosen = set(chosen)
    return " ".join(f"{o}{TICKED if o in chosen else UNTICKED}" for o in options)


def yes_no(value: Any) -> str:
    if value is None or value == "":
        return f"是{UNTICKED} 否{UNTICKED}"
    return ticks(["是", "否"], ["是" if value else "否"])


def cn_date(value: Any) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return value
    return f"{value.year}年{value.month}月{value.day}日"


def _int(value: Any) -> int:
    try:
        return int(str(value).strip() or 0)
    except (TypeError, ValueError):
        return 0


def table_totals(key: str, rows: list[dict[str, Any]]) -> list[tuple[str, int]]:
    """The totals the attachment prints under a volume table, computed from its rows."""
    out = []
    for label, column, condition in TABLE_TOTALS.get(key, ()):
        selected = [r for r in rows if condition is None or r.get(condition[0]) == condition[1]]
        out.append((label, sum(_int(r.get(column)) for r in selected)))
    return out


def cell_text(field: Field, value: Any, *, full: bool = False) -> str:
    """A scalar value (or a table cell) as text."""
    if field.personal:
        return reveal(field, value, full=full)
    if value is None or value == "":
        return ""
    if field.type == "bool":
        return "是" if value else "否"
    if field.type == "date":
        return cn_date(value)
    if field.type == "levels":
        return "、".join(value) if isinstance(value, list) else str(value)
    if field.type == "levels_map":
        return "；".join(f"{k}：{v}" for k, v in value.items()) if isinstance(value, dict) else str(value)
    return str(value)


def _value(application: Application, field: Field) -> Any:
    """The form's value, or the record's own for the fields the record also holds."""
    form = application.form or {}
    if field.key == "recommendation_reason":
        return application.recommendation_reason or form.get(field.key, "")
    value = form.get(field.key)
    if value not in (None, "", [], {}):
        return value
    fallbacks = {
        "occupation": lambda: application.occupation_name,
        "levels": lambda: application.levels,
        "unit_name": lambda: application.institution.name,
        "uscc": lambda: application.institution.uscc or "",
        "commitment_signatory": lambda: application.commitment_signatory,
    }
    return fallbacks[field.key]() if field.key in fallbacks else value


def _recommend_action(application: Application):
    if application.pk is None:
        return None
    actions = application.actions.filter(outcome="recommend").select_related("org")
    if application.recommender_id:
        actions = actions.filter(org_id=application.recommender_id)
    return actions.order_by("-at", "-id").first()


def attachment_label(spec: FormSpec) -> str:
    """'附件1' for the Liaoning forms (source '004 附件1'), '' for the others."""
    m = re.search(r"附件\s*(\d+)", spec.source)
    return f"附件{m.group(1)}" if m else ""


# --- PDF building blocks --------------------------------------------------------------------------


def _p(text: Any, style: ParagraphStyle = VALUE) -> Paragraph:
    return Paragraph(escape(str(text or "")).replace("\n", "<br/>"), style)


class Ticks(Flowable):
    """Options with drawn boxes, the chosen ones ticked ('初级□ 中级□ 高级□ （请打√）'). The CJK font has
    no ☐/☑ glyphs, so the boxes are drawn; the marks are also written as invisible text, so the PDF
    text reads '初级☑ 中级☐' when searched or copied."""

    def __init__(self, options: list[str], chosen: Iterable[str], size: float = 10):
        super().__init__()
        self.options = list(options)
        self.chosen = set(chosen)
        self.size = size
        self.leading = size * 1.5
        self._lines: list[list[tuple[str, float]]] = []

    def _item_width(self, label: str) -> float:
        return pdfmetrics.stringWidth(label, FONT, self.size) + self.size * 1.1 + self.size * 1.2

    def wrap(self, avail_width, avail_height):
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

    def draw(self):
        canv, s = self.canv, self.size
        for n, line in enumerate(self._lines):
            y = self.height - (n + 1) * self.leading + (self.leading - s) / 2 + s * 0.15
            for option, x in line:
                canv.setFont(FONT, s)
                canv.drawString(x, y, option)
                bx = x + pdfmetrics.stringWidth(option, FONT, s) + s * 0.15
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
                text.setFont(FONT, s)
                text.textOut(TICKED if option in self.chosen else UNTICKED)
                canv.drawText(text)
                canv.restoreState()


class QRCode(Flowable):
    """A QR code drawn as vector squares (no image library needed)."""

    def __init__(self, data: str, size: float = 32 * mm):
        super().__init__()
        self.data = data
        self.size = size
        self.rows = [list(r) for r in segno.make(data, error="m", micro=False).matrix_iter(border=2)]

    def wrap(self, avail_width, avail_height):
        return self.size, self.size

    def draw(self):
        cell = self.size / len(self.rows)
        path = self.canv.beginPath()  # one path of dark runs: no hairline seams between modules
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
        self.canv.setFillColor(colors.black)
        self.canv.drawPath(path, stroke=0, fill=1)


def _grid(
    rows: list[list[Any]],
    widths: list[float],
    *,
    spans: Iterable[tuple[tuple[int, int], tuple[int, int]]] = (),
    min_heights: list[float] | None = None,
    split: bool = False,
    ruled: bool = True,
    extra: Iterable[tuple] = (),
) -> Table:
    table = Table(
        rows,
        colWidths=widths,
        minRowHeights=min_heights or [ROW_MIN] * len(rows),
        splitInRow=1 if split else 0,
    )
    style = [
        *([("GRID", (0, 0), (-1, -1), 0.6, colors.black)] if ruled else []),
        ("FONT", (0, 0), (-1, -1), FONT, 10),
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


def _is_short(f: Field) -> bool:
    if len(f.label) > 24:
        return False
    return f.type in _SHORT_TYPES or (f.type == "text" and 0 < f.max_length <= 64)


class _FormPdf:
    """Lays one application's form out block by block; each block is a full-width grid table, so the
    blocks stack into one ruled form and page breaks fall between them (or inside long text)."""

    def __init__(self, application: Application, *, full: bool):
        self.app = application
        self.full = full
        self.spec = form_spec_for(application)
        self.levels = policy_levels(application)
        self.chosen = chosen_levels(application)

    def scalar(self, f: Field) -> Any:
        value = _value(self.app, f)
        if f.type == "bool":
            return Ticks(["是", "否"], [] if value in (None, "") else ["是" if value else "否"])
        if f.type == "levels":
            return Ticks(self.levels, self.chosen)
        return _p(cell_text(f, value, full=self.full))

    def full_row(self, f: Field) -> Table:
        textarea = f.type == "textarea"
        return _grid(
            [[_p(f.label, LABEL), self.scalar(f)]],
            [LABEL_W, WIDTH - LABEL_W],
            min_heights=[28 * mm if textarea else ROW_MIN],
            split=textarea,
            extra=[("VALIGN", (1, 0), (1, 0), "TOP")] if textarea else (),
        )

    def pair_row(self, a: Field, b: Field) -> Table:
        half = WIDTH / 2 - LABEL_W
        return _grid(
            [[_p(a.label, LABEL), self.scalar(a), _p(b.label, LABEL), self.scalar(b)]],
            [LABEL_W, half, LABEL_W, half],
        )

    def person(self, fields: list[Field]) -> Table:
        name, position, phone, email = fields
        title = name.label.removesuffix("姓名")
        return _grid(
            [
                [
                    _p(title, LABEL),
                    _p("姓名", LABEL),
                    self.scalar(name),
                    _p("电话", LABEL),
                    self.scalar(phone),
                ],
                ["", _p("职务", LABEL), self.scalar(position), _p("邮箱", LABEL), self.scalar(email)],
            ],
            [LABEL_W, 16 * mm, (WIDTH - LABEL_W) / 2 - 16 * mm, 16 * mm, (WIDTH - LABEL_W) / 2 - 16 * mm],
            spans=[((0, 0), (0, 1))],
        )

    def levels_maps(self, fields: list[Field]) -> Table:
        per = WIDTH / len(fields)
        widths: list[float] = []
        rows: list[list[Any]] = [[] for _ in self.levels]
        spans = []
        for i, f in enumerate(fields):
            values = _value(self.app, f) or {}
            widths += [LABEL_W, 14 * mm, per - LABEL_W - 14 * mm]
            spans.append(((3 * i, 0), (3 * i, max(len(self.levels) - 1, 0))))
            for n, level in enumerate(self.levels):
                label = _p(f.label, LABEL) if n == 0 else ""
                rows[n] += [
                    label,
                    _p(level, LABEL),
                    _p(values.get(level, "") if isinstance(values, dict) else ""),
                ]
        return _grid(rows or [["" for _ in widths]], widths, spans=spans)

    def table(self, f: Field) -> Table:
        rows = [r for r in (_value(self.app, f) or []) if isinstance(r, dict)]
        cols = list(f.columns)
        printed = rows + [{}] * max(0, f.rows - len(rows))
        body = [[_p(cell_text(c, r.get(c.key), full=self.full), LABEL) for c in cols] for r in printed]
        header = [_p(c.label, LABEL) for c in cols]
        totals = table_totals(f.key, rows)
        if len(cols) <= 5:
            col_w = (WIDTH - LABEL_W) / len(cols)
            data = [[_p(f.label, LABEL), *header], *[["", *r] for r in body]]
            spans = []
            for label, total in totals:
                spans.append(((2, len(data)), (len(cols), len(data))))
                data.append(["", _p(label, LABEL), _p(total, LABEL), *[""] * (len(cols) - 2)])
            spans.append(((0, 0), (0, len(data) - 1)))
            return _grid(data, [LABEL_W, *[col_w] * len(cols)], spans=spans)
        col_w = WIDTH / len(cols)
        data = [[_p(f.label, LABEL), *[""] * (len(cols) - 1)], header, *body]
        spans = [((0, 0), (len(cols) - 1, 0))]
        for label, total in totals:
            spans.append(((1, len(data)), (len(cols) - 1, len(data))))
            data.append([_p(label, LABEL), _p(total, LABEL), *[""] * (len(cols) - 2)])
        return _grid(data, [col_w] * len(cols), spans=spans)

    def heading(self, title: str) -> Table:
        return _grid([[_p(title, CENTER)]], [WIDTH], min_heights=[9 * mm])

    def commitment(self, section) -> Table:
        f = section.fields[0]
        unit = _value(self.app, self.spec.field("unit_name"))
        signed = self.app.commitment_confirmed_at
        title = section.title if "诚信" in section.title else f"承{NBSP * 2}诺"
        applicant = "申请单位" if "申请" in self.spec.title else "申报单位"
        cell = [
            _p(title, CENTER),
            Spacer(1, 2 * mm),
            _p(f.help or COMMITMENT_TEXT, BODY),
            Spacer(1, 4 * mm),
            _p(f"{applicant}（盖章）：{unit}", PLAIN),
            _p(f"{f.label}：{_value(self.app, f) or ''}", PLAIN),
            _p(cn_date(signed) if signed else BLANK_DATE, RIGHT),
        ]
        return _grid([[cell]], [WIDTH], min_heights=[45 * mm])

    def recommender(self, section) -> Table:
        by_key = {f.key: f for f in section.fields}
        action = _recommend_action(self.app)
        org = action.org if action and action.org_id else self.app.recommender
        reason_field = by_key["recommendation_reason"]
        cell = [
            _p(reason_field.label + "：", PLAIN),
            _p(_value(self.app, reason_field), BODY),
            Spacer(1, 6 * mm),
            _p(f"推荐单位（盖章）：{org.name if org else ''}", PLAIN),
            _p("推荐单位负责人签字：", PLAIN),
            _p(cn_date(action.at) if action else BLANK_DATE, RIGHT),
        ]
        contact = _value(self.app, by_key["recommender_contact"]) or ""
        phone = _value(self.app, by_key["recommender_phone"]) or ""
        return _grid(
            [[cell], [_p(f"推荐单位联系人：{contact}{NBSP * 6}联系电话：{phone}", PLAIN)]],
            [WIDTH],
            min_heights=[50 * mm, ROW_MIN],
            split=True,
        )

    def section(self, section) -> list[Flowable]:
        if section.key == "commitment":
            return [self.commitment(section)]
        if section.key == "recommender":
            return [self.recommender(section)]
        out: list[Flowable] = [] if section.key == "scope" else [self.heading(section.title)]
        fields = list(section.fields)
        pending: list[Field] = []

        def flush():
            while pending:
                a = pending.pop(0)
                out.append(self.pair_row(a, pending.pop(0)) if pending else self.full_row(a))

        i = 0
        while i < len(fields):
            f = fields[i]
            group = fields[i : i + 4]
            prefix = f.key.removesuffix("_name")
            if f.key.endswith("_name") and [g.key for g in group] == [prefix + s for s in _PERSON_SUFFIXES]:
                flush()
                out.append(self.person(group))
                i += 4
                continue
            if f.type == "levels_map":
                flush()
                maps = [f]
                if i + 1 < len(fields) and fields[i + 1].type == "levels_map":
                    maps.append(fields[i + 1])
                out.append(self.levels_maps(maps))
                i += len(maps)
                continue
            if f.type == "table":
                flush()
                out.append(self.table(f))
            elif _is_short(f):
                pending.append(f)
                if len(pending) == 2:
                    flush()
            else:
                flush()
                out.append(self.full_row(f))
            i += 1
        flush()
        return out

    def story(self) -> list[Flowable]:
        story: list[Flowable] = []
        label = attachment_label(self.spec)
        if label:
            story.append(_p(label, HEADER))
        story.append(_p(self.spec.title, TITLE))
        submitted = f"{NBSP * 2}提交时间：{cn_date(self.app.submitted_at)}" if self.app.submitted_at else ""
        story.append(_p(f"申报编号：{self.app.number}{submitted}", META))
        story.append(Spacer(1, 2 * mm))
        for section in self.spec.sections:
            story += self.section(section)
        if self.spec.notes:
            story.append(Spacer(1, 3 * mm))
            for n, note in enumerate(self.spec.notes):
                story.append(_p(("注：" if n == 0 else "") + note, NOTE))
        return story


def _build(story: list[Flowable], *, title: str, subject: str = "", footer: str = "") -> bytes:
    _font()
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

    def page(canv, document):
        canv.saveState()
        canv.setFont(FONT, 7.5)
        if footer:
            canv.drawString(MARGIN, 10 * mm, footer)
        canv.drawRightString(A4[0] - MARGIN, 10 * mm, f"第 {document.page} 页")
        canv.restoreState()

    doc.build(story, onFirstPage=page, onLaterPages=page)
    return buffer.getvalue()


# --- the documents --------------------------------------------------------------------------------


def application_pdf(application: Application, *, full: bool = False) -> bytes:
    """The filled form, laid out like the attachment's table (SEL-12); personal data masked unless
    `full`. The footer carries the application number and the SHA-256 of the form JSON."""
    renderer = _FormPdf(application, full=full)
    form_name = renderer.spec.title[-3:]  # 推荐表 / 申请表
    footer = f"申报编号：{application.number}{NBSP * 2}{form_name} SHA-256：{form_sha256(application.form)}"
    return _build(renderer.story(), title=renderer.spec.title, subject=application.number, footer=footer)


def _sheet_name(label: str, taken: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "", label)[:31] or "表"
    name, n = base, 2
    while name in taken:
        suffix = f"({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name)
    return name


def application_xlsx(application: Application, *, full: bool = False) -> bytes:
    """The same content as the PDF: sheet 推荐表 with label/value rows, one sheet per table field."""
    spec = form_spec_for(application)
    levels, chosen = policy_levels(application), chosen_levels(application)
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    wb = Workbook()
    ws = wb.active
    ws.title = "推荐表"
    taken = {ws.title}
    ws.column_dimensions["A"].width = 42
    ws.column_dimensions["B"].width = 90

    def row(label: str, value: Any = "", *, strong: bool = False) -> None:
        ws.append([label, value])
        _as_text(ws[ws.max_row])
        for cell in ws[ws.max_row]:
            cell.alignment = wrap
            if strong:
                cell.font = bold

    label = attachment_label(spec)
    row(f"{label} {spec.title}".strip(), strong=True)
    row("申报编号", application.number)
    row("申报通知", application.call.title)
    tables: list[tuple[Field, str]] = []
    for section in spec.sections:
        row(section.title, strong=True)
        for f in section.fields:
            value = _value(application, f)
            if f.type == "table":
                name = _sheet_name(f.label, taken)
                tables.append((f, name))
                row(f.label, f"见工作表“{name}”")
            elif f.type == "bool":
                row(f.label, yes_no(value))
            elif f.type == "levels":
                row(f.label, ticks(levels, chosen))
            elif f.type == "levels_map":
                values = value if isinstance(value, dict) else {}
                row(f.label, "；".join(f"{lv}：{values.get(lv, '')}" for lv in levels))
            else:
                row(f.label, cell_text(f, value, full=full))
        if section.key == "commitment":
            row("承诺", section.fields[0].help or COMMITMENT_TEXT)
            if application.commitment_confirmed_at:
                row("承诺确认时间", cn_date(application.commitment_confirmed_at))
    for n, note in enumerate(spec.notes):
        row("注" if n == 0 else "", note)
    row("推荐表 SHA-256", form_sha256(application.form))

    for f, name in tables:
        sheet = wb.create_sheet(name)
        sheet.append([c.label for c in f.columns])
        for cell in sheet[1]:
            cell.font = bold
            cell.alignment = wrap
        rows = [r for r in (_value(application, f) or []) if isinstance(r, dict)]
        for r in rows:
            sheet.append([_xlsx_cell(c, r.get(c.key), full=full) for c in f.columns])
            _as_text(sheet[sheet.max_row])
        for total_label, total in table_totals(f.key, rows):
            sheet.append([total_label, total])
            sheet.cell(sheet.max_row, 1).font = bold
        for i in range(len(f.columns)):
            sheet.column_dimensions[chr(ord("A") + i)].width = 22
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _as_text(cells) -> None:
    """openpyxl stores a string starting with '=' as a formula: what an applicant typed must stay
    text, or opening the file would run it (formula injection)."""
    for cell in cells:
        if cell.data_type == "f":
            cell.data_type = "s"


def _xlsx_cell(field: Field, value: Any, *, full: bool) -> Any:
    if field.type == "int" and not field.personal:
        try:
            return int(value)
        except (TypeError, ValueError):
            return cell_text(field, value, full=full)
    return cell_text(field, value, full=full)


def _province_office(call) -> str:
    issuer = call.issuer
    if issuer is not None and issuer.kind == "hrss_province":
        return f"{issuer.name}人才开发处"
    return "省厅人才开发处"


def recommendation_letter_pdf(
    *, call, recommender_org, applications, signer_name: str, date: dt.date
) -> bytes:
    """推荐函 (004 §4(2)): the city recommends a batch to the province's talent-development division,
    each application with its recommendation reason."""
    applications = list(applications)
    institutions = {a.institution_id for a in applications}
    story: list[Flowable] = [
        _p("推荐函", TITLE),
        _p(f"{_province_office(call)}：", PLAIN),
        _p(
            f"根据《{call.title}》要求，我单位对本地区申报单位的申报材料进行了审核评议。经审核，"
            f"现择优推荐以下{len(institutions)}家机构（共{len(applications)}项申报），请予审核。",
            BODY,
        ),
        Spacer(1, 3 * mm),
    ]
    widths = [11 * mm, 29 * mm, 42 * mm, 18 * mm, 44 * mm, WIDTH - 144 * mm]
    data: list[list[Any]] = [
        [_p(h, LABEL) for h in ("序号", "申报编号", "申报单位", "机构类别", "申报职业", "申报等级")]
    ]
    spans = []
    for n, a in enumerate(applications, start=1):
        data.append(
            [
                _p(n, LABEL),
                _p(a.number, LABEL),
                _p(a.institution.name, LABEL),
                _p(a.get_kind_display(), LABEL),
                _p(a.occupation_name, LABEL),
                _p("、".join(a.levels or []), LABEL),
            ]
        )
        spans.append(((1, len(data)), (5, len(data))))
        data.append(["", _p(f"推荐理由：{a.recommendation_reason or ''}", VALUE), "", "", "", ""])
    story.append(_grid(data, widths, spans=spans, split=True))
    story += [
        Spacer(1, 10 * mm),
        _p(f"推荐单位（盖章）：{recommender_org.name}", RIGHT),
        _p(f"负责人：{signer_name}", RIGHT),
        _p(cn_date(date), RIGHT),
    ]
    return _build(story, title=f"推荐函 {call.title}", subject=call.code, footer=f"{call.code} 推荐函")


def catalog_url(listing: Listing, base_url: str = "") -> str:
    return f"{base_url.rstrip('/')}/catalog/{listing.number}/"


def _city_bureau(application: Application, listing: Listing) -> str:
    from peiyu.accounts.models import Org, Region

    issuer = application.call.issuer
    if issuer is not None and issuer.kind == "hrss_city":
        return issuer.name
    city = (listing.catalog_region_id or application.call.region_id or listing.region_id or "")[:4] + "00"
    bureau = Org.objects.filter(kind="hrss_city", region_id=city).order_by("pk").first()
    if bureau:
        return bureau.name
    region = Region.objects.filter(code=city).first()
    return f"{region.name if region else ''}人力资源和社会保障局"


def filing_receipt_pdf(
    application: Application, listing: Listing, *, base_url: str = "", issued_on: dt.date | None = None
) -> bytes:
    """备案回执 (001 Art. 7): the unified filing code, the institution, its type, trade and levels, the
    validity, issued by the city bureau, with a QR code to the public catalog entry."""
    institution = application.institution
    url = catalog_url(listing, base_url)
    issuer = _city_bureau(application, listing)
    issued_on = issued_on or listing.valid_from
    rows = [
        ("统一编码", listing.filing_code or ""),
        ("机构名称", listing.institution_name or institution.name),
        ("统一社会信用代码", institution.uscc or ""),
        ("机构类型", listing.get_institution_type_display()),
        ("评价职业（工种）", f"{listing.occupation_name}（{listing.occupation_code}）"),
        ("评价等级", "、".join(listing.levels or [])),
        ("备案有效期", f"{cn_date(listing.valid_from)}至{cn_date(listing.valid_until)}"),
        ("目录编号", listing.number),
        ("申报编号", application.number),
    ]
    story: list[Flowable] = [
        _p("职业技能等级评价机构备案回执", TITLE),
        _p(f"{institution.name}：", PLAIN),
        _p(
            f"你单位申请的职业技能等级评价机构备案，经技术评审并公示，准予备案，统一编码为{listing.filing_code}。"
            "请在备案范围内规范开展职业技能等级认定工作，自觉接受人力资源社会保障部门的监督管理。备案信息如下：",
            BODY,
        ),
        Spacer(1, 3 * mm),
        _grid([[_p(k, LABEL), _p(v)] for k, v in rows], [40 * mm, WIDTH - 40 * mm]),
        Spacer(1, 6 * mm),
        _grid(
            [[QRCode(url), [_p("扫码查询备案信息", PLAIN), _p(url, NOTE)]]],
            [38 * mm, WIDTH - 38 * mm],
            ruled=False,
        ),
        Spacer(1, 10 * mm),
        _p(issuer, RIGHT),
        _p(cn_date(issued_on), RIGHT),
    ]
    return _build(
        story,
        title="备案回执",
        subject=listing.filing_code or listing.number,
        footer=f"统一编码：{listing.filing_code}　目录编号：{listing.number}",
    )


def notice_pdf(notice: PublicNotice) -> bytes:
    """公示 (SEL-7, SEL-10): the applications in the notice, its period and how to object."""
    applications = list(
        notice.applications.select_related("institution").order_by("kind", "occupation_code", "number")
    )
    publisher = notice.publisher.name
    story: list[Flowable] = [
        _p(notice.title, TITLE),
        _p(
            f"根据《{notice.call.title}》，经审核评议，拟将以下{len(applications)}项申报纳入机构目录，"
            "现予以公示。",
            BODY,
        ),
        Spacer(1, 3 * mm),
    ]
    widths = [11 * mm, 29 * mm, 44 * mm, 18 * mm, 44 * mm, WIDTH - 146 * mm]
    data: list[list[Any]] = [
        [_p(h, LABEL) for h in ("序号", "申报编号", "机构名称", "机构类别", "职业（工种）", "等级")]
    ]
    for n, a in enumerate(applications, start=1):
        data.append(
            [
                _p(n, LABEL),
                _p(a.number, LABEL),
                _p(a.institution.name, LABEL),
                _p(a.get_kind_display(), LABEL),
                _p(a.occupation_name, LABEL),
                _p("、".join(a.levels or []), LABEL),
            ]
        )
    story += [
        _grid(data, widths, split=True),
        Spacer(1, 4 * mm),
        _p(
            f"公示期：{cn_date(notice.starts_on)}至{cn_date(notice.ends_on)}（{notice.working_days}个工作日）。",
            BODY,
        ),
        _p(
            f"公示期间，任何单位和个人对公示对象有异议的，可通过本平台该公示页面在线提出，或以书面形式向{publisher}"
            "反映。异议应写明具体事实和理由，并提供异议人真实姓名和联系方式，以便核实和反馈处理结果。"
            "公示期满无异议或异议不成立的，纳入机构目录。",
            BODY,
        ),
        Spacer(1, 10 * mm),
        _p(publisher, RIGHT),
        _p(cn_date(notice.starts_on), RIGHT),
    ]
    return _build(story, title=notice.title, subject=notice.number, footer=f"公示编号：{notice.number}")
