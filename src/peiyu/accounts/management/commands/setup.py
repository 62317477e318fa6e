"""`peiyu setup`: what a fresh production database needs before first use (idempotent)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from peiyu.accounts.services.roles import roles_load
from peiyu.core.policy import load_policy_files


class Command(BaseCommand):
    help = "初始化：数据库迁移、参考数据、角色、政策配置（可重复执行）"

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_reference", verbosity=0)
        changed = roles_load()
        versions = load_policy_files()
        call_command("load_calls", verbosity=0)
        self.stdout.write(
            self.style.SUCCESS(f"初始化完成：角色变更 {changed} 个，政策新版本 {len(versions)} 个")
        )
        self.stdout.write("下一步：peiyu create_admin --role sysadmin|secadmin|auditor 分别创建三名管理员")
