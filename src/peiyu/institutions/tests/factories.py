"""Builders for the directory's tests (plain functions over the services, so tests go the real path)."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from peiyu.accounts.models import Org, Region
from peiyu.catalogs.models import Trade
from peiyu.catalogs.services import _load_levels, _load_occupations
from peiyu.core.identifiers import id_with_check, uscc_with_check
from peiyu.institutions.models import Call
from peiyu.institutions.services import applications as apps
from peiyu.institutions.services.calls import calls_load
from tests.personas import _org, _user

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
AI = "2-02-38-01"
BIGDATA = "2-02-38-03"


def load_reference() -> None:
    _load_levels()
    _load_occupations()


def chengdu_setup(world) -> None:
    wuhou = _org(world, "wuhou", "成都市武侯区人力资源和社会保障局", "hrss_district", "510107")
    _user(world, "wuhou_official", wuhou, "district_official")
    for key, name, uscc in [
        ("cd_social1", "成都市数字技能评价服务中心", "52510107MJ0C00001"),
        ("cd_social2", "成都智造技能评价协会", "51510107MJ0C00002"),
        ("cd_social3", "成都蓉城职业技能评价中心", "52510107MJ0C00003"),
        ("cd_social4", "成都天府技能评价研究院", "52510107MJ0C00004"),
        ("cd_employer", "成都航宇精密制造股份有限公司", "91510107MA6C00005"),
    ]:
        org = _org(world, key, name, "institution", "510107", uscc=uscc_with_check(uscc))
        _user(world, f"{key}_admin", org, "institution_admin")
    Trade.objects.get_or_create(code="6-31-01-03", defaults={"name": "电工", "occupation_code": "6-31-01-03"})
    Trade.objects.get_or_create(code="6-18-01-01", defaults={"name": "车工", "occupation_code": "6-18-01-01"})


def liaoning_call(world) -> Call:
    calls_load()
    return Call.objects.get(code="liaoning-dte-batch2")


def upload(name: str = "证书.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def dte_form(
    org: Org, *, kind: str = "training", founded: str = "2015-03-01", latest_volume: int = 3200
) -> dict:
    form = {
        "unit_name": org.name,
        "uscc": org.uscc,
        "legal_rep_name": "王法人",
        "legal_rep_id_number": id_with_check("21010219800101123"),
        "address": "沈阳市和平区南京北街1号",
        "unit_type": "民营企业",
        "industry_code": "P",
        "registered_capital": "1000",
        "staff_count": 120,
        "founded_on": founded,
        "tax_records": [
            {"year": 2020, "amount": "50.5", "dishonest": False},
            {"year": 2021, "amount": "61.2", "dishonest": False},
            {"year": 2022, "amount": "70.0", "dishonest": False},
        ],
        "ce_base_national": False,
        "ce_base_industry": True,
        "ce_base_provincial": True,
        "standard_developer": False,
        "lead_name": "李负责",
        "lead_position": "总经理",
        "lead_phone": "13800000001",
        "lead_email": "lead@example.cn",
        "contact_name": "张联系",
        "contact_position": "培训部主任",
        "contact_phone": "024-22900001",
        "contact_email": "contact@example.cn",
        "profile_text": "本单位是辽宁省数字技术领域的骨干企业。",
        "premises": [
            {
                "address": "沈阳市和平区",
                "area": "1200",
                "capacity": 300,
                "equipment_sets": 150,
                "equipment_value": "800",
            }
        ],
        "platform_text": "自建在线学习平台 https://learn.example.cn",
        "history_text": "近五年开展人工智能培训。",
        "team_text": "专兼职结合。",
        "plan_volume": {"初级": 500, "中级": 300},
        "plan_fee": {"初级": 30, "中级": 40},
        "plan_text": "下一步扩大培训规模。",
        "commitment_signatory": "王法人",
    }
    if kind == "training":
        form.update(
            volume_5y=[
                {"year": y, "trained": n, "independent": n - 100, "cooperative": 100}
                for y, n in [(2018, 2100), (2019, 2400), (2020, 2500), (2021, 2800), (2022, latest_volume)]
            ],
            teachers_total=40,
            teachers_fulltime=25,
            teachers_parttime=15,
            teachers=[
                {
                    "name": "赵老师",
                    "employer": "东北大学计算机学院",
                    "title": "教授",
                    "speciality": "人工智能",
                    "nature": "兼职师资",
                    "phone": "13900000002",
                }
            ],
        )
    else:
        form.update(
            evaluates=True,
            issues_certificates=True,
            evaluation_5y=[
                {
                    "year": y,
                    "certificate_name": "人工智能应用能力证书",
                    "certificate_nature": "自有证书",
                    "issued": n,
                }
                for y, n in [(2018, 2100), (2019, 2400), (2020, 2500), (2021, 2800), (2022, latest_volume)]
            ],
            certificate_category="行业证书",
            examiners_total=30,
            examiners_count=24,
            supervisors_count=6,
            item_writers=[
                {"name": "钱专家", "employer": "东北大学", "title": "教授", "phone": "13900000003"}
            ],
        )
    return form


def submitted(actor, call, *, kind="training", occupation=AI, levels=("初级", "中级"), form=None, **kw):
    org = actor.primary_org
    app = apps.application_create(
        actor=actor,
        call=call,
        kind=kind,
        occupation_code=occupation,
        levels=list(levels),
        form=form or dte_form(org, kind=kind),
        **kw,
    )
    apps.attachment_add(actor=actor, application=app, purpose="legal_person_certificate", uploaded=upload())
    apps.attachment_add(
        actor=actor, application=app, purpose="credit_report", uploaded=upload("信用报告.pdf")
    )
    return apps.application_submit(
        actor=actor, application=app, commitment_confirmed=True, signatory="王法人"
    )


def new_institution(world, key: str, region: str, uscc_body: str) -> Org:
    Region.objects.get_or_create(
        code=region, defaults={"name": region, "level": 3, "parent_id": region[:4] + "00"}
    )
    org = _org(world, key, f"测试机构{key}", "institution", region, uscc=uscc_with_check(uscc_body))
    _user(world, f"{key}_admin", org, "institution_admin")
    return org


def dt_(s: str) -> dt.date:
    return dt.date.fromisoformat(s)
