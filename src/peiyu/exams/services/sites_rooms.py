"""The rooms and photos of an exam site (EVL-1; seed 001 Art. 17(1)): theory rooms (seats, one candidate
per desk, the desk spacing declared), practical rooms (equipment, tools and materials), a defence room;
photos checked as every upload (type from the first bytes, size, SHA-256) and images only. A change to an
accepted site marks it to be reported again (services/sites.py)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from peiyu.core.attachments import check_image_upload
from peiyu.core.cleaning import clean_text, collect
from peiyu.core.errors import InvalidInput, NotFound

from ..models import ExamRoom, ExamSite, SitePhoto
from .sites import lock_for_change, mark_changed, require_manage

SEATS_MAX = 2000
SPACING_MAX_CM = 1000


def _flag(data: dict[str, Any], name: str) -> bool:
    value = data.get(name)
    return value is True or str(value).strip().lower() in ("on", "1", "true", "yes")


def _count(data: dict[str, Any], name: str, label: str, top: int, errors: dict[str, list[str]]) -> int:
    raw = str(data.get(name) if data.get(name) is not None else "").strip() or "0"
    try:
        value = int(raw)
        if not 0 <= value <= top:
            raise ValueError
    except ValueError:
        errors[name] = [f"{label}应为0至{top}之间的整数"]
        return 0
    return value


def clean_room(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    kind = str(data.get("kind") or "")
    if kind not in ExamRoom.Kind.values:
        errors["kind"] = ["请选择考场类型"]
    out: dict[str, Any] = {
        "kind": kind,
        "name": collect(errors, "name", clean_text, data.get("name"), max_length=100, required=True, label="考场名称"),
        "seats": _count(data, "seats", "座位数", SEATS_MAX, errors),
        "one_per_desk": _flag(data, "one_per_desk"),
        "desk_spacing_cm": _count(data, "desk_spacing_cm", "桌间距", SPACING_MAX_CM, errors),
        "computers": _count(data, "computers", "计算机台数", SEATS_MAX, errors),
        "equipment": collect(errors, "equipment", clean_text, data.get("equipment"), max_length=5000, multiline=True),
        "video_monitoring": _flag(data, "video_monitoring"),
    }  # fmt: skip
    if kind == ExamRoom.Kind.THEORY and out["seats"] == 0 and "seats" not in errors:
        errors["seats"] = ["理论考场请填写座位数"]
    if errors:
        raise InvalidInput("考场信息填写有误", fields=errors)
    return out


def room_save(*, actor: Any, site: ExamSite, data: dict[str, Any], room_id: int | None = None) -> ExamRoom:
    """Add a room to the site, or change one of its rooms."""
    require_manage(actor, site)
    fields = clean_room(data)
    with transaction.atomic():
        locked = lock_for_change(actor, site)
        if room_id is None:
            room = ExamRoom.objects.create(site=locked, **fields)
            before = None
        else:
            found = ExamRoom.objects.filter(site=locked, pk=room_id).first()
            if found is None:
                raise NotFound("考场不存在")
            room = found
            before = {k: getattr(room, k) for k in fields}
            for name, value in fields.items():
                setattr(room, name, value)
            room.is_active = True
            room.save()
        mark_changed(actor, locked, "room_saved", before=before, after={"room": room.pk, **fields})
    return room


def room_remove(*, actor: Any, site: ExamSite, room_id: int) -> ExamRoom:
    """Take a room out of use (kept for the sessions held in it)."""
    require_manage(actor, site)
    with transaction.atomic():
        locked = lock_for_change(actor, site)
        room = ExamRoom.objects.filter(site=locked, pk=room_id).first()
        if room is None:
            raise NotFound("考场不存在")
        room.is_active = False
        room.save(update_fields=["is_active", "updated_at"])
        mark_changed(actor, locked, "room_removed", after={"room": room.pk, "name": room.name})
    return room


def photo_add(
    *, actor: Any, site: ExamSite, upload: Any, caption: str = "", room_id: int | None = None
) -> SitePhoto:
    """A photo of the site or one of its rooms: JPG or PNG only, checked as every upload."""
    require_manage(actor, site)
    if upload is None:
        raise InvalidInput("请选择照片", fields={"photo": ["请选择照片"]})
    checked = check_image_upload(upload, field="photo")
    text = clean_text(caption, max_length=200, label="说明", field="caption")
    with transaction.atomic():
        locked = lock_for_change(actor, site)
        room = None
        if room_id is not None:
            room = ExamRoom.objects.filter(site=locked, pk=room_id).first()
            if room is None:
                raise InvalidInput("所选考场不属于本站点", fields={"room": ["所选考场不属于本站点"]})
        photo = SitePhoto(
            site=locked, room=room, original_name=checked.name, content_type=checked.content_type,
            size=checked.size, sha256=checked.sha256, caption=text, uploaded_by=actor,
        )  # fmt: skip
        photo.file.save(checked.name, upload, save=False)
        photo.save()
        mark_changed(
            actor, locked, "photo_added",
            after={"photo": photo.pk, "name": checked.name, "sha256": checked.sha256, "room": room_id},
        )  # fmt: skip
    return photo
