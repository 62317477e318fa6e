"""Certificate templates on pages and API (CRT-2): refused wording named field by field with the rule and
the profile version, nothing typed lost; an issuer whose name carries a restricted word held for the
province's official, who accepts or refuses with a reason (to-do on the workbench); the active template
is what the PDF uses; another province's official gets 404."""

from __future__ import annotations

import pytest

from peiyu.audit.models import AuditEvent
from peiyu.certificates.models import CertificateTemplate
from peiyu.certificates.services.templates import wording_for
from peiyu.core.registry import todo_for

API = "/api/v1/certificates/templates"


@pytest.fixture
def admin(exams, login_as):
    return login_as(exams.users["hb_eval_admin"])


@pytest.fixture
def held_world(exams):
    from tests.personas import _org, _user

    org = _org(exams, "cie_hb", "中国电子学会湖北评价中心", "institution", "420100")
    _user(exams, "cie_admin", org, "institution_admin")
    return org


def _new(client, org, **values):
    data = {"institution": org.pk, "kind": "level", "title": "专业技术等级证书", "body": "{姓名}达到{职业}{等级}要求。",
            "seal_text": "", **values}  # fmt: skip
    return client.post("/certificates/templates/new/", data)


def test_refused_wording_names_each_field_with_the_rule_and_keeps_the_draft(exams, admin):
    org = exams.orgs["hb_eval"]
    assert _new(admin, org, title="全国通用等级证书", body="经考核取得职业资格。").status_code == 302
    t = CertificateTemplate.objects.get(institution=org)
    r = admin.post(f"/certificates/templates/{t.pk}/activate/")
    html = r.content.decode()
    assert r.status_code == 400 and "证书名称不得使用“全国”" in html and "证书正文不得使用“职业资格”" in html
    assert "CRT-2" in html
    t.refresh_from_db()
    assert t.status == "draft" and t.decision.outcome == "refused" and t.decision.rules == ["CRT-2"]
    assert t.decision.policy_name and t.decision.policy_version  # the profile in force is stamped
    assert wording_for(org.pk, "level").title == "专业技术等级证书"  # the default stays in use


def test_the_form_keeps_what_was_typed_on_an_error(exams, admin):
    r = _new(admin, exams.orgs["hb_eval"], title="", body="经考核评价合格。")
    assert (
        r.status_code == 400
        and "请填写证书名称" in r.content.decode()
        and "经考核评价合格。" in r.content.decode()
    )


def test_clean_wording_becomes_active_and_is_what_certificates_use(exams, admin):
    org = exams.orgs["hb_eval"]
    _new(admin, org, title="数字技术工程师等级证书")
    t = CertificateTemplate.objects.get(institution=org)
    assert admin.post(f"/certificates/templates/{t.pk}/activate/").status_code == 302
    t.refresh_from_db()
    assert t.status == "active" and t.decision.outcome == "active"
    assert wording_for(org.pk, "level").title == "数字技术工程师等级证书"
    _new(admin, org, title="数字技术工程师等级证书（第二版）")
    second = CertificateTemplate.objects.filter(institution=org).order_by("-pk").first()
    admin.post(f"/certificates/templates/{second.pk}/activate/")
    t.refresh_from_db()
    assert t.status == "retired" and wording_for(org.pk, "level").title.endswith("（第二版）")
    assert AuditEvent.objects.filter(action="certificate_template.active", object_id=str(second.pk)).exists()


def test_an_issuer_named_with_a_restricted_word_is_held_for_the_provinces_official(
    exams, held_world, login_as
):
    cie = login_as(exams.users["cie_admin"])
    _new(cie, held_world, seal_text="中国电子学会湖北评价中心")
    t = CertificateTemplate.objects.get(institution=held_world)
    assert cie.post(f"/certificates/templates/{t.pk}/activate/").status_code == 302
    t.refresh_from_db()
    assert t.status == "held" and "中国" in t.hold_reason and t.decision.outcome == "held"
    official = exams.users["hb_official"]
    todos = [i for i in todo_for(official) if i.kind == "certificate_template_held"]
    assert todos and todos[0].rule == "CRT-2" and held_world.name in todos[0].title
    assert not [i for i in todo_for(exams.users["sy_official"]) if i.kind == "certificate_template_held"]
    other = login_as(exams.users["sy_official"])
    assert other.get(f"/certificates/templates/{t.pk}/").status_code == 404
    assert (
        other.post(
            f"/certificates/templates/{t.pk}/decide/", {"decision": "accept", "reason": "同意"}
        ).status_code
        == 404
    )
    page = login_as(official)
    r = page.post(f"/certificates/templates/{t.pk}/decide/", {"decision": "accept", "reason": ""})
    assert r.status_code == 400 and "请填写决定理由" in r.content.decode()
    r = page.post(
        f"/certificates/templates/{t.pk}/decide/",
        {"decision": "accept", "reason": "系该学会法定名称，同意使用"},
    )
    assert r.status_code == 302
    t.refresh_from_db()
    assert t.status == "active" and t.decided_by == official and t.decision.outcome == "accepted"
    assert wording_for(held_world.pk, "level").seal_text == "中国电子学会湖北评价中心"


def test_the_official_may_refuse_a_held_template_through_the_api(exams, held_world, login_as):
    cie = login_as(exams.users["cie_admin"])
    r = cie.post(API, {"institution": held_world.pk, "kind": "skill", "title": "职业技能等级证书"},
                 content_type="application/json")  # fmt: skip
    assert r.status_code == 201
    tid = r.json()["id"]
    r = cie.post(f"{API}/{tid}/activate", content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "held"
    official = login_as(exams.users["hb_official"])
    listed = official.get(API, {"status": "held"}).json()
    assert [i["id"] for i in listed["items"]] == [tid] and listed["items"][0]["can_decide"]
    r = official.post(
        f"{API}/{tid}/decide", {"accept": False, "reason": "请改用简称"}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["status"] == "refused"
    assert r.json()["decision"]["outcome"] == "refused"


def test_the_api_refuses_restricted_words_with_the_rule_and_field_errors(exams, admin):
    org = exams.orgs["hb_eval"]
    r = admin.post(
        API,
        {"institution": org.pk, "kind": "level", "title": "国家级等级证书"},
        content_type="application/json",
    )
    tid = r.json()["id"]
    r = admin.post(f"{API}/{tid}/activate", content_type="application/json")
    body = r.json()
    assert r.status_code == 400 and "CRT-2" in body["rules"] and "title" in body["fields"]
    r = admin.put(f"{API}/{tid}", {"title": "数字技术等级证书"}, content_type="application/json")
    assert r.status_code == 200
    assert admin.post(f"{API}/{tid}/activate", content_type="application/json").json()["status"] == "active"
    other = exams.orgs["hb_train"]
    r = admin.post(
        API, {"institution": other.pk, "kind": "level", "title": "x"}, content_type="application/json"
    )
    assert r.status_code == 404


# --- the wording at issue (CRT-2): the issuer's as it stands then, kept with the certificate --------------


def test_an_issuer_named_with_a_restricted_word_issues_nothing_until_its_official_decides(exams, held_world):
    from peiyu.certificates.models import Certificate
    from peiyu.certificates.tests.certificates_support import DTE, issue, person
    from peiyu.core.errors import RuleViolation
    from tests.personas import _user

    _user(exams, "cie_hb_admin", held_world, "institution_admin")
    exams.orgs["cie_hb"] = held_world
    spec, who = {**DTE, "institution": "cie_hb"}, person("李红", "42010119900101001")
    with pytest.raises(RuleViolation) as refused:
        issue(exams, who, spec=spec)
    assert (
        refused.value.rules == ["CRT-2"]
        and "中国" in refused.value.message
        and "证书样式" in refused.value.message
    )
    assert not Certificate.objects.filter(
        institution=held_world
    ).exists()  # no number spent, nothing half-made

    t = CertificateTemplate.objects.create(
        institution=held_world, kind="level", title="专业技术等级证书", body="{姓名}达到{职业}{等级}要求。",
        status="held", hold_reason="发证机构名称含有“中国”",
    )  # fmt: skip
    from peiyu.certificates.services.templates import template_decide

    template_decide(
        actor=exams.users["hb_official"], template=t, accept=True, reason="系该学会法定名称，同意使用"
    )
    cert = issue(exams, who, spec=spec)
    assert cert.details["wording"]["body"] == "{姓名}达到{职业}{等级}要求。"
    crt2 = next(c for c in cert.decision.checks if c["rule"] == "CRT-2")
    assert crt2["ok"] and crt2["facts"]["template"] == t.pk and "CRT-2" in cert.decision.rules


def test_a_certificate_keeps_the_wording_it_was_issued_with(exams, admin):
    from peiyu.certificates.services.pdf import certificate_pdf
    from peiyu.certificates.services.templates import wording_of
    from peiyu.certificates.tests.certificates_support import DTE, issue, person

    cert = issue(exams, person("张伟", "42010119900101002"), spec=DTE)
    assert cert.details["wording"]["title"] == "专业技术等级证书"  # the platform's default, as it stood
    url = "https://peiyu.example.cn/v/" + cert.payload
    before = certificate_pdf(cert, verify_url=url)
    org = exams.orgs["hb_eval"]
    _new(admin, org, title="数字技术工程师等级证书")
    t = CertificateTemplate.objects.get(institution=org, title="数字技术工程师等级证书")
    assert admin.post(f"/certificates/templates/{t.pk}/activate/").status_code == 302
    cert.refresh_from_db()
    assert wording_of(cert).title == "专业技术等级证书" and certificate_pdf(cert, verify_url=url) == before
    later = issue(exams, person("王芳", "42010119900101003"), spec=DTE)
    assert wording_of(later).title == "数字技术工程师等级证书"
