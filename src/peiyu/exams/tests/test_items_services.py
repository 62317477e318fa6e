"""Items (EVL-2): written, reviewed and approved by three different people (refusals cite EVL-2 and are
stored as Decisions), every change a new version, frozen items keep the version their paper used,
content only for holders of exam.items_view and every view audited; 403 and 404."""

from __future__ import annotations

import json

import pytest

from peiyu.audit.models import AuditEvent
from peiyu.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, RuleViolation
from peiyu.core.models import Decision, TransitionLog
from peiyu.exams.models import Item
from peiyu.exams.services import items as svc

from . import factories
from .banks_support import data, empty_bank, user_with_roles


def _approved(exams, bank, item_type="single"):
    u = exams.users
    item = svc.item_create(actor=u["cd_setter"], bank=bank, item_type=item_type, data=data(item_type))
    svc.item_submit(actor=u["cd_setter"], item=item)
    svc.item_review(actor=u["cd_reviewer"], item=item)
    svc.item_approve(actor=u["cd_approver"], item=item)
    item.refresh_from_db()
    return item


@pytest.mark.parametrize("item_type", ["single", "multiple", "true_false", "fill", "short", "practical"])
def test_every_type_goes_from_writing_to_approval_by_three_people(exams, item_type):
    bank = empty_bank(exams)
    item = _approved(exams, bank, item_type)
    assert item.status == "approved"
    assert (item.written_by, item.reviewed_by, item.approved_by) == (
        exams.users["cd_setter"], exams.users["cd_reviewer"], exams.users["cd_approver"],
    )  # fmt: skip
    version = item.versions.get()
    assert version.digest and json.loads(version.content)["stem"]
    moves = list(TransitionLog.objects.filter(subject_id=str(item.pk), subject_type="exams.item")
                 .values_list("to_status", flat=True).order_by("id"))  # fmt: skip
    assert moves == ["draft", "in_review", "reviewed", "approved"]
    assert AuditEvent.objects.filter(action="exam_item.approved", object_id=str(item.pk)).exists()


def test_content_is_stored_in_the_format_of_the_version(exams):
    bank = empty_bank(exams)
    item = svc.item_create(
        actor=exams.users["cd_setter"], bank=bank, item_type="multiple", data=data("multiple")
    )
    content = svc.item_content(actor=exams.users["cd_setter"], item=item)
    assert content == {
        "stem": "下列属于绝缘工具的有",
        "options": ["绝缘手套", "绝缘靴", "钢丝钳"],
        "answer": "AB",
    }
    fill = svc.item_create(actor=exams.users["cd_setter"], bank=bank, item_type="fill", data=data("fill"))
    assert svc.item_content(actor=exams.users["cd_setter"], item=fill)["answer"] == ["50", "五十"]


def test_the_writer_cannot_review_their_own_version_and_the_refusal_is_stored(exams):
    both = user_with_roles(exams, "cd_both", "question_setter", "bank_reviewer")
    bank = empty_bank(exams)
    item = svc.item_create(actor=both, bank=bank, item_type="single", data=data())
    svc.item_submit(actor=both, item=item)
    with pytest.raises(RuleViolation) as caught:
        svc.item_review(actor=both, item=item)
    assert caught.value.rules == ["EVL-2"]
    assert "三名不同人员" in caught.value.message
    item.refresh_from_db()
    assert item.status == "in_review"
    decision = Decision.objects.get(subject_type="exams.item", subject_id=str(item.pk))
    assert decision.outcome == "refused" and decision.rules == ["EVL-2"]


def test_the_reviewer_cannot_also_approve(exams):
    both = user_with_roles(exams, "cd_rev_app", "bank_reviewer", "bank_approver")
    bank = empty_bank(exams)
    item = svc.item_create(actor=exams.users["cd_setter"], bank=bank, item_type="single", data=data())
    svc.item_submit(actor=exams.users["cd_setter"], item=item)
    svc.item_review(actor=both, item=item)
    with pytest.raises(RuleViolation) as caught:
        svc.item_approve(actor=both, item=item)
    assert caught.value.rules == ["EVL-2"] and "审题" in caught.value.message
    svc.item_approve(actor=exams.users["cd_approver"], item=item)
    assert Item.objects.get(pk=item.pk).status == "approved"


def test_a_frozen_item_changes_only_by_a_new_version_that_is_reviewed_again(exams):
    bank = empty_bank(exams)
    item = _approved(exams, bank)
    Item.objects.filter(pk=item.pk).update(frozen=True)
    first = item.versions.get(version=1)
    revised = svc.item_revise(actor=exams.users["cd_setter"], item=item, data=data(stem="修改后的题干"))
    assert revised.status == "in_review" and revised.version == 2 and revised.reviewed_by is None
    first.refresh_from_db()
    assert json.loads(first.content)["stem"] == "安全电压一般不超过（  ）V。"  # the used version is untouched
    assert svc.item_content(actor=exams.users["cd_reviewer"], item=revised)["stem"] == "修改后的题干"
    assert (
        svc.item_content(actor=exams.users["cd_reviewer"], item=revised, version=1)["stem"] != "修改后的题干"
    )


def test_an_item_under_review_cannot_be_changed(exams):
    bank = empty_bank(exams)
    item = svc.item_create(actor=exams.users["cd_setter"], bank=bank, item_type="single", data=data())
    svc.item_submit(actor=exams.users["cd_setter"], item=item)
    with pytest.raises(Conflict):
        svc.item_revise(actor=exams.users["cd_setter"], item=item, data=data())


def test_returning_needs_a_reason_and_the_writer_revises(exams):
    bank = empty_bank(exams)
    item = svc.item_create(actor=exams.users["cd_setter"], bank=bank, item_type="single", data=data())
    svc.item_submit(actor=exams.users["cd_setter"], item=item)
    with pytest.raises(InvalidInput):
        svc.item_return(actor=exams.users["cd_reviewer"], item=item, reason="")
    svc.item_act(actor=exams.users["cd_reviewer"], item=item, action="return", reason="选项有歧义")
    item.refresh_from_db()
    assert item.status == "returned" and item.return_reason == "选项有歧义"
    svc.item_revise(actor=exams.users["cd_setter"], item=item, data=data(options="36\n42\n110\n220"))
    svc.item_submit(actor=exams.users["cd_setter"], item=item)
    assert Item.objects.get(pk=item.pk).version == 2


def test_bad_content_is_refused_per_field(exams):
    bank = empty_bank(exams)
    with pytest.raises(InvalidInput) as caught:
        svc.item_create(actor=exams.users["cd_setter"], bank=bank, item_type="practical",
                        data=data("practical", criteria="安全|40\n接线|50", area_code="Z", difficulty=9))  # fmt: skip
    fields = caught.value.fields
    assert "合计应为100分，现为90分" in fields["criteria"][0]
    assert "不在" in fields["area_code"][0] and "A、B、C" in fields["area_code"][0]
    assert "难度应为1至5" in fields["difficulty"][0]
    with pytest.raises(InvalidInput) as caught:
        svc.item_create(actor=exams.users["cd_setter"], bank=bank, item_type="single", data=data(answer="AB"))
    assert caught.value.fields["answer"] == ["单项选择题的标准答案只能是一个选项"]


def test_content_only_for_items_view_and_every_view_is_audited(exams):
    bank = empty_bank(exams)
    item = svc.item_create(actor=exams.users["cd_setter"], bank=bank, item_type="single", data=data())
    before = AuditEvent.objects.filter(action="exam_item.content_viewed").count()
    svc.item_content(actor=exams.users["cd_reviewer"], item=item)
    assert AuditEvent.objects.filter(action="exam_item.content_viewed").count() == before + 1
    with pytest.raises(PermissionDenied):
        svc.item_content(actor=exams.users["cd_exam_admin"], item=item)  # manages exams, not items
    with pytest.raises(PermissionDenied):
        svc.item_content(actor=exams.users["cd_official"], item=item)


def test_other_institutions_writers_get_404_and_non_writers_403(exams):
    from tests.personas import _user

    other = _user(exams, "cd_social2_setter", exams.orgs["cd_social2"], "question_setter")
    bank = empty_bank(exams)
    with pytest.raises(NotFound):
        svc.item_create(actor=other, bank=bank, item_type="single", data=data())
    with pytest.raises(PermissionDenied):
        svc.item_create(actor=exams.users["cd_reviewer"], bank=bank, item_type="single", data=data())


def test_a_retired_item_leaves_the_approved_count(exams):
    from peiyu.exams.selectors.banks import approved_counts

    bank = empty_bank(exams)
    item = _approved(exams, bank)
    assert approved_counts(bank.pk) == (1, 0)
    svc.item_act(actor=exams.users["cd_approver"], item=item, action="retire", reason="内容过时")
    assert approved_counts(bank.pk) == (0, 0)
    assert factories.DAY  # the world's day
