"""Input cleaning: one function per kind of value (text, date, reason, money, a person's name, a phone
number), used alike by page forms, API schemas, services and the roster import, so one person or one
text passes or fails the same way everywhere.

The shape: a cleaner takes the raw value (whatever a form, a JSON body or a spreadsheet cell sends) and
returns the clean value, or raises `InvalidInput` whose `message` is the Chinese text about that value
(e.g. "不能超过200个字"). Given `field=`, the error also names the field (`fields={field: [message]}`).
Three ways to call one:

- directly, in a service: `reason = clean_reason(raw, label="退训原因")`;
- per field, collecting every problem of a form: `collect(errors, "title", clean_text, raw, …)` returns
  the clean value or None and adds the message to `errors[field]`; `raise_collected(errors, "…")`;
- per row (the roster import's hot path): `checked(person_name, cell)` → `(value, message or None)`.

Adapters for API schemas (pydantic types) and page forms (Django fields and validators) are in
peiyu.core.cleaning_adapters. Pure: no database, no Django, no pydantic."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from .errors import InvalidInput

__all__ = [
    "CONTROL_MESSAGE",
    "LINE_MAX",
    "MOBILE",
    "MOBILE_MESSAGE",
    "MONEY_MAX",
    "NAME_MAX",
    "NAME_MIN",
    "PHONE_MESSAGE",
    "REASON_MAX",
    "CleaningError",
    "checked",
    "clean_date",
    "clean_dates",
    "clean_money",
    "clean_reason",
    "clean_text",
    "clean_texts",
    "collect",
    "has_control_characters",
    "message_of",
    "mobile_phone",
    "normalise_mobile",
    "person_name",
    "phone",
    "raise_collected",
    "show_control_characters",
]

T = TypeVar("T")

LINE_MAX = 200  # a one-line text field without its own cap
REASON_MAX = 2000  # a stated reason (cancellation, withdrawal, rejection) kept in full, never cut
MONEY_MAX = Decimal("100000000")  # amounts are below one hundred million yuan
NAME_MIN, NAME_MAX = 2, 30
CONTROL_MESSAGE = "含有不可见的控制字符"
MOBILE_MESSAGE = "手机号码应为11位大陆手机号码（1开头，第二位为3至9）"
PHONE_MESSAGE = "电话号码格式不正确，应为11位手机号码或带区号的固定电话（如024-12345678）"


class CleaningError(InvalidInput):
    """InvalidInput about one value: `value_message` is the text about the value (e.g. "不能超过200个字"),
    `message` may be a summary naming it (e.g. "标题过长")."""

    def __init__(self, message: str, *, field: str = "", summary: str = "") -> None:
        super().__init__(summary or message, fields={field: [message]} if field else None)
        self.value_message = message


def _fail(message: str, field: str = "", summary: str = "") -> CleaningError:
    return CleaningError(message, field=field, summary=summary)


# --- text ----------------------------------------------------------------------------------------------

# NUL and the other C0/C1 controls, DEL, lone surrogates (they cannot be stored or written to a file),
# and the bidirectional overrides that make a text display other than it reads ("Trojan source");
# tab, line feed and carriage return are handled per kind of field
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile("\r\n?|[\u2028\u2029\x85]")
_INNER_SPACE = re.compile(r"[\t\n]+")


def has_control_characters(text: str) -> bool:
    """NUL, another control character, a lone surrogate or a bidirectional override (tab and line
    breaks excepted)."""
    return _CONTROL.search(text) is not None


def show_control_characters(text: str) -> str:
    """The text with each control character shown as "�", to echo a refused value safely."""
    return _CONTROL.sub("\ufffd", text)


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value if isinstance(value, str) else str(value)


def clean_text(
    value: object,
    *,
    max_length: int = LINE_MAX,
    required: bool = False,
    multiline: bool = False,
    label: str = "",
    field: str = "",
) -> str:
    """Text as stored: stripped; a one-line field turns tabs and line breaks into one space, a multi-line
    field keeps its lines (line endings as "\\n"); control characters refused; longer than `max_length`
    characters refused (never cut); empty and `required` refused ("请填写{label}")."""
    text = _LINE_BREAKS.sub("\n", _as_text(value))
    if _CONTROL.search(text):
        raise _fail(f"{label}{CONTROL_MESSAGE}", field)
    text = text.strip()
    if not multiline and ("\n" in text or "\t" in text):
        text = _INNER_SPACE.sub(" ", text)
    if not text:
        if required:
            raise _fail(f"请填写{label or '此项'}", field)
        return ""
    if len(text) > max_length:
        raise _fail(f"不能超过{max_length}个字", field, f"{label}过长" if label else "")
    return text


def clean_reason(
    value: object,
    *,
    label: str = "原因",
    max_length: int = REASON_MAX,
    min_length: int = 1,
    field: str = "reason",
) -> str:
    """A stated reason (`label`, e.g. 退训原因): required, multi-line, at least `min_length` and at most
    `max_length` characters (refused, never silently shortened), errors on `field`."""
    text = clean_text(value, max_length=max_length, required=True, multiline=True, label=label, field=field)
    if len(text) < min_length:
        raise _fail(f"{label}不少于{min_length}个字", field)
    return text


# --- dates ---------------------------------------------------------------------------------------------

_DATE_FORMS = re.compile(
    r"(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?(?:[ T]0?0:00(?::00)?)?"
)
_DATE_DIGITS = re.compile(r"(\d{4})(\d{2})(\d{2})")
_EXCEL_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0 in the 1900 system, after its 1900-02-29 bug


def _parse_date(text: str, excel_serial: bool) -> dt.date | None:
    text = unicodedata.normalize("NFKC", text).strip()
    found = _DATE_FORMS.fullmatch(text) or _DATE_DIGITS.fullmatch(text)
    if found is not None:
        try:
            return dt.date(int(found[1]), int(found[2]), int(found[3]))
        except ValueError:
            return None
    if excel_serial and text.isdigit() and 1 <= int(text) <= 2958465:
        return _EXCEL_EPOCH + dt.timedelta(days=int(text))
    return None


def clean_date(
    value: object,
    *,
    label: str = "",
    required: bool = True,
    excel_serial: bool = False,
    field: str = "",
) -> dt.date | None:
    """A date from a date (or datetime), an ISO text, or the forms people and spreadsheets write:
    2026-03-01, 2026/3/1, 2026.3.1, 2026年3月1日, 20260301 (full-width digits too), and with
    `excel_serial` an Excel day number (46082). Missing: None, or refused when `required`."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _as_text(value).strip()
    message = f"请填写{label or '有效日期'}（年-月-日）"
    if not text:
        if required:
            raise _fail(message, field)
        return None
    if _CONTROL.search(text):
        raise _fail(f"{label}{CONTROL_MESSAGE}", field)
    parsed = _parse_date(text, excel_serial)
    if parsed is None:
        raise _fail(message, field)
    return parsed


# --- money ---------------------------------------------------------------------------------------------

_MONEY_NOISE = re.compile(r"[\s,，]|^[¥￥]|元$")
_CENT = Decimal("0.01")


def clean_money(
    value: object,
    *,
    label: str = "金额",
    maximum: Decimal = MONEY_MAX,
    required: bool = False,
    field: str = "",
) -> Decimal:
    """An amount in yuan: a Decimal with two places, not negative, below `maximum`; thousands
    separators, ¥ and 元 allowed; more than two decimals refused (never rounded). Missing: 0.00, or
    refused when `required`."""
    if isinstance(value, bool):
        raise _fail(f"{label}应为金额", field)
    if isinstance(value, Decimal | int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    else:
        text = _MONEY_NOISE.sub("", unicodedata.normalize("NFKC", _as_text(value)))
        if not text:
            if required:
                raise _fail(f"请填写{label}", field)
            return Decimal("0.00")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise _fail(f"{label}应为金额", field) from None
    if not number.is_finite():
        raise _fail(f"{label}应为金额", field)
    if number < 0 or number >= maximum or number != number.quantize(_CENT):
        raise _fail(f"{label}应为不超过两位小数的非负金额", field)
    return number.quantize(_CENT)


# --- people --------------------------------------------------------------------------------------------

# the middle dot of minority and foreign names (U+00B7) as people type it: bullet, hyphenation point,
# katakana and half-width middle dots, dot operators, full stops
_NAME_DOTS = str.maketrans(dict.fromkeys("•‧∙⋅ᐧ・･．.", "·"))
_NAME_DOT_SPACING = re.compile(r" ?· ?")
_NAME_EXTRA = frozenset("· 〇")  # 〇 is written in some given names


def person_name(value: object, *, required: bool = True, field: str = "") -> str:
    """A real person's name as written on the ID card: Han names (欧阳娜娜), minority and foreign names
    with the middle dot in any of its variants (阿卜杜拉•买买提 → 阿卜杜拉·买买提), Latin letters with
    single spaces; 2 to 30 characters; no digits, brackets or other signs."""
    raw = _as_text(value)
    if _CONTROL.search(raw):
        raise _fail(f"姓名{CONTROL_MESSAGE}", field)
    name = unicodedata.normalize("NFC", raw).translate(_NAME_DOTS)
    name = _NAME_DOT_SPACING.sub("·", " ".join(name.split()))
    if not name:
        if required:
            raise _fail("请填写姓名", field)
        return ""
    bad = sorted({c for c in name if not c.isalpha() and c not in _NAME_EXTRA})
    if bad:
        raise _fail(f"姓名含有不允许的字符“{''.join(bad)}”，只能使用汉字、字母、间隔号“·”和空格", field)
    if not NAME_MIN <= len(name) <= NAME_MAX:
        raise _fail(f"姓名应为{NAME_MIN}至{NAME_MAX}个字符，当前为{len(name)}个", field)
    if name[0] == "·" or name[-1] == "·":
        raise _fail("姓名不能以间隔号“·”开头或结尾", field)
    if "··" in name:
        raise _fail("姓名中的间隔号“·”不能连用", field)
    return name


MOBILE = re.compile(r"1[3-9][0-9]{9}")  # a mainland mobile number, 11 digits
# area code (010, 02x, 0xxx), a 7 or 8 digit number, optionally an extension; or a 400/800 number
_LANDLINE = re.compile(
    r"(?:0(?:10|2[0-9]|[3-9][0-9]{2})-?[2-9][0-9]{6,7}|[48]00-?[0-9]{3}-?[0-9]{4})(?:(?:转|-|#)[0-9]{1,6})?"
)
_PHONE_NOISE = re.compile(r"[\s\-－—()（）]+")
_LANDLINE_NOISE = re.compile(r"[\s()（）]+")
_FULLWIDTH = str.maketrans("０１２３４５６７８９＋－—", "0123456789+--")


def normalise_mobile(text: str) -> str | None:
    """A mainland mobile number from how people write it (spaces, dashes, brackets, full-width digits,
    +86/0086/86, a leading apostrophe from a spreadsheet) → 11 digits, or None."""
    number = _PHONE_NOISE.sub("", text.translate(_FULLWIDTH)).lstrip("'")
    for prefix in ("+86", "0086", "86"):
        if number.startswith(prefix) and len(number) == len(prefix) + 11:
            number = number[len(prefix) :]
            break
    return number if MOBILE.fullmatch(number) else None


def mobile_phone(value: object, *, required: bool = False, field: str = "") -> str:
    """A mainland mobile number (1[3-9] and 9 digits) as 11 digits; empty allowed unless `required`."""
    text = _as_text(value).strip()
    if not text:
        if required:
            raise _fail("请填写手机号码", field)
        return ""
    number = normalise_mobile(text)
    if number is None:
        raise _fail(MOBILE_MESSAGE, field)
    return number


def phone(value: object, *, required: bool = False, field: str = "") -> str:
    """A contact number: a mobile number (as `mobile_phone`) or a landline with its area code
    (024-12345678, (010)87654321, 0755 8888 8888转123), kept as written minus spaces and brackets."""
    text = _as_text(value).strip()
    if not text:
        if required:
            raise _fail("请填写电话号码", field)
        return ""
    mobile = normalise_mobile(text)
    if mobile is not None:
        return mobile
    written = _LANDLINE_NOISE.sub("", text.translate(_FULLWIDTH))
    if written.startswith("+86"):
        written = "0" + written[3:].lstrip("-")
    if _LANDLINE.fullmatch(written) is None:
        raise _fail(PHONE_MESSAGE, field)
    return written


# --- calling them --------------------------------------------------------------------------------------


def checked(cleaner: Callable[..., T], value: object, **options: Any) -> tuple[T | None, str | None]:
    """(clean value, None) or (None, message): for a per-row collector that must not raise."""
    try:
        return cleaner(value, **options), None
    except InvalidInput as exc:
        return None, message_of(exc)


def message_of(exc: InvalidInput) -> str:
    """The message about the value (a field message, else the refusal's own)."""
    if isinstance(exc, CleaningError):
        return exc.value_message
    for messages in exc.fields.values():
        if messages:
            return messages[0]
    return exc.message


def collect(
    errors: dict[str, list[str]], field: str, cleaner: Callable[..., T], value: object, **options: Any
) -> T | None:
    """The clean value, or None with the message added to `errors[field]` (a form collecting every
    problem before it refuses)."""
    result, message = checked(cleaner, value, **options)
    if message is not None:
        errors.setdefault(field, []).append(message)
    return result


def raise_collected(errors: Mapping[str, list[str]], message: str, *, code: str | None = None) -> None:
    """Refuse with every collected field message, if there is any."""
    if any(errors.values()):
        raise InvalidInput(message, code=code, fields={k: v for k, v in errors.items() if v})


def clean_texts(
    data: Mapping[str, Any], caps: Mapping[str, int], errors: dict[str, list[str]]
) -> dict[str, str]:
    """Each field of `caps` as a multi-line text up to its cap; problems added to `errors` per field."""
    out: dict[str, str] = {}
    for name, cap in caps.items():
        value = collect(errors, name, clean_text, data.get(name), max_length=cap, multiline=True)
        out[name] = value if value is not None else _as_text(data.get(name)).strip()
    return out


def clean_dates(
    data: Mapping[str, Any], labels: Mapping[str, str], errors: dict[str, list[str]]
) -> dict[str, dt.date]:
    """Each field of `labels` as a required date; problems added to `errors` per field."""
    out: dict[str, dt.date] = {}
    for name, label in labels.items():
        value = collect(errors, name, clean_date, data.get(name), label=label)
        if value is not None:
            out[name] = value
    return out
