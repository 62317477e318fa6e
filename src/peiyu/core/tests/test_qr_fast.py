"""The fast QR encoder gives, module for module, the code segno makes for the same text (byte mode,
level M, mask 4), across versions with 8- and 16-bit character counts and with remainder bits."""

from __future__ import annotations

import random
import string

import pytest
import segno

from peiyu.core.documents.qr_fast import qr_modules, qr_runs

ALPHABET = string.ascii_letters + string.digits + "-_./:"


@pytest.mark.parametrize("length", [0, 1, 13, 14, 30, 77, 150, 213, 271, 300, 331, 420, 650, 1200])
def test_the_modules_are_segnos(length):
    rng = random.Random(length)
    text = "https://peiyu.example.cn/v/" + "".join(rng.choice(ALPHABET) for _ in range(length))
    size, modules = qr_modules(text)
    code = segno.make(text, error="m", mode="byte", mask=4, boost_error=False, micro=False)
    assert size == code.symbol_size(border=0)[0]
    assert modules == b"".join(bytes(row) for row in code.matrix)


def test_non_ascii_text_is_encoded_as_utf8_bytes():
    _size, modules = qr_modules("证书 S0000511234560126400001")
    code = segno.make(
        "证书 S0000511234560126400001".encode(), error="m", mode="byte", mask=4, boost_error=False
    )
    assert modules == b"".join(bytes(row) for row in code.matrix)


def test_the_runs_cover_exactly_the_dark_modules():
    size, modules = qr_modules("https://peiyu.example.cn/v/abc")
    _, runs = qr_runs("https://peiyu.example.cn/v/abc")
    dark = {(r, c + i) for r, c, n in runs for i in range(n)}
    assert dark == {divmod(i, size) for i, m in enumerate(modules) if m}
    assert all(c + n <= size for _r, c, n in runs)
