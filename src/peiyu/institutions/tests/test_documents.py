"""Documents of the directory (SEL-7, SEL-9, SEL-10, SEL-12): the filled form as PDF and xlsx, the
recommendation letter, the filing receipt and the public notice; and who may download them.

No PDF library is installed, so `pdf_text` reads reportlab's output directly: it inflates each
content stream and decodes the string operands (UTF-16BE for the CID font)."""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
import zlib
from urllib.parse import quote

import pytest
from django.http import HttpResponseNotFound
from django.urls import include, path
from openpyxl import load_workbook

from peiyu.accounts.models import Org, Region
from peiyu.config.urls import urlpatterns as root_urlpatterns
from peiyu.core import crypto
from peiyu.core.identifiers import id_with_check, uscc_with_check
from peiyu.institutions.documents import forms, letters, notices, receipts
from peiyu.institutions.documents import values as form_values
from peiyu.institutions.models import Application, Call, Listing, PublicNotice, ReviewAction
from peiyu.institutions.views import documents as document_views

# The app's urls.py mounts these under /directory/; the tests mount them the same way themselves.
urlpatterns = [path("directory/", include(document_views.urlpatterns)), *root_urlpatterns]


def handler404(request, exception):
    """A bare 404: the site's 404 page draws the navigation of the whole app, which these tests do not mount."""
    return HttpResponseNotFound("404")


pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

LEGAL_REP_ID = id_with_check("11010519491231002")


# --- reading the PDF ------------------------------------------------------------------------------


def _unescape(raw: bytes) -> bytes:
    out, i = bytearray(), 0
    simple = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("b"): b"\b", ord("f"): b"\f"}
    while i < len(raw):
        c = raw[i]
        if c != 0x5C:
            out.append(c)
            i += 1
            continue
        nxt = raw[i + 1]
        if nxt in simple:
            out += simple[nxt]
            i += 2
        elif 0x30 <= nxt <= 0x37:
            digits = re.match(rb"[0-7]{1,3}", raw[i + 1 : i + 4]).group(0)
            out.append(int(digits, 8) & 0xFF)
            i += 1 + len(digits)
        else:
            out.append(nxt)
            i += 2
    return bytes(out)


def pdf_text(data: bytes) -> str:
    cid_fonts = set(re.findall(rb"/Encoding /UniGB-UCS2-H /Name /(F\d+)", data))
    parts: list[str] = []
    for m in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        raw = m.group(1).strip()
        try:
            if raw.endswith(b"~>"):
                raw = base64.a85decode(raw[:-2])
            content = zlib.decompress(raw)
        except (ValueError, zlib.error):
            continue
        font = b""
        for tok in re.finditer(rb"/(F\d+)\s+[\d.]+\s+Tf|\(((?:\\.|[^\\)])*)\)", content, re.S):
            if tok.group(1):
                font = tok.group(1)
                continue
            s = _unescape(tok.group(2))
            parts.append(s.decode("utf-16-be", "replace") if font in cid_fonts else s.decode("latin-1"))
    return "".join(parts)


def assert_pdf(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    return pdf_text(data)


# --- records --------------------------------------------------------------------------------------


def _training_form() -> dict:
    return {
        "occupation": "人工智能工程技术人员",
        "levels": ["初级", "中级"],
        "unit_name": "沈阳智算科技有限公司",
        "uscc": uscc_with_check("91210102MA0Y00001"),
        "legal_rep_name": "王建国",
        "legal_rep_id_number": crypto.encrypt(LEGAL_REP_ID),
        "address": "沈阳市和平区南京北街1号",
        "unit_type": "企业",
        "industry_code": "6513",
        "registered_capital": "500",
        "staff_count": 120,
        "founded_on": "2012-03-01",
        "tax_records": [
            {"year": 2020, "amount": "35.2", "dishonest": False},
            {"year": 2021, "amount": "41", "dishonest": False},
            {"year": 2022, "amount": "48.5", "dishonest": False},
        ],
        "ce_base_national": True,
        "ce_base_industry": False,
        "ce_base_provincial": True,
        "standard_developer": False,
        "lead_name": "李明",
        "lead_position": "总经理",
        "lead_phone": "024-22904752",
        "lead_email": "liming@example.cn",
        "contact_name": "赵丽",
        "contact_position": "培训部主任",
        "contact_phone": "13800000000",
        "contact_email": "zhaoli@example.cn",
        "profile_text": "本单位成立于2012年，长期从事人工智能领域技术技能人才培训。" * 5,
        "volume_5y": [
            {"year": 2018, "trained": 2100, "independent": 1600, "cooperative": 500},
            {"year": 2019, "trained": 2400, "independent": 1900, "cooperative": 500},
            {"year": 2020, "trained": 2600, "independent": 2000, "cooperative": 600},
        ],
        "premises": [
            {
                "address": "沈阳市和平区南京北街1号",
                "area": "1200",
                "capacity": 300,
                "equipment_sets": 80,
                "equipment_value": "260",
            },
        ],
        "platform_text": "自建在线学习平台，网址 https://learn.example.cn",
        "teachers_total": 40,
        "teachers_fulltime": 25,
        "teachers_parttime": 15,
        "teachers": [
            {
                "name": "陈静",
                "employer": "东北大学计算机学院",
                "title": "教授",
                "speciality": "人工智能",
                "nature": "兼职师资",
                "phone": "13900000000",
            },
        ],
        "history_text": "近五年开展人工智能培训共计一万余人次。",
        "team_text": "专兼结合，定期考核。",
        "plan_volume": {"初级": 1500, "中级": 600},
        "plan_fee": {"初级": 30, "中级": 45},
        "plan_text": "下一步扩大培训规模，建设学习资源。",
        "commitment_signatory": "王建国",
        "recommender_contact": "刘超",
        "recommender_phone": "024-22959125",
    }


@pytest.fixture
def liaoning_call(world, policies):
    return Call.objects.create(
        code="ln-dte-2023-b2",
        title="关于组织开展国家数字技术工程师培育项目第二批培训机构和评价机构申报工作的通知",
        programme="dte",
        policy_name="liaoning-dte-batch2",
        issuer=world.orgs["ln"],
        region_id="210000",
        kinds=["training", "evaluation"],
        occupation_codes=["2-02-38-01"],
        levels=["初级", "中级", "高级"],
        opens_on=dt.date(2023, 5, 31),
        deadline=dt.date(2023, 6, 15),
        status=Call.Status.PUBLISHED,
    )


@pytest.fixture
def sy_application(world, liaoning_call):
    app = Application.objects.create(
        number="SQ2023000001",
        call=liaoning_call,
        institution=world.orgs["inst_sy"],
        kind="training",
        occupation_code="2-02-38-01",
        occupation_name="人工智能工程技术人员",
        levels=["初级", "中级"],
        region_id="210102",
        form=_training_form(),
        status=Application.Status.IN_REVIEW,
        policy_name="liaoning-dte-batch2",
        commitment_signatory="王建国",
        recommendation_reason="该机构在沈阳市人工智能培训领域规模领先，师资力量雄厚。",
        created_by=world.sy_inst_admin,
    )
    ReviewAction.objects.create(
        application=app,
        step="city_recommendation",
        outcome=ReviewAction.Outcome.RECOMMEND,
        org=world.orgs["sy"],
        actor=world.sy_official,
        comment="同意推荐",
    )
    return app


@pytest.fixture
def dl_application(world, liaoning_call):
    return Application.objects.create(
        number="SQ2023000002",
        call=liaoning_call,
        institution=world.orgs["inst_dl"],
        kind="evaluation",
        occupation_code="2-02-38-01",
        occupation_name="人工智能工程技术人员",
        levels=["高级"],
        region_id="210202",
        form={
            "evaluation_5y": [
                {
                    "year": 2019,
                    "certificate_name": "AI工程师",
                    "certificate_nature": "自有证书",
                    "issued": 800,
                },
                {
                    "year": 2020,
                    "certificate_name": "AI工程师",
                    "certificate_nature": "自有证书",
                    "issued": 900,
                },
                {
                    "year": 2020,
                    "certificate_name": "数据分析师",
                    "certificate_nature": "其它机构证书",
                    "issued": 300,
                },
            ],
            "evaluates": True,
            "issues_certificates": True,
        },
        status=Application.Status.IN_REVIEW,
        created_by=world.dl_inst_admin,
    )


@pytest.fixture
def chengdu(world, policies):
    Region.objects.get_or_create(
        code="510107", defaults={"name": "武侯区", "level": 3, "parent_id": "510100"}
    )
    institution = Org.objects.create(
        name="成都蜀芯职业技能评价中心",
        kind="institution",
        region_id="510107",
        uscc=uscc_with_check("52510107MJ0Y00003"),
    )
    call = Call.objects.create(
        code="cd-skill-2024",
        title="成都市职业技能等级评价机构备案",
        programme="skill",
        policy_name="chengdu-skill",
        issuer=world.orgs["cd"],
        region_id="510100",
        kinds=["evaluation"],
        levels=["五级", "四级", "三级"],
        opens_on=dt.date(2024, 2, 2),
        deadline=dt.date(2024, 12, 31),
        status=Call.Status.PUBLISHED,
    )
    app = Application.objects.create(
        number="SQ2024000009",
        call=call,
        institution=institution,
        kind="evaluation",
        institution_type="social_organisation",
        occupation_code="6-25-04-07",
        occupation_name="电工",
        levels=["五级", "四级", "三级"],
        region_id="510107",
        form={
            "unit_name": institution.name,
            "legal_rep_id_number": crypto.encrypt(LEGAL_REP_ID),
            "has_video_monitoring": True,
            "dishonest": False,
        },
        status=Application.Status.APPROVED,
        policy_name="chengdu-skill",
        created_by=world.cd_official,
    )
    listing = Listing.objects.create(
        number="ML2024000123",
        filing_code="CDPJ2024-0007",
        programme="skill",
        institution=institution,
        institution_name=institution.name,
        kind="evaluation",
        institution_type="social_organisation",
        occupation_code="6-25-04-07",
        occupation_name="电工",
        levels=["五级", "四级", "三级"],
        region_id="510107",
        catalog_region_id="510100",
        valid_from=dt.date(2024, 5, 6),
        valid_until=dt.date(2027, 5, 5),
        application=app,
        policy_name="chengdu-skill",
    )
    return app, listing


@pytest.fixture
def notice(world, sy_application, dl_application):
    n = PublicNotice.objects.create(
        number="GS2023000001",
        title="辽宁省数字技术工程师培育项目第二批培训机构和评价机构名单公示",
        call=sy_application.call,
        publisher=world.orgs["ln"],
        region_id="210000",
        starts_on=dt.date(2023, 7, 3),
        ends_on=dt.date(2023, 7, 7),
        working_days=5,
        published_by=world.ln_official,
    )
    Application.objects.filter(pk__in=[sy_application.pk, dl_application.pk]).update(notice=n)
    return n


# --- the form -------------------------------------------------------------------------------------


def test_application_pdf_is_laid_out_like_attachment_1(sy_application):
    text = assert_pdf(forms.application_pdf(sy_application))
    assert "附件1" in text
    assert "数字技术工程师培育项目培训机构推荐表" in text
    for label in ("申报单位基本情况", "已有基础", "下一步工作方案", "近三年纳税情况", "培训教师姓名", "承"):
        assert label in text
    assert "沈阳智算科技有限公司" in text and "陈静" in text
    assert forms.COMMITMENT_TEXT[:20] in text
    assert "注：1.单位类型" in text and "6.本表可另附页" in text
    assert "申报单位（盖章）：沈阳智算科技有限公司" in text


def test_application_pdf_ticks_levels_of_the_policy_and_booleans(sy_application):
    text = assert_pdf(forms.application_pdf(sy_application))
    assert "初级☑中级☑高级☐" in text
    assert "是☑否☐" in text  # ce_base_national
    assert "是☐否☑" in text  # ce_base_industry


def test_application_pdf_masks_the_legal_representatives_id_number(sy_application):
    text = assert_pdf(forms.application_pdf(sy_application))
    assert "110105********" + LEGAL_REP_ID[-4:] in text
    assert LEGAL_REP_ID not in text
    assert "sm4:" not in text
    full = assert_pdf(forms.application_pdf(sy_application, full=True))
    assert LEGAL_REP_ID in full


def test_application_pdf_totals_the_five_year_volume(sy_application):
    text = assert_pdf(forms.application_pdf(sy_application))
    assert "培训总规模7100" in text
    assert "（其中独立培训规模）5500" in text


def test_evaluation_totals_count_own_certificates_separately(dl_application):
    totals = form_values.table_totals("evaluation_5y", dl_application.form["evaluation_5y"])
    assert totals == [("总规模", 2000), ("其中自有证书规模", 1700)]
    text = assert_pdf(forms.application_pdf(dl_application))
    assert "附件2" in text and "评价机构推荐表" in text
    assert "总规模2000" in text and "其中自有证书规模1700" in text


def test_application_pdf_footer_carries_number_and_form_digest(sy_application):
    text = assert_pdf(forms.application_pdf(sy_application))
    digest = form_values.form_sha256(sy_application.form)
    assert len(digest) == 64
    assert f"申报编号：{sy_application.number}" in text
    assert digest in text
    changed = dict(sy_application.form, staff_count=121)
    assert form_values.form_sha256(changed) != digest


def test_application_pdf_prints_the_recommenders_reason_and_name(sy_application, world):
    text = assert_pdf(forms.application_pdf(sy_application))
    assert "规模领先" in text
    assert world.orgs["sy"].name in text
    assert "推荐单位联系人：刘超" in text


def test_long_answers_break_across_pages(sy_application):
    sy_application.form = dict(sy_application.form, plan_text="下一步工作规划。" * 400)
    data = forms.application_pdf(sy_application)
    assert_pdf(data)
    assert data.count(b"/Type /Page\n") >= 3


def test_chengdu_form_has_no_attachment_header_and_uses_skill_levels(chengdu):
    app, _listing = chengdu
    text = assert_pdf(forms.application_pdf(app))
    assert "成都市职业技能等级评价机构备案申请表" in text
    assert "附件" not in text
    assert "五级☑四级☑三级☑二级☐一级☐" in text
    assert "诚信承诺" in text
    assert "申请单位（盖章）：成都蜀芯职业技能评价中心" in text
    assert "申请表 SHA-256" in text
    assert "110105********" + LEGAL_REP_ID[-4:] in text


def test_application_xlsx_has_the_form_and_one_sheet_per_table(sy_application):
    wb = load_workbook(io.BytesIO(forms.application_xlsx(sy_application)))
    spec = form_values.form_spec_for(sy_application)
    tables = [f for f in spec.fields() if f.type == "table"]
    assert wb.sheetnames[0] == "推荐表"
    assert len(wb.sheetnames) == 1 + len(tables)
    values = {r[0]: r[1] for r in wb["推荐表"].iter_rows(values_only=True)}
    assert values["申报编号"] == sy_application.number
    assert values["法定代表人身份证号"] == "110105********" + LEGAL_REP_ID[-4:]
    assert LEGAL_REP_ID not in str(list(wb["推荐表"].iter_rows(values_only=True)))
    assert values["拟申报开展培训的专业技术等级"] == "初级☑ 中级☑ 高级☐"
    assert values["国家级专业技术人员继续教育基地"] == "是☑ 否☐"
    assert values["年度计划培训人数（人次）"] == "初级：1500；中级：600；高级："
    assert values["推荐表 SHA-256"] == form_values.form_sha256(sy_application.form)
    volume = list(wb["近5年培训规模（人次）"].iter_rows(values_only=True))
    assert volume[0] == ("年度", "培训人数", "独立培训人数", "合作培训人数")
    assert ("培训总规模", 7100, None, None) in volume
    assert ("（其中独立培训规模）", 5500, None, None) in volume


def test_application_xlsx_keeps_typed_formulas_as_text(sy_application):
    sy_application.form = dict(sy_application.form, profile_text='=HYPERLINK("http://evil.example","点我")')
    sy_application.form["teachers"] = [dict(sy_application.form["teachers"][0], employer="=1+1")]
    wb = load_workbook(io.BytesIO(forms.application_xlsx(sy_application)))
    cells = [c for row in wb["推荐表"].iter_rows() for c in row if str(c.value).startswith("=")]
    cells += [c for row in wb["培训教师"].iter_rows() for c in row if str(c.value).startswith("=")]
    assert len(cells) == 2
    assert all(c.data_type == "s" for c in cells)


def test_application_xlsx_writes_control_characters_and_other_formula_leads_as_text(sy_application):
    sy_application.form = dict(sy_application.form, profile_text="a\x00b\x0bc")
    sy_application.form["teachers"] = [dict(sy_application.form["teachers"][0], employer="@SUM(A1)")]
    wb = load_workbook(io.BytesIO(forms.application_xlsx(sy_application)))
    texts = [c for row in wb["推荐表"].iter_rows() for c in row if "\ufffd" in str(c.value)]
    assert [c.value for c in texts] == ["a\ufffdb\ufffdc"]
    at = [c for row in wb["培训教师"].iter_rows() for c in row if c.value == "@SUM(A1)"]
    assert len(at) == 1 and at[0].data_type == "s" and at[0].quotePrefix


# --- letter, receipt, notice ----------------------------------------------------------------------


def test_recommendation_letter_lists_each_application_with_its_reason(sy_application, world):
    data = letters.recommendation_letter_pdf(
        call=sy_application.call,
        recommender_org=world.orgs["sy"],
        applications=[sy_application],
        signer_name="张局长",
        date=dt.date(2023, 6, 10),
    )
    text = assert_pdf(data)
    assert "推荐函" in text
    assert "辽宁省人力资源和社会保障厅人才开发处" in text
    for expected in (
        sy_application.number,
        "沈阳智算科技有限公司",
        "培训机构",
        "人工智能工程技术人员",
        "初级、中级",
    ):
        assert expected in text
    assert "规模领先" in text
    assert "张局长" in text and "2023年6月10日" in text and world.orgs["sy"].name in text


def test_filing_receipt_carries_code_type_trade_validity_and_catalog_link(chengdu):
    app, listing = chengdu
    text = assert_pdf(receipts.filing_receipt_pdf(app, listing, base_url="https://peiyu.example.cn/"))
    assert "备案回执" in text
    assert "CDPJ2024-0007" in text
    assert "成都蜀芯职业技能评价中心" in text
    assert "社会培训评价组织" in text
    assert "电工" in text and "五级、四级、三级" in text
    assert "2024年5月6日至2027年5月5日" in text
    assert "成都市人力资源和社会保障局" in text
    assert "https://peiyu.example.cn/catalog/ML2024000123/" in text
    assert (
        receipts.catalog_url(listing, "https://peiyu.example.cn/")
        == "https://peiyu.example.cn/catalog/ML2024000123/"
    )


def test_notice_pdf_lists_applications_period_and_how_to_object(notice):
    text = assert_pdf(notices.notice_pdf(notice))
    assert notice.title in text
    assert "沈阳智算科技有限公司" in text and "大连海数职业培训学校" in text
    assert "培训机构" in text and "评价机构" in text
    assert "2023年7月3日至2023年7月7日（5个工作日）" in text
    assert "异议" in text


# --- downloads and who may have them --------------------------------------------------------------


def _disposition_name(response) -> str:
    header = response["Content-Disposition"]
    assert header.startswith("attachment; filename=")
    m = re.search(r"filename\*=UTF-8''(\S+)", header)
    assert m, header
    return m.group(1)


@pytest.mark.parametrize("suffix", ["form.pdf", "form.xlsx"])
def test_owner_and_city_download_the_form_another_city_gets_404(world, login_as, sy_application, suffix):
    url = f"/directory/applications/{sy_application.pk}/{suffix}"
    response = login_as(world.sy_inst_admin).get(url)
    assert response.status_code == 200
    assert quote("推荐表") in _disposition_name(response)
    assert login_as(world.sy_official).get(url).status_code == 200
    assert login_as(world.dl_official).get(url).status_code == 404
    assert login_as(world.dl_inst_admin).get(url).status_code == 404


def test_form_pdf_download_is_masked_unless_the_role_may_see_it_in_full(world, login_as, sy_application):
    """DESIGN §7: the supervising city official (personal_data.view_full) gets the full number, and the
    download is audited; the same official without that capability gets the masked PDF."""
    from peiyu.accounts.models import Role
    from peiyu.audit.models import AuditEvent

    url = f"/directory/applications/{sy_application.pk}/form.pdf"
    response = login_as(world.sy_official).get(url)
    assert response["Content-Type"] == "application/pdf"
    assert LEGAL_REP_ID in assert_pdf(response.content)
    assert AuditEvent.objects.filter(
        action="personal_data.viewed", actor_id=world.sy_official.pk, after__what="application_pdf"
    ).exists()
    role = Role.objects.get(code="city_official")
    role.capabilities = [c for c in role.capabilities if c != "personal_data.view_full"]
    role.save(update_fields=["capabilities"])
    text = assert_pdf(login_as(world.sy_official).get(url).content)
    assert LEGAL_REP_ID not in text


@pytest.mark.parametrize(
    "url",
    [
        "/directory/applications/{pk}/form.pdf",
        "/directory/applications/{pk}/form.xlsx",
        "/directory/applications/{pk}/filing-receipt.pdf",
        "/directory/calls/ln-dte-2023-b2/recommendation-letter.pdf",
    ],
)
def test_anonymous_is_sent_to_login(client, sy_application, url):
    response = client.get(url.format(pk=sy_application.pk))
    assert response.status_code == 302
    assert "/accounts/login" in response["Location"]


def test_recommendation_letter_is_the_recommending_citys_own(world, login_as, sy_application, dl_application):
    url = "/directory/calls/ln-dte-2023-b2/recommendation-letter.pdf"
    response = login_as(world.sy_official).get(url)
    assert response.status_code == 200
    assert quote("推荐函") in _disposition_name(response)
    text = assert_pdf(response.content)
    assert sy_application.number in text
    assert dl_application.number not in text  # not recommended by Shenyang
    assert login_as(world.dl_official).get(url).status_code == 404
    assert (
        login_as(world.sy_official).get("/directory/calls/no-such-call/recommendation-letter.pdf").status_code
        == 404
    )


def test_filing_receipt_needs_a_filed_listing_in_scope(world, login_as, chengdu, sy_application):
    app, _listing = chengdu
    url = f"/directory/applications/{app.pk}/filing-receipt.pdf"
    response = login_as(world.cd_official).get(url)
    assert response.status_code == 200
    assert quote("备案回执") in _disposition_name(response)
    assert "http://testserver/catalog/ML2024000123/" in assert_pdf(response.content)
    assert login_as(world.sy_official).get(url).status_code == 404
    # visible, but never filed
    assert (
        login_as(world.sy_official)
        .get(f"/directory/applications/{sy_application.pk}/filing-receipt.pdf")
        .status_code
        == 404
    )


def test_notice_pdf_is_public(client, notice):
    response = client.get(f"/directory/notices/{notice.number}/notice.pdf")
    assert response.status_code == 200
    assert quote("公示") in _disposition_name(response)
    assert notice.title in assert_pdf(response.content)
    assert client.get("/directory/notices/GS-NONE/notice.pdf").status_code == 404
