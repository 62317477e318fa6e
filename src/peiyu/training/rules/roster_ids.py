"""Roster import: the ID number check of the per-row hot path (TRN-13) — the same verdict and message
as peiyu.core.identifiers.validate_id_number, without exceptions, with a birth-date cache — and the
hints for numbers a spreadsheet has mangled."""

from __future__ import annotations

import datetime as dt
import re

from stdnum.cn import ric

from peiyu.core.identifiers import PROVINCE_PREFIXES

_ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]")
# the common case in one regex call: a province prefix, 15 digits, a digit or X/x
ID_FAST = re.compile(
    "(?:"
    + "|".join(
        f"{first}[{''.join(sorted(p[1] for p in PROVINCE_PREFIXES if p[0] == first))}]"
        for first in sorted({p[0] for p in PROVINCE_PREFIXES})
    )
    + ")[0-9]{15}[0-9Xx]"
)
# GB 11643 check character: ID_CHECK[sum(a_i·W_i) mod 11] with the weights W_i = 2^(17-i) mod 11
# (i = 0…16). int(first17, 13) ≡ sum(a_i·2^(16-i)) (mod 11) because 13 ≡ 2, so the weighted sum is
# 2·int(first17, 13) mod 11, computed in C: ~0.17 µs against ~1.5 µs for a Python loop over the weights.
ID_CHECK = "10X98765432"
_BIRTH_CACHE: dict[str, dt.date | None] = {}
_BIRTH_CACHE_LIMIT = 200_000


def _birth(yyyymmdd: str) -> dt.date | None:
    try:
        return _BIRTH_CACHE[yyyymmdd]
    except KeyError:
        pass
    try:
        born: dt.date | None = dt.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:]))
    except ValueError:
        born = None
    if len(_BIRTH_CACHE) < _BIRTH_CACHE_LIMIT:
        _BIRTH_CACHE[yyyymmdd] = born
    return born


def birth_and_age(yyyymmdd: str, today: dt.date) -> tuple[dt.date, int] | None:
    """Birth date and age on `today` when acceptable to validate_id_number (not future, not < 1900)."""
    born = _birth(yyyymmdd)
    if born is None or born > today or born.year < 1900:
        return None
    return born, today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def check_id_number(value: str | None, *, today: dt.date) -> tuple[str, str | None]:
    """(normalised number, None) or (normalised text, message): the same verdict and the same Chinese
    message as `peiyu.core.identifiers.validate_id_number(value, today=today)`, without an exception."""
    if not value:
        return "", "请填写身份证号码"
    if value.isascii() and "`" not in value:
        raw = value.upper().strip()  # stdnum's compact() only maps non-ASCII look-alikes and the backtick
    else:
        raw = ric.compact(value)
    if not raw:
        return raw, "请填写身份证号码"
    if len(raw) != 18:
        return raw, f"身份证号码应为18位，当前为{len(raw)}位"
    if _ID_SHAPE.fullmatch(raw) is None:
        return raw, "身份证号码前17位应为数字，最后一位为数字或X"
    if raw[:2] not in PROVINCE_PREFIXES:
        return raw, f"身份证号码前两位“{raw[:2]}”不是有效的省级行政区划代码"
    born = _birth(raw[6:14])
    if born is None:
        return raw, f"身份证号码中的出生日期“{raw[6:14]}”不是有效日期"
    if born > today or born.year < 1900:
        return raw, f"身份证号码中的出生日期“{raw[6:14]}”不合理"
    expected = ID_CHECK[2 * int(raw[:17], 13) % 11]
    if raw[17] != expected:
        return raw, f"身份证号码校验位错误：最后一位应为“{expected}”，实际为“{raw[17]}”"
    return raw, None


SCIENTIFIC = re.compile(r"[0-9](?:\.[0-9]+)?[eE]\+?[0-9]+")
LOST_DIGITS_HINT = "（该单元格可能被Excel存成了数字，末尾几位已变成0；请把该列设为“文本”格式后重新录入）"
SCIENTIFIC_HINT = "（单元格内容是科学计数法，号码已丢失；请把该列设为“文本”格式后重新录入）"


def preclean_id(value: str) -> str:
    """What spreadsheets add around a number kept as text: a leading apostrophe, ="…", inner spaces."""
    if value[:1] == "'":
        value = value[1:]
    elif value[:2] == '="' and value[-1:] == '"':
        value = value[2:-1]
    if " " in value or "\u3000" in value or "\t" in value:
        value = "".join(value.split())
    return value
