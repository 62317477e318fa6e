from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "peiyu.accounts"
    label = "accounts"
    verbose_name = "账户与机构"

    def ready(self) -> None:
        from peiyu.core.permissions import set_capability_checker, set_scope_provider

        from . import signals  # noqa: F401
        from .navigation import register
        from .scoping import capabilities_of, scope_for

        set_capability_checker(lambda user, cap: cap in capabilities_of(user))
        set_scope_provider(scope_for)
        register()
