"""Identifiers (GLOSSARY): unified social credit code (GB 32100-2015) and resident ID number
(GB 11643-1999), validated with python-stdnum. Messages say in Chinese what exactly is wrong."""

from __future__ import annotations

import datetime as dt
import re

from stdnum.cn import ric, uscc

from .checks import rule_message
from .errors import InvalidInput

# GB/T 2260 province-level codes (first two digits of an ID number or a region code)
PROVINCE_PREFIXES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


# A unified social credit code that fails its format or check character is not "valid" (SEL-1, 000 第六条
# （一）: an independent legal person with a valid code): its field error names the rule.
USCC_RULE = "SEL-1"


def _invalid(field: str, message: str, *, rule: str | None = None) -> InvalidInput:
    """A field error; where the check is a rule's (`rule`), the error cites it and the field message names
    it ("…校验位错误…（SEL-1）"), the same text in a page form, the API and an import report."""
    shown = rule_message(message, [rule]) if rule else message
    return InvalidInput(message, code=f"invalid_{field}", rule=rule, fields={field: [shown]})


def validate_id_number(value: str, *, today: dt.date | None = None, field: str = "id_number") -> str:
    """Return the normalised 18-character ID number or raise InvalidInput with the reason."""
    raw = ric.compact(value or "") if value else ""
    raw = raw.replace("x", "X")
    if not raw:
        raise _invalid(field, "请填写身份证号码")
    if len(raw) != 18:
        raise _invalid(field, f"身份证号码应为18位，当前为{len(raw)}位")
    if not re.fullmatch(r"[0-9]{17}[0-9X]", raw):
        raise _invalid(field, "身份证号码前17位应为数字，最后一位为数字或X")
    if raw[:2] not in PROVINCE_PREFIXES:
        raise _invalid(field, f"身份证号码前两位“{raw[:2]}”不是有效的省级行政区划代码")
    try:
        birth = dt.date(int(raw[6:10]), int(raw[10:12]), int(raw[12:14]))
    except ValueError:
        raise _invalid(field, f"身份证号码中的出生日期“{raw[6:14]}”不是有效日期") from None
    today = today or dt.date.today()
    if birth > today or birth.year < 1900:
        raise _invalid(field, f"身份证号码中的出生日期“{raw[6:14]}”不合理")
    expected = ric.calc_check_digit(raw)  # stdnum takes the full number and ignores its last character
    if raw[17] != expected:
        raise _invalid(field, f"身份证号码校验位错误：最后一位应为“{expected}”，实际为“{raw[17]}”")
    return raw


def id_birth_date(value: str) -> dt.date:
    return ric.get_birth_date(validate_id_number(value))


def id_sex(value: str) -> str:
    """'M' or 'F': the 17th digit is odd for men, even for women (GB 11643)."""
    return "M" if int(validate_id_number(value)[16]) % 2 else "F"


def id_age_on(value: str, on: dt.date) -> int:
    born = id_birth_date(value)
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def validate_uscc(value: str, *, field: str = "uscc") -> str:
    raw = uscc.compact(value or "") if value else ""
    if not raw:
        raise _invalid(field, "请填写统一社会信用代码")
    if len(raw) != 18:
        raise _invalid(field, f"统一社会信用代码应为18位，当前为{len(raw)}位", rule=USCC_RULE)
    bad = sorted({c for c in raw if c not in _USCC_ALPHABET})
    if bad:
        raise _invalid(
            field, f"统一社会信用代码含有不允许的字符：{''.join(bad)}（不使用 I、O、Z、S、V）", rule=USCC_RULE
        )
    if not re.fullmatch(r"[0-9]{6}", raw[2:8]) or (
        raw[2:4] not in PROVINCE_PREFIXES and raw[2:8] != "100000"
    ):
        raise _invalid(
            field, f"统一社会信用代码第3-8位“{raw[2:8]}”不是有效的登记管理机关行政区划码", rule=USCC_RULE
        )
    expected = uscc.calc_check_digit(raw[:17])
    if raw[17] != expected:
        raise _invalid(
            field, f"统一社会信用代码校验位错误：最后一位应为“{expected}”，实际为“{raw[17]}”", rule=USCC_RULE
        )
    return raw


def is_valid_uscc(value: str) -> bool:
    try:
        validate_uscc(value)
    except InvalidInput:
        return False
    return True


def uscc_with_check(first17: str) -> str:
    """Complete a 17-character body with its check character (used by the demo generator)."""
    return first17 + uscc.calc_check_digit(first17)


def id_with_check(first17: str) -> str:
    return first17 + ric.calc_check_digit(first17 + "0")


# --- masking (DESIGN §7) ------------------------------------------------------------------------------


def mask_id_number(value: str | None) -> str:
    """110105********002X: region and the last four stay, the birth date is hidden."""
    if not value:
        return ""
    if len(value) <= 10:
        return value[:1] + "*" * (len(value) - 1)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    digits = value.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "****" + digits[-4:]


def mask_name(value: str | None) -> str:
    """张三 → 张*，欧阳娜娜 → 欧阳**: the surname stays (two characters for compound names of 4)."""
    if not value:
        return ""
    if len(value) == 1:
        return value
    keep = 2 if len(value) >= 4 else 1
    return value[:keep] + "*" * (len(value) - keep)
