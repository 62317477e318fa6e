from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "peiyu.training"
    label = "training"
    verbose_name = "培训"

    def ready(self) -> None:
        from . import hooks

        hooks.register()
