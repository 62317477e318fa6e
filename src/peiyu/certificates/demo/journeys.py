"""Demo data of journeys 8, 9 and 14 on the issued Hubei DTE certificates (issue 14 point 11), after the
pipeline's and the invalidation demo (demo/batches.py, demo/invalidations.py), through the services:

- a Hubei level certificate declared invalid for cheating (the province's finding, the institution's
  statement, the province's decision) — every verifier sees 已宣布无效;
- another reissued corrected (its direction added): the old one 已换发, the new one valid;
- that holder's own account (journey 8: registers with her ID number, which links her person record),
  whose wallet holds her training certificate, the new level certificate with its title equivalence
  and the old one as 已换发.

`demo_numbers()` names certificates to try on the portal's verification page in each state.
Idempotent: nothing is done once a Hubei level certificate has been invalidated or reissued."""

from __future__ import annotations

from peiyu.accounts.models import Org, RoleAssignment, User

from ..models import Certificate, Invalidation
from ..services import invalidations as svc
from ..services.certificates_reissue import certificate_reissue

HOLDER = "hb_holder"
FINDING = "巡考视频显示该考生在专业能力考核中由他人代为操作模型部署，考务记录与视频一致。"
STATEMENT = "经核实，该考生专业能力考核时确有他人协助操作，监考人员未及时发现，本机构已对监考人员批评教育。"


def _issuer(institution_id: int) -> User | None:
    for a in (
        RoleAssignment.objects.current()
        .filter(org_id=institution_id)
        .select_related("user", "role")
        .order_by("pk")
    ):
        if "certificate.issue" in (a.role.capabilities or []) and a.user.is_active:
            user: User = a.user
            return user
    return None


def build_journeys(orgs: dict[str, Org], users: dict[str, User]) -> None:
    level = Certificate.objects.filter(
        kind=Certificate.Kind.LEVEL, programme="dte", region_code__startswith="42"
    )
    if level.exclude(status=Certificate.Status.VALID).exists():
        return
    province = users.get("hb_official") or User.objects.filter(username="hb_official").first()
    free = list(
        level.filter(status=Certificate.Status.VALID)
        .exclude(pk__in=Invalidation.objects.values("certificate_id"))
        .order_by("pk")
    )
    if province is None or len(free) < 2:
        return
    issuer = _issuer(free[0].institution_id)
    if issuer is None:
        return
    found = svc.invalidation_open(
        actor=province, certificate=free[0], cause="cheating", scope="certificate", finding=FINDING
    )
    svc.invalidation_state(actor=issuer, invalidation=found, statement=STATEMENT)
    svc.invalidation_decide(
        actor=province, invalidation=found, reason="依据001第二十九条，考核中存在替考行为，宣布证书无效。"
    )
    new = certificate_reissue(
        actor=issuer, certificate=free[1], kind="corrected", corrections={"direction": "机器学习"},
        reason="颁发时漏填职业方向，经持证人申请并核对考核记录，更正换发。",
    )  # fmt: skip
    _holder_account(new)


def _holder_account(cert: Certificate) -> None:
    """The holder registers herself with her ID number (training's self-registration links the person
    record the training institution made, so every certificate of hers is in her wallet)."""
    from peiyu.institutions.demo.support import DEMO_PASSWORD
    from peiyu.training.services.trainees import trainee_self_register

    person = cert.holder
    if person is None or person.user_id is not None or User.objects.filter(username=HOLDER).exists():
        return
    user, _person = trainee_self_register(
        data={"username": HOLDER, "password": DEMO_PASSWORD, "name": person.name, "id_number": person.id_number,
              "phone": "13971000088"}
    )  # fmt: skip
    # her ID photo, as she would upload it (a drawn silhouette stands in for a real face in the demo)
    from django.core.files.uploadedfile import SimpleUploadedFile

    from peiyu.training.services.photos import person_photo_set

    person_photo_set(
        actor=user, upload=SimpleUploadedFile("证件照.jpg", _silhouette(), content_type="image/jpeg")
    )


def _silhouette() -> bytes:
    """A plain ID-photo stand-in: head and shoulders in grey on the light blue of an ID photo."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (360, 480), (67, 142, 219))
    draw = ImageDraw.Draw(image)
    draw.ellipse((110, 90, 250, 250), fill=(225, 225, 228))  # the head
    draw.ellipse((40, 270, 320, 560), fill=(60, 64, 72))  # the shoulders, in a dark jacket
    draw.polygon([(180, 280), (150, 330), (180, 400), (210, 330)], fill=(245, 245, 245))  # the collar
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return out.getvalue()


def demo_numbers() -> dict[str, str]:
    """One certificate number per state to type on the portal's verification page (empty when the demo
    has not built it)."""
    certs = Certificate.objects.filter(kind__in=["skill", "level"]).order_by("pk")
    out: dict[str, str] = {}
    for key, query in (
        ("valid", certs.filter(status="valid", replaces=None).exclude(pk__in=Invalidation.objects.values("certificate_id"))),
        ("invalidated", certs.filter(status="invalidated")),
        ("superseded", certs.filter(status="superseded")),
        ("reissued", certs.exclude(replaces=None)),
    ):  # fmt: skip
        out[key] = query.filter(kind="level").values_list("number", flat=True).first() or ""
    return out


def numbers_text() -> str:
    numbers = demo_numbers()
    labels = {
        "valid": "有效",
        "invalidated": "已宣布无效",
        "superseded": "已换发",
        "reissued": "换发后的新证书",
    }
    shown = "，".join(f"{labels[k]} {v}" for k, v in numbers.items() if v)
    return f"在门户“证书查询”扫码或输入编号核验（{shown}）" if shown else "在门户“证书查询”扫码或输入编号核验"


def holder_text() -> str:
    return "持证人：我的证书（培训合格证书、专业技术等级证书及其职称对应说明、更正换发前后的证书），出示二维码，下载 PDF"
