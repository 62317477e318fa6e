"""The training certificate (培训合格证书, TRN-6) as a PDF of one unified format: A4 landscape, STSong-Light,
the holder's name and masked ID number, occupation / direction / level, hours and the TRN-7 line
"计入{year}年度继续教育学时{n}学时（全国有效）", the institution, issue date, number and a QR code to the
public verification page. Nothing here checks permissions: the views decide who may download."""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from peiyu.core.documents.fonts import LATIN_FONT, cjk_font
from peiyu.core.documents.pdf import PDF_CONTENT_TYPE, cn_date
from peiyu.core.documents.qr import QRCode
from peiyu.core.identifiers import mask_id_number

from ..models import TrainingCertificate

PAGE = landscape(A4)
__all__ = ["PDF_CONTENT_TYPE", "ce_line", "certificate_pdf"]


def ce_line(cert: TrainingCertificate) -> str:
    return f"计入{cert.ce_year}年度继续教育学时{cert.ce_hours}学时（全国有效）"


def certificate_pdf(cert: TrainingCertificate, *, verify_url: str) -> bytes:
    """One page; `verify_url` is the absolute URL of the public verification page (the QR's content)."""
    font = cjk_font()
    buf = io.BytesIO()
    w, h = PAGE
    c = canvas.Canvas(buf, pagesize=PAGE, pageCompression=0)
    c.setTitle(f"培训合格证书 {cert.number}")
    c.setAuthor(cert.institution.name)
    c.setSubject(cert.number)
    # frame
    c.setStrokeColor(colors.HexColor("#9a2a1c"))
    c.setLineWidth(3)
    c.rect(12 * mm, 12 * mm, w - 24 * mm, h - 24 * mm)
    c.setLineWidth(0.8)
    c.rect(16 * mm, 16 * mm, w - 32 * mm, h - 32 * mm)
    c.setFillColor(colors.HexColor("#9a2a1c"))
    c.setFont(font, 34)
    c.drawCentredString(w / 2, h - 48 * mm, "培训合格证书")
    c.setFillColor(colors.black)
    c.setFont(font, 11)
    c.setFont(LATIN_FONT, 11)  # the number in a Latin font: plain text in the page, searchable
    c.drawRightString(w - 26 * mm, h - 28 * mm, cert.number)
    c.setFont(font, 11)
    c.drawRightString(w - 26 * mm - c.stringWidth(cert.number, LATIN_FONT, 11), h - 28 * mm, "证书编号：")
    if cert.status == TrainingCertificate.Status.REVOKED:
        c.setFillColor(colors.red)
        c.setFont(font, 20)
        c.drawString(26 * mm, h - 30 * mm, "已撤销")
        c.setFillColor(colors.black)
    occupation = cert.occupation_name + (f"（{cert.direction}）" if cert.direction else "")
    lines = [
        ("姓　　名", cert.holder_name),
        ("身份证号码", mask_id_number(cert.trainee.id_number)),
        ("职业（工种）", occupation),
        ("等　　级", cert.level),
        ("培训学时", f"{cert.hours}学时"),
    ]
    y = h - 72 * mm
    for label, value in lines:
        c.setFont(font, 14)
        c.drawString(40 * mm, y, f"{label}：")
        c.drawString(78 * mm, y, value)
        y -= 11 * mm
    c.setFont(font, 13)
    c.drawString(
        40 * mm,
        y - 2 * mm,
        f"该学员参加{occupation}（{cert.level}）培训，完成规定学时并经结业考核合格，特发此证。",
    )
    c.drawString(40 * mm, y - 12 * mm, ce_line(cert))
    c.setFont(font, 14)
    c.drawRightString(w - 70 * mm, 44 * mm, f"培训机构：{cert.institution.name}")
    c.drawRightString(
        w - 70 * mm,
        34 * mm,
        f"发证日期：{cn_date(cert.issued_on)}",
    )
    size = 34 * mm
    QRCode(verify_url, size).drawOn(c, w - 26 * mm - size, 24 * mm)
    c.setFont(font, 8)
    c.drawCentredString(w - 26 * mm - size / 2, 20 * mm, "扫码核验证书真伪")
    c.showPage()
    c.save()
    return buf.getvalue()
