"""A fast QR code encoder for documents printed by the thousand (certificate PDFs): byte mode, error
correction level M, one fixed data mask. What is the same for every code of a version — finder, timing
and alignment patterns, format and version information, the mask over the data region, the order in
which data bits fill the modules — is built once per version with segno's own functions; encoding a
text is then only its codewords, their Reed–Solomon blocks (a table per block length, the remainder
kept as one integer) and one pass that flips the modules of the 1 bits. The result is the same matrix
segno makes for the same text, level, mode and mask (tested), in a small fraction of the time: segno
spends most of its time trying the eight masks and placing bits one by one.

Any mask gives a valid, readable code; evaluating the eight masks (the standard's penalty rules) only
avoids unlucky patterns, which a byte-mode payload of base64 text does not tend to produce."""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import compress
from typing import Any

from segno import consts as _consts
from segno import encoder as _encoder

consts: Any = _consts  # segno's internals are untyped
seg: Any = _encoder

ERROR = consts.ERROR_LEVEL_M
MASK = 4
_RUN = re.compile(rb"\x01+")
_BITS = bytes.maketrans(b"01", b"\x00\x01")


@lru_cache(maxsize=48)
def _layout(version: int) -> tuple[int, bytes, tuple[int, ...]]:
    """(size, the template: every module of the code of all-zero data bits, the data module index of
    each message bit in placement order)."""
    size = seg.calc_matrix_size(version)
    matrix = seg.make_matrix(size, size)
    seg.add_finder_patterns(matrix, size, size)
    seg.add_alignment_patterns(matrix, size, size)
    order: list[int] = []
    for right in range(size - 1, 0, -2):
        if right <= 6:
            right -= 1
        for vertical in range(size):
            for z in range(2):
                j = right - z
                upwards = ((right & 2) == 0) ^ (j < 6)
                i = (size - 1 - vertical) if upwards else vertical
                if matrix[i][j] == 0x2:
                    order.append(i * size + j)
                    matrix[i][j] = 0x0
    mask = seg.get_data_mask_functions(False)[MASK]
    for index in order:
        i, j = divmod(index, size)
        matrix[i][j] = 1 if mask(i, j) else 0
    seg.add_format_info(matrix, version, ERROR, MASK)
    seg.add_version_info(matrix, version)
    return size, b"".join(bytes(row) for row in matrix), tuple(order)


@lru_cache(maxsize=64)
def _rs_table(ec_len: int) -> tuple[int, ...]:
    """For each lead coefficient, the generator polynomial times it, as an ec_len-byte integer."""
    gen = consts.GEN_POLY[ec_len]
    log, exp = consts.GALIOS_LOG, consts.GALIOS_EXP
    table = [0]
    for coef in range(1, 256):
        table.append(int.from_bytes(bytes(exp[log[coef] + g] for g in gen[:ec_len]), "big"))
    return tuple(table)


def _ec(block: bytes, ec_len: int) -> bytes:
    table = _rs_table(ec_len)
    shift = 8 * (ec_len - 1)
    full = (1 << (8 * ec_len)) - 1
    rem = 0
    for byte in block:
        rem = ((rem << 8) & full) ^ table[(rem >> shift) ^ byte]
    out: bytes = rem.to_bytes(ec_len, "big")
    return out


def _version_for(length: int) -> int:
    for version in range(1, 41):
        count_bits = 8 if version < 10 else 16
        if 4 + count_bits + 8 * length <= consts.SYMBOL_CAPACITY[version][ERROR]:
            return version
    raise ValueError("too much data for a QR code at level M")


def _codewords(data: bytes, version: int) -> bytes:
    capacity: int = consts.SYMBOL_CAPACITY[version][ERROR] // 8
    count_bits = 8 if version < 10 else 16
    bits = (0b0100 << count_bits | len(data)) << (8 * len(data)) | int.from_bytes(data, "big")
    nbits = 4 + count_bits + 8 * len(data)
    total = capacity * 8
    terminator = min(4, total - nbits)
    bits <<= terminator
    nbits += terminator
    # zero bits to the next codeword boundary — a whole zero codeword when already on one, as segno
    # writes it (decoders stop at the terminator), so the two encoders give the same modules
    pad = 8 - nbits % 8
    bits <<= pad
    nbits += pad
    out = bits.to_bytes(nbits // 8, "big")[:capacity]
    fill = capacity - len(out)
    return out + (b"\xec\x11" * (fill // 2 + 1))[:fill]


def _message(codewords: bytes, version: int) -> bytes:
    data_blocks: list[bytes] = []
    ec_blocks: list[bytes] = []
    at = 0
    for info in consts.ECC[version][ERROR]:
        ec_len = info.num_total - info.num_data
        for _ in range(info.num_blocks):
            block = codewords[at : at + info.num_data]
            at += info.num_data
            data_blocks.append(block)
            ec_blocks.append(_ec(block, ec_len))
    out = bytearray()
    for blocks in (data_blocks, ec_blocks):
        for i in range(max(len(b) for b in blocks)):
            out.extend(b[i] for b in blocks if i < len(b))
    return bytes(out)


def qr_modules(text: str) -> tuple[int, bytes]:
    """(size, the modules row by row, 1 = dark) of the QR code of `text` (UTF-8, byte mode, level M,
    mask 4, no quiet zone)."""
    data = text.encode("utf-8")
    version = _version_for(len(data))
    size, template, order = _layout(version)
    message = _message(_codewords(data, version), version)
    modules = bytearray(template)
    bits = format(int.from_bytes(message, "big"), f"0{len(message) * 8}b").encode("ascii").translate(_BITS)
    for index in compress(order, bits):
        modules[index] ^= 1
    return size, bytes(modules)


def qr_runs(text: str) -> tuple[int, list[tuple[int, int, int]]]:
    """(size, the dark runs as (row, first column, length)) of the code of `text`: what a drawing needs."""
    size, modules = qr_modules(text)
    return size, [(i // size, i % size, j - i) for i, j in (m.span() for m in _row_runs(modules, size))]


def _row_runs(modules: bytes, size: int) -> list[re.Match[bytes]]:
    """The dark runs of each row (a run never continues onto the next row: rows are matched apart)."""
    return [m for row in range(0, size * size, size) for m in _RUN.finditer(modules, row, row + size)]


def qr_bitmap(text: str, *, border: int = 2, scale: int = 1) -> tuple[int, bytes]:
    """(width in pixels, the rows packed 1 bit a pixel, most significant bit first, each row padded to a
    whole byte) of the code of `text` with a quiet zone of `border` modules, each module `scale` × `scale`
    pixels, 1 = light: a DeviceGray image of one bit per sample, drawn as a PDF inline image in one
    operation (viewers smooth a small image they enlarge a lot; a few pixels a module keeps edges sharp)."""
    size, modules = qr_modules(text)
    width = (size + 2 * border) * scale
    row_bytes = (width + 7) // 8
    pad = "1" * (row_bytes * 8 - width)
    quiet_row = int("1" * width + pad, 2).to_bytes(row_bytes, "big")
    edge = "1" * (border * scale)
    light, dark = "1" * scale, "0" * scale
    out = bytearray(quiet_row * (border * scale))
    for row in range(0, size * size, size):
        bits = "".join(dark if m else light for m in modules[row : row + size])
        out += int(edge + bits + edge + pad, 2).to_bytes(row_bytes, "big") * scale
    out += quiet_row * (border * scale)
    return width, bytes(out)
