"""API of trainees and roster imports: the same services and scoped reads as the pages."""

import datetime as dt

from django.utils import timezone
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from peiyu.accounts.masking import Disclosure
from peiyu.accounts.services.access import require
from peiyu.core.cleaning_adapters import MobilePhoneStr, OptionalPersonNameStr
from peiyu.core.http import private_inline
from peiyu.core.pagination import Page, PageQuery, paginate
from peiyu.core.schemas import Id, PathId

from ..flows import ROSTER_IMPORT_FLOW
from ..models import Enrolment, RosterImport
from ..rules.eligibility import age_on
from ..selectors import trainees as sel
from ..selectors.scope import class_disclosure
from ..services import roster_import as imports
from ..services import trainees as services
from ..services.photos import PERSON_SELF, person_photo_set

router = Router(tags=["training"])


class RosterItemOut(Schema):
    enrolment_id: int
    trainee_id: int
    name: str
    id_number: str
    sex: str
    age: int
    phone: str
    status: str
    source: str
    offline_minutes: int
    online_minutes: int


class RosterOut(Page[RosterItemOut]):
    """A page of the class's roster (`items`, `count`) with the class's header."""

    class_id: int
    number: str
    capacity: int
    active: int


def _item(e: Enrolment, today: dt.date, shown: Disclosure) -> dict:
    """One roster row; `shown` masks the person's data or not by the reader's role (DESIGN §7)."""
    t = e.trainee
    return {
        "enrolment_id": e.pk,
        "trainee_id": t.pk,
        "name": shown.name(t.name),
        "id_number": shown.id_number(t.id_number),
        "sex": t.sex,
        "age": age_on(t.birth_date, today),
        "phone": shown.phone(t.phone),
        "status": e.status,
        "source": e.source,
        "offline_minutes": e.offline_minutes,
        "online_minutes": e.online_minutes,
    }


@router.get("/training/classes/{class_id}/roster", response=RosterOut)
def class_roster(request, class_id: PathId, page: Query[PageQuery]):
    klass, enrolments = sel.class_roster(request.auth, class_id)
    today = timezone.localdate()
    shown = class_disclosure(request.auth, klass, what="class_roster")
    return {
        "class_id": klass.pk,
        "number": klass.number,
        "capacity": klass.capacity,
        "active": services.active_count(klass.pk),
        **paginate(enrolments, page, lambda e: _item(e, today, shown)),
    }


class EnrolIn(Schema):
    trainee_id: Id | None = None
    name: OptionalPersonNameStr = ""
    id_number: str = ""
    phone: MobilePhoneStr = ""
    employer: str = ""
    education: str = ""
    category: str = ""
    retired: bool | None = None


@router.post("/training/classes/{class_id}/enrolments", response={201: RosterItemOut})
def enrol(request, class_id: PathId, payload: EnrolIn):
    """Enrol a registered trainee (trainee_id, within the actor's scope) or a person given by name and
    ID number (registered first when new)."""
    klass = sel.roster_class_get_for(request.auth, class_id)
    if payload.trainee_id is not None:
        trainee = sel.trainee_get_for(request.auth, payload.trainee_id)
    else:
        data = payload.dict(exclude={"trainee_id", "retired"})
        trainee = services.trainee_register(actor=request.auth, data=data)
    e = services.enrolment_add(
        actor=request.auth, klass=klass, trainee=trainee, source="institution", retired=payload.retired
    )
    e.trainee = trainee
    shown = class_disclosure(request.auth, klass, what="enrolment_added")
    return Status(201, _item(e, timezone.localdate(), shown))


class ImportOut(Schema):
    id: int
    class_id: int
    filename: str
    sha256: str
    mode: str
    status: str
    message: str
    total_rows: int
    processed_rows: int
    created_trainees: int
    existing_trainees: int
    enrolled: int
    already_enrolled: int
    rejected_rows: int
    errors: list[dict]
    decision_id: int | None
    created_at: dt.datetime
    finished_at: dt.datetime | None
    allowed_actions: list[str] = Field(description="当前用户现在可办理的操作（导入自行运行，没有人工操作）")


def _import_out(imp: RosterImport) -> dict:
    return {
        "id": imp.pk,
        "class_id": imp.klass_id,
        "filename": imp.filename,
        "sha256": imp.sha256,
        "mode": imp.mode,
        "status": imp.status,
        "message": imp.message,
        "total_rows": imp.total_rows,
        "processed_rows": imp.processed_rows,
        "created_trainees": imp.created_trainees,
        "existing_trainees": imp.existing_trainees,
        "enrolled": imp.enrolled,
        "already_enrolled": imp.already_enrolled,
        "rejected_rows": imp.rejected_rows,
        "errors": imp.errors,
        "decision_id": imp.decision_id,
        "created_at": imp.created_at,
        "finished_at": imp.finished_at,
        "allowed_actions": ROSTER_IMPORT_FLOW.allowed_actions(imp),
    }


@router.post("/training/classes/{class_id}/roster-imports", response={202: ImportOut})
def roster_import(request, class_id: PathId, mode: Form[str], file: File[UploadedFile]):
    klass = sel.roster_class_get_for(request.auth, class_id)
    imp = imports.roster_import_start(actor=request.auth, klass=klass, uploaded_file=file, mode=mode)
    return Status(202, _import_out(imp))


@router.get("/training/roster-imports/{import_id}", response=ImportOut)
def roster_import_status(request, import_id: PathId):
    return _import_out(sel.roster_import_get_for(request.auth, import_id))


class PhotoOut(Schema):
    width: int
    height: int
    sha256: str


@router.post("/training/me/photo", response={201: PhotoOut}, summary="上传本人证件照（用于证书和准考证）")
def my_photo_set(request, photo: File[UploadedFile]):
    kept = person_photo_set(actor=request.auth, upload=photo)
    return Status(201, {"width": kept.width, "height": kept.height, "sha256": kept.sha256})


@router.get("/training/me/photo", summary="本人证件照（JPEG）", response={200: None})
def my_photo_get(request):
    require(request.auth, PERSON_SELF)
    return private_inline(sel.own_photo(request.auth), "image/jpeg")
