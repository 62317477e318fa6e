"""The cleaners of peiyu.core.cleaning for API schemas and page forms, so both refuse what a service
refuses with the same Chinese message: `api_str(cleaner, …)` is a pydantic `Annotated[str,
AfterValidator(…)]` type for ninja schemas (ready-made: PersonNameStr, MobilePhoneStr, …);
`form_field(cleaner, …)` a Django form field whose cleaned value is the cleaner's, and
`django_validator(cleaner, …)` a validator."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from .cleaning import clean_reason, message_of, mobile_phone, person_name, phone
from .errors import InvalidInput

if TYPE_CHECKING:
    from django import forms

__all__ = [
    "MobilePhoneStr",
    "OptionalPersonNameStr",
    "PersonNameStr",
    "PhoneStr",
    "ReasonStr",
    "api_str",
    "django_validator",
    "form_field",
]


def api_str(cleaner: Callable[..., Any], **options: Any) -> Any:
    """A pydantic type for ninja schemas: `name: api_str(person_name)`; an invalid value is a 400 whose
    field message is the cleaner's Chinese message."""

    def validate(value: str) -> Any:
        try:
            return cleaner(value, **options)
        except InvalidInput as exc:
            raise PydanticCustomError("invalid_input", message_of(exc)) from None

    return Annotated[str, AfterValidator(validate)]


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
    ReasonStr = api_str(clean_reason)
