"""`peiyu create_admin`: the first system, security and audit administrators of a new installation,
three different people (three-role separation). Later users are created by the security administrator."""

import getpass

from django.core.management.base import BaseCommand, CommandError

from peiyu.accounts.services.bootstrap import admin_bootstrap
from peiyu.core.errors import DomainError


class Command(BaseCommand):
    help = "创建初始管理员（系统管理员、安全管理员、审计管理员须为三个不同账户）"

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--full-name", default="")
        parser.add_argument("--role", required=True, choices=["sysadmin", "secadmin", "auditor"])
        parser.add_argument("--org-name", default="培育平台运营中心")
        parser.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码")

    def handle(self, *args, username, full_name, role, org_name, password_stdin, **options):
        import sys

        password = sys.stdin.readline().rstrip("\n") if password_stdin else getpass.getpass("密码：")
        try:
            user = admin_bootstrap(
                username=username, full_name=full_name, role_code=role, password=password, org_name=org_name
            )
        except DomainError as exc:
            detail = "；".join(m for msgs in exc.fields.values() for m in msgs)
            raise CommandError(f"{exc.message}{'：' + detail if detail else ''}") from exc
        self.stdout.write(self.style.SUCCESS(f"已创建 {user.username}（{role}）"))
