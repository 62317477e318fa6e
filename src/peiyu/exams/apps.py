from django.apps import AppConfig


class ExamsConfig(AppConfig):
    name = "peiyu.exams"
    label = "exams"
    verbose_name = "考核"

    def ready(self) -> None:
        from . import hooks

        hooks.register()
