"""Completion of a class (TRN-4, TRN-6, TRN-7, EVL-7). Pure: facts and the profile's values in, Checks out.

Reading of TRN-4 at completion. The plan fixed the online share of its hours when it was filed; at
completion the trainee's learnt minutes count towards the required hours (plan total × 60) with the
online minutes credited at most `online_hours_max_ratio` × the required minutes. Online minutes above
that cap are not credited (they do not count, and they cannot make up for missing offline minutes);
they are kept in the facts so the officials see them. A profile without the ratio credits every online
minute.

TRN-6. Only a trainee who completed the required hours may sit the completion exam; passing it (score
at least the pass mark) completes the class and earns the training certificate. The pass mark is the
profile's `pass_score` (EVL-7) where it sets one; otherwise the institution states its pass mark when
it completes the class and the decision keeps it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from peiyu.core.checks import Check

from .plans import ListingFacts, suspension_source, validity_source

SOURCE_TRN6 = "003 四（三）"
SOURCE_TRN4 = "002 五"
SCORE_MIN, SCORE_MAX = Decimal("0"), Decimal("100")
ONE_DECIMAL = Decimal("0.1")


@dataclass(frozen=True)
class Hours:
    """A trainee's learnt minutes against the plan, after the online cap."""

    offline_minutes: int
    online_minutes: int
    credited_online: int
    required_minutes: int
    online_cap: int | None  # minutes, None when the profile sets no ratio

    @property
    def done(self) -> int:
        return self.offline_minutes + self.credited_online

    @property
    def uncredited_online(self) -> int:
        return self.online_minutes - self.credited_online

    @property
    def complete(self) -> bool:
        return self.done >= self.required_minutes

    def facts(self) -> dict:
        return {
            "offline_minutes": self.offline_minutes,
            "online_minutes": self.online_minutes,
            "credited_online_minutes": self.credited_online,
            "uncredited_online_minutes": self.uncredited_online,
            "done_minutes": self.done,
            "required_minutes": self.required_minutes,
            "online_cap_minutes": self.online_cap,
            "hours_done": _hours(self.done),
            "hours_required": _hours(self.required_minutes),
            "online_share": _share(self.credited_online, self.done),
        }


def _hours(minutes: int) -> str:
    return str((Decimal(minutes) / 60).quantize(ONE_DECIMAL, rounding=ROUND_DOWN))


def _share(part: int, whole: int) -> str:
    return str((Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"))) if whole else "0"


def hours(offline_minutes: int, online_minutes: int, total_hours: int, max_ratio: Decimal | None) -> Hours:
    """The minutes that count: offline in full, online up to ratio × required minutes (TRN-4)."""
    required = max(0, int(total_hours)) * 60
    cap = (
        None
        if max_ratio is None
        else int((Decimal(required) * Decimal(max_ratio)).to_integral_value(ROUND_DOWN))
    )
    offline, online = max(0, int(offline_minutes)), max(0, int(online_minutes))
    credited = online if cap is None else min(online, cap)
    return Hours(offline, online, credited, required, cap)


def online_credit(h: Hours, *, profile: str, max_ratio: Decimal | None) -> Check:
    """TRN-4: how much of the online learning counts. Informational (never blocks by itself): what is
    above the cap simply does not count towards TRN-6."""
    facts = {**h.facts(), "max_ratio": None if max_ratio is None else str(max_ratio), "profile": profile}
    if h.online_cap is None:
        return Check("TRN-4", True, "政策配置未设定线上学时占比上限，线上学习全部计入", facts, SOURCE_TRN4)
    assert max_ratio is not None, "online_cap is computed from max_ratio: both set or both None"
    percent = (Decimal(max_ratio) * 100).normalize()
    if h.uncredited_online:
        return Check(
            "TRN-4",
            True,
            f"线上学习 {h.online_minutes} 分钟超过上限 {h.online_cap} 分钟（要求学时的 {percent:f}%），"
            f"超出的 {h.uncredited_online} 分钟不计入学时",
            facts,
            SOURCE_TRN4,
        )
    return Check(
        "TRN-4",
        True,
        f"线上学习 {h.online_minutes} 分钟，未超过上限 {h.online_cap} 分钟，全部计入",
        facts,
        SOURCE_TRN4,
    )


def hours_completed(h: Hours) -> Check:
    """TRN-6: the required hours done (offline + credited online ≥ plan total × 60)."""
    if h.complete:
        msg = f"已完成学时 {_hours(h.done)} 学时，达到要求的 {_hours(h.required_minutes)} 学时"
    else:
        msg = (
            f"已完成学时 {_hours(h.done)} 学时（线下 {h.offline_minutes} 分钟，计入线上 {h.credited_online} 分钟），"
            f"未达到要求的 {_hours(h.required_minutes)} 学时，不能参加结业考核"
        )
    return Check("TRN-6", h.complete, msg, h.facts(), SOURCE_TRN6, True)


def eligibility(
    offline_minutes: int, online_minutes: int, total_hours: int, max_ratio: Decimal | None, *, profile: str
) -> list[Check]:
    """TRN-6 eligibility for the completion exam, with the TRN-4 online credit it rests on."""
    h = hours(offline_minutes, online_minutes, total_hours, max_ratio)
    return [online_credit(h, profile=profile, max_ratio=max_ratio), hours_completed(h)]


@dataclass(frozen=True)
class PassMark:
    value: Decimal
    source: str  # "profile" or "stated"
    profile: str
    stated: Decimal | None = None

    def facts(self) -> dict:
        return {
            "pass_mark": str(self.value),
            "source": self.source,
            "profile": self.profile,
            "stated": None if self.stated is None else str(self.stated),
        }


def pass_mark_for(profile_value, stated: Decimal | None, *, profile: str) -> PassMark | None:
    """The profile's pass_score where it sets one (a stated mark is then only recorded), else the
    mark the institution stated; None when neither is there (the caller asks for it)."""
    if profile_value is not None:
        return PassMark(Decimal(str(profile_value)), "profile", profile, stated)
    if stated is not None:
        return PassMark(Decimal(stated), "stated", profile, stated)
    return None


def pass_mark_check(mark: PassMark) -> Check:
    if mark.source == "profile":
        msg = f"结业考核合格分数线 {mark.value} 分（政策配置规定）"
    else:
        msg = f"政策配置未设定合格分数线，按机构结业时声明的 {mark.value} 分"
    return Check("EVL-7", True, msg, mark.facts(), SOURCE_TRN6)


def exam_passed(score: Decimal | None, mark: PassMark) -> Check:
    """TRN-6: the completion exam passed (score ≥ pass mark)."""
    facts = {"score": None if score is None else str(score), "pass_mark": str(mark.value)}
    if score is None:
        return Check("TRN-6", False, "未录入结业考核成绩", facts, SOURCE_TRN6, True)
    if score >= mark.value:
        return Check(
            "TRN-6",
            True,
            f"结业考核成绩 {score} 分，达到合格分数线 {mark.value} 分",
            facts,
            SOURCE_TRN6,
            True,
        )
    return Check(
        "TRN-6", False, f"结业考核成绩 {score} 分，低于合格分数线 {mark.value} 分", facts, SOURCE_TRN6, True
    )


def passed(checks: list[Check]) -> bool:
    return all(c.ok for c in checks if c.blocking)


def parse_score(raw) -> tuple[Decimal | None, str | None]:
    """A completion exam score: 0–100 with at most one decimal. (value, None) or (None, message)."""
    text = str(raw if raw is not None else "").strip()
    if not text:
        return None, "请填写成绩"
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        return None, "成绩应为数字"
    if not value.is_finite():
        return None, "成绩应为数字"
    if value < SCORE_MIN or value > SCORE_MAX:
        return None, "成绩应在0至100之间"
    if value != value.quantize(ONE_DECIMAL):
        return None, "成绩最多保留一位小数"
    return value.quantize(ONE_DECIMAL), None


def parse_pass_mark(raw) -> tuple[Decimal | None, str | None]:
    if raw is None or str(raw).strip() == "":
        return None, None
    value, error = parse_score(raw)
    if error:
        return None, error.replace("成绩", "合格分数线")
    return value, None


def report_due_on(completed_on: dt.date, days) -> dt.date | None:
    """TRN-6: the report is due `training_report_days` after completion where the profile sets it."""
    return None if days is None else completed_on + dt.timedelta(days=int(days))


def listing_allows_certificates(listing: ListingFacts, *, today: dt.date) -> Check:
    """Certificates are issued under the institution's catalog entry as it stands on the day of issue:
    a suspended or removed entry issues none while that lasts (SUP-7: suspension and revocation take effect
    everywhere), an entry out of its validity period none (DIR-1) — the same rules and sources as filing a
    plan (rules.plans). A terminated entry still issues the certificates its finished classes earned: they
    are pending work handled, not dropped (DIR-6)."""
    facts = {
        "listing": listing.number,
        "status": listing.status,
        "valid_from": listing.valid_from.isoformat(),
        "valid_until": listing.valid_until.isoformat(),
        "issued_on": today.isoformat(),
    }
    if listing.status in ("suspended", "removed"):
        return Check(
            "SUP-7",
            False,
            f"目录条目 {listing.number} 已暂停，暂停期间不得发放培训合格证书"
            if listing.status == "suspended"
            else f"目录条目 {listing.number} 已退出目录，不得发放培训合格证书",
            facts,
            suspension_source(listing),
            True,
        )
    if listing.status in ("expired", "forfeited") or not listing.valid_from <= today <= listing.valid_until:
        return Check(
            "DIR-1",
            False,
            f"目录条目 {listing.number} 今日不在有效期内（{listing.valid_from}至{listing.valid_until}），"
            "不能发放培训合格证书",
            facts,
            validity_source(listing),
            True,
        )
    return Check(
        "DIR-1",
        True,
        f"目录条目 {listing.number} 在有效期内（至{listing.valid_until}），未暂停",
        facts,
        validity_source(listing),
    )
