from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from peiyu.catalogs.services import MODES, trades_import
from peiyu.core.errors import DomainError


class Command(BaseCommand):
    help = "从 .xlsx 或 .csv 导入工种（列：工种编码、工种名称、职业编码）"

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--mode", choices=MODES, default="all_or_nothing")
        parser.add_argument("--actor", help="以该用户名记录审计（默认：系统）")

    def handle(self, *args, file: Path, mode: str, actor: str | None, **options):
        user = None
        if actor:
            from django.contrib.auth import get_user_model

            user = get_user_model().objects.filter(username=actor).first()
            if user is None:
                raise CommandError(f"用户不存在：{actor}")
        try:
            report = trades_import(actor=user, file_bytes=file.read_bytes(), filename=file.name, mode=mode)
        except OSError as exc:
            raise CommandError(f"无法读取文件：{exc}") from exc
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        for error in report.errors:
            self.stdout.write(str(error))
        self.stdout.write(
            f"rows={report.rows_total} valid={report.rows_valid} created={report.created} "
            f"updated={report.updated} unchanged={report.unchanged} errors={len(report.error_rows)} "
            f"written={report.written}"
        )
        if report.errors and mode == "all_or_nothing":
            raise CommandError("文件有错误，未写入任何数据")
