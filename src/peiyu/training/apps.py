from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "peiyu.training"
    label = "training"
    verbose_name = "培训"

    def ready(self) -> None:
        from . import demo, todos  # noqa: F401 - to-do providers register themselves (nav entries: in views modules)
        from .services import anomalies  # noqa: F401 - its `peiyu tick` handler registers itself

        demo.register()
