"""A person's ID photo (services.photos): uploaded by the person, kept upright, small and without the
camera's metadata, encrypted; shown only to the person; printed on their certificates (CRT-4)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from PIL import Image

from peiyu.audit.models import AuditEvent
from peiyu.core.errors import InvalidInput, NotFound, PermissionDenied
from peiyu.training.models import PersonPhoto
from peiyu.training.selectors.trainees import person_photo
from peiyu.training.services.photos import PHOTO_BOX, person_photo_set

from . import completion_factories as f

pytestmark = pytest.mark.django_db


def _image(size=(600, 800), fmt="JPEG", *, exif: bool = False, orientation: int | None = None) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    kwargs = {}
    if exif or orientation:
        data = Image.Exif()
        data[0x010F] = "PhoneMaker"  # Make
        data[0x0110] = "Secret Model X"  # Model
        if orientation:
            data[0x0112] = orientation
        kwargs["exif"] = data.tobytes()
    image.save(out, format=fmt, **kwargs)
    return out.getvalue()


def _upload(raw: bytes, name: str = "me.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, raw, content_type="image/jpeg")


@pytest.fixture
def me(world):
    user = f.trainee_user(world, "photo_person")
    return f.trainee("刘小雨", user=user)


def test_a_person_keeps_an_upright_small_jpeg_without_camera_metadata(me):
    # a phone photo, 600 wide and 800 high as stored, to be turned a quarter (EXIF orientation 6)
    photo = person_photo_set(actor=me.user, upload=_upload(_image((800, 600), exif=True, orientation=6)))
    kept = person_photo(me.pk)
    image = Image.open(io.BytesIO(kept))
    assert image.format == "JPEG" and image.size == (photo.width, photo.height)
    assert image.width <= PHOTO_BOX[0] and image.height <= PHOTO_BOX[1] and image.height > image.width
    assert not image.getexif() and b"Secret Model X" not in kept and b"PhoneMaker" not in kept
    with connection.cursor() as cursor:  # encrypted at rest: neither the JPEG nor its base64 in the row
        cursor.execute("SELECT content FROM training_personphoto WHERE id = %s", [photo.pk])
        stored = cursor.fetchone()[0]
    assert "/9j/" not in stored and not stored.startswith("\xff\xd8")
    event = AuditEvent.objects.get(action="person.photo_set")
    assert event.after["sha256"] == photo.sha256 and "content" not in event.after


def test_a_new_photo_replaces_the_old_one_and_the_audit_keeps_both_digests(me):
    first = person_photo_set(actor=me.user, upload=_upload(_image()))
    digest = first.sha256
    second = person_photo_set(actor=me.user, upload=_upload(_image((900, 1200)), "new.jpg"))
    assert PersonPhoto.objects.filter(trainee=me).count() == 1 and second.pk == first.pk
    last = AuditEvent.objects.filter(action="person.photo_set").order_by("-id").first()
    assert last.before == {"sha256": digest}


@pytest.mark.parametrize(
    ("raw", "name", "message"),
    [
        (b"%PDF-1.7 not a photo", "me.pdf", "JPG、PNG"),
        (b"\xff\xd8\xff\xe0 broken jpeg", "me.jpg", "无法读取"),
        (_image((100, 120)), "tiny.jpg", "照片太小"),
        (b"", "empty.jpg", "文件为空"),
    ],
)
def test_what_is_not_a_usable_photo_is_refused_with_a_field_message(me, raw, name, message):
    with pytest.raises(InvalidInput) as exc:
        person_photo_set(actor=me.user, upload=SimpleUploadedFile(name, raw))
    assert message in exc.value.fields["photo"][0]
    assert not PersonPhoto.objects.exists()


def test_png_is_taken_and_kept_as_jpeg(me):
    person_photo_set(actor=me.user, upload=SimpleUploadedFile("me.png", _image(fmt="PNG")))
    assert person_photo(me.pk).startswith(b"\xff\xd8\xff")


def test_only_a_person_has_a_photo_and_sees_only_their_own(world, me, login_as):
    with pytest.raises(PermissionDenied):
        person_photo_set(actor=world.users["sy_official"], upload=_upload(_image()))
    no_record = f.trainee_user(world, "no_record")
    with pytest.raises(NotFound):
        person_photo_set(actor=no_record, upload=_upload(_image()))
    person_photo_set(actor=me.user, upload=_upload(_image()))
    mine = login_as(me.user).get("/training/my/photo.jpg")
    assert mine.status_code == 200 and mine["Content-Type"] == "image/jpeg"
    assert mine["Cache-Control"] == "private, no-store"
    assert login_as(no_record).get("/training/my/photo.jpg").status_code == 404  # never someone else's
    assert login_as(world.users["sy_official"]).get("/training/my/photo.jpg").status_code == 403


def test_the_page_and_the_api_take_the_photo_through_the_same_service(me, login_as):
    c = login_as(me.user)
    page = c.get("/training/my/photo/")
    assert page.status_code == 200 and "尚未上传证件照" in page.content.decode()
    bad = c.post("/training/my/photo/", {"photo": SimpleUploadedFile("x.jpg", b"\xff\xd8\xff junk")})
    assert bad.status_code == 400 and "照片无法读取" in bad.content.decode()
    good = c.post("/training/my/photo/", {"photo": _upload(_image())})
    assert good.status_code == 302
    assert 'src="/training/my/photo.jpg"' in c.get("/training/my/photo/").content.decode()
    api = c.post("/api/v1/training/me/photo", {"photo": _upload(_image((450, 600)))})
    assert api.status_code == 201 and api.json()["width"] == 360
    got = c.get("/api/v1/training/me/photo")
    assert got.status_code == 200 and got.content == person_photo(me.pk)


@pytest.mark.django_db(transaction=True)
def test_two_first_uploads_at_once_leave_one_photo_and_no_error(world):
    import threading

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers itself")
    user = f.trainee_user(world, "twice")
    f.trainee("钱二", user=user)
    errors: list[Exception] = []
    gate = threading.Barrier(2)

    def upload() -> None:
        from django.db import connections

        try:
            gate.wait()
            person_photo_set(actor=user, upload=_upload(_image()))
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=upload) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and PersonPhoto.objects.filter(trainee__user=user).count() == 1
