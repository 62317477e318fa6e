from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from peiyu.audit.verify import verify_and_record


class Command(BaseCommand):
    help = "审计链操作：verify 校验 SM3 哈希链，指出第一条被修改或删除的记录"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        result = verify_and_record(None)
        if result.ok:
            self.stdout.write(self.style.SUCCESS(f"审计链完整：已校验 {result.checked} 条记录"))
            return
        for brk in result.breaks:
            self.stderr.write(brk.describe())
        raise CommandError(f"审计链被破坏：{len(result.breaks)} 条链有问题")
