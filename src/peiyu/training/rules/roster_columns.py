"""Roster import (花名册导入): the columns — field names and labels, the header spellings institutions
use, the category spellings, the values of the sex and retired columns, the text caps — and reading
the header row."""

from __future__ import annotations

import re
import unicodedata

from peiyu.core.checks import rule_message
from peiyu.core.errors import InvalidInput

FIELD_LABELS: dict[str, str] = {
    "name": "姓名",
    "id_number": "身份证号码",
    "phone": "手机号码",
    "sex": "性别",
    "employer": "工作单位",
    "education": "学历",
    "category": "人员类别",
    "retired": "是否退休",
}
REQUIRED_FIELDS = ("name", "id_number")

_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "学员姓名", "人员姓名", "真实姓名", "name"),
    "id_number": (
        "身份证号",
        "身份证号码",
        "身份证",
        "公民身份号码",
        "公民身份证号码",
        "居民身份证号码",
        "身份证件号码",
        "证件号码",
        "证件号",
        "id_number",
        "idnumber",
        "id_no",
        "idno",
    ),
    "phone": ("手机", "手机号", "手机号码", "联系电话", "移动电话", "联系方式", "电话", "phone", "mobile"),
    "sex": ("性别", "sex", "gender"),
    "employer": ("工作单位", "单位", "单位名称", "所在单位", "就职单位", "employer"),
    "education": ("学历", "文化程度", "最高学历", "education"),
    "category": ("人员类别", "学员类别", "人员类型", "学员类型", "人员身份", "category"),
    "retired": ("是否退休", "退休", "是否离退休", "retired"),
}
# normalised header text → field name (see header_key for the normalisation)
HEADER_ALIASES: dict[str, str] = {alias: fname for fname, aliases in _ALIASES.items() for alias in aliases}

KNOWN_CATEGORIES = ("在职职工", "新就业形态劳动者", "自由职业者", "应届毕业生", "失业人员", "离退休人员")
# common spellings → the canonical category; anything else is kept as written for the service to judge
CATEGORY_ALIASES: dict[str, str] = {
    "在职": "在职职工",
    "在职人员": "在职职工",
    "企业职工": "在职职工",
    "职工": "在职职工",
    "新就业形态": "新就业形态劳动者",
    "新就业形态从业人员": "新就业形态劳动者",
    "新业态从业人员": "新就业形态劳动者",
    "新业态劳动者": "新就业形态劳动者",
    "自由职业": "自由职业者",
    "自由职业人员": "自由职业者",
    "应届生": "应届毕业生",
    "应届高校毕业生": "应届毕业生",
    "毕业年度高校毕业生": "应届毕业生",
    "毕业年度学生": "应届毕业生",
    "失业": "失业人员",
    "登记失业人员": "失业人员",
    "退休": "离退休人员",
    "退休人员": "离退休人员",
    "离休": "离退休人员",
    "离休人员": "离退休人员",
    "离退休": "离退休人员",
}
# the optional texts, capped as the registration form caps them (the Trainee columns)
TEXT_CAPS: dict[str, int] = {"employer": 200, "education": 32, "category": 32}

SEX_VALUES = {"男": "M", "男性": "M", "m": "M", "male": "M", "女": "F", "女性": "F", "f": "F", "female": "F"}
SEX_VALUES |= {k.upper(): v for k, v in SEX_VALUES.items()}
SEX_LABEL = {"M": "男", "F": "女"}
RETIRED_YES = frozenset({"是", "已退休", "退休", "离退休", "y", "yes", "true", "1", "√"})
RETIRED_NO = frozenset({"否", "未退休", "在职", "n", "no", "false", "0", "×"})


# --- header --------------------------------------------------------------------------------------------

_HEADER_NOISE = re.compile(r"[\s\u3000*＊:：]+|[（(【\[][^）)】\]]*[）)】\]]")


def header_key(text: str) -> str:
    """'*身份证号码（必填）' → '身份证号码'; 'ID Number' → 'idnumber'."""
    key = _HEADER_NOISE.sub("", unicodedata.normalize("NFKC", text)).lower()
    return key.replace("-", "_")


def map_header(
    cells: list[str], *, row: int | None = None, searched: int | None = None
) -> tuple[dict[str, int], dict[str, str], list[str]]:
    """Header cells → ({field: column index}, {field: header text}, ignored header texts). The first of two
    columns meaning the same optional field wins (the other is reported as ignored); two name or ID
    columns are ambiguous and refused. Raise InvalidInput citing TRN-13 (the real-name roster needs both)
    when a required column is missing; `row` is the file's row closest to a header and `searched` how
    many rows were searched, for the message."""
    positions: dict[str, int] = {}
    texts: dict[str, str] = {}
    ignored: list[str] = []
    for index, text in enumerate(cells):
        if not text:
            continue
        key = header_key(text)
        fname = HEADER_ALIASES.get(key)
        if fname is None:
            ignored.append(text)
        elif fname in positions:
            if fname in REQUIRED_FIELDS:
                message = rule_message(
                    f"表头“{texts[fname]}”和“{text}”都表示{FIELD_LABELS[fname]}，无法确定使用哪一列，"
                    "请删除其中一列",
                    ["TRN-13"],
                )
                raise InvalidInput(message, code="roster_header", rule="TRN-13", fields={"file": [message]})
            ignored.append(text)
        else:
            positions[fname] = index
            texts[fname] = text
    missing = [f for f in REQUIRED_FIELDS if f not in positions]
    if missing:
        wanted = "；".join(
            f"{FIELD_LABELS[f]}（可写作：{'、'.join(a for a in _ALIASES[f] if not a.isascii())}）"
            for f in missing
        )
        found = "、".join(f"{texts[f]}→{FIELD_LABELS[f]}" for f in positions) or "无"
        where = (
            f"在前{searched}行非空内容中没有找到同时含姓名和身份证号码两列的表头，最接近的是第{row}行，"
            if row is not None and searched is not None
            else ""
        )
        message = rule_message(
            f"未找到花名册表头：{where}缺少必填列：{wanted}；已识别的列：{found}", ["TRN-13"]
        )
        raise InvalidInput(
            message,
            code="roster_header",
            rule="TRN-13",
            fields={"file": [message]},
            details={
                "missing": [FIELD_LABELS[f] for f in missing],
                "recognised": {f: texts[f] for f in positions},
                "ignored": ignored,
                **({"row": row} if row is not None else {}),
            },
        )
    return positions, texts, ignored
