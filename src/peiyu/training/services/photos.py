"""A person's ID photo (证件照), shown on their certificates (CRT-4: holder, photo, …) and admission
tickets. The person uploads it (a trainee's or candidate's own account). What is kept is not the file as
sent: it is read as an image (a JPEG or PNG by its first bytes: core.attachments.check_image_upload),
turned upright by its EXIF orientation, fitted within PHOTO_BOX pixels, and saved again as a JPEG — so no
camera metadata (the place a phone took it, its serial number) is stored, and a certificate's file stays
small. The JPEG is SM4-encrypted like the ID number; its SHA-256 and the upload are in the audit trail."""

from __future__ import annotations

import base64
import hashlib
import io
from typing import Any

from django.db import transaction

from peiyu.accounts.services.access import require
from peiyu.audit.services import audit_record
from peiyu.core.attachments import check_image_upload
from peiyu.core.errors import InvalidInput, NotFound

from ..models import PersonPhoto, Trainee
from ..selectors.completion import trainee_of

PERSON_SELF = "person.self"
PHOTO_MAX_BYTES = 10 * 1024 * 1024  # what a phone's camera gives, before it is made small
PHOTO_MIN = (150, 200)  # width, height: smaller is not recognisable on a printed certificate
PHOTO_BOX = (360, 480)  # kept within (3:4, 1-inch photo at 300 dpi is 295 × 413)
PHOTO_PIXELS_MAX = 40_000_000  # a larger image is refused before it is decoded (decompression bombs)


def _refuse(message: str) -> InvalidInput:
    return InvalidInput(message, fields={"photo": [message]})


def normalised_jpeg(raw: bytes) -> tuple[bytes, int, int]:
    """The photo as kept: upright, within PHOTO_BOX, RGB, JPEG without metadata; (bytes, width, height).
    InvalidInput (field "photo") when it is not a readable image or too small."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(raw)) as image:
            if image.width * image.height > PHOTO_PIXELS_MAX:
                raise _refuse("照片像素过多，请换一张较小的照片")
            image.load()
            upright = ImageOps.exif_transpose(image) or image
            if upright.width < PHOTO_MIN[0] or upright.height < PHOTO_MIN[1]:
                raise _refuse(
                    f"照片太小（{upright.width}×{upright.height} 像素），至少需要 {PHOTO_MIN[0]}×{PHOTO_MIN[1]} 像素"
                )
            rgb = upright.convert("RGB")
            rgb.thumbnail(PHOTO_BOX)
            out = io.BytesIO()
            rgb.save(out, format="JPEG", quality=85, optimize=True)  # no EXIF, no ICC: nothing is copied
            return out.getvalue(), rgb.width, rgb.height
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise _refuse("照片无法读取，请上传 JPG 或 PNG 格式的照片") from exc


def person_photo_set(*, actor: Any, upload: Any) -> PersonPhoto:
    """The signed-in person's own ID photo, set or replaced (audited with its digest, never its
    content). NotFound when the account has no person record (not a trainee or candidate)."""
    require(actor, PERSON_SELF)
    trainee = trainee_of(actor)
    if trainee is None:
        raise NotFound("您的账号没有对应的学员（考生）信息", code="person_not_found")
    if upload is None:
        raise _refuse("请选择照片")
    if int(getattr(upload, "size", 0) or 0) > PHOTO_MAX_BYTES:
        raise _refuse(f"照片超过 {PHOTO_MAX_BYTES // 1048576} MB，请换一张较小的照片")
    checked = check_image_upload(upload, field="photo")
    upload.seek(0)
    jpeg, width, height = normalised_jpeg(upload.read())
    digest = hashlib.sha256(jpeg).hexdigest()
    values = {
        "content": base64.b64encode(jpeg).decode("ascii"),
        "sha256": digest,
        "width": width,
        "height": height,
        "uploaded_by": actor,
    }
    with transaction.atomic():
        # the person's row is the lock: two first uploads at once (two tabs, a double tap) would
        # otherwise both find no photo and both create one
        Trainee.objects.select_for_update().filter(pk=trainee.pk).values_list("pk", flat=True).get()
        photo = PersonPhoto.objects.filter(trainee=trainee).first()
        before = {"sha256": photo.sha256} if photo is not None else None
        if photo is None:
            photo = PersonPhoto.objects.create(trainee=trainee, **values)
        else:
            for name, value in values.items():
                setattr(photo, name, value)
            photo.save()
        audit_record(
            actor,
            "person.photo_set",
            trainee,
            before=before,
            after={"sha256": digest, "width": width, "height": height, "uploaded": checked.sha256},
        )
    return photo
