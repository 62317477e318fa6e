from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "peiyu.audit"
    label = "audit"
    verbose_name = "审计"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from peiyu.core.registry import NavItem, register_nav

        register_nav(NavItem("audit_verify", _("审计链校验"), "audit:verify", "audit.verify", order=920))
