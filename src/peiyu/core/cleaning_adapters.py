"""The cleaners of peiyu.core.cleaning for API schemas and page forms, so both refuse what a service
refuses with the same Chinese message: `api_str(cleaner, …)` is a pydantic `Annotated[str,
Cleaned(cleaner, …)]` type for ninja schemas (ready-made: PersonNameStr, MobilePhoneStr, …; a free
text: `Annotated[str, Text(cap)]`);
`form_field(cleaner, …)` a Django form field whose cleaned value is the cleaner's, and
`django_validator(cleaner, …)` a validator."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from .cleaning import (
    LINE_MAX,
    REASON_MAX,
    clean_reason,
    clean_text,
    message_of,
    mobile_phone,
    person_name,
    phone,
)
from .errors import InvalidInput

if TYPE_CHECKING:
    from django import forms

__all__ = [
    "Cleaned",
    "MobilePhoneStr",
    "OptionalPersonNameStr",
    "PersonNameStr",
    "PhoneStr",
    "Reason",
    "ReasonStr",
    "Text",
    "api_str",
    "django_validator",
    "form_field",
]


class Cleaned:
    """Pydantic metadata running `cleaner` on a str after pydantic's own checks:
    `title: Annotated[str, Cleaned(clean_text, max_length=200)]` (or `Annotated[str, Text(200)]`);
    an invalid value is a 400 whose field message is the cleaner's Chinese message, the same as the
    page form's and the service's. A `max_length` option is declared in the JSON schema too."""

    def __init__(self, cleaner: Callable[..., Any], **options: Any) -> None:
        self.cleaner, self.options = cleaner, options

    def validate(self, value: str) -> Any:
        try:
            return self.cleaner(value, **self.options)
        except InvalidInput as exc:
            raise PydanticCustomError("invalid_input", message_of(exc)) from None

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_after_validator_function(self.validate, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        json_schema: dict[str, Any] = handler(schema)
        if isinstance(self.options.get("max_length"), int):
            json_schema["maxLength"] = self.options["max_length"]
        return json_schema


def Text(max_length: int = LINE_MAX, **options: Any) -> Cleaned:
    """A free text (a title, a name of a thing, a comment, a description) as `clean_text` cleans it
    for a multi-line field: control characters refused, at most `max_length` characters once stripped
    (refused, never cut). `Annotated[str, Text(5000)]`."""
    return Cleaned(clean_text, max_length=max_length, multiline=True, **options)


def Reason(label: str = "原因", max_length: int = REASON_MAX) -> Cleaned:
    """A stated reason as `clean_reason` cleans it with the service's `label` (e.g. "取消原因"), so an
    empty, too long or control-character reason is refused with the service's own message.
    `Annotated[str, Reason("取消原因")]`."""
    return Cleaned(clean_reason, label=label, max_length=max_length)


def api_str(cleaner: Callable[..., Any], **options: Any) -> Any:
    """A pydantic type for ninja schemas: `name: api_str(person_name)`; an invalid value is a 400 whose
    field message is the cleaner's Chinese message."""
    return Annotated[str, Cleaned(cleaner, **options)]


def django_validator(cleaner: Callable[..., Any], **options: Any) -> Callable[[object], None]:
    """A Django validator (model or form field) that refuses what `cleaner` refuses."""
    from django.core.exceptions import ValidationError

    def validate(value: object) -> None:
        try:
            cleaner(value, **options)
        except InvalidInput as exc:
            raise ValidationError(message_of(exc), code="invalid") from None

    return validate


def form_field(cleaner: Callable[..., Any], *, required: bool = True, **options: Any) -> forms.Field:
    """A Django form field whose cleaned value is `cleaner`'s (e.g. the normalised name)."""
    from django import forms
    from django.core.exceptions import ValidationError

    clean_value = partial(cleaner, **options)

    class CleanedField(forms.CharField):
        def to_python(self, value: Any) -> Any:
            if value in self.empty_values:
                return ""  # the field's own `required` decides about an empty value
            try:
                result = clean_value(value)
            except InvalidInput as exc:
                raise ValidationError(message_of(exc), code="invalid") from None
            return result if result not in ("", None) else ""

    return CleanedField(required=required, strip=False)


# ready-made API types of the values every app asks for (mypy sees them as str)
if TYPE_CHECKING:
    PersonNameStr = str
    OptionalPersonNameStr = str
    MobilePhoneStr = str
    PhoneStr = str
    ReasonStr = str
else:
    PersonNameStr = api_str(person_name)
    OptionalPersonNameStr = api_str(person_name, required=False)
    MobilePhoneStr = api_str(mobile_phone)
    PhoneStr = api_str(phone)
    ReasonStr = api_str(clean_reason, max_length=REASON_MAX)
