"""Uploaded files (SEL-12 materials and later evidence): the type is judged from the file's first bytes,
not from its name or the browser's claim, the size is capped, and the SHA-256 is recorded so a stored
file can be shown to be the one submitted."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from .errors import InvalidInput

# (magic prefix, content type, extensions)
_SIGNATURES: list[tuple[bytes, str, tuple[str, ...]]] = [
    (b"%PDF-", "application/pdf", (".pdf",)),
    (b"\x89PNG\r\n\x1a\n", "image/png", (".png",)),
    (b"\xff\xd8\xff", "image/jpeg", (".jpg", ".jpeg")),
    (b"PK\x03\x04", "application/zip", (".docx", ".xlsx", ".ofd", ".zip")),
]


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    size: int
    sha256: str


def max_bytes() -> int:
    return int(getattr(settings, "PEIYU_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024))


def check_upload(uploaded: Any, *, field: str = "file") -> CheckedFile:
    """Refuse what is not a PDF, image, or Office/OFD document, or is empty or too large; return the
    facts to store. Reads the file once in chunks to hash it."""
    name = (getattr(uploaded, "name", "") or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200]
    size = int(getattr(uploaded, "size", 0) or 0)
    limit = max_bytes()
    if size <= 0:
        raise InvalidInput("文件为空", fields={field: ["文件为空，请重新选择"]})
    if size > limit:
        raise InvalidInput(
            "文件过大",
            fields={field: [f"文件大小 {size / 1048576:.1f} MB，超过上限 {limit / 1048576:.0f} MB"]},
        )
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    lower = name.lower()
    for magic, content_type, extensions in _SIGNATURES:
        if head.startswith(magic):
            if not lower.endswith(extensions):
                raise InvalidInput(
                    "文件类型与扩展名不符",
                    fields={field: [f"文件内容为 {content_type}，扩展名应为 {'/'.join(extensions)}"]},
                )
            break
    else:
        raise InvalidInput("不支持的文件类型", fields={field: ["仅支持 PDF、JPG、PNG、DOCX、XLSX、OFD 文件"]})
    digest = hashlib.sha256()
    for chunk in uploaded.chunks() if hasattr(uploaded, "chunks") else [uploaded.read()]:
        digest.update(chunk)
    uploaded.seek(0)
    return CheckedFile(name=name, content_type=content_type, size=size, sha256=digest.hexdigest())


IMAGE_TYPES = frozenset({"image/jpeg", "image/png"})


def check_image_upload(uploaded: Any, *, field: str = "photo") -> CheckedFile:
    """`check_upload`, and only a JPEG or a PNG (photos of sites, a person's ID photo)."""
    checked = check_upload(uploaded, field=field)
    if checked.content_type not in IMAGE_TYPES:
        raise InvalidInput("照片仅支持 JPG、PNG 图片", fields={field: ["照片仅支持 JPG、PNG 图片"]})
    return checked
