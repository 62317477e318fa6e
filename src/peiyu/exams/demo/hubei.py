"""The Hubei DTE session (人工智能工程技术人员 初级) of 湖北数智技能评价中心, at a site the Wuhan bureau
accepted, whose candidates 武汉云启 forwarded from its completed training class (003 §4(4)): the
class's certificates issued through training's service; its trainees forwarded with their certificates
checked to six sessions taken through the exam to their frozen passing lists (hubei_exam) — the input
of journey 14's certificate pipeline."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from peiyu.accounts.models import Org, User

from ..services import sites, sites_rooms
from . import hubei_exam
from .flow import account
from .support import AI

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


def dte_session(orgs: dict[str, Org], users: dict[str, User]) -> None:
    from peiyu.institutions.demo.listings import listing_on_record
    from peiyu.training.models import TrainingClass
    from peiyu.training.selectors.completion import enrolment_certificates
    from peiyu.training.services.certificates import certificates_issue

    klass = TrainingClass.objects.filter(plan__institution=orgs["inst_wh_cloud"], plan__occupation_code=AI[0],
                                         status="completed").order_by("pk").first()  # fmt: skip
    if klass is None:
        return  # training's demo has no Hubei class to forward from
    trainer = users["inst_wh_admin"]
    certificates_issue(actor=trainer, klass=klass)  # those not issued yet (the certificates service)
    issued = enrolment_certificates(klass.enrolments.values_list("pk", flat=True))
    certs = sorted((c for c in issued.values() if c["valid"]), key=lambda c: c["number"])
    org = orgs["inst_wh_eval"]
    admin = account(org, "inst_wh_eval_admin", "鄂评价", "institution_admin")
    listing = listing_on_record(org, kind="evaluation", occupation=AI, policy="hubei-dte",
                                valid_from=timezone.localdate() - dt.timedelta(days=300))  # fmt: skip
    site = sites.site_create(actor=admin, institution=org, data={
        "name": "武昌中北路考点", "address": "武汉市武昌区中北路云启大厦6楼", "contact_name": "鄂评价",
        "contact_phone": "027-87650000", "video_monitoring": True, "video_recording": True,
        "video_retention_days": "90"})  # fmt: skip
    for room in (
        {"kind": "theory", "name": "上机考试室", "seats": "30", "one_per_desk": True, "desk_spacing_cm": "85",
         "computers": "30", "video_monitoring": True},
        {"kind": "practical", "name": "专业能力考核室", "seats": "30", "video_monitoring": True,
         "equipment": "GPU 工作站30台（模型训练与部署环境）"},
    ):  # fmt: skip
        sites_rooms.room_save(actor=admin, site=site, data=room)
    sites_rooms.photo_add(actor=admin, site=site, caption="上机考试室",
                          upload=SimpleUploadedFile("考试室.jpg", JPEG, content_type="image/jpeg"))  # fmt: skip
    site = sites.site_accept(actor=users["wh_official"], site=sites.site_report(actor=admin, site=site),
                             reason="视频监控与座位间距符合要求。")  # fmt: skip
    hubei_exam.finalised_sessions(org, admin, trainer, site, listing, orgs["platform"], certs)
