"""The expert panel pages as their users read them (issue 12, point 7): names and draw positions instead
of internal ids (the ids in the technical-details fold), the step by its name, a refused score saying what
is wrong, the panel linked from the application it reviews, and Chengdu's panels citing Chengdu's
measures."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from peiyu.accounts.models import Org, Region
from peiyu.audit.models import AuditEvent
from peiyu.core.errors import InvalidInput, RuleViolation
from peiyu.core.identifiers import mask_name, uscc_with_check
from peiyu.core.sources import cite
from peiyu.institutions.models import Application, Call, Expert
from peiyu.institutions.rules import panels as rules
from peiyu.institutions.services import experts, scores
from peiyu.institutions.services import panels as services

from .test_panels import Journey, on_panel

pytestmark = pytest.mark.urls("peiyu.institutions.tests.test_panels")

CD_TRADE = "6-25-04-07"


@pytest.fixture
def journey(world, policies):
    return Journey(world)


def _text(html: str) -> str:
    """The page's visible text outside the technical-details folds, tags dropped."""
    html = re.sub(r"<details class=\"tech\".*?</details>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_application_under_review_links_its_panel(journey, login_as):
    journey.pool(3)
    panel = journey.draw(size=2)
    page = login_as(journey.official).get(f"/directory/applications/{journey.app_sy.pk}/").content.decode()
    act = page[page.index('id="act"') :]
    assert f'href="/directory/panels/{panel.pk}/"' in act
    assert "查看专家组（缺评、结束评议）" in act


def test_panel_detail_shows_names_and_draw_positions_and_ids_only_in_the_fold(journey, login_as):
    journey.pool(4)
    panel = journey.draw(size=2, seed="种子-42")
    order = rules.shuffled(panel.candidates, panel.seed)
    names = {e.pk: e.name for e in Expert.objects.filter(pk__in=order)}
    page = login_as(journey.official).get(f"/directory/panels/{panel.pk}/").content.decode()
    text = _text(page)

    assert "种子-42" in text  # the seed stays in view: the draw can be recomputed
    summary = page[page.index('id="draw-order-summary">') :]
    summary = re.sub(r"<[^>]+>", "", summary[summary.index(">") + 1 : summary.index("</div>")])
    assert summary == "抽取顺序：" + "、".join(f"{i + 1}. {names[x]}" for i, x in enumerate(order))
    for i, x in enumerate(order):
        state = "抽中入组" if i < 2 else "未抽到"
        assert re.search(rf"<td[^>]*>{i + 1}</td><td[^>]*>{names[x]}</td>.*?<td[^>]*>{state}</td>", page)
    assert "、".join(str(x) for x in order) not in text and ", ".join(str(x) for x in order) not in text
    fold = page[page.index('id="draw-tech"') :]
    fold = fold[: fold.index("</details>")]
    assert ", ".join(str(x) for x in order) in fold and rules.ALGORITHM in fold
    assert ", ".join(str(x) for x in sorted(order)) in fold
    # the official of the pool's province sees the names in full; the view is on the audit trail
    assert AuditEvent.objects.filter(action="personal_data.viewed", after__what="panel_detail").exists()


def test_panel_list_and_detail_name_the_step_never_its_code(journey, login_as):
    journey.pool(3)
    panel = journey.draw(size=2)
    client = login_as(journey.official)
    for url in ("/directory/panels/", f"/directory/panels/{panel.pk}/"):
        page = client.get(url).content.decode()
        assert "省厅专家评议" in page and "province_expert_review" not in page


def test_refused_score_says_what_is_wrong_once(journey, login_as):
    journey.pool(2)
    panel = journey.draw(size=1)
    user = on_panel(panel)[0].expert.user
    app = journey.app_sy
    r = login_as(user).post(
        f"/directory/panels/{panel.pk}/score/",
        {
            "application": app.pk,
            f"a{app.pk}-score": "120",
            f"a{app.pk}-vote": "for",
            f"a{app.pk}-comment": "好",
        },
    )
    page = r.content.decode()
    assert r.status_code == 200 and "评分有误" not in page
    assert page.count("评分须在 0–100 之间") == 1
    assert 'value="120"' in page and "\n好</textarea>" in page  # nothing typed is lost
    with pytest.raises(InvalidInput) as exc:  # the API's message says it too
        scores.score_submit(actor=user, panel=panel, application=app, score="120", vote="for")
    assert "评分须在 0–100 之间" in exc.value.message


# --- Chengdu: the capacity centre's technical review (001 第七条) ------------------------------------------------


@pytest.fixture
def chengdu(world, policies):
    from peiyu.core.policy import policy_named

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
    route = policy_named("chengdu-skill", on=call.opens_on).get("review_routes")["evaluation"]
    app = Application.objects.create(
        number="SQ2024000009",
        call=call,
        institution=institution,
        kind="evaluation",
        institution_type="social_organisation",
        occupation_code=CD_TRADE,
        occupation_name="电工",
        levels=["五级", "四级", "三级"],
        region_id="510107",
        form={"unit_name": institution.name},
        status=Application.Status.IN_REVIEW,
        route=route,
        step_index=1,
        step="technical_review",
        policy_name="chengdu-skill",
        created_by=world.cd_official,
    )
    for i, name in enumerate(("欧阳明远", "李文博", "张海")):
        experts.expert_create(
            actor=world.cdc_official,
            name=name,
            employer=None,
            employer_name=f"成都职业技术学院{i}",
            title="高级技师",
            fields=[CD_TRADE],
            region_code="510100",
        )
    return app


def test_chengdu_panel_cites_the_chengdu_measures_and_masks_names_for_the_centre(chengdu, world, login_as):
    with pytest.raises(RuleViolation) as exc:
        services.panel_draw(actor=world.cdc_official, applications=[chengdu], size=9)
    assert exc.value.rules == ["SEL-8"] and exc.value.details["source"] == "001 第七条"
    panel = services.panel_draw(actor=world.cdc_official, applications=[chengdu], size=2, seed="cd")
    created = AuditEvent.objects.filter(action="panel.created", object_id=str(panel.pk)).latest("id")
    assert created.after["rule"] == "SEL-8" and created.after["source"] == "001 第七条"

    page = login_as(world.cdc_official).get(f"/directory/panels/{panel.pk}/").content.decode()
    text = _text(page)
    assert cite("001 第七条") in text and cite("000 第七条（三）") not in text and "SEL-8" in text
    assert "市职建中心技术评审" in text
    # the capacity centre may not see personal data in full: the experts' names are masked
    assert "欧阳明远" not in page and "李文博" not in page
    assert mask_name("欧阳明远") in text and mask_name("李文博") in text


def test_liaoning_panel_cites_the_national_measures(journey):
    journey.pool(3)
    panel = journey.draw(size=2)
    created = AuditEvent.objects.filter(action="panel.created", object_id=str(panel.pk)).latest("id")
    assert created.after["source"] == "000 第七条（三）"
