"""Reads that shape an application for its pages: the form by sections (masked personal data), the
editor rows, the route with the steps done and to come, and each official's review queue."""

from __future__ import annotations

from typing import Any

from peiyu.core.crypto import decrypt
from peiyu.core.identifiers import mask_id_number

from ..models import Application, ReviewAction
from ..rules.forms import FORMS, form_key_for
from .scope import actor_may_act, applications_visible_to


def _display(f, value: Any, full: bool) -> Any:
    if value in (None, "", [], {}):
        return ""
    if f.personal:
        try:
            plain = decrypt(value)
        except Exception:
            return "（无法解密）"
        return plain if full else mask_id_number(plain)
    if f.type == "bool":
        return "是" if value else "否"
    if f.type == "levels":
        return "、".join(value)
    if f.type == "levels_map":
        return "；".join(f"{k}：{v}" for k, v in value.items())
    if f.type == "uscc_list":
        return "、".join(value)
    return value


def form_display(app: Application, *, full: bool = False) -> list[dict[str, Any]]:
    spec = FORMS[form_key_for(app.call.programme, app.kind)]
    out = []
    for section in spec.sections:
        rows = []
        for f in section.fields:
            value = app.form.get(f.key)
            if f.type == "table":
                rows.append(
                    {
                        "field": f,
                        "table": True,
                        "columns": f.columns,
                        "rows": [[_display(c, r.get(c.key), full) for c in f.columns] for r in (value or [])],
                    }
                )
            else:
                rows.append({"field": f, "table": False, "value": _display(f, value, full)})
        out.append({"section": section, "rows": rows})
    return out


def form_editor(
    app: Application, values: dict[str, Any] | None, errors: dict[str, list[str]]
) -> list[dict[str, Any]]:
    """Sections with each field's current value (the posted one after an error, so nothing is lost)."""
    spec = FORMS[form_key_for(app.call.programme, app.kind)]
    data = values if values is not None else app.form
    skip = {"occupation", "levels", "recommendation_reason", "recommender_contact", "recommender_phone"}
    out = []
    for section in spec.sections:
        fields = []
        for f in section.fields:
            if f.key in skip:
                continue
            value = data.get(f.key)
            entry: dict[str, Any] = {"field": f, "errors": errors.get(f.key, [])}
            if f.type == "table":
                existing = list(value or [])
                count = max(f.rows, len(existing) + 1)
                entry["rows"] = [
                    {
                        "index": i + 1,
                        "cells": [
                            {
                                "column": c,
                                "name": f"{f.key}.{i + 1}.{c.key}",
                                "value": _editor_value(
                                    c, (existing[i] if i < len(existing) else {}).get(c.key)
                                ),
                                "errors": errors.get(f"{f.key}.{i + 1}.{c.key}", []),
                            }
                            for c in f.columns
                        ],
                    }
                    for i in range(count)
                ]
            elif f.type == "levels_map":
                entry["levels"] = [
                    {"level": lv, "name": f"{f.key}.{lv}", "value": (value or {}).get(lv, "")}
                    for lv in app.levels
                ]
            elif f.personal:
                # never shown back from storage; but what was just typed stays after a failed save
                entry["value"] = str(value) if values is not None and value else ""
                entry["stored"] = bool(app.form.get(f.key))
            elif f.type == "uscc_list":
                entry["value"] = ", ".join(value or [])
            else:
                entry["value"] = _editor_value(f, value)
            fields.append(entry)
        if fields:
            out.append({"section": section, "fields": fields})
    return out


def _editor_value(f, value: Any) -> str:
    if value is None:
        return ""
    if f.type == "bool":
        return "是" if value is True else "否" if value is False else str(value)
    return str(value)


def route_progress(app: Application) -> list[dict[str, Any]]:
    done = {
        a.step
        for a in app.actions.all()
        if a.outcome
        in (
            ReviewAction.Outcome.PASS,
            ReviewAction.Outcome.RECOMMEND,
            ReviewAction.Outcome.NOTICE,
            ReviewAction.Outcome.FILE,
        )
    }
    out = []
    for i, step in enumerate(app.route or []):
        if app.status == Application.Status.APPROVED or i < app.step_index:
            state = "done"
        elif i == app.step_index and app.status in (
            Application.Status.IN_REVIEW,
            Application.Status.IN_NOTICE,
            Application.Status.HELD,
            Application.Status.RETURNED,
        ):
            state = "current"
        else:
            state = "todo" if step["step"] not in done else "done"
        out.append({**step, "state": state})
    return out


def panel_result_safe(app: Application, step: str) -> dict | None:
    from .panels import panel_result

    return panel_result(app, step)


def review_queue(actor) -> list[dict[str, Any]]:
    """The applications at a step the actor may act on now, grouped by step label, soonest due first."""
    groups: dict[str, dict[str, Any]] = {}
    qs = (
        applications_visible_to(actor)
        .filter(status=Application.Status.IN_REVIEW)
        .order_by("step_due", "submitted_at")[:500]
    )
    for app in qs:
        step = app.current_step
        if step and actor_may_act(actor, app, step):
            group = groups.setdefault(step["step"], {"step": step, "applications": []})
            group["applications"].append(app)
    return list(groups.values())


def letters_for(actor) -> list[dict[str, Any]]:
    """Calls for which the actor's organisation has recommended applications: one letter each (SEL-9)."""
    org = getattr(actor, "primary_org", None)
    if org is None:
        return []
    rows = (
        ReviewAction.objects.filter(
            org=org, outcome=ReviewAction.Outcome.RECOMMEND, application__in=applications_visible_to(actor)
        )
        .values("application__call__code", "application__call__title")
        .order_by("application__call__code")
        .distinct()
    )
    return [{"code": r["application__call__code"], "title": r["application__call__title"]} for r in rows]
