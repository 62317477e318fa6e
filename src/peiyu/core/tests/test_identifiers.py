import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peiyu.core.errors import InvalidInput
from peiyu.core.identifiers import (
    id_age_on,
    id_birth_date,
    id_sex,
    id_with_check,
    mask_id_number,
    mask_name,
    mask_phone,
    uscc_with_check,
    validate_id_number,
    validate_uscc,
)

VALID_ID = "11010519491231002X"


def test_valid_id_number_gives_birth_date_and_sex():
    assert validate_id_number(" 11010519491231002x ") == VALID_ID
    assert id_birth_date(VALID_ID) == dt.date(1949, 12, 31)
    assert id_sex(VALID_ID) == "F"  # 17th digit 2 is even
    assert id_sex(id_with_check("21010219900101001")) == "M"
    assert id_age_on(VALID_ID, dt.date(2026, 12, 30)) == 76
    assert id_age_on(VALID_ID, dt.date(2026, 12, 31)) == 77


@pytest.mark.parametrize(
    "value, fragment",
    [
        ("", "请填写"),
        ("1101051949123100", "应为18位，当前为16位"),
        ("11010519491231002Y", "前17位应为数字"),
        ("99010519491231002X", "前两位“99”"),
        ("110105194913310023", "出生日期“19491331”"),
        ("110105194912310021", "校验位错误：最后一位应为“X”，实际为“1”"),
    ],
)
def test_invalid_id_numbers_say_what_is_wrong(value, fragment):
    with pytest.raises(InvalidInput) as exc:
        validate_id_number(value)
    assert fragment in exc.value.message
    assert exc.value.fields["id_number"] == [exc.value.message]


def test_future_birth_date_is_refused():
    with pytest.raises(InvalidInput, match="不合理"):
        validate_id_number(id_with_check("11010520300101001"), today=dt.date(2026, 11, 21))


def test_uscc_validation_messages():
    good = uscc_with_check("91210102MA0Y00001")
    assert validate_uscc(good.lower()) == good
    with pytest.raises(InvalidInput, match="应为18位"):
        validate_uscc("9121010")
    with pytest.raises(InvalidInput, match="不允许的字符：I"):
        validate_uscc("91210102MA0Y0000I" + "1")
    with pytest.raises(InvalidInput, match="校验位错误"):
        validate_uscc(good[:-1] + ("0" if good[-1] != "0" else "1"))
    with pytest.raises(InvalidInput, match="行政区划码"):
        validate_uscc(uscc_with_check("91990102MA0Y00001"))


@given(
    st.from_regex(
        r"[1-6][0-9]{5}(19[5-9][0-9]|200[0-9])(0[1-9]|1[0-2])(0[1-9]|1[0-9]|2[0-8])[0-9]{3}", fullmatch=True
    )
)
def test_any_id_completed_with_its_check_digit_validates(body):
    if body[:2] not in {"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
                        "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65"}:  # fmt: skip
        return
    full = id_with_check(body)
    assert validate_id_number(full) == full


def test_unicode_digits_are_not_accepted():
    with pytest.raises(InvalidInput, match="前17位应为数字"):
        validate_id_number("1101051949123100௫X")


def test_masks():
    assert mask_id_number(VALID_ID) == "110105********002X"
    assert mask_phone("13800138000") == "138****8000"
    assert mask_name("张三") == "张*"
    assert mask_name("王小明") == "王**"
    assert mask_name("欧阳娜娜") == "欧阳**"
    assert mask_id_number("") == "" and mask_phone(None) == ""
