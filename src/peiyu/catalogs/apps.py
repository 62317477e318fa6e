from django.apps import AppConfig


class CatalogsConfig(AppConfig):
    name = "peiyu.catalogs"
    label = "catalogs"
    verbose_name = "参考目录"

    def ready(self) -> None:
        from . import hooks

        hooks.register()
