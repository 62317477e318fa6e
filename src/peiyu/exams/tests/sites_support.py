"""Builders for the sites tests: a draft site entered through the services (a theory room, a practical
room, a defence room, a photo), small image uploads."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from peiyu.exams.services import sites as svc
from peiyu.exams.services import sites_rooms as rooms

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%test\n"

SITE = {"name": "武侯考点", "address": "成都市武侯区科华北路1号", "contact_name": "王敏", "contact_phone": "028-85550000",
        "video_monitoring": True, "video_recording": True, "video_retention_days": "90"}  # fmt: skip
THEORY = {"kind": "theory", "name": "第一理论考场", "seats": "30", "one_per_desk": True, "desk_spacing_cm": "90",
          "computers": "30", "video_monitoring": True}  # fmt: skip
PRACTICAL = {
    "kind": "practical",
    "name": "实操考场",
    "seats": "10",
    "equipment": "配电柜、万用表",
    "video_monitoring": True,
}
DEFENCE = {"kind": "defence", "name": "答辩室", "seats": "6", "video_monitoring": True}


def jpeg(name: str = "考场.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, JPEG, content_type="image/jpeg")


def draft(w, *, rooms_=(THEORY, PRACTICAL, DEFENCE), photo: bool = True, **over):
    admin = w.users["cd_exam_admin"]
    site = svc.site_create(actor=admin, institution=w.orgs["cd_social1"], data={**SITE, **over})
    for room in rooms_:
        rooms.room_save(actor=admin, site=site, data=room)
    if photo:
        rooms.photo_add(actor=admin, site=site, upload=jpeg(), caption="考场全景")
    site.refresh_from_db()
    return site


def reported(w, **over):
    site = draft(w, **over)
    return svc.site_report(actor=w.users["cd_exam_admin"], site=site)
