"""What the expert-pool tests share: the journey-3 world of test_panels (the Liaoning call, a Shenyang
and a Dalian application at the province's expert review), a Hubei official's pool, and xlsx files
built as officials save them."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from peiyu.core.identifiers import uscc_with_check
from peiyu.institutions.services import experts

from .test_panels import OCCUPATION, Journey, make_expert_user

__all__ = ["HEADER", "OCCUPATION", "OTHER_USCC", "Journey", "hubei_expert", "make_expert_user", "xlsx_upload"]

HEADER = [
    "姓名",
    "工作单位",
    "职称",
    "专业领域（职业编码）",
    "手机号码",
    "电子邮箱",
    "回避单位统一社会信用代码",
]
OTHER_USCC = uscc_with_check("91210102MA0Y00099")


def xlsx_upload(
    rows: list[list[object]], name: str = "专家名单.xlsx", *, title: str | None = None
) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    for row in rows:
        sheet.append(row)
    import io

    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(
        name,
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def hubei_expert(world):
    """An expert of the Hubei department's pool (another province)."""
    return experts.expert_create(
        actor=world.hb_official,
        name="鄂专家",
        employer_name="武汉大学",
        fields=[OCCUPATION],
        phone="13900001111",
    )
