from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "peiyu.accounts"
    label = "accounts"
    verbose_name = "账户与机构"

    def ready(self) -> None:
        from . import hooks

        hooks.register()
