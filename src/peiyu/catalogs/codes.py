"""Code formats shared by the models (field validators) and the rules (import checks)."""

from __future__ import annotations

import re

# Occupational classification code: major group (1 digit), then three 2-digit parts: 2-02-38-01.
OCCUPATION_CODE = re.compile(r"^\d-\d{2}-\d{2}-\d{2}$")
# A trade (工种) carries its occupation's code, optionally followed by a 2-digit trade serial.
TRADE_CODE = re.compile(r"^\d-\d{2}-\d{2}-\d{2}(-\d{2})?$")
REGION_CODE = re.compile(r"^\d{6}$")

OCCUPATION_CODE_HINT = "应为 6-xx-xx-xx 形式（x 为数字）"
TRADE_CODE_HINT = "应为 6-xx-xx-xx 或 6-xx-xx-xx-xx 形式（x 为数字）"
