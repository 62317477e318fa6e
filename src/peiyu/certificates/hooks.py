"""What certificates plugs in: its menu entries, workbench to-dos, `peiyu tick` handlers, demo section,
background tasks and its contributions to lower apps' extension points (the enrolment's certificate on
training's pages, ADR 0007 §4). Each area registers its own in its block below."""

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
CERTIFICATE_GROUP = _("证书")


def register() -> None:
    _keys()
    _templates()
    _batches()
    _certificates()
    _verification()
    _invalidations()
    _wallet()
    _training()
    _demo()


def _keys() -> None:
    register_nav(
        NavItem(
            "certificate_keys",
            _("签名密钥"),
            "certificates:key_list",
            "certificate.keys",
            group=CERTIFICATE_GROUP,
            order=397,
        )
    )


def _templates() -> None:
    from .todos import templates as todos

    register_nav(NavItem("certificate_templates", _("证书样式"), "certificates:template_list",
                         "certificate.issue|certificate.confirm", group=CERTIFICATE_GROUP, order=398))  # fmt: skip
    register_todo("certificates.templates_held", todos.templates_held)


def _batches() -> None:
    from . import tasks
    from .todos import batches as todos

    register_nav(NavItem("certificate_batches", _("证书数据报送"), "certificates:batch_list",
                         "certificate.issue|certificate.confirm|certificate.approve|certificate.view", group=CERTIFICATE_GROUP, order=396))  # fmt: skip
    register_todo("certificates.batches_institution", todos.institution_todos)
    register_todo("certificates.batches_province", todos.province_todos)
    register_todo("certificates.batches_office", todos.office_todos)
    register_task(tasks.batch_issue_task)


def _certificates() -> None:
    register_nav(
        NavItem("certificates", _("证书查询"), "certificates:certificate_list", "certificate.issue|certificate.view",
                group=CERTIFICATE_GROUP, order=390)
    )  # fmt: skip


def _verification() -> None:
    pass


def _invalidations() -> None:
    from .todos import invalidations as todos

    register_nav(
        NavItem("certificate_invalidations", _("证书无效认定"), "certificates:invalidation_list",
                "certificate.invalidate", group=CERTIFICATE_GROUP, order=391)
    )  # fmt: skip
    register_todo("certificates.invalidation_statements_due", todos.statements_due)
    register_todo("certificates.invalidation_decisions_due", todos.decisions_due)


def _wallet() -> None:
    from .selectors.certificates import has_certificates

    register_nav(
        NavItem("my_certificates", _("我的证书"), "certificates:wallet", "person.self", order=406,
                shown_to=has_certificates)
    )  # fmt: skip


def _training() -> None:
    """Training certificates moved here (ADR 0007 §4): training's pages read and issue them through
    its extension points; the certificates moved by migration 0002 are signed by the tick."""
    from peiyu.training.selectors.completion import CERTIFICATE_ISSUE_POINT, CERTIFICATE_POINT

    from .selectors.certificates_training import enrolment_certificates
    from .services.certificates_training import training_certificates_issued, training_moved_sign

    register_extension(CERTIFICATE_POINT, "certificates.training", enrolment_certificates)
    register_extension(CERTIFICATE_ISSUE_POINT, "certificates.training", training_certificates_issued)
    register_tick("certificates.training_moved_sign", training_moved_sign)


def _demo() -> None:
    from .demo.batches import build_batches
    from .demo.invalidations import build_invalidations

    register_demo_section("certificates", build_batches)
    # invalidation and reissue work on the certificates the pipeline's demo issued: after it
    register_demo_section("certificates_invalidations", build_invalidations)
    # journeys 8, 9, 14: a Hubei certificate invalidated and one reissued, the holder's account; after both
    _demo_journeys()


def _demo_journeys() -> None:
    from django.utils.functional import lazy

    from peiyu.core.registry import DemoLogin, register_demo_accounts

    from .demo.journeys import HOLDER, build_journeys, holder_text, numbers_text
    from .demo.tampered import build_tampered

    register_demo_section("certificates_journeys", build_journeys)
    # a demo certificate's PDF and a tampered copy to try on the verification page, in var/demo/
    register_demo_section("certificates_tampered", build_tampered)
    register_demo_accounts("certificates", [
        DemoLogin("inst_wh_eval_admin", (14,), "湖北数智技能评价中心：在时限内报送合格名单（证书数据），审核通过后批量颁发电子证书，对无效认定作出情况说明"),
        DemoLogin("hb_official", (14,), "湖北省人社厅：在时限内确认证书数据（可退回个别考生）并报送协调小组办公室，认定证书无效"),
        DemoLogin("cg_official", (14,), "协调小组办公室：审核省级报送的证书数据（可部分退回）"),
        DemoLogin(HOLDER, (8, 14), lazy(holder_text, str)()),
        DemoLogin("inst_cd_employer_admin", (9,), lazy(lambda: "用人单位：" + numbers_text()
                  + "；批量核验接口 POST /api/v1/certificates/verify/bulk（在“API 令牌”中创建令牌）", str)()),
        DemoLogin("exam_cand_li", (8,), "考生：成绩公示结束、机构颁发后，在“我的证书”中查看职业技能等级证书"),
    ])  # fmt: skip
