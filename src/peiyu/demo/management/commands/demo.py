"""`peiyu demo`: one command from a fresh clone to a running, populated platform."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from peiyu.accounts.services.roles import roles_load
from peiyu.core.policy import load_policy_files
from peiyu.demo.data import DEMO_PASSWORD, build_demo


class Command(BaseCommand):
    help = "安装并启动演示：迁移 SQLite 数据库、载入参考数据与政策配置、生成演示数据、打印演示账户并启动服务"

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--no-serve", action="store_true", help="只准备数据，不启动服务")
        parser.add_argument("--workers", type=int, default=2)

    def handle(self, *args, port, host, no_serve, workers, **options):
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        self.stdout.write("· 数据库迁移 …")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("· 参考数据（行政区划、职业、等级、行业）…")
        call_command("load_reference", verbosity=0)
        self.stdout.write("· 角色与政策配置 …")
        roles_load()
        load_policy_files()
        self.stdout.write("· 演示数据 …")
        accounts = build_demo()
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"演示账户（密码均为 {DEMO_PASSWORD}）："))
        from peiyu.accounts.models import Role

        role_names = dict(Role.objects.values_list("code", "name"))
        width = max(len(a.username) for a in accounts)
        for a in accounts:
            role = role_names.get(a.role, a.role)
            self.stdout.write(f"  {a.username.ljust(width)}  {a.full_name:<4}  {role}（{a.journey}）")
        self.stdout.write("")
        self.stdout.write(f"数据库：{settings.DATABASES['default']['NAME']}")
        if no_serve:
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"访问 http://{host}:{port}/  （公共门户）  登录：http://{host}:{port}/accounts/login/"
            )
        )
        call_command("serve", host=host, port=port, workers=workers)
