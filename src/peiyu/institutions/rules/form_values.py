"""One value of an application form cleaned by its field's type: texts, names, phones and dates through
peiyu.core.cleaning (as everywhere else), codes through peiyu.core.identifiers, numbers, choices and
the per-level values here."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from peiyu.core.cleaning import checked, clean_date, clean_text, person_name, phone
from peiyu.core.errors import InvalidInput
from peiyu.core.identifiers import validate_id_number, validate_uscc

from .form_spec import Field

_TEXT_MAX = 20000  # a text field without its own cap


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def clean_value(f: Field, value: Any, levels: list[str]) -> tuple[Any, str]:
    """(clean value, error message or '')."""
    if f.type in ("text", "textarea", "choice", "email", "uscc", "id_number"):
        text, message = checked(
            clean_text, value, max_length=f.max_length or _TEXT_MAX, multiline=f.type == "textarea"
        )
        if message is not None or text is None:
            return str(value).strip(), message or ""
        if f.type == "choice" and text not in f.choices:
            return text, "请从以下选项中选择：" + "、".join(f.choices)
        if f.type == "email" and ("@" not in text or "." not in text.split("@")[-1] or " " in text):
            return text, "邮箱格式不正确"
        if f.type == "uscc":
            try:
                return validate_uscc(text), ""
            except InvalidInput as exc:  # the field message names SEL-1 where the code fails its check
                return text, next(iter(exc.fields.values()), [exc.message])[0]
        if f.type == "id_number":
            try:
                return validate_id_number(text), ""
            except InvalidInput as exc:
                return text, exc.message
        return text, ""
    if f.type == "name":
        name, message = checked(person_name, value)
        return (name, "") if message is None else (value, message)
    if f.type == "phone":
        number, message = checked(phone, value)
        return (number, "") if message is None else (value, message)
    if f.type == "date":
        day, message = checked(clean_date, value)
        return (day.isoformat(), "") if day is not None else (value, message or "")
    if f.type == "uscc_list":
        items = value if isinstance(value, list) else str(value).replace("，", ",").split(",")
        out, bad = [], []
        for item in (str(v).strip() for v in items):
            if not item:
                continue
            try:
                out.append(validate_uscc(item))
            except InvalidInput:
                bad.append(item)
        return out, ("以下信用代码无效：" + "、".join(bad)) if bad else ""
    if f.type == "int":
        try:
            whole = int(str(value).strip())
        except ValueError:
            return value, "请填写整数"
        return (whole, "") if whole >= 0 else (whole, "不能为负数")
    if f.type == "decimal":
        try:
            amount = Decimal(str(value).strip())
        except InvalidOperation:
            return value, "请填写数字"
        if not amount.is_finite() or amount < 0:
            return value, "请填写非负数字"
        return str(amount), ""
    if f.type == "bool":
        if isinstance(value, bool):
            return value, ""
        flag = str(value).strip().lower()
        if flag in ("是", "true", "1", "yes", "on"):
            return True, ""
        if flag in ("否", "false", "0", "no", "off"):
            return False, ""
        return value, "请选择是或否"
    if f.type == "levels":
        chosen = value if isinstance(value, list) else [value]
        wrong = [str(v) for v in chosen if v not in levels]
        if wrong or not chosen:
            return chosen, "请勾选等级：" + "、".join(levels)
        return [lv for lv in levels if lv in chosen], ""
    if f.type == "levels_map":
        return _levels_map(value, levels)
    raise ValueError(f.type)


def _levels_map(value: Any, levels: list[str]) -> tuple[Any, str]:
    if not isinstance(value, dict):
        return value, "请按等级填写"
    out: dict[str, int | str] = {}
    errors: list[str] = []
    for lv, v in value.items():
        if lv not in levels:
            errors.append(f"等级“{lv}”无效")
            continue
        try:
            n = Decimal(str(v))
        except InvalidOperation:
            errors.append(f"{lv}：请填写数字")
            continue
        if not n.is_finite():
            errors.append(f"{lv}：请填写数字")
            continue
        if n < 0:
            errors.append(f"{lv}：不能为负数")
        out[lv] = int(n) if n == int(n) else str(n)
    return out, "；".join(errors)
