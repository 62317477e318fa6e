"""The city's recommendation letter (推荐函) for a batch of applications (004 §4(2))."""

from __future__ import annotations

import datetime as dt
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from peiyu.core.documents.pdf import (
    BODY,
    LABEL,
    PLAIN,
    RIGHT,
    TITLE,
    VALUE,
    WIDTH,
    build_pdf,
    cn_date,
    grid,
    para,
)

from .notices import application_cells


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
        para("推荐函", TITLE),
        para(f"{_province_office(call)}：", PLAIN),
        para(
            f"根据《{call.title}》要求，我单位对本地区申报单位的申报材料进行了审核评议。经审核，"
            f"现择优推荐以下{len(institutions)}家机构（共{len(applications)}项申报），请予审核。",
            BODY,
        ),
        Spacer(1, 3 * mm),
    ]
    widths = [11 * mm, 29 * mm, 42 * mm, 18 * mm, 44 * mm, WIDTH - 144 * mm]
    data: list[list[Any]] = [
        [para(h, LABEL) for h in ("序号", "申报编号", "申报单位", "机构类别", "申报职业", "申报等级")]
    ]
    spans = []
    for n, a in enumerate(applications, start=1):
        data.append(application_cells(n, a))
        spans.append(((1, len(data)), (5, len(data))))
        data.append(["", para(f"推荐理由：{a.recommendation_reason or ''}", VALUE), "", "", "", ""])
    story.append(grid(data, widths, spans=spans, split=True))
    story += [
        Spacer(1, 10 * mm),
        para(f"推荐单位（盖章）：{recommender_org.name}", RIGHT),
        para(f"负责人：{signer_name}", RIGHT),
        para(cn_date(date), RIGHT),
    ]
    return build_pdf(story, title=f"推荐函 {call.title}", subject=call.code, footer=f"{call.code} 推荐函")
