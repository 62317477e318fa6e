"""The page of a certificate (services/pdf.py makes the signed file of it): A4 landscape, one layout for
every kind. What is the same on every certificate of a kind (frame, title, labels, the photo's place)
and of an issuer (its seal: a red ring, its name around, 证书专用章 across — no star, no emblem) is drawn
once per process into content-stream fragments and copied into each page; only the holder's facts and
the QR code are drawn per certificate."""

from __future__ import annotations

import io
import math
from functools import lru_cache
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from peiyu.core.documents.fonts import LATIN_FONT, cjk_font
from peiyu.core.documents.pdf import cn_date
from peiyu.core.documents.qr_fast import qr_bitmap

from ..models import Certificate
from ..rules.templates import SEAL_CENTRE, Wording, body_text

PAGE = landscape(A4)
W, H = PAGE
RED = colors.HexColor("#b3261e")
FRAME = colors.HexColor("#9a2a1c")
QR_SIZE = 36 * mm
PHOTO_BOTTOM = H - 118 * mm  # the photo frame: 30 × 40 mm, its lower edge here
QR_SCALE = 4  # pixels a module: viewers smooth a 1-pixel-a-module image they enlarge, and blur its edges
# TRN-7 (003 五（一）): the hours count towards that year's continuing education. That they count
# nationwide is said on the verification page and the holder's page, not here: 000 Art. 19 (CRT-2)
# forbids 全国 on a certificate.
CE_LINE = "计入{year}年度专业技术人员继续教育学时{hours}学时"


# --- the page --------------------------------------------------------------------------------------------


def _capture(draw: Any) -> str:
    """The content-stream operators `draw(canvas)` writes, to be copied into other pages of documents
    that use the same fonts in the same order (the CJK font first, then Helvetica: see `new_canvas`)."""
    c = new_canvas(io.BytesIO())
    start = len(c._code)
    draw(c)
    return "\n".join(c._code[start:])


def new_canvas(buf: io.BytesIO) -> Any:
    c = canvas.Canvas(buf, pagesize=PAGE, pageCompression=0, invariant=1)
    c.setFont(cjk_font(), 12)  # the font resources in a fixed order, so captured fragments name them right
    c.setFont(LATIN_FONT, 12)
    return c


@lru_cache(maxsize=8)
def _frame(title: str) -> str:
    def draw(c: Any) -> None:
        font = cjk_font()
        c.saveState()
        c.setStrokeColor(FRAME)
        c.setLineWidth(3)
        c.rect(12 * mm, 12 * mm, W - 24 * mm, H - 24 * mm)
        c.setLineWidth(0.8)
        c.rect(16 * mm, 16 * mm, W - 32 * mm, H - 32 * mm)
        for x, y in ((16, 16), (W / mm - 16, 16), (16, H / mm - 16), (W / mm - 16, H / mm - 16)):
            c.circle(x * mm, y * mm, 2.2 * mm, stroke=1, fill=0)
        c.setFillColor(FRAME)
        c.setFont(font, 34)
        c.drawCentredString(W / 2, H - 46 * mm, title)
        c.setFillColor(colors.black)
        c.setFont(font, 11)
        c.drawString(W - 112 * mm, H - 28 * mm, "证书编号：")
        c.setStrokeColor(colors.HexColor("#888888"))
        c.setLineWidth(0.6)
        c.rect(30 * mm, PHOTO_BOTTOM, 30 * mm, 40 * mm)  # the photo's place
        c.setFont(font, 8)
        c.drawCentredString(W - 26 * mm - QR_SIZE / 2, 19 * mm, "扫码核验证书真伪")
        c.restoreState()

    return _capture(draw)


@lru_cache(maxsize=256)
def _seal(text: str) -> str:
    """The issuer's seal: a red ring, `text` around the top, 证书专用章 across — no star, no emblem."""

    def draw(c: Any) -> None:
        font = cjk_font()
        cx, cy, r = W - 98 * mm, 42 * mm, 21 * mm
        c.saveState()
        c.setStrokeColor(RED)
        c.setFillColor(RED)
        c.setLineWidth(1.6)
        c.circle(cx, cy, r, stroke=1, fill=0)
        c.setLineWidth(0.5)
        c.circle(cx, cy, r - 1.6 * mm, stroke=1, fill=0)
        chars = list(text)[:24]
        size = 11 if len(chars) <= 14 else 9
        span = min(240.0, 17.0 * len(chars))
        for i, ch in enumerate(chars):
            angle = 90 + span / 2 - (span * (i + 0.5) / len(chars))
            rad = math.radians(angle)
            c.saveState()
            c.translate(cx + (r - 5.6 * mm) * math.cos(rad), cy + (r - 5.6 * mm) * math.sin(rad))
            c.rotate(angle - 90)
            c.setFont(font, size)
            c.drawCentredString(0, -size / 3, ch)
            c.restoreState()
        c.setFont(font, 10)
        c.drawCentredString(cx, cy - 10 * mm, SEAL_CENTRE)
        c.restoreState()

    return _capture(draw)


def qr_ops(data: str, x: float, y: float, size: float) -> str:
    """The QR code of `data` (quiet zone of 2 modules) at (x, y), `size` wide, as one inline image of one
    bit a pixel, QR_SCALE pixels a module (DeviceGray, ASCII-hex): a few hundred bytes, and a single operation to draw."""
    width, bitmap = qr_bitmap(data, scale=QR_SCALE)
    return (
        f"q {size:.2f} 0 0 {size:.2f} {x:.2f} {y:.2f} cm\n"
        f"BI /W {width} /H {width} /BPC 1 /CS /G /I false /F /AHx ID\n{bitmap.hex()}>\nEI Q"
    )


def _photo(c: Any, photo: bytes | None) -> None:
    x, y, w, h = 30 * mm, PHOTO_BOTTOM, 30 * mm, 40 * mm
    if photo:
        from reportlab.lib.utils import ImageReader

        c.drawImage(ImageReader(io.BytesIO(photo)), x, y, w, h, preserveAspectRatio=True, anchor="c")
        return
    c.setFont(cjk_font(), 12)
    c.setFillColor(colors.HexColor("#888888"))
    c.drawCentredString(x + w / 2, y + h / 2 - 4, "照片")
    c.setFillColor(colors.black)


def _lines(cert: Certificate) -> list[tuple[str, str]]:
    lines = [
        ("姓　　名", cert.holder_name),
        ("身份证号码", cert.holder_id_masked),
        ("职业（工种）", cert.occupation_name),
    ]
    if cert.direction:
        lines.append(("职业方向", cert.direction))
    lines.append(("等　　级", cert.level))
    if cert.kind == Certificate.Kind.TRAINING and cert.details.get("hours"):
        lines.append(("培训学时", f"{cert.details['hours']}学时"))
    return lines


def _wrap(c: Any, text: str, font: str, size: float, width: float) -> list[str]:
    out, line = [], ""
    for ch in text:
        if c.stringWidth(line + ch, font, size) > width:
            out.append(line)
            line = ch
        else:
            line += ch
    return [*out, line] if line else out


def page_canvas(
    buf: io.BytesIO, cert: Certificate, wording: Wording, *, verify_url: str, photo: bytes | None = None
) -> Any:
    """A canvas with the page of `cert` drawn, not yet shown: the constant fragments copied in, the
    holder's facts and the QR drawn."""
    font = cjk_font()
    c = new_canvas(buf)
    c._code.append(_frame(wording.title))
    c._code.append(_seal(wording.seal_text or cert.issuer_name))
    c.setFont(LATIN_FONT, 11)
    c.drawString(W - 112 * mm + c.stringWidth("证书编号：", font, 11), H - 28 * mm, cert.number)
    _photo(c, photo)
    y = H - 70 * mm
    for label, value in _lines(cert):
        c.setFont(font, 14)
        c.drawString(70 * mm, y, f"{label}：")
        c.drawString(106 * mm, y, value)
        y -= 10 * mm
    occupation = cert.occupation_name + (f"（{cert.direction}）" if cert.direction else "")
    body = body_text(wording.body, name=cert.holder_name, occupation=occupation, level=cert.level)
    c.setFont(font, 13)
    y = min(y - 2 * mm, PHOTO_BOTTOM - 8 * mm)  # the sentence starts below the photo, never across it
    for line in _wrap(c, body, font, 13, W - 60 * mm):
        c.drawString(30 * mm, y, line)
        y -= 8 * mm
    if cert.kind == Certificate.Kind.TRAINING and cert.details.get("ce_year"):
        hours = cert.details.get("ce_hours") or cert.details.get("hours")
        c.drawString(30 * mm, y, CE_LINE.format(year=cert.details["ce_year"], hours=hours))
    c.setFont(font, 14)
    c.drawRightString(W - 70 * mm, 44 * mm, f"发证机构：{cert.issuer_name}")
    c.drawRightString(W - 70 * mm, 34 * mm, f"发证日期：{cn_date(cert.issued_on)}")
    c.setFont(font, 8)
    c.setFillColor(colors.HexColor("#555555"))
    key_id = cert.key.key_id if cert.key else ""
    c.drawString(
        26 * mm,
        19 * mm,
        f"本证书附 SM2 电子签名（密钥 {key_id}），打印件与电子证书具有同等效力，扫码或登录平台核验。",
    )
    c.setFillColor(colors.black)
    c._code.append(qr_ops(verify_url, W - 26 * mm - QR_SIZE, 22 * mm, QR_SIZE))
    return c
