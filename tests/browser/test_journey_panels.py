"""JOURNEYS.md 3 in a real Chromium against a live server: the provincial official draws a panel of five
experts for the batch from the pool (an expert connected to an applicant is recused, the seed is shown
and the draw reproduces), experts sign in, see only the applications assigned to them, score and vote
(one of them on a phone), the official sees the aggregate, ends the review and forwards each application
to the coordination group, whose workbench lists it (SEL-8, SEL-9)."""

from __future__ import annotations

import re

import pytest

from .journey_support import (
    AI_NAME,
    Shots,
    city_recommended,
    expert_pool,
    liaoning_call,
    liaoning_submitted,
    main_text,
    messages_of,
    nav_click,
    phone_width,
    reload,
    sign_in,
    switch_user,
    todo_rows,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEED = "辽宁2026第二批-省厅复核"
POOL = [
    ("李文博", "东北大学", "教授"),
    ("王明远", "大连理工大学", "教授"),
    ("赵海峰", "辽宁大学", "研究员"),
    ("孙立新", "沈阳工业大学", "教授级高级工程师"),
    ("钱晓雯", "中国科学院沈阳自动化研究所", "研究员"),
    ("吴思源", "大连海事大学", "副教授"),
]
CONFLICTED = ("周建国", "沈阳智算科技有限公司", "高级工程师")  # works for an applicant: never drawn


def _score_on_the_page(page, app, score: str, vote: str, comment: str) -> None:
    section = page.locator(f"#app-{app.pk}")
    section.locator(f"#id_a{app.pk}-score").fill(score)
    section.locator(f"input[name='a{app.pk}-vote'][value='{vote}']").check()
    section.locator(f"#id_a{app.pk}-comment").fill(comment)
    section.locator("button[type=submit]").click()
    page.wait_for_load_state()


def _open_scoring(page, panel) -> None:
    """From the expert's workbench to the panel's scoring page (the to-do item, else the menu)."""
    score_url = f"/directory/panels/{panel.pk}/score/"
    nav_click(page, "专家评议")
    page.wait_for_url(re.compile(r"/directory/(expert/assignments|panels/\d+/score)/$"))
    if not page.url.endswith(score_url):
        page.locator(f"main a[href$='{score_url}']").click()
        page.wait_for_url(re.compile(re.escape(score_url) + "$"))


def test_province_draws_a_panel_experts_score_and_the_official_forwards(page, live_server, screenshots):
    from peiyu.core.policy import load_policy_files
    from peiyu.institutions.models import ExpertScore, Panel
    from peiyu.institutions.services import scores
    from peiyu.institutions.tests import factories as f
    from tests.personas import PASSWORD, build_world

    world = build_world()
    load_policy_files()
    f.load_reference()
    call = liaoning_call(world)
    app_sy = city_recommended(world, liaoning_submitted(world.sy_inst_admin, call))
    app_dl = city_recommended(world, liaoning_submitted(world.dl_inst_admin, call))
    # a third application at the same step, left out of this panel: its experts must not see it
    other_org = f.new_institution(world, "sy3", "210102", "91210102MA0Y00009")
    app_other = city_recommended(world, liaoning_submitted(world.sy3_admin, call))
    for app in (app_sy, app_dl, app_other):
        assert app.step == "province_expert_review", (app.number, app.step)
    inst_sy = world.orgs["inst_sy"]
    experts = expert_pool(
        world, world.ln_official, "210000", [f.AI], [*POOL, (*CONFLICTED, [inst_sy.uscc])], prefix="ln_expert"
    )
    conflicted = experts[-1]
    base = live_server.url
    shot = Shots(page, screenshots, 3)

    # --- the provincial official draws the panel from the to-do list ---------------------------------------------
    sign_in(page, base, world.ln_official, PASSWORD)
    todo = todo_rows(page, "省厅专家评议")
    assert todo.count() == 3, page.locator("#todo").inner_text()
    assert todo.filter(has_text=inst_sy.name).count() == 1
    shot("official-todo")
    shot.phone("official-todo")
    todo.filter(has_text=inst_sy.name).locator("a").first.click()
    page.wait_for_url(re.compile(rf"/directory/applications/{app_sy.pk}/$"))
    act = page.locator("#act")
    assert act.locator("h2").inner_text().strip().endswith("省厅专家评议")
    act.locator("a", has_text="抽取专家组").click()
    page.wait_for_url(re.compile(r"/directory/panels/draw/$"))
    assert page.locator("main h1").inner_text().strip() == "抽取专家组"
    for app in (app_sy, app_dl, app_other):
        assert page.locator(f"#app-{app.pk}").count() == 1, f"{app.number} not offered for the draw"
    page.check(f"#app-{app_sy.pk}")
    page.check(f"#app-{app_dl.pk}")
    size = page.get_by_label("专家人数")
    assert size.input_value() == "5"
    page.get_by_label("随机种子").fill(SEED)
    shot("draw-form")
    shot.phone("draw-form")
    page.locator("main form button.primary[type=submit]").click()
    page.wait_for_url(re.compile(r"/directory/panels/\d+/$"))
    panel = Panel.objects.get()
    assert SEED in messages_of(page), messages_of(page)
    assert page.locator("#seed").inner_text().strip() == SEED
    assert "与留存的专家名单一致" in page.locator("#draw").inner_text()
    members = page.locator("#members tbody tr")
    assert members.count() == 5, page.locator("#members").inner_text()
    drawn = [m.expert for m in panel.members.select_related("expert").order_by("position")]
    assert conflicted not in drawn
    assert conflicted.name not in page.locator("#members").inner_text()
    recused = page.locator("#candidates table tbody tr", has_text=conflicted.name)
    assert recused.count() == 1, page.locator("#candidates").inner_text()
    assert inst_sy.name in recused.inner_text() or "任职" in recused.inner_text(), recused.inner_text()
    shot("panel-drawn")
    shot.phone("panel-drawn")

    # --- the first expert: only the assigned applications, a refused score, then the score ----------------------
    first, second, *others = drawn
    switch_user(page, base, first.user, PASSWORD)
    assert todo_rows(page, "专家评议").count() == 2, page.locator("#todo").inner_text()
    shot("expert-todo")
    nav_click(page, "专家评议")
    page.wait_for_url(re.compile(r"/directory/(expert/assignments|panels/\d+/score)/$"))
    if "/expert/assignments/" in page.url:
        tasks = main_text(page)
        assert app_sy.number in tasks and app_dl.number in tasks, tasks
        assert app_other.number not in tasks and other_org.name not in tasks, tasks
        shot("expert-assignments")
    _open_scoring(page, panel)
    scoring = main_text(page)
    assert app_sy.number in scoring and app_dl.number in scoring
    assert app_other.number not in scoring
    _score_on_the_page(page, app_sy, "120", "for", "师资稳定，培训规模大。")
    errors = " ".join(page.locator(f"#app-{app_sy.pk} p.error").all_inner_texts())
    assert "评分须在 0–100 之间" in errors, errors
    assert page.input_value(f"#id_a{app_sy.pk}-comment") == "师资稳定，培训规模大。"
    assert page.input_value(f"#id_a{app_sy.pk}-score") == "120"
    shot("expert-score-error")
    _score_on_the_page(page, app_sy, "88", "for", "师资稳定，培训规模大。")
    assert f"已保存对 {app_sy.number} 的评分" in messages_of(page), messages_of(page)
    _score_on_the_page(page, app_dl, "79", "for", "实训条件较好，建议纳入。")
    assert f"已保存对 {app_dl.number} 的评分" in messages_of(page), messages_of(page)
    shot("expert-scored")
    # the materials of an assigned application open; another application does not exist for the expert
    assert page.request.get(f"{base}/directory/applications/{app_sy.pk}/").status == 200
    response = page.goto(f"{base}/directory/applications/{app_other.pk}/")
    assert response.status == 404, response.status
    assert ExpertScore.objects.filter(member__expert=first).count() == 2

    # --- the second expert, on a phone --------------------------------------------------------------------------
    with phone_width(page):
        switch_user(page, base, second.user, PASSWORD)
        _open_scoring(page, panel)
        shot("expert-scoring-phone")
        _score_on_the_page(page, app_sy, "91", "for", "建议纳入。")
        _score_on_the_page(page, app_dl, "65", "against", "在线平台功能不足。")
        assert f"已保存对 {app_dl.number} 的评分" in messages_of(page), messages_of(page)
        shot("expert-scored-phone")
    # the other three score through the services
    for expert, vote in zip(others, ["for", "for", "against"], strict=True):
        for app, mark in ((app_sy, 84), (app_dl, 72)):
            scores.score_submit(
                actor=expert.user, panel=panel, application=app, score=mark, vote=vote, comment="意见见附件。"
            )

    # --- the official sees the aggregate, ends the review and forwards -------------------------------------------
    switch_user(page, base, world.ln_official, PASSWORD)
    page.goto(f"{base}/directory/panels/")
    page.locator(f"main a[href$='/directory/panels/{panel.pk}/']").click()
    page.wait_for_url(re.compile(rf"/directory/panels/{panel.pk}/$"))
    results = page.locator("#results").inner_text()
    assert results.count("已评 5 份") == 2, results
    assert "尚未评分" not in results
    # 88, 91 and three 84s; 79, 65 and three 72s — the votes 4:1 and 3:2
    assert "平均分 86.2" in results and "推荐 4，不推荐 1" in results, results
    assert "平均分 72.0" in results and "推荐 3，不推荐 2" in results, results
    assert "多数推荐" in results
    shot("aggregate")
    shot.phone("aggregate")
    page.get_by_role("button", name="结束评议").click()
    page.wait_for_url(re.compile(rf"/directory/panels/{panel.pk}/$"))
    assert "评议已结束" in messages_of(page), messages_of(page)
    assert reload(panel).status == Panel.Status.CLOSED
    assert page.get_by_role("button", name="结束评议").count() == 0

    for app in (app_sy, app_dl):
        page.goto(f"{base}/directory/applications/{app.pk}/")
        act = page.locator("#act")
        summary = act.inner_text()
        assert "专家评议结果" in summary and "评议已结束" in summary, summary
        act.locator("#pc").fill("专家评议多数推荐，经实地考察，同意报协调小组审核。")
        act.get_by_label("已实地考察").check()
        if app is app_sy:
            shot("forward")
        act.get_by_role("button", name="通过", exact=True).click()
        page.wait_for_url(re.compile(rf"/directory/applications/{app.pk}/$"))
        assert "已办理" in messages_of(page), messages_of(page)
        assert page.locator("ol.route li.current").inner_text().strip() == "协调小组审核确定"
        assert reload(app).step == "coordination_decision"
    shot("forwarded")
    shot.phone("forwarded")

    # --- the coordination group finds the outcome on its workbench -------------------------------------------------
    switch_user(page, base, world.cg_official, PASSWORD)
    todo = todo_rows(page, "协调小组审核确定")
    assert todo.count() == 2, page.locator("#todo").inner_text()
    assert todo.filter(has_text=inst_sy.name).filter(has_text=AI_NAME).count() == 1
    shot("coordination-todo")
