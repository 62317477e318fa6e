"""The filled application form (SEL-12) as a PDF laid out like the attachment's table (Liaoning
attachments 1 and 2, the Chengdu filing form) and as an xlsx, both driven by the form spec in
`rules.forms`. Personal data is printed masked unless `full` (see `values`)."""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table

from peiyu.core.documents.pdf import (
    BLANK_DATE,
    BODY,
    CENTER,
    HEADER,
    LABEL,
    LABEL_W,
    META,
    NBSP,
    NOTE,
    PLAIN,
    RIGHT,
    ROW_MIN,
    TITLE,
    WIDTH,
    Ticks,
    build_pdf,
    cn_date,
    grid,
    para,
)
from peiyu.core.documents.xlsx import XlsxWriter, sheet_title

from ..models import Application
from ..rules.forms import COMMITMENT_TEXT, Field
from .values import (
    attachment_label,
    cell_text,
    chosen_levels,
    form_sha256,
    form_spec_for,
    form_value,
    policy_levels,
    recommend_action,
    table_totals,
    ticks,
    yes_no,
)

_SHORT_TYPES = {"int", "decimal", "date", "choice", "bool", "phone", "email", "id_number"}
_PERSON_SUFFIXES = ("_name", "_position", "_phone", "_email")


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
        value = form_value(self.app, f)
        if f.type == "bool":
            return Ticks(["是", "否"], [] if value in (None, "") else ["是" if value else "否"])
        if f.type == "levels":
            return Ticks(self.levels, self.chosen)
        return para(cell_text(f, value, full=self.full))

    def full_row(self, f: Field) -> Table:
        textarea = f.type == "textarea"
        return grid(
            [[para(f.label, LABEL), self.scalar(f)]],
            [LABEL_W, WIDTH - LABEL_W],
            min_heights=[28 * mm if textarea else ROW_MIN],
            split=textarea,
            extra=[("VALIGN", (1, 0), (1, 0), "TOP")] if textarea else (),
        )

    def pair_row(self, a: Field, b: Field) -> Table:
        half = WIDTH / 2 - LABEL_W
        return grid(
            [[para(a.label, LABEL), self.scalar(a), para(b.label, LABEL), self.scalar(b)]],
            [LABEL_W, half, LABEL_W, half],
        )

    def person(self, fields: list[Field]) -> Table:
        name, position, phone, email = fields
        title = name.label.removesuffix("姓名")
        return grid(
            [
                [
                    para(title, LABEL),
                    para("姓名", LABEL),
                    self.scalar(name),
                    para("电话", LABEL),
                    self.scalar(phone),
                ],
                ["", para("职务", LABEL), self.scalar(position), para("邮箱", LABEL), self.scalar(email)],
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
            values = form_value(self.app, f) or {}
            widths += [LABEL_W, 14 * mm, per - LABEL_W - 14 * mm]
            spans.append(((3 * i, 0), (3 * i, max(len(self.levels) - 1, 0))))
            for n, level in enumerate(self.levels):
                label = para(f.label, LABEL) if n == 0 else ""
                rows[n] += [
                    label,
                    para(level, LABEL),
                    para(values.get(level, "") if isinstance(values, dict) else ""),
                ]
        return grid(rows or [["" for _ in widths]], widths, spans=spans)

    def table(self, f: Field) -> Table:
        rows = [r for r in (form_value(self.app, f) or []) if isinstance(r, dict)]
        cols = list(f.columns)
        printed = rows + [{}] * max(0, f.rows - len(rows))
        body = [[para(cell_text(c, r.get(c.key), full=self.full), LABEL) for c in cols] for r in printed]
        header = [para(c.label, LABEL) for c in cols]
        totals = table_totals(f.key, rows)
        if len(cols) <= 5:
            col_w = (WIDTH - LABEL_W) / len(cols)
            data = [[para(f.label, LABEL), *header], *[["", *r] for r in body]]
            spans = []
            for label, total in totals:
                spans.append(((2, len(data)), (len(cols), len(data))))
                data.append(["", para(label, LABEL), para(total, LABEL), *[""] * (len(cols) - 2)])
            spans.append(((0, 0), (0, len(data) - 1)))
            return grid(data, [LABEL_W, *[col_w] * len(cols)], spans=spans)
        col_w = WIDTH / len(cols)
        data = [[para(f.label, LABEL), *[""] * (len(cols) - 1)], header, *body]
        spans = [((0, 0), (len(cols) - 1, 0))]
        for label, total in totals:
            spans.append(((1, len(data)), (len(cols) - 1, len(data))))
            data.append([para(label, LABEL), para(total, LABEL), *[""] * (len(cols) - 2)])
        return grid(data, [col_w] * len(cols), spans=spans)

    def heading(self, title: str) -> Table:
        return grid([[para(title, CENTER)]], [WIDTH], min_heights=[9 * mm])

    def commitment(self, section) -> Table:
        f = section.fields[0]
        unit = form_value(self.app, self.spec.field("unit_name"))
        signed = self.app.commitment_confirmed_at
        title = section.title if "诚信" in section.title else f"承{NBSP * 2}诺"
        applicant = "申请单位" if "申请" in self.spec.title else "申报单位"
        cell = [
            para(title, CENTER),
            Spacer(1, 2 * mm),
            para(f.help or COMMITMENT_TEXT, BODY),
            Spacer(1, 4 * mm),
            para(f"{applicant}（盖章）：{unit}", PLAIN),
            para(f"{f.label}：{form_value(self.app, f) or ''}", PLAIN),
            para(cn_date(signed) if signed else BLANK_DATE, RIGHT),
        ]
        return grid([[cell]], [WIDTH], min_heights=[45 * mm])

    def recommender(self, section) -> Table:
        by_key = {f.key: f for f in section.fields}
        action = recommend_action(self.app)
        org = action.org if action and action.org_id else self.app.recommender
        reason_field = by_key["recommendation_reason"]
        cell = [
            para(reason_field.label + "：", PLAIN),
            para(form_value(self.app, reason_field), BODY),
            Spacer(1, 6 * mm),
            para(f"推荐单位（盖章）：{org.name if org else ''}", PLAIN),
            para("推荐单位负责人签字：", PLAIN),
            para(cn_date(action.at) if action else BLANK_DATE, RIGHT),
        ]
        contact = form_value(self.app, by_key["recommender_contact"]) or ""
        phone = form_value(self.app, by_key["recommender_phone"]) or ""
        return grid(
            [[cell], [para(f"推荐单位联系人：{contact}{NBSP * 6}联系电话：{phone}", PLAIN)]],
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
            story.append(para(label, HEADER))
        story.append(para(self.spec.title, TITLE))
        submitted = f"{NBSP * 2}提交时间：{cn_date(self.app.submitted_at)}" if self.app.submitted_at else ""
        story.append(para(f"申报编号：{self.app.number}{submitted}", META))
        story.append(Spacer(1, 2 * mm))
        for section in self.spec.sections:
            story += self.section(section)
        if self.spec.notes:
            story.append(Spacer(1, 3 * mm))
            for n, note in enumerate(self.spec.notes):
                story.append(para(("注：" if n == 0 else "") + note, NOTE))
        return story


def application_pdf(application: Application, *, full: bool = False) -> bytes:
    """The filled form, laid out like the attachment's table (SEL-12); personal data masked unless
    `full`. The footer carries the application number and the SHA-256 of the form JSON."""
    renderer = _FormPdf(application, full=full)
    form_name = renderer.spec.title[-3:]  # 推荐表 / 申请表
    footer = f"申报编号：{application.number}{NBSP * 2}{form_name} SHA-256：{form_sha256(application.form)}"
    return build_pdf(renderer.story(), title=renderer.spec.title, subject=application.number, footer=footer)


def application_xlsx(application: Application, *, full: bool = False) -> bytes:
    """The same content as the PDF: sheet 推荐表 with label/value rows, one sheet per table field."""
    spec = form_spec_for(application)
    levels, chosen = policy_levels(application), chosen_levels(application)
    writer = XlsxWriter()
    ws = writer.sheet("推荐表")
    ws.widths({"A": 42, "B": 90})

    def row(label: str, value: Any = "", *, strong: bool = False) -> None:
        ws.append([label, value], bold=strong, wrap=True)

    label = attachment_label(spec)
    row(f"{label} {spec.title}".strip(), strong=True)
    row("申报编号", application.number)
    row("申报通知", application.call.title)
    taken = {"推荐表"}
    tables: list[tuple[Field, str]] = []
    for section in spec.sections:
        row(section.title, strong=True)
        for f in section.fields:
            value = form_value(application, f)
            if f.type == "table":
                name = sheet_title(f.label, taken)
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
        sheet = writer.sheet(name)
        sheet.widths([22] * len(f.columns))
        sheet.append([c.label for c in f.columns], bold=True, wrap=True)
        rows = [r for r in (form_value(application, f) or []) if isinstance(r, dict)]
        for r in rows:
            sheet.append([_xlsx_cell(c, r.get(c.key), full=full) for c in f.columns])
        for total_label, total in table_totals(f.key, rows):
            sheet.append([sheet.cell(total_label, bold=True), total])
    return writer.to_bytes()


def _xlsx_cell(field: Field, value: Any, *, full: bool) -> Any:
    if field.type == "int" and not field.personal:
        try:
            return int(value)
        except (TypeError, ValueError):
            return cell_text(field, value, full=full)
    return cell_text(field, value, full=full)
