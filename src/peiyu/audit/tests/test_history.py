"""Who did what, as a history shows it: the person's name (an event keeps the username it was made with),
"系统" for the platform itself."""

import pytest

from peiyu.audit.selectors import actor_names, audit_events_of, shown_actor
from peiyu.audit.services import audit_record

pytestmark = pytest.mark.django_db


def test_a_history_names_the_person_and_the_platform_in_words(world):
    official = world.sy_official
    official.full_name = "吴沈阳"
    official.save(update_fields=["full_name"])
    org = world.orgs["sy"]
    audit_record(official, "test.event", org)
    audit_record(None, "test.tick", org)
    events = list(audit_events_of("accounts.org", org.pk))
    names = actor_names(events)
    assert [shown_actor(e, names) for e in events] == ["吴沈阳", "系统"]
    assert events[0].actor_repr == official.username  # the record itself keeps the username
