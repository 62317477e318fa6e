"""core.schemas.validated_json: the hot paths' answers are validated against their published model by a
plain pydantic copy of it, with the same fields, defaults, aliases and output as the ninja Schema."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from ninja import Schema
from pydantic import Field, ValidationError

from peiyu.core.schemas import validated_json


class Answer(Schema):
    number: str
    issued_on: dt.date
    valid: bool
    note: str = Field("", description="可选")
    shown_as: str = Field("", alias="shownAs")


def test_the_answer_is_what_the_ninja_schema_writes():
    body = {"number": "Y1", "issued_on": dt.date(2026, 4, 20), "valid": True, "shownAs": "x"}
    written = json.loads(validated_json(Answer, body).content)
    assert written == json.loads(Answer.model_validate(body).model_dump_json())
    assert written == {"number": "Y1", "issued_on": "2026-04-20", "valid": True, "note": "", "shown_as": "x"}


def test_an_answer_missing_a_field_or_of_a_wrong_type_is_still_refused():
    with pytest.raises(ValidationError):
        validated_json(Answer, {"number": "Y1", "valid": True})
    with pytest.raises(ValidationError):
        validated_json(Answer, {"number": "Y1", "issued_on": "not a date", "valid": True})
