"""The accounts state machine (accounts.flows.ORG_FLOW): registered under its name; every allowed move
writes the status, a TransitionLog row and the audit action `org.<to-status>`; forbidden moves are
refused and write nothing; `signup_allowed_actions` offers each actor the verbs of its role and scope."""

import pytest

from peiyu.accounts.flows import ORG_FLOW
from peiyu.accounts.models import Org, User
from peiyu.accounts.selectors.actions import signup_allowed_actions
from peiyu.accounts.services.signups import org_signup
from peiyu.audit.models import AuditEvent
from peiyu.core.errors import InvalidTransition
from peiyu.core.models import TransitionLog
from peiyu.core.workflow import Workflow

from .test_signups import signup_data

pytestmark = pytest.mark.django_db
O = Org.Status  # noqa: E741


def test_the_table_is_registered_under_its_name():
    assert Workflow.registry["org"] is ORG_FLOW


@pytest.mark.parametrize(
    "start,to", [(s, t) for s, targets in ORG_FLOW.transitions.items() for t in sorted(targets)]
)
def test_every_allowed_move_writes_status_log_and_audit(world, start, to):
    org = Org.objects.create(name=f"机构{start}{to}", kind="institution", region_id="210102", status=start)
    ORG_FLOW.transition(org, to, actor=world.sy_official, reason="走查")
    org.refresh_from_db()
    assert org.status == to
    assert TransitionLog.objects.filter(subject_id=str(org.pk), from_status=start, to_status=to).exists()
    assert AuditEvent.objects.filter(action=f"org.{to}", object_id=str(org.pk)).exists()


@pytest.mark.parametrize(
    "start,to", [(O.CONFIRMED, O.PENDING), (O.CONFIRMED, O.RETURNED), (O.RETURNED, O.CONFIRMED)]
)
def test_forbidden_moves_are_refused_and_write_nothing(world, start, to):
    org = Org.objects.create(name=f"机构{start}{to}", kind="institution", region_id="210102", status=start)
    with pytest.raises(InvalidTransition):
        ORG_FLOW.transition(org, to, actor=world.sy_official)
    org.refresh_from_db()
    assert org.status == start and not TransitionLog.objects.filter(subject_id=str(org.pk)).exists()


def test_each_actor_is_offered_only_its_own_verbs(world):
    org = org_signup(data=signup_data())
    admin = User.objects.get(username="qiming_admin")
    assert signup_allowed_actions(world.sy_official, org) == ["confirm", "return"]
    assert signup_allowed_actions(world.dl_official, org) == []
    assert signup_allowed_actions(admin, org) == []
    org.status = O.RETURNED  # as read after a return: the institution may resubmit
    assert signup_allowed_actions(admin, org) == ["resubmit"]
    assert signup_allowed_actions(world.sy_official, org) == []
