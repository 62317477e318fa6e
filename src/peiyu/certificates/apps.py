from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "peiyu.certificates"
    label = "certificates"
    verbose_name = "证书"

    def ready(self) -> None:
        from . import hooks

        hooks.register()
