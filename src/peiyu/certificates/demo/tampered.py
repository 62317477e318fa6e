"""The demo's tampered certificate to try (issue 14 point 11): one of the demo's valid certificates as its
signed PDF, and the same file with its level changed on the page (初级 → 中级: one character of the
content stream, the file's length and structure unchanged, so it opens as before and looks genuine).

Each installation generates its own signing keys (services/signing.py), so a file signed elsewhere
cannot verify here ("签名密钥未在本平台公布"): the two files are made from this installation's demo data
— written to var/demo/ by `peiyu demo` and offered for download on the demo accounts page — rather than
shipped in the repository (docs/demo/README.md). Uploaded on the portal's verification page, the
genuine file is reported as authentic, the tampered one as altered, with the certificate's real
(masked) data beside it."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from peiyu.accounts.models import Org, User

from ..models import Certificate, Invalidation
from ..services.pdf import certificate_pdf

GENUINE_NAME = "demo-certificate-genuine.pdf"
TAMPERED_NAME = "demo-certificate-tampered.pdf"
# a level's first character and the one a forger would put instead (same length on the page)
RAISED = {"初": "中", "中": "高", "高": "中", "五": "四", "四": "三", "三": "二", "二": "一", "一": "二"}
DEMO_SITE = "http://127.0.0.1:8000"  # where `peiyu demo` serves (its QR codes point there)
_TJ = re.compile(rb"\(((?:[^()\\]|\\[0-7]{3}|\\.)*)\) Tj")


def demo_certificate() -> Certificate | None:
    """A valid, signed certificate of the demo without a finding: a Hubei level certificate if there is one."""
    found = (
        Certificate.objects.filter(status=Certificate.Status.VALID, replaces=None)
        .exclude(payload="")
        .exclude(pk__in=Invalidation.objects.values("certificate_id"))  # none with a finding open
    )
    return (
        found.filter(kind="level").order_by("pk").first() or found.filter(kind="skill").order_by("pk").first()
    )


def genuine_pdf(cert: Certificate, base: str) -> bytes:
    """The certificate's signed PDF, its QR carrying `base` + /v/<payload>."""
    return certificate_pdf(
        cert, verify_url=base.rstrip("/") + reverse("cert_public:verify_qr", args=[cert.payload])
    )


def _escaped(raw: bytes, width: int) -> bytes | None:
    """`raw` as the body of a PDF literal string exactly `width` bytes long (bytes written as themselves
    or as octal escapes), or None when no mix of the two gives that width."""
    plain = [b for b in raw if 32 <= b < 127 and b not in b"()\\"]
    short = len(raw) + 3 * (len(raw) - len(plain))
    extra = width - short
    if extra < 0 or extra % 3 or extra // 3 > len(plain):
        return None
    out, spend = bytearray(), extra // 3
    for b in raw:
        if 32 <= b < 127 and b not in b"()\\" and not spend:
            out.append(b)
        else:
            spend -= 1 if 32 <= b < 127 and b not in b"()\\" else 0
            out += b"\\%03o" % b
    return bytes(out)


def _unescape(body: bytes) -> bytes:
    return re.sub(rb"\\([0-7]{3}|.)", lambda m: bytes([int(m.group(1), 8)]) if len(m.group(1)) == 3
                  else m.group(1), body)  # fmt: skip


def tampered_pdf(data: bytes, level: str) -> bytes:
    """`data` with the level's first character raised where the page shows the level: the same length,
    every other byte (the signature block too) unchanged. ValueError when the level is not found."""
    if not level or level[0] not in RAISED:
        raise ValueError(f"no demo tampering for level {level!r}")
    wanted = level.encode("utf-16-be")
    for match in _TJ.finditer(data):
        if _unescape(match.group(1)) != wanted:
            continue
        forged = (RAISED[level[0]] + level[1:]).encode("utf-16-be")
        body = _escaped(forged, len(match.group(1)))
        if body is None:
            continue
        return data[: match.start(1)] + body + data[match.end(1) :]
    raise ValueError(f"level {level!r} not found on the page")


def demo_files(base: str) -> tuple[Certificate, bytes, bytes] | None:
    cert = demo_certificate()
    if cert is None:
        return None
    data = genuine_pdf(cert, base)
    return cert, data, tampered_pdf(data, cert.level)


def build_tampered(orgs: dict[str, Org], users: dict[str, User]) -> None:
    """Write the pair to var/demo/ (overwritten each run: the same bytes while the demo data stands)."""
    files = demo_files(DEMO_SITE)
    if files is None:
        return
    _cert, genuine, tampered = files
    folder = Path(settings.VAR_DIR) / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / GENUINE_NAME).write_bytes(genuine)
    (folder / TAMPERED_NAME).write_bytes(tampered)
