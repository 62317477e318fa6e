"""The Chengdu filing receipt (备案回执, 001 Art. 7) with a QR code to the public catalog entry."""

from __future__ import annotations

import datetime as dt

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from peiyu.core.documents.pdf import (
    BODY,
    LABEL,
    NOTE,
    PLAIN,
    RIGHT,
    TITLE,
    WIDTH,
    build_pdf,
    cn_date,
    grid,
    para,
)
from peiyu.core.documents.qr import QRCode

from ..models import Application, Listing


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
        para("职业技能等级评价机构备案回执", TITLE),
        para(f"{institution.name}：", PLAIN),
        para(
            f"你单位申请的职业技能等级评价机构备案，经技术评审并公示，准予备案，统一编码为{listing.filing_code}。"
            "请在备案范围内规范开展职业技能等级认定工作，自觉接受人力资源社会保障部门的监督管理。备案信息如下：",
            BODY,
        ),
        Spacer(1, 3 * mm),
        grid([[para(k, LABEL), para(v)] for k, v in rows], [40 * mm, WIDTH - 40 * mm]),
        Spacer(1, 6 * mm),
        grid(
            [[QRCode(url), [para("扫码查询备案信息", PLAIN), para(url, NOTE)]]],
            [38 * mm, WIDTH - 38 * mm],
            ruled=False,
        ),
        Spacer(1, 10 * mm),
        para(issuer, RIGHT),
        para(cn_date(issued_on), RIGHT),
    ]
    return build_pdf(
        story,
        title="备案回执",
        subject=listing.filing_code or listing.number,
        footer=f"统一编码：{listing.filing_code}　目录编号：{listing.number}",
    )
