"""What training plugs in: its menu entries, workbench to-dos, `peiyu tick` handler, demo section and
background tasks."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from peiyu.core.registry import (
    NavItem,
    register_demo_section,
    register_extension,
    register_nav,
    register_task,
    register_tick,
    register_todo,
)

# the menu folds these under one entry for whoever sees several of them (core.registry.NavItem.group)
TRAINING_GROUP = _("培训")

MANAGE_OR_SUPERVISE = "training.manage|training.supervise"


def register() -> None:
    from peiyu.institutions.selectors.listings import VOLUME_POINT

    from . import tasks
    from .demo import section as demo
    from .selectors import volumes
    from .selectors.trainees import is_trainee
    from .services import anomalies, roster_stale
    from .todos import attendance, classes, completion

    register_nav(
        NavItem(
            "training_plans",
            _("培训计划"),
            "training:plan_list",
            MANAGE_OR_SUPERVISE,
            group=TRAINING_GROUP,
            order=300,
        )
    )
    register_nav(
        NavItem(
            "training_teachers",
            _("师资"),
            "training:teacher_list",
            "training.manage",
            group=TRAINING_GROUP,
            order=305,
        )
    )
    register_nav(
        NavItem(
            "training_classes",
            _("培训班"),
            "training:class_list",
            MANAGE_OR_SUPERVISE,
            group=TRAINING_GROUP,
            order=310,
        )
    )
    register_nav(
        NavItem(
            "training_reports",
            _("培训情况报告"),
            "training:report_list",
            MANAGE_OR_SUPERVISE,
            group=TRAINING_GROUP,
            order=320,
        )
    )
    register_nav(
        NavItem(
            "training_anomalies",
            _("考勤异常"),
            "training:anomaly_list",
            "training.supervise|training.manage",
            group=TRAINING_GROUP,
            order=330,
        )
    )
    register_nav(
        NavItem(
            "platform_keys",
            _("学习记录接口密钥"),
            "training:platform_keys",
            "training.online_records",
            order=340,
        )
    )
    # a trainee's own pages: for a trainee (record or role), not every holder of person.self
    trainee = is_trainee
    register_nav(
        NavItem(
            "my_enrolments",
            _("我的报名"),
            "training:my_enrolments",
            "person.self",
            order=395,
            shown_to=trainee,
        )
    )
    register_nav(
        NavItem(
            "my_training", _("我的培训"), "training:my_training", "person.self", order=400, shown_to=trainee
        )
    )
    register_nav(
        NavItem("my_photo", _("证件照"), "training:my_photo", "person.self", order=402, shown_to=trainee)
    )

    register_todo("training_class_openings", classes.opening_todos)
    register_todo("training_class_late_start", classes.late_start_todos)
    register_todo("training.attendance_anomalies", attendance.anomaly_todos)
    register_todo("training.completion.reports", completion.report_todos)
    register_todo("training.completion.evaluations", completion.evaluation_todos)

    register_tick("training.anomaly_scans", anomalies.anomaly_scans_left)
    register_tick("training.roster_imports_stale", roster_stale.roster_imports_fail_stale)
    register_extension(VOLUME_POINT, "training.persons_trained", volumes.persons_trained)
    register_demo_section("training", demo.build)
    register_task(tasks.roster_import_task)
    register_task(tasks.anomaly_scan_task)
