"""The examiner registry's pure rules (EVL-3; seed 001 Art. 17(3)): whether an examiner is fit to be
drawn on a date (licence valid, not barred by an integrity entry) and the columns of the registry's xlsx
import (which header names each column answers to, where the header row is, the template). Cleaning one
examiner is services.examiners.clean_examiner, the same for the form, the API and each imported row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from peiyu.core.checks import Check
from peiyu.core.documents.headers import HeaderSpec
from peiyu.institutions.rules.experts import split_codes
from peiyu.institutions.rules.panels import validate_fields

__all__ = [
    "COLUMNS",
    "HEADERS",
    "LABELS",
    "REQUIRED",
    "SOURCE_EVL3",
    "TEMPLATE_EXAMPLE",
    "TEMPLATE_HEADER",
    "check_fit",
    "find_header",
    "latest_bar",
    "row_values",
    "split_codes",
    "validate_fields",
]

SOURCE_EVL3 = "001 第十七条（三）"

COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "考评员姓名"),
    "id_number": ("身份证号码", "身份证号", "公民身份号码"),
    "phone": ("手机号码", "手机", "联系电话"),
    "employer_name": ("工作单位", "单位"),
    "occupations": ("考评职业(工种)编码", "考评职业编码", "职业编码", "考评职业(工种)"),
    "licence_number": ("考评员证书编号", "证书编号"),
    "licence_level": ("考评等级", "证书等级"),
    "licence_valid_until": ("证书有效期至", "有效期至", "证书有效期"),
    "username": ("平台账户", "账户", "用户名"),
}
REQUIRED = ("name", "id_number", "occupations", "licence_number", "licence_valid_until")
LABELS = {
    "name": "姓名",
    "id_number": "身份证号码",
    "phone": "手机号码",
    "employer_name": "工作单位",
    "occupations": "考评职业（工种）编码",
    "licence_number": "考评员证书编号",
    "licence_level": "考评等级",
    "licence_valid_until": "证书有效期至",
    "username": "平台账户",
}
TEMPLATE_HEADER = [LABELS[k] for k in COLUMNS]
TEMPLATE_EXAMPLE = [
    "王考评",
    "510107198001010011",
    "13800138000",
    "成都市某职业技能培训学校",
    "6-31-01-03",
    "一级",
    "KPY000001",
    "2028-12-31",
    "",
]
HEADER_SEARCH_ROWS = 10


HEADERS = HeaderSpec(COLUMNS, REQUIRED, LABELS, search_rows=HEADER_SEARCH_ROWS)
find_header = HEADERS.find  # (header row index, field → column, labels of missing required columns)
row_values = HEADERS.values


def latest_bar(bars: Iterable[dt.date | None]) -> dt.date | None:
    """The last date any breach bars the examiner until."""
    dates = [d for d in bars if d is not None]
    return max(dates) if dates else None


def check_fit(*, licence_valid_until: dt.date | None, barred_until: dt.date | None, on: dt.date) -> Check:
    """EVL-3: an examiner works with a valid licence (持证上岗) and without an integrity bar."""
    problems: list[str] = []
    if licence_valid_until is None or licence_valid_until < on:
        problems.append("考评员证书已过有效期")
    if barred_until is not None and barred_until >= on:
        problems.append(f"诚信记录禁止参与考评至 {barred_until.isoformat()}")
    ok = not problems
    return Check(
        "EVL-3",
        ok,
        "持证有效、无诚信限制" if ok else "；".join(problems),
        {
            "licence_valid_until": licence_valid_until.isoformat() if licence_valid_until else None,
            "barred_until": barred_until.isoformat() if barred_until else None,
            "on": on.isoformat(),
        },
        source=SOURCE_EVL3,
    )
