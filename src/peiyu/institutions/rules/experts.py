"""The expert pool's pure rules (SEL-8): how a list of occupation codes or credit codes is written, what
an e-mail address looks like, and the columns of the pool's xlsx import — which header names each
column answers to, where the header row is (a title row may sit above it), and the template officials
download. Cleaning each value is services.experts.clean_expert, the same for the form, the API and
each imported row."""

from __future__ import annotations

import re
from collections.abc import Iterable

from peiyu.core.documents.headers import HeaderSpec

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_SEPARATORS = re.compile(r"[\s,，、;；/]+")

# field → the header names a column may carry (spaces and full-width brackets folded)
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "专家姓名"),
    "employer_name": ("工作单位", "单位", "单位名称"),
    "employer_uscc": ("工作单位统一社会信用代码", "工作单位信用代码", "单位统一社会信用代码"),
    "title": ("职称", "职务/职称", "职称职务"),
    "fields": ("专业领域(职业编码)", "专业领域", "职业编码"),
    "specialty": ("专业方向", "研究方向"),
    "phone": ("手机号码", "手机", "联系电话"),
    "email": ("电子邮箱", "邮箱", "e-mail", "email"),
    "username": ("平台账户", "账户", "用户名"),
    "conflict_usccs": ("回避单位统一社会信用代码", "回避单位信用代码", "回避单位"),
}
REQUIRED = ("name", "employer_name", "fields")
LABELS = {
    "name": "姓名",
    "employer_name": "工作单位",
    "employer_uscc": "工作单位统一社会信用代码",
    "title": "职称",
    "fields": "专业领域（职业编码）",
    "specialty": "专业方向",
    "phone": "手机号码",
    "email": "电子邮箱",
    "username": "平台账户",
    "conflict_usccs": "回避单位统一社会信用代码",
    "region_code": "地区",
}
TEMPLATE_HEADER = [LABELS[k] for k in COLUMNS]
TEMPLATE_EXAMPLE = [
    "张明",
    "东北大学",
    "",
    "教授",
    "2-02-38-01、2-02-38-03",
    "人工智能、大数据",
    "13800138000",
    "zhangming@example.com",
    "",
    "",
]
TEMPLATE_NOTES = [
    "填写说明：姓名、工作单位、专业领域必填；专业领域填职业编码，多个用顿号或逗号分隔，2-02-38 表示整个小类；",
    "平台账户填写安全管理员已创建的专家账户用户名，可空；回避单位填写本人应回避单位的统一社会信用代码，多个用顿号分隔，可空。",
    "“专家”工作表第 1 行为表头，第 2 行为示例，导入前请删除示例行；表头上方可以有一行标题。",
]
HEADER_SEARCH_ROWS = 10  # a title or a note may sit above the header


def split_codes(value: object) -> list[str]:
    """Codes as written in one cell or field ("2-02-38-01、2-02-38-03", one per line, a list): each
    stripped, upper-cased, in order, without repeats."""
    items: Iterable[object] = value if isinstance(value, (list, tuple)) else [value]
    out: list[str] = []
    for item in items:
        for part in _SEPARATORS.split(str(item or "")):
            code = part.strip().upper()
            if code and code not in out:
                out.append(code)
    return out


HEADERS = HeaderSpec(COLUMNS, REQUIRED, LABELS, search_rows=HEADER_SEARCH_ROWS)
find_header = HEADERS.find  # (header row index, field → column, labels of missing required columns)
row_values = HEADERS.values
