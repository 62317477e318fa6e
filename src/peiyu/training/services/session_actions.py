"""The actions on one session and on an online platform's keys, each one table shared by the page
(a form's `action=…`) and the API routes: the page posts the action's name, the API route names it; both
go through `session_action` / `platform_key_action`. An unknown action is refused in Chinese."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from peiyu.core.actions import dispatch
from peiyu.core.errors import NotFound

from ..models import PlatformKey, TrainingSession
from ..selectors import attendance as sel
from . import attendance as att
from . import online


@dataclass(frozen=True)
class Act:
    """One action: what it runs (actor, object, the request's data) and the Chinese sentence that
    reports its result."""

    name: str
    label: str
    run: Callable[[Any, Any, Mapping[str, Any]], Any]
    done: Callable[[Any], str]

    def __call__(self, actor: Any, obj: Any, data: Mapping[str, Any]) -> tuple[Any, str]:
        result = self.run(actor, obj, data)
        return result, self.done(result)


def _check_in(actor, session: TrainingSession, data: Mapping[str, Any]):
    enrolment = sel.enrolment_in_class(session.klass, data.get("enrolment"))
    return att.attendance_check_in(
        actor=actor,
        session=session,
        enrolment=enrolment,
        at=data.get("at") or None,
        device=data.get("device") or "",
        ip=data.get("ip"),
    )


def _check_out(actor, session: TrainingSession, data: Mapping[str, Any]):
    attendance = sel.attendance_get_for(actor, data.get("attendance"))
    return att.attendance_check_out(actor=actor, attendance=attendance, at=data.get("at") or None)


SESSION_ACTIONS: dict[str, Act] = {
    a.name: a
    for a in (
        Act(
            "check_in",
            "登记签到",
            _check_in,
            lambda a: _("已登记签到：%(name)s") % {"name": a.enrolment.trainee.name},
        ),
        Act("check_out", "登记签退", _check_out, lambda _a: _("已登记签退")),
        Act(
            "close",
            "结束签到",
            lambda actor, s, _d: att.session_close(actor=actor, session=s),
            lambda n: _("已结束签到，%(n)s 名学员按课次结束时间签退") % {"n": n},
        ),
        Act(
            "delete",
            "删除课次",
            lambda actor, s, _d: att.session_delete(actor=actor, session=s),
            lambda _r: _("已删除课次"),
        ),
    )
}


def _revoke(actor, platform, data: Mapping[str, Any]) -> PlatformKey:
    try:
        key = PlatformKey.objects.filter(platform=platform, pk=int(data.get("key") or 0)).first()
    except (TypeError, ValueError):
        key = None
    if key is None:
        raise NotFound(_("密钥不存在"))
    online.platform_key_revoke(actor=actor, key=key)
    return key


PLATFORM_KEY_ACTIONS: dict[str, Act] = {
    a.name: a
    for a in (
        Act(
            "create",
            "新建密钥",
            lambda actor, platform, _d: online.platform_key_create(actor=actor, platform=platform),
            lambda r: _("已新建密钥 %(key)s") % {"key": r[0].key_id},
        ),
        Act("revoke", "停用密钥", _revoke, lambda key: _("密钥 %(key)s 已停用") % {"key": key.key_id}),
    )
}


def session_action(
    *, actor, session: TrainingSession, action: str, data: Mapping[str, Any] | None = None
) -> tuple[Any, str]:
    """Run one of SESSION_ACTIONS; returns its result and the sentence reporting it."""
    return dispatch(SESSION_ACTIONS, action, actor, session, data or {})


def platform_key_action(
    *, actor, platform, action: str, data: Mapping[str, Any] | None = None
) -> tuple[Any, str]:
    """Run one of PLATFORM_KEY_ACTIONS (create, revoke) for the platform's own keys."""
    return dispatch(PLATFORM_KEY_ACTIONS, action, actor, platform, data or {})
