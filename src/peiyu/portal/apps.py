from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "peiyu.portal"
    label = "portal"
    verbose_name = "公共服务门户"

    def ready(self) -> None:
        from . import hooks

        hooks.register()
