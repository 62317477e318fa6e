"""The signed certificate PDF (CRT-4, CRT-5; ADR 0013): one layout for every kind — A4 landscape; the
holder, photo (or a frame saying 照片), occupation, direction, level, number, issuer, date; for training
certificates the hours and the continuing-education line; the issuer's own seal drawn from its name; a QR
code of the signed payload's URL — and an SM2 signature of the whole file appended after its %%EOF:

    <the PDF, ending "%%EOF\\n">
    %PEIYU-SIGNATURE 1 SM2-SM3
    %number <certificate number>
    %key <key id>
    %sig <base64url of the 64-byte signature r ‖ s>
    %%EOF

The signature (SM3 with the default user ID, the certificate's key) covers every byte before "%sig ".
PDF readers ignore comments and find the last %%EOF, so the file opens as any PDF; editing any byte of
it — a name, a level, the block itself — or appending an incremental update makes `pdf_check` fail.
The bytes are deterministic (no dates, the file /ID from the content, a deterministic-nonce signature):
the same certificate renders to the same file every time. The printed page is this page: a print carries the
same QR, so paper and file have the same force.

Fast (benchmark cert-pdf): the page's constant parts are drawn once per process (services/pdf_page.py);
the objects every file shares (fonts, page, page tree, catalogue) are taken once from a reportlab
document, and a certificate's file is its own content stream and document information put into them with
a fresh cross-reference table. Format, algorithms and why: ADR 0013."""

from __future__ import annotations

import base64
import binascii
import io
import re
from dataclasses import dataclass
from functools import lru_cache

from django.utils import timezone

from peiyu.core import sm2
from peiyu.core.documents.pdf import PDF_CONTENT_TYPE
from peiyu.training.selectors.trainees import person_photo

from ..models import Certificate, SigningKey
from ..rules.templates import Wording
from .pdf_page import new_canvas, page_canvas
from .signing import certificates_sign
from .templates import wording_of

__all__ = [
    "PDF_CONTENT_TYPE",
    "PdfCheck",
    "certificate_pdf",
    "pdf_check",
    "pdf_sign",
    "pdf_verify_block",
    "render",
]

MAGIC = b"%PEIYU-SIGNATURE 1 SM2-SM3\n"
_BLOCK = re.compile(
    rb"%PEIYU-SIGNATURE 1 SM2-SM3\n%number ([\x21-\x7e]{1,40})\n%key (k[0-9a-f]{16})\n%sig ([A-Za-z0-9_-]{86})\n%%EOF\n\Z"
)
_OBJ = re.compile(rb"(\d+) 0 obj\n(.*?)\nendobj\n", re.S)


# --- the signature block ---------------------------------------------------------------------------------


def _b64e(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def pdf_sign(pdf: bytes, *, number: str, key_id: str, private_hex: str) -> bytes:
    """`pdf` with the signature block appended (module docstring)."""
    head = pdf if pdf.endswith(b"\n") else pdf + b"\n"
    signed = head + MAGIC + f"%number {number}\n%key {key_id}\n".encode("ascii")
    signature = sm2.sign_deterministic(private_hex, signed)
    return signed + f"%sig {_b64e(signature)}\n%%EOF\n".encode("ascii")


@dataclass(frozen=True)
class PdfBlock:
    number: str
    key_id: str
    signed: bytes
    signature: bytes


def pdf_verify_block(data: bytes) -> PdfBlock | None:
    """The signature block at the very end of `data`, or None (no block, a damaged one, or bytes after it)."""
    start = data.rfind(MAGIC)
    if start < 0:
        return None
    match = _BLOCK.match(data, start)
    if match is None:
        return None
    try:
        signature = base64.urlsafe_b64decode(match.group(3) + b"==")
    except (binascii.Error, ValueError):
        return None
    sig_at = data.rindex(b"%sig ")
    return PdfBlock(match.group(1).decode("ascii"), match.group(2).decode("ascii"), data[:sig_at], signature)


@dataclass(frozen=True)
class PdfCheck:
    """What an uploaded PDF claims and whether its signature holds: `ok`, and when not, `reason`
    (Chinese, for the person checking)."""

    ok: bool
    number: str = ""
    key_id: str = ""
    reason: str = ""
    certificate_id: int | None = None


def pdf_check(data: bytes) -> PdfCheck:
    """Check a certificate PDF: its signature block, the key (published, not revoked before the
    certificate's date), the certificate it names and that this key signed it."""
    if not data.startswith(b"%PDF-"):
        return PdfCheck(False, reason="不是 PDF 文件")
    block = pdf_verify_block(data)
    if block is None:
        return PdfCheck(False, reason="文件没有完整的电子签名，或签名之后被追加了内容（文件已被改动）")
    number, key_id = block.number, block.key_id
    key = SigningKey.objects.filter(key_id=block.key_id).first()
    if key is None:
        return PdfCheck(False, number, key_id, reason="签名密钥未在本平台公布，无法确认证书来源")
    if not sm2.verify(key.public_key, block.signed, block.signature):
        return PdfCheck(False, number, key_id, reason="电子签名与文件内容不符：证书文件已被改动或系伪造")
    cert = Certificate.objects.filter(number=block.number).only("pk", "key", "issued_on").first()
    if cert is None:
        return PdfCheck(False, number, key_id, reason="签名有效，但平台上没有这个编号的证书")
    if cert.key_id != key.pk:
        return PdfCheck(False, number, key_id, reason="该证书不是用此密钥签发的", certificate_id=cert.pk)
    if key.revoked_at is not None and cert.issued_on > timezone.localdate(key.revoked_at):
        return PdfCheck(
            False, number, key_id, reason="签名密钥在发证日期之前已被吊销，签名不可信", certificate_id=cert.pk
        )
    return PdfCheck(True, number, key_id, certificate_id=cert.pk)


# --- the file -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Shell:
    """The objects every certificate file shares (fonts, page, page tree, catalogue), taken once from a
    reportlab document with the same fonts, and the numbers of the two objects each file writes itself."""

    objects: dict[int, bytes]
    contents: int
    info: int
    root: int


@lru_cache(maxsize=1)
def _shell() -> _Shell:
    buf = io.BytesIO()
    c = new_canvas(buf)
    c.showPage()
    c.save()
    data = buf.getvalue()
    objects = {int(n): body for n, body in _OBJ.findall(data)}
    contents = re.search(rb"/Contents (\d+) 0 R", data)
    info = re.search(rb"/Info (\d+) 0 R", data)
    root = re.search(rb"/Root (\d+) 0 R", data)
    if not (contents and info and root) or sorted(objects) != list(range(1, len(objects) + 1)):
        raise RuntimeError("unexpected reportlab document layout")
    return _Shell(objects, int(contents.group(1)), int(info.group(1)), int(root.group(1)))


def _text(value: str) -> bytes:
    """A PDF text string: UTF-16BE with its byte-order mark, in hex."""
    return b"<FEFF" + value.encode("utf-16-be").hex().upper().encode("ascii") + b">"


def _assemble(stream: bytes, *, title: str, author: str, subject: str) -> bytes:
    """A one-page PDF of the shared objects, this content stream and this document information."""
    shell = _shell()
    objects = dict(shell.objects)
    objects[shell.contents] = b"<<\n/Length %d\n>>\nstream\n%sendstream" % (len(stream), stream)
    objects[shell.info] = b"<<\n/Author %s /Creator (peiyu) /Producer (peiyu) /Subject %s /Title %s\n>>" % (
        _text(author), _text(subject), _text(title),
    )  # fmt: skip
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number in range(1, len(objects) + 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, objects[number])
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % at for at in offsets)
    doc_id = sm2.sm3_digest(stream).hex()[:32].encode("ascii")
    out += b"trailer\n<<\n/ID [<%s><%s>]\n/Info %d 0 R\n/Root %d 0 R\n/Size %d\n>>\nstartxref\n%d\n%%%%EOF\n" % (
        doc_id, doc_id, shell.info, shell.root, len(objects) + 1, xref,
    )  # fmt: skip
    return bytes(out)


def render(cert: Certificate, wording: Wording, *, verify_url: str, photo: bytes | None = None) -> bytes:
    """The unsigned file of `cert` (deterministic bytes). With a photo, reportlab writes the whole file
    (the image is a resource of the page); otherwise the page's content stream goes into the shared shell."""
    buf = io.BytesIO()
    c = page_canvas(buf, cert, wording, verify_url=verify_url, photo=photo)
    title = f"{wording.title} {cert.number}"
    if photo:
        c.setTitle(title)
        c.setAuthor(cert.issuer_name)
        c.setSubject(cert.number)
        c.setCreator("peiyu")
        c.showPage()
        c.save()
        return buf.getvalue()
    stream = ("\n".join([c._preamble, *c._code, " "]) + "\n").encode("latin-1")
    return _assemble(stream, title=title, author=cert.issuer_name, subject=cert.number)


def certificate_pdf(cert: Certificate, *, verify_url: str, photo: bytes | None = None) -> bytes:
    """The signed PDF of `cert`, any kind (module docstring): the same bytes every time for the same
    certificate and photo. The photo is the holder's ID photo (training.selectors.trainees.person_photo)
    unless one is given; without one the page shows the photo's frame. A certificate not yet signed (a
    moved training certificate before its signing run) is signed first. `verify_url` is the QR's
    content, `<site>/v/<payload>`."""
    if photo is None:
        photo = person_photo(cert.holder_id)
    if cert.key_id is None:
        certificates_sign([cert])
        if verify_url.endswith("/v/"):  # the caller built the URL from the empty payload of the unsigned row
            verify_url += cert.payload
    key = cert.key
    assert key is not None  # signed above
    pdf = render(cert, wording_of(cert), verify_url=verify_url, photo=photo)
    return pdf_sign(pdf, number=cert.number, key_id=key.key_id, private_hex=key.private_key)
