"""What evaluation plugs in: its menu entries, workbench to-dos, `peiyu tick` handlers, demo section and
background tasks. Each area registers its own in its block below."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from peiyu.core.registry import (  # noqa: F401 - used by the areas' blocks
    NavItem,
    register_demo_section,
    register_extension,
    register_nav,
    register_task,
    register_tick,
    register_todo,
)

MANAGE_OR_SUPERVISE = "exam.manage|exam.supervise"
# the menu folds these under one entry for whoever sees several of them (core.registry.NavItem.group)
EXAM_GROUP = _("考核")


def register() -> None:
    _sites()
    _banks()
    _papers()
    _plans_and_sessions()
    _registrations()
    _examiners()
    _cbt()
    _scores()
    _archives()
    _demo()


def _sites() -> None:
    from .services.affiliates import affiliates_recheck
    from .todos import affiliates as affiliate_todos
    from .todos import sites as site_todos

    register_nav(
        NavItem(
            "exam_sites", _("考核站点"), "exams:site_list", MANAGE_OR_SUPERVISE, group=EXAM_GROUP, order=340
        )
    )
    register_nav(NavItem("exam_affiliates", _("关联单位与培训冲突"), "exams:affiliate_list", MANAGE_OR_SUPERVISE,
                         group=EXAM_GROUP, order=341))  # fmt: skip
    register_todo("exams.sites_awaiting_acceptance", site_todos.sites_awaiting_acceptance)
    register_todo("exams.sites_to_report_again", site_todos.sites_to_report_again)
    register_todo("exams.training_conflicts", affiliate_todos.flagged_institutions)
    register_tick("exams.affiliates_recheck", affiliates_recheck)


def _banks() -> None:
    from .services.blueprints import sample_blueprints_load
    from .todos import banks as todos

    register_nav(
        NavItem(
            "exam_banks",
            _("题库"),
            "exams:bank_list",
            "exam.manage|exam.supervise|exam.bank_write|exam.bank_review|exam.bank_approve",
            group=EXAM_GROUP,
            order=342,
        )
    )
    register_todo("exams.items_to_review", todos.review_todos)
    register_todo("exams.items_to_approve", todos.approve_todos)
    register_todo("exams.items_flagged", todos.flagged_todos)
    register_extension("reference.load", "exams.sample_blueprints", sample_blueprints_load)


def _papers() -> None:
    register_nav(NavItem("exam_papers", _("试卷管理"), "exams:paper_sessions", MANAGE_OR_SUPERVISE, group=EXAM_GROUP, order=352))  # fmt: skip


def _plans_and_sessions() -> None:
    from .services.sessions_steps import sessions_close_registration_due
    from .todos import sessions as session_todos

    register_nav(
        NavItem(
            "exam_sessions",
            _("考核批次"),
            "exams:session_list",
            MANAGE_OR_SUPERVISE,
            group=EXAM_GROUP,
            order=350,
        )
    )
    register_nav(
        NavItem(
            "exam_plans",
            _("年度评价计划"),
            "exams:plan_list",
            MANAGE_OR_SUPERVISE,
            group=EXAM_GROUP,
            order=349,
        )
    )
    register_todo("exams.sessions_to_announce", session_todos.sessions_to_announce)
    register_todo("exams.session_reviews_to_finish", session_todos.reviews_to_finish)
    register_todo("exams.session_rooms_to_prepare", session_todos.rooms_to_prepare)
    register_todo("exams.sessions_starting_soon", session_todos.sessions_starting_soon)
    register_tick("exams.registration_close_due", sessions_close_registration_due)


def _registrations() -> None:
    from peiyu.training.selectors.trainees import is_trainee

    from .todos import registrations as todos

    register_nav(NavItem("exam_registrations", _("报名与资格审核"), "exams:registration_sessions",
                         MANAGE_OR_SUPERVISE, group=EXAM_GROUP, order=351))  # fmt: skip
    register_nav(NavItem("exam_registration_forward", _("推送考核报名"), "exams:registration_forward",
                         "training.manage", group=EXAM_GROUP, order=365))  # fmt: skip
    register_nav(
        NavItem("exam_conditions", _("申报条件"), "exams:condition_list", "reference.manage", order=905)
    )
    register_nav(NavItem("my_exam_registrations", _("考核报名"), "exam_public:registration_list_mine", "person.self",
                         order=405, shown_to=is_trainee))  # fmt: skip
    register_todo("exams.registrations_to_review", todos.review_todos)
    register_todo("exams.registrations_returned", todos.returned_todos)
    register_todo("exams.sittings_ahead", todos.sittings_ahead)


def _examiners() -> None:
    from .selectors.examiners import has_examiner_record
    from .todos import examiners as todos

    register_nav(NavItem("exam_examiners", _("考评员"), "exams:examiner_list", MANAGE_OR_SUPERVISE,
                         group=EXAM_GROUP, order=366))  # fmt: skip
    register_nav(NavItem("exam_supervisors", _("质量督导员"), "exams:supervisor_list", MANAGE_OR_SUPERVISE,
                         group=EXAM_GROUP, order=367))  # fmt: skip
    register_nav(NavItem("my_examiner", _("我的考评"), "exams:examiner_me", "exam.mark", order=368,
                         shown_to=has_examiner_record))  # fmt: skip
    register_nav(NavItem("my_supervision", _("我的督导任务"), "exams:my_supervision", "exam.quality_supervise",
                         order=369))  # fmt: skip
    register_todo("exams.supervision_gaps", todos.supervision_gaps)
    register_todo("exams.supervision_tasks", todos.supervision_tasks)
    register_todo("exams.scoring_tasks", todos.scoring_tasks)


def _cbt() -> None:
    from .services.cbt import attempts_auto_submit_due
    from .services.cbt_prepare import SITTING_OPENED, prepare_on_open
    from .todos import cbt as todos

    register_nav(
        NavItem(
            "exam_proctor", _("监考台"), "exams:proctor_sittings", "exam.proctor", group=EXAM_GROUP, order=353
        )
    )
    register_nav(
        NavItem(
            "exam_marking",
            _("主观题阅卷"),
            "exams:marking_sessions",
            "exam.mark",
            group=EXAM_GROUP,
            order=354,
        )
    )
    register_nav(NavItem("exam_incidents", _("考务事件"), "exams:incident_list",
                         "exam.supervise|exam.manage|exam.proctor|supervision.manage", group=EXAM_GROUP, order=355))  # fmt: skip
    register_todo("exams.incidents_to_acknowledge", todos.incidents_to_acknowledge)
    register_todo("exams.resumptions_to_decide", todos.resumptions_to_decide)
    register_tick("exams.attempts_auto_submit", attempts_auto_submit_due)
    register_extension(SITTING_OPENED, "exams.cbt_prepare_attempts", prepare_on_open)


def _scores() -> None:
    from .selectors.scores import has_results
    from .services.passing import notices_end_due
    from .todos.scores import score_todos

    register_nav(
        NavItem(
            "exam_my_scores",
            _("我的考核成绩"),
            "exam_public:my_scores",
            "person.self",
            order=405,
            shown_to=has_results,
        )
    )
    register_nav(
        NavItem(
            "exam_scores",
            _("考核成绩"),
            "exams:score_session_list",
            MANAGE_OR_SUPERVISE,
            group=EXAM_GROUP,
            order=356,
        )
    )
    register_todo("exams.scores", score_todos)
    register_tick("exams.score_notices", notices_end_due)


def _archives() -> None:
    from .todos import archives as archive_todos

    register_nav(
        NavItem(
            "exam_archives",
            _("考核档案"),
            "exams:archive_list",
            MANAGE_OR_SUPERVISE,
            group=EXAM_GROUP,
            order=395,
        )
    )
    register_todo("exams.archives_past_retention", archive_todos.records_past_retention)


def _demo() -> None:
    from peiyu.core.registry import DemoLogin, register_demo_accounts

    from .demo import section

    register_demo_section("exams", section.build)
    logins = [DemoLogin(username, (13,), does) for username, does in section.LOGINS]  # type: ignore[arg-type]
    register_demo_accounts("exams", logins)
