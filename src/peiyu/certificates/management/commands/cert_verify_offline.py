"""`peiyu cert_verify_offline --keys keys.json <payload|URL|file>…`: check certificate QR payloads
against a published keys file with no network and no database (CRT-5; ADR 0014) — the bulk companion
of the offline verifier page. Each argument is a payload, a scanned URL (…/v/<payload>) or a file of
them, one a line ("-": standard input). Prints one line per payload; exits 1 when any fails."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from peiyu.certificates.rules.payload import payload_verify
from peiyu.certificates.rules.verification import keys_from_document, payload_of


def _lines(sources: list[str]) -> Iterator[str]:
    for source in sources:
        if source == "-":
            yield from (line for line in sys.stdin if line.strip())
        elif _is_file(source):
            yield from (
                line for line in Path(source).read_text(encoding="utf-8").splitlines() if line.strip()
            )
        elif "." in source:
            yield source
        else:
            raise CommandError(f"不是二维码内容，也不是文件：{source}")


def _is_file(source: str) -> bool:
    try:
        return Path(source).is_file()
    except OSError:  # a payload longer than a file name may be
        return False


class Command(BaseCommand):
    help = "离线核验证书二维码签名（依据公布的公钥文件，不联网、不读数据库）"
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--keys", required=True, help="公布的公钥文件（/certificates/keys.json）")
        parser.add_argument("--json", action="store_true", dest="as_json", help="每条输出一行 JSON")
        parser.add_argument(
            "sources", nargs="+", help="二维码内容、扫码网址，或每行一条的文件（- 为标准输入）"
        )

    def handle(self, *args: Any, keys: str, as_json: bool, sources: list[str], **options: Any) -> None:
        try:
            public, revoked = keys_from_document(_load(keys))
        except (OSError, ValueError) as exc:
            raise CommandError(f"公钥文件无法读取：{exc}") from exc
        failed = total = 0
        for line in _lines(sources):
            total += 1
            verdict = payload_verify(payload_of(line), public, revoked=revoked)
            claims = verdict.payload
            failed += not verdict.ok
            if as_json:
                self.stdout.write(_json_line(verdict, claims))
            else:
                what = (
                    f"{claims.number} {claims.occupation_code} {claims.level} {claims.issued_on}"
                    if claims
                    else "—"
                )
                self.stdout.write(f"{'有效' if verdict.ok else '无效'}\t{what}\t{verdict.text}")
        self.stderr.write(f"共 {total} 条：签名有效 {total - failed} 条，无效 {failed} 条")
        if failed:
            sys.exit(1)


def _load(path: str) -> Any:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _json_line(verdict: Any, claims: Any) -> str:
    return json.dumps(
        {
            "ok": verdict.ok,
            "verdict": verdict.verdict.value,
            "text": verdict.text,
            "number": claims.number if claims else None,
            "kind": claims.kind if claims else None,
            "occupation_code": claims.occupation_code if claims else None,
            "level": claims.level if claims else None,
            "issued_on": claims.issued_on.isoformat() if claims else None,
            "key_id": claims.key_id if claims else None,
        },
        ensure_ascii=False,
    )
