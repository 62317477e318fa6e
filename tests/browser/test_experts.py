"""The expert pool in a real Chromium (issue 12 §3, JOURNEYS 12 and 3): the provincial official adds an
expert (a wrong code refused with nothing typed lost), imports a small xlsx (the refused row listed with
its reason, then the valid rows written), and disables an expert; the expert, on a phone (390 px), keeps
their declared relations current — and the next draw recuses them from the unit they declared (SEL-8).
Screenshots: experts-<NN>-<step>[-phone].png."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import Workbook

from .journey_support import (
    Shots,
    expert_account,
    fits_the_width,
    main_text,
    messages_of,
    nav_click,
    phone_width,
    sign_in,
    switch_user,
    url_ends,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AI = "2-02-38-01"
HEADER = ["姓名", "工作单位", "职称", "专业领域（职业编码）", "手机号码"]


def _xlsx(path, rows) -> str:
    book = Workbook()
    sheet = book.active
    sheet.append(["辽宁省人社厅专家库补充名单"])  # a title row above the header, as officials keep it
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(buffer.getvalue())
    return str(path)


class ExpertShots(Shots):
    def __call__(self, name: str) -> None:
        self.n += 1
        self.page.screenshot(path=str(self.directory / f"experts-{self.n:02d}-{name}.png"), full_page=True)


def test_official_adds_and_imports_experts_and_an_expert_keeps_declarations_on_a_phone(
    page, live_server, screenshots, tmp_path
):
    from peiyu.core.policy import load_policy_files
    from peiyu.institutions.models import Expert, ExpertRelation
    from peiyu.institutions.services import experts
    from peiyu.institutions.tests import factories as f
    from tests.personas import PASSWORD, build_world

    world = build_world()
    load_policy_files()
    f.load_reference()
    base = live_server.url
    shot = ExpertShots(page, screenshots, 12)
    official = world.ln_official
    account = expert_account(world, "expert_zhao", "赵海峰")

    # the official adds an expert: a wrong code is refused, nothing typed is lost
    sign_in(page, base, official, PASSWORD)
    nav_click(page, "专家库")
    page.wait_for_url(url_ends("/directory/experts/"))
    page.get_by_role("link", name="添加专家").click()
    page.fill("#f-name", "赵海峰")
    page.fill("#f-employer_name", "辽宁大学")
    page.fill("#f-title", "研究员")
    page.fill("#f-fields", "2-02-38-01、AI")
    page.fill("#f-specialty", "机器学习")
    page.fill("#f-phone", "13902400003")
    page.fill("#f-username", "expert_zhao")
    page.locator("main form button.primary").click()
    assert "职业编码“AI”格式不正确" in main_text(page)
    assert page.input_value("#f-phone") == "13902400003" and page.input_value("#f-specialty") == "机器学习"
    shot("add-refused")
    page.fill("#f-fields", AI)
    page.locator("main form button.primary").click()
    page.wait_for_url(re.compile(r"/directory/experts/\d+/$"))
    assert "已将 赵海峰 加入专家库" in messages_of(page)
    zhao = Expert.objects.get(name="赵海峰")
    assert zhao.user == account and zhao.fields == [AI]
    assert "13902400003" in main_text(page)  # the province's official may see the phone in full
    shot("expert-page")

    # a small xlsx: all-or-nothing refuses it for one wrong row, valid rows only writes the other two
    path = _xlsx(
        tmp_path / "补充名单.xlsx",
        [
            HEADER,
            ["钱晓雯", "中国科学院沈阳自动化研究所", "研究员", AI, "13902400005"],
            ["吴思源", "大连海事大学", "副教授", f"{AI}、2-02-38-03", ""],
            ["", "东北大学", "教授", "2-02-38", "1390240"],
        ],
    )
    nav_click(page, "专家库")
    page.get_by_role("link", name="从 Excel 导入").click()
    page.set_input_files("#f-file", path)
    page.locator("main form button.primary").click()
    page.wait_for_url(re.compile(r"/directory/experts/imports/\d+/$"))
    result = main_text(page)
    assert "共 3 行：新增专家 0 名，有误 1 行" in result and "本次未导入任何专家" in result
    assert "请填写专家姓名" in result and "手机号码" in result
    shot("import-refused")
    page.get_by_role("link", name="再导入一个文件").click()
    page.set_input_files("#f-file", path)
    page.locator("input[name=mode][value=valid]").check()
    page.locator("main form button.primary").click()
    page.wait_for_url(re.compile(r"/directory/experts/imports/\d+/$"))
    assert "新增专家 2 名，有误 1 行" in main_text(page)
    assert set(Expert.objects.values_list("name", flat=True)) == {"赵海峰", "钱晓雯", "吴思源"}
    nav_click(page, "专家库")
    assert all(name in main_text(page) for name in ("赵海峰", "钱晓雯", "吴思源"))
    shot("pool")

    # disabling an expert (asked first; the conftest answers yes)
    page.get_by_role("link", name="吴思源").click()
    page.fill("input[name=reason]", "赴外地挂职两年")
    page.get_by_role("button", name="停用").click()
    page.wait_for_url(re.compile(r"/directory/experts/\d+/$"))
    assert "不会再被抽取" in messages_of(page) and not Expert.objects.get(name="吴思源").active
    shot("disabled")

    # the expert, on a phone, declares a former employer and confirms the list
    switch_user(page, base, account, PASSWORD)
    with phone_width(page):
        nav_click(page, "我的回避申报")
        page.wait_for_url(url_ends("/directory/expert/declarations/"))
        assert "没有申报回避单位" in main_text(page)
        page.select_option("#r-kind", "former_employer")
        page.fill("#r-unit_name", "沈阳智算科技有限公司")
        page.fill("#r-ended_on", "2022-07-31")
        page.fill("#r-note", "2015–2022 年在该公司任技术总监")
        page.locator("main form button.primary").click()
        page.wait_for_url(url_ends("/directory/expert/declarations/"))
        assert "已申报与 沈阳智算科技有限公司 的关系" in messages_of(page)
        assert "曾在该单位任职" in main_text(page)
        page.get_by_role("button", name="确认以上申报完整、有效").click()
        page.wait_for_url(url_ends("/directory/expert/declarations/"))
        assert "上次确认" in main_text(page)
        assert fits_the_width(page)
        shot("declarations-phone")
    relation = ExpertRelation.objects.get(expert=zhao)
    assert relation.org == world.orgs["inst_sy"] and relation.current

    # the pool as a draw reads it now: 赵海峰 recused from 沈阳智算, 吴思源 out of the pool
    facts = {e.name: experts.expert_facts(e, {}) for e in experts.pool(world.orgs["ln"])}
    assert world.orgs["inst_sy"].pk in facts["赵海峰"].conflict_org_ids
    assert not facts["吴思源"].active
