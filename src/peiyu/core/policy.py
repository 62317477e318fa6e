"""Policy profiles (RULES.md §12): loaded from YAML into versioned records; `policy_for` returns the
profile in force for a programme, region and date, with its parent's parameters inherited.

Resolution. Among the profiles of the programme whose region contains the asked region (a national
profile has no region), the most specific one with a version in force on the date wins. Its parent is
resolved on the same date; a parent whose first version is later than the date contributes that first
version, and the chain records it, so a 2023 provincial decision still shows which national values it
used."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone

from . import policy_schema
from .cache import Generation
from .errors import InvalidInput, PolicyMissing
from .models import PolicyProfile, PolicyVersion

POLICY_DIR = Path(__file__).resolve().parent.parent / "policies"
GENERATION = Generation("policy")
_local: dict[tuple[Any, ...], Any] = {}


@dataclass(frozen=True)
class Param:
    name: str
    value: Any
    rule: str
    profile: str
    note: str = ""


@dataclass(frozen=True)
class Policy:
    name: str
    version: int
    programme: str
    region_code: str
    chain: tuple[tuple[str, int], ...]
    params: dict[str, Param] = field(default_factory=dict)
    title: str = ""  # the profile's title, as people name it (湖北省数字技术工程师培育项目)

    def __contains__(self, name: str) -> bool:
        return name in self.params and self.params[name].value is not None

    def __getitem__(self, name: str) -> Any:
        if name not in self:
            spec = policy_schema.PARAMETERS.get(name)
            rules = "/".join(sorted(spec.rules)) if spec else "?"
            what = f"“{spec.label}”" if spec else name
            raise PolicyMissing(  # in words; the codes stay in the details
                f"{self.title or '适用的政策配置'}未规定{what}，请系统管理员在政策配置的新版本中设定",
                code="policy_parameter_missing",
                rule=rules,
                details={"profile": self.label, "parameter": name},
            )
        return self.params[name].value

    def get(self, name: str, default: Any = None) -> Any:
        return self[name] if name in self else default

    def rule(self, name: str) -> str:
        if name in self.params:
            return self.params[name].rule
        return "/".join(sorted(policy_schema.PARAMETERS[name].rules))

    def quota(self, name: str, region_code: str) -> int | None:
        """A quota's limit for a region: the most specific override whose code contains it."""
        q = self.get(name)
        return None if q is None else quota_limit(q, region_code)

    @property
    def label(self) -> str:
        return "<".join(f"{n}@v{v}" for n, v in self.chain)

    def stamp(self) -> dict[str, Any]:
        """What a stored decision keeps so an official can show which rules were in force."""
        return {"policy_name": self.name, "policy_version": self.version, "policy_chain": self.label}


def quota_limit(table: dict[str, Any], region_code: str) -> int:
    """A quota table's limit for a region (SEL-6): the most specific override whose code contains it,
    else the default. Profiles and calls hold tables of the same shape."""
    best: int = table["default"]
    best_len = -1
    for code, limit in (table.get("overrides") or {}).items():
        prefix = region_prefix(code)
        if region_code.startswith(prefix) and len(prefix) > best_len:
            best, best_len = limit, len(prefix)
    return best


def region_prefix(code: str) -> str:
    """GB/T 2260: province xx0000 → 'xx', city xxxx00 → 'xxxx', district → all six digits."""
    if not code:
        return ""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


# --- loading -----------------------------------------------------------------------------------------


def _canonical(data: dict[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)


def parse_profile_file(path: Path) -> dict[str, Any]:
    try:
        data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise InvalidInput(f"政策文件 {path.name} 不是有效的 YAML：{exc}", code="policy_invalid") from exc
    for key in ("name", "title", "programme", "effective_from", "parameters"):
        if key not in data:
            raise InvalidInput(f"政策文件 {path.name} 缺少 {key}", code="policy_invalid")
    data["parameters"] = {k: policy_schema.normalise(k, v) for k, v in (data["parameters"] or {}).items()}
    data["effective_from"] = dt.date.fromisoformat(str(data["effective_from"]))
    data["region_code"] = str(data.get("region_code") or "")
    return data


def load_policy_files(directory: Path = POLICY_DIR, *, actor: Any = None) -> list[PolicyVersion]:
    """Load every YAML profile; a file whose content changed since it was last loaded becomes a new
    version. Versions created by administrators are kept: only the file's own last load is compared."""
    from peiyu.audit.services import audit_record  # core may use audit (both are foundation)

    parsed = [parse_profile_file(p) for p in sorted(directory.glob("*.yaml"))]
    by_name = {d["name"]: d for d in parsed}
    created: list[PolicyVersion] = []

    def depth(d: dict[str, Any]) -> int:
        n, seen = 0, set()
        while d.get("inherits"):
            if d["name"] in seen or d["inherits"] not in by_name:
                raise InvalidInput(f"政策 {d['name']} 的继承关系无效", code="policy_invalid")
            seen.add(d["name"])
            d, n = by_name[d["inherits"]], n + 1
        return n

    with transaction.atomic():
        for data in sorted(parsed, key=depth):
            parent = PolicyProfile.objects.get(name=data["inherits"]) if data.get("inherits") else None
            profile, _ = PolicyProfile.objects.update_or_create(
                name=data["name"],
                defaults={
                    "title": data["title"],
                    "programme": data["programme"],
                    "region_code": data["region_code"],
                    "parent": parent,
                    "source": data.get("source", ""),
                },
            )
            content = {"effective_from": data["effective_from"].isoformat(), "parameters": data["parameters"]}
            sha = hashlib.sha256(_canonical(content).encode()).hexdigest()
            last_from_file = profile.versions.filter(note__startswith=FILE_NOTE).order_by("-version").first()
            if last_from_file and last_from_file.content_sha256 == sha:
                continue
            version = _append_version(
                profile,
                data["parameters"],
                data["effective_from"],
                FILE_NOTE + data.get("revision", ""),
                actor,
                sha,
            )
            audit_record(
                actor, "policy.version_loaded", version, after={"version": version.version, "sha256": sha}
            )
            created.append(version)
    bump_generation()
    return created


FILE_NOTE = "文件载入"


def _append_version(
    profile: PolicyProfile,
    parameters: dict[str, Any],
    effective_from: dt.date,
    note: str,
    actor: Any,
    sha: str | None = None,
) -> PolicyVersion:
    last = PolicyVersion.objects.select_for_update().filter(profile=profile).order_by("-version").first()
    sha = (
        sha
        or hashlib.sha256(
            _canonical({"effective_from": effective_from.isoformat(), "parameters": parameters}).encode()
        ).hexdigest()
    )
    return PolicyVersion.objects.create(
        profile=profile,
        version=(last.version + 1) if last else 1,
        effective_from=effective_from,
        parameters=parameters,
        content_sha256=sha,
        note=note[:500],
        created_by=actor,
    )


def policy_version_create(
    *, actor: Any, profile: PolicyProfile, parameters: dict[str, Any], effective_from: dt.date, note: str
) -> PolicyVersion:
    """An administrator's edit of a profile: never changes a version, appends one."""
    from peiyu.audit.services import audit_record

    if not note.strip():
        raise InvalidInput("请填写修订说明", fields={"note": ["请填写修订说明"]})
    clean = {k: policy_schema.normalise(k, v) for k, v in parameters.items()}
    with transaction.atomic():
        before = profile.versions.order_by("-version").first()
        version = _append_version(profile, clean, effective_from, note, actor)
        audit_record(
            actor,
            "policy.version_created",
            version,
            before={"version": before.version, "parameters": before.parameters} if before else None,
            after={
                "version": version.version,
                "parameters": clean,
                "effective_from": effective_from.isoformat(),
            },
            reason=note,
        )
    bump_generation()
    return version


# --- resolution --------------------------------------------------------------------------------------


def bump_generation() -> None:
    GENERATION.bump()
    _local.clear()


def _generation() -> int:
    return GENERATION.current()


def _version_in_force(profile: PolicyProfile, on: dt.date, *, fallback_first: bool) -> PolicyVersion | None:
    v = profile.versions.filter(effective_from__lte=on).order_by("-effective_from", "-version").first()
    if v is None and fallback_first:
        v = profile.versions.order_by("effective_from", "version").first()
    return v


def _resolve(profile: PolicyProfile, on: dt.date, *, as_parent: bool = False) -> Policy | None:
    version = _version_in_force(profile, on, fallback_first=as_parent)
    if version is None:
        return None
    params: dict[str, Param] = {}
    chain: tuple[tuple[str, int], ...] = ()
    if profile.parent is not None:
        parent = _resolve(profile.parent, on, as_parent=True)
        if parent:
            params.update(parent.params)
            chain = parent.chain
    for name, entry in version.parameters.items():
        params[name] = Param(
            name,
            policy_schema.typed(name, entry.get("value")),
            entry["rule"],
            profile.name,
            entry.get("note", ""),
        )
    return Policy(
        name=profile.name,
        version=version.version,
        programme=profile.programme,
        region_code=profile.region_code,
        chain=((profile.name, version.version), *chain),
        params=params,
        title=profile.title,
    )


def policy_for(programme: str, region: str | None = None, on: dt.date | None = None) -> Policy:
    """The profile in force for `programme` in `region` (a GB/T 2260 code, or None for national) on `on`."""
    on = on or timezone.localdate()
    region = region or ""
    key = ("for", _generation(), programme, region, on)
    if key in _local:
        found: Policy = _local[key]
        return found
    candidates = [
        p
        for p in PolicyProfile.objects.filter(programme=programme).select_related("parent")
        if region.startswith(region_prefix(p.region_code))
    ]
    candidates.sort(key=lambda p: len(region_prefix(p.region_code)), reverse=True)
    for profile in candidates:
        resolved = _resolve(profile, on)
        if resolved is not None:
            _local[key] = resolved
            return resolved
    raise PolicyMissing(
        f"{on:%Y-%m-%d} 没有适用于项目 {programme}、地区 {region or '全国'} 的政策配置", code="policy_missing"
    )


def policy_named(name: str, on: dt.date | None = None) -> Policy:
    """A profile by name (a call names its profile) as in force on `on`."""
    on = on or timezone.localdate()
    key = ("named", _generation(), name, on)
    if key in _local:
        found: Policy = _local[key]
        return found
    profile = PolicyProfile.objects.filter(name=name).select_related("parent").first()
    resolved = _resolve(profile, on, as_parent=True) if profile else None
    if resolved is None:
        raise PolicyMissing(f"政策配置 {name} 不存在或尚无版本", code="policy_missing")
    _local[key] = resolved
    return resolved
