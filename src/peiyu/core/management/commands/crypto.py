from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from peiyu.core.rotation import rotate_encrypted_fields


class Command(BaseCommand):
    help = "个人信息加密密钥轮换：rotate 用当前密钥（PEIYU_SM4_KEYS 第一个）重新加密所有旧密钥密文"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["rotate"])
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--batch", type=int, default=2000)

    def handle(
        self, *args: Any, action: str, dry_run: bool = False, batch: int = 2000, **options: Any
    ) -> None:
        counts = rotate_encrypted_fields(dry_run=dry_run, batch=batch)
        for label, n in counts.items():
            self.stdout.write(f"{label}: {n}")
        verb = "需重新加密" if dry_run else "已重新加密"
        self.stdout.write(self.style.SUCCESS(f"{verb} {sum(counts.values())} 个字段值"))
