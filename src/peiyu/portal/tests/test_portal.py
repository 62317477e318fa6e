import re

import pytest

pytestmark = pytest.mark.django_db


def test_portal_home_is_public_and_lists_profiles_in_force(client, policies):
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "培育公共服务门户" in page and "湖北省数字技术工程师培育项目" in page
    # the profile chain only in the technical details fold; the source document by its title
    tech = page[page.index('<details class="tech">') :]
    assert (
        "hubei-dte@v1&lt;national-dte@v1" in tech
        and "hubei-dte@v1" not in page[: page.index('<details class="tech">')]
    )
    assert (
        "《关于实施数字技术工程师培育项目有关事项的通知》（湖北省人力资源和社会保障厅，2023-06-02）" in page
    )


def test_portal_home_links_verification_announcements_notices_objections_and_registration(client, db):
    page = client.get("/").content.decode()
    links = page[page.index('id="quick-links"') :]
    for url in (
        "/verify/",
        "/announcements/",
        "/notices/",
        "/objections/track/",
        "/register/trainee/",
    ):
        assert f'href="{url}"' in links, url


def test_policy_page_shows_each_parameter_with_its_rule(client, policies):
    page = client.get("/policies/").content.decode()
    assert "成立日期不晚于" in page and "SEL-3" in page and "2018-12-31" in page
    assert "线上学时占比上限" in page and "TRN-4" in page
    assert "《关于进一步规范职业技能培训管理工作八条措施》第五条：线上培训课时不超过总课时的40%" in page


def test_policy_page_shows_values_in_words_never_codes(client, policies):
    page = client.get("/policies/").content.decode()
    # the codes stay in each profile's technical details
    values = re.sub(r'<details class="tech">.*?</details>', "", page, flags=re.S)
    assert "是" in values and "否" in values and ">True<" not in values and ">False<" not in values
    assert "省级确认后报协调小组办公室审核" in values and "province_cg" not in page
    assert "D + 省份代码（2位） + 年份（4位） + 等级代码 + 序号（8位）" in values and "{serial" not in page
    assert "评价机构：" in values and " → 公示" in values and "&#x27;step&#x27;" not in page
    assert "40%" in values and "Decimal" not in page and "每年6月30日" in values


def test_portal_without_policies_says_so(client, db):
    assert "尚未载入政策配置" in client.get("/").content.decode()


def test_chinese_by_default_even_for_an_english_browser(client, db):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="zh-hans"' in page.content.decode()


def test_language_switch_sets_english(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert 'lang="en"' in client.get("/").content.decode()
