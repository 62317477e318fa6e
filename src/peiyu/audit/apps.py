from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "peiyu.audit"
    label = "audit"
    verbose_name = "审计"
