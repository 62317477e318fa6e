"""The public notice (公示, SEL-7, SEL-10) with its applications and how to object (000 Art. 7(4))."""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from peiyu.core.documents.pdf import BODY, LABEL, RIGHT, TITLE, WIDTH, build_pdf, cn_date, grid, para

from ..models import PublicNotice


def application_cells(n: int, a: Any) -> list[Any]:
    """One application's row in a notice's or a recommendation letter's table."""
    return [
        para(n, LABEL),
        para(a.number, LABEL),
        para(a.institution.name, LABEL),
        para(a.get_kind_display(), LABEL),
        para(a.occupation_name, LABEL),
        para("、".join(a.levels or []), LABEL),
    ]


def notice_pdf(notice: PublicNotice) -> bytes:
    """公示 (SEL-7, SEL-10): the applications in the notice, its period and how to object."""
    applications = list(
        notice.applications.select_related("institution").order_by("kind", "occupation_code", "number")
    )
    publisher = notice.publisher.name
    story: list[Flowable] = [
        para(notice.title, TITLE),
        para(
            f"根据《{notice.call.title}》，经审核评议，拟将以下{len(applications)}项申报纳入机构目录，"
            "现予以公示。",
            BODY,
        ),
        Spacer(1, 3 * mm),
    ]
    widths = [11 * mm, 29 * mm, 44 * mm, 18 * mm, 44 * mm, WIDTH - 146 * mm]
    data: list[list[Any]] = [
        [para(h, LABEL) for h in ("序号", "申报编号", "机构名称", "机构类别", "职业（工种）", "等级")]
    ]
    for n, a in enumerate(applications, start=1):
        data.append(application_cells(n, a))
    story += [
        grid(data, widths, split=True),
        Spacer(1, 4 * mm),
        para(
            f"公示期：{cn_date(notice.starts_on)}至{cn_date(notice.ends_on)}（{notice.working_days}个工作日），"
            + ("含发布当日" if notice.counts_publication_day else "自发布次日起算")
            + "。",
            BODY,
        ),
        para(
            f"公示期间，任何单位和个人对公示对象有异议的，可通过本平台该公示页面在线提出，或以书面形式向{publisher}"
            "反映。异议应写明具体事实和理由，并提供异议人真实姓名和联系方式，以便核实和反馈处理结果。"
            "公示期满无异议或异议不成立的，纳入机构目录。",
            BODY,
        ),
        Spacer(1, 10 * mm),
        para(publisher, RIGHT),
        para(cn_date(notice.starts_on), RIGHT),
    ]
    return build_pdf(story, title=notice.title, subject=notice.number, footer=f"公示编号：{notice.number}")
