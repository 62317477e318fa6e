from typing import Any

from django.core.management.base import BaseCommand

from peiyu.core.policy import load_policy_files


class Command(BaseCommand):
    help = "载入 src/peiyu/policies/*.yaml 政策配置；内容有变化的文件生成新版本"

    def handle(self, *args: Any, **options: Any) -> None:
        created = load_policy_files()
        for v in created:
            self.stdout.write(f"{v.profile.name}@v{v.version} 生效于 {v.effective_from}")
        self.stdout.write(self.style.SUCCESS(f"政策配置已载入，新增版本 {len(created)} 个"))
