from django.apps import AppConfig


class InstitutionsConfig(AppConfig):
    name = "peiyu.institutions"
    label = "institutions"
    verbose_name = "机构目录"

    def ready(self) -> None:
        from . import hooks

        hooks.register()
