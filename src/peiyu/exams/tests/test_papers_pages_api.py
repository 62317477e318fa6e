"""Pages and API of papers (EVL-2, EVL-5): assembling with the session's pre-filled parameters, the
infeasible outcome in Chinese with the short cell and amount, sealing and voiding, digests but never
content; another institution's staff and another province's official get 404, the district official
sees the page but cannot assemble."""

from __future__ import annotations

import json

from peiyu.exams.models import AssemblyRun, Item, Paper

from . import factories as f

API = "/api/v1/exams"


def _post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def _session(exams, **kw):
    org = exams.listings["cd_elec"].institution
    bank = f.bank(org, exams.users["cd_setter"], per_cell=3.0, practical=4)
    return f.session(exams, status="papers", bank_=bank)


def test_assembling_sealing_and_voiding_through_the_page(exams, login_as):
    session = _session(exams)
    admin = login_as(exams.users["cd_exam_admin"])
    page = admin.get(f"/exams/papers/sessions/{session.pk}/")
    text = page.content.decode()
    assert page.status_code == 200 and 'value="2"' in text and 'value="30%"' in text  # from the session
    bad = admin.post(f"/exams/papers/sessions/{session.pk}/assemble/", {"forms": "两", "max_overlap": "25%"})
    assert (
        bad.status_code == 400
        and "请输入套数" in bad.content.decode()
        and 'value="25%"' in bad.content.decode()
    )
    done = admin.post(f"/exams/papers/sessions/{session.pk}/assemble/", {"forms": "2", "max_overlap": "30%"})
    assert done.status_code == 302
    run = AssemblyRun.objects.get(session=session)
    assert run.outcome == "assembled"
    assert admin.post(f"/exams/papers/runs/{run.pk}/seal/").status_code == 302
    paper = Paper.objects.get(session=session, kind="theory", form="A")
    text = admin.get(f"/exams/papers/sessions/{session.pk}/").content.decode()
    assert paper.digest in text and "单选题" not in text  # digests, never content
    refused = admin.post(f"/exams/papers/{paper.pk}/action/", {"action": "void", "reason": ""})
    assert refused.status_code == 400
    assert (
        admin.post(f"/exams/papers/{paper.pk}/action/", {"action": "void", "reason": "泄露"}).status_code
        == 302
    )
    paper.refresh_from_db()
    assert paper.status == "voided"


def test_an_infeasible_run_shows_the_short_cell_in_chinese(exams, login_as):
    session = _session(exams)
    for it in Item.objects.filter(bank=session.bank, item_type="short")[1:]:
        Item.objects.filter(pk=it.pk).update(status="retired")
    admin = login_as(exams.users["cd_exam_admin"])
    admin.post(f"/exams/papers/sessions/{session.pk}/assemble/", {"forms": "2", "max_overlap": "30%"})
    text = admin.get(f"/exams/papers/sessions/{session.pk}/").content.decode()
    assert "题库无法满足权重表" in text and "简答题" in text and "C/short/4" not in text
    assert "<td>2 道</td><td>1 道</td><td>1 道</td>" in text.replace("\n", "")


def test_the_api_assembles_and_lists_digests_only(exams, login_as):
    session = _session(exams)
    admin = login_as(exams.users["cd_exam_admin"])
    made = _post(
        admin,
        f"{API}/sessions/{session.pk}/papers/assemble",
        {"forms": 2, "max_overlap": "0.3", "seed": "s1"},
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["outcome"] == "assembled" and body["seed"] == "s1" and len(body["papers"]) == 4
    sealed = admin.post(f"{API}/assembly-runs/{body['id']}/seal")
    assert sealed.status_code == 200 and all(p["status"] == "sealed" for p in sealed.json()["papers"])
    listing = admin.get(f"{API}/sessions/{session.pk}/papers").json()
    assert listing["ready"] and "sealed_content" not in json.dumps(listing)
    paper_id = listing["papers"][0]["id"]
    voided = _post(admin, f"{API}/papers/{paper_id}/actions", {"action": "void", "reason": "印刷错误"})
    assert voided.status_code == 200 and voided.json()["status"] == "voided"
    assert _post(admin, f"{API}/papers/{paper_id}/actions", {"action": "burn"}).status_code in (400, 409)


def test_other_institutions_and_provinces_get_404_and_the_bureau_only_reads(exams, login_as):
    session = _session(exams)
    for who in ("cd_employer_exam", "sy_official"):
        c = login_as(exams.users[who])
        assert c.get(f"/exams/papers/sessions/{session.pk}/").status_code == 404, who
        assert c.get(f"{API}/sessions/{session.pk}/papers").status_code == 404, who
        assert _post(c, f"{API}/sessions/{session.pk}/papers/assemble", {}).status_code == 404, who
    official = login_as(exams.users["wuhou_official"])
    page = official.get(f"/exams/papers/sessions/{session.pk}/")
    assert page.status_code == 200 and 'id="assemble"' not in page.content.decode()
    assert _post(official, f"{API}/sessions/{session.pk}/papers/assemble", {}).status_code == 403
    assert not AssemblyRun.objects.filter(session=session).exists()
