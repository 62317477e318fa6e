from __future__ import annotations

import io

import pytest


@pytest.fixture
def reference(db):
    from peiyu.catalogs.services import reference_load

    return reference_load(actor=None)


@pytest.fixture
def no_otp(settings):
    settings.PEIYU_OFFICIAL_OTP_REQUIRED = False


def make_xlsx(rows: list[list[object]], header=("工种编码", "工种名称", "职业编码")) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    if header:
        ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
