"""Roster import (TRN-13): rows/s of `roster_import_run` on an xlsx of PEIYU_BENCH_ROSTER_ROWS realistic rows
(valid ID numbers with their check digits, Chinese names, phones) into one Hubei class — read, validate,
TRN-8 eligibility under hubei-dte, blind index, SM4 encryption, bulk insert of trainees and enrolments,
one transaction — against django-import-export importing the same rows into the same Trainee model
(a ModelResource doing the same validation, with encryption through the model field; import_data with
dry_run=False, use_transactions=True), on all the rows unless PEIYU_BENCH_ROSTER_REFERENCE_ROWS says a
sample, and rolled back."""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import time

from peiyu_bench import say, scenario

ROWS = int(os.environ.get("PEIYU_BENCH_ROSTER_ROWS", "100000"))
# the reference imports the same rows, all of them by default (about 1 000 rows/s: ~2 min for
# 100 000); a smaller sample (PEIYU_BENCH_ROSTER_REFERENCE_ROWS) is quicker and flatters it a little,
# as its per-row lookup runs on a smaller table
REFERENCE_ROWS = min(ROWS, int(os.environ.get("PEIYU_BENCH_ROSTER_REFERENCE_ROWS", str(ROWS))))
HEADER = ["序号", "姓名", "身份证号码", "手机号码", "性别", "工作单位", "人员类别"]
# a few real county-level codes (GB/T 2260) across provinces
REGIONS = ["420102", "420106", "420111", "110105", "310104", "440305", "330106", "510107", "210102", "350102"]
CATEGORIES = ["在职职工", "新就业形态劳动者", "自由职业者", "应届毕业生"]
EMPLOYERS = ["武汉光谷信息技术有限公司", "湖北楚天数据科技有限公司", "武汉江城智能科技有限公司", ""]


def roster_rows(n: int, seed: int = 2026) -> list[list[str]]:
    """n distinct people aged about 18 to 50 on 2026-03-02, every ID number valid and unique."""
    from peiyu.core.identifiers import id_with_check
    from peiyu.demo.scale_names import person_name as _person_name
    from peiyu.demo.scale_names import phone_number as _phone

    rng = random.Random(seed)
    first = dt.date(1976, 1, 1)
    days = (dt.date(2007, 12, 31) - first).days
    rows = []
    for i in range(n):
        region = REGIONS[i % len(REGIONS)]
        born = first + dt.timedelta(days=(i // len(REGIONS)) % days)
        seq = i // (len(REGIONS) * days)
        sex_digit = rng.randrange(10)
        number = id_with_check(f"{region}{born:%Y%m%d}{seq:02d}{sex_digit}")
        rows.append([
            str(i + 1),
            _person_name(rng),
            number,
            _phone(rng),
            "男" if sex_digit % 2 else "女",
            rng.choice(EMPLOYERS),
            rng.choice(CATEGORIES),
        ])  # fmt: skip
    return rows


def xlsx(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("花名册")
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def hubei_class():
    from peiyu.accounts.models import Org
    from peiyu.core.policy import load_policy_files
    from peiyu.institutions.models import Listing
    from peiyu.training.models import TrainingClass, TrainingPlan

    load_policy_files()
    inst = Org.objects.create(name="武汉光谷数字技能培训学校（基准）", kind="institution", region_id="420100")
    listing = Listing.objects.create(
        number="LT-BENCH-ROSTER",
        programme="dte",
        institution=inst,
        institution_name=inst.name,
        kind="training",
        occupation_code="2-02-38-01",
        occupation_name="人工智能工程技术人员",
        levels=["初级"],
        region_id="420100",
        valid_from=dt.date(2025, 1, 1),
        valid_until=dt.date(2030, 12, 31),
        status="active",
    )
    plan = TrainingPlan.objects.create(
        number="TP-BENCH-ROSTER",
        institution=inst,
        listing=listing,
        programme="dte",
        occupation_code=listing.occupation_code,
        occupation_name=listing.occupation_name,
        level="初级",
        region_id="420100",
        title="人工智能工程技术人员（初级）培训",
        starts_on=dt.date(2026, 4, 1),
        ends_on=dt.date(2026, 6, 30),
        status="filed",
    )
    return TrainingClass.objects.create(
        number="TC-BENCH-ROSTER",
        plan=plan,
        title="基准班",
        region_id="420100",
        capacity=0,  # no cap: all 100 000 rows go in
        starts_on=dt.date(2026, 4, 1),
        ends_on=dt.date(2026, 6, 30),
        status="announced",
    )


def reference_resource():
    """django-import-export's ordinary path: a ModelResource for Trainee, one row at a time, with the
    same checks (ID number and its check digit, name, phone) and the ID number encrypted by the field."""
    from import_export import fields, resources

    from peiyu.core.crypto import blind_index
    from peiyu.core.errors import InvalidInput
    from peiyu.core.identifiers import id_birth_date, id_sex, validate_id_number
    from peiyu.training.models import Trainee

    class TraineeResource(resources.ModelResource):
        name = fields.Field(attribute="name", column_name="姓名")
        id_number = fields.Field(attribute="id_number", column_name="身份证号码")
        phone = fields.Field(attribute="phone", column_name="手机号码")
        employer = fields.Field(attribute="employer", column_name="工作单位")
        category = fields.Field(attribute="category", column_name="人员类别")
        id_index = fields.Field(attribute="id_index", column_name="id_index")

        class Meta:
            model = Trainee
            fields = ("name", "id_number", "phone", "employer", "category", "id_index", "sex", "birth_date")
            import_id_fields = ("id_index",)
            skip_unchanged = False
            use_bulk = False

        def before_import_row(self, row, **kwargs):
            try:
                number = validate_id_number(str(row.get("身份证号码") or ""))
            except InvalidInput as exc:
                raise ValueError(exc.message) from exc
            name = str(row.get("姓名") or "").strip()
            if not 2 <= len(name) <= 30:
                raise ValueError("姓名应为2至30个字")
            row["身份证号码"] = number
            for column in ("工作单位", "人员类别", "手机号码"):
                row[column] = str(row.get(column) or "").strip()
            row["id_index"] = blind_index(number, "person_id_number")
            row["sex"] = id_sex(number)
            row["birth_date"] = id_birth_date(number).isoformat()

    return TraineeResource()


def reference(rows: list[list[str]]) -> dict:
    import tablib
    from django.db import transaction

    data = xlsx(rows)
    started = time.perf_counter()
    dataset = tablib.Dataset().load(io.BytesIO(data), format="xlsx")
    dataset.append_col(["" for _ in range(len(dataset))], header="id_index")
    dataset.append_col(["" for _ in range(len(dataset))], header="sex")
    dataset.append_col(["" for _ in range(len(dataset))], header="birth_date")
    with transaction.atomic():
        result = reference_resource().import_data(
            dataset, dry_run=False, use_transactions=True, raise_errors=True
        )
        seconds = time.perf_counter() - started
        if result.has_errors() or result.has_validation_errors():
            raise RuntimeError("django-import-export refused rows of the reference sample")
        created = result.totals["new"]
        transaction.set_rollback(True)  # the same rows go in again through roster_import_run
    return {
        "rows": len(rows),
        "created": created,
        "seconds": round(seconds, 2),
        "rows_per_second": len(rows) / seconds,
    }


def _sample(n: int) -> str:
    return "the same rows" if n == ROWS else f"measured on a {n:,}-row sample of the same rows"


@scenario("roster", "roster import rows/s (validate + TRN-8 + encrypt + insert) vs django-import-export")
def roster_scenario(b) -> dict:
    b.reference_data()
    import hashlib

    from django.utils import timezone

    from peiyu.training.models import Enrolment, RosterImport, Trainee
    from peiyu.training.services.roster_import import roster_import_run

    say(f"  building {ROWS:,} rows …")
    rows = roster_rows(ROWS)
    content = xlsx(rows)
    say(
        f"  xlsx: {len(content) / 1048576:.1f} MB; reference sample {REFERENCE_ROWS:,} rows through django-import-export …"
    )
    ref = reference(rows[:REFERENCE_ROWS])
    say(
        f"    django-import-export: {ref['rows_per_second']:,.0f} rows/s ({ref['rows']:,} rows in {ref['seconds']} s)"
    )
    klass = hubei_class()
    imp = RosterImport.objects.create(
        klass=klass,
        filename="roster.xlsx",
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        mode="all",
    )
    say(f"  roster_import_run on {ROWS:,} rows (today {timezone.localdate()}) …")
    started = time.perf_counter()
    imp = roster_import_run(imp.pk)
    seconds = time.perf_counter() - started
    if imp.status != RosterImport.Status.DONE or imp.enrolled != ROWS:
        raise RuntimeError(f"import {imp.status}: {imp.message} {imp.errors[:3]}")
    # every row a person of its own, enrolled in the class (other scenarios may have made other people)
    made = Trainee.objects.filter(enrolments__klass=klass).count()
    if made != ROWS or Enrolment.objects.filter(klass=klass).count() != ROWS:
        raise RuntimeError(f"{made:,} people enrolled in the class, not {ROWS:,}")
    rps = ROWS / seconds
    ratio = rps / ref["rows_per_second"]
    figure = {
        "rows": ROWS,
        "seconds": round(seconds, 2),
        "rows_per_second": round(rps, 1),
        "file_bytes": len(content),
    }
    line = (
        f"{rps:,.0f} rows/s ({ROWS:,} xlsx rows: parse, validate, TRN-8 under hubei-dte, SM4 encryption, blind index, "
        f"{ROWS:,} trainees + {ROWS:,} enrolments in {seconds:.1f} s) vs django-import-export "
        f"{ref['rows_per_second']:,.0f} rows/s ({_sample(ref['rows'])}, trainees only, rolled back) ({ratio:.1f}×)"
    )
    return {"figure": figure, "reference": ref, "ratio_pct": round(ratio * 100, 1), "line": line}
