"""Bad uploads never kill a worker: a roster whose declared dimension would make the spreadsheet
reader allocate 512 GiB, or a zip bomb, is refused in Chinese at upload, before any import is stored
or queued and before any reader runs; the worker checks what it reads again; ordinary files import."""

from __future__ import annotations

import pytest
import python_calamine
from django.core.files.uploadedfile import SimpleUploadedFile

from peiyu.core.errors import InvalidInput
from peiyu.core.tests.spreadsheet_samples import hostile_xlsx, zip_bomb
from peiyu.training.models import Enrolment, RosterImport, Trainee
from peiyu.training.services import roster_import as svc

from .trainee_helpers import make_class, person, roster_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_reader(monkeypatch):
    """Fail the test if the spreadsheet reader is ever asked to open a file."""

    def refuse(*args, **kwargs):
        raise AssertionError("the reader must not be called")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", refuse)
    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_object", refuse, raising=False)


def _start(world, klass, content, name):
    return svc.roster_import_start(
        actor=world.sy_inst_admin, klass=klass, uploaded_file=SimpleUploadedFile(name, content), mode="valid"
    )


@pytest.mark.parametrize(
    ("content", "words"),
    [(hostile_xlsx(), "声明的数据范围达1,048,576行×16,384列"), (zip_bomb(), "压缩")],
    ids=["dimension-XFD1048576", "zip-bomb"],
)
def test_hostile_rosters_are_refused_at_upload_before_any_reader(training, no_reader, content, words):
    klass = make_class(training)
    with pytest.raises(InvalidInput) as caught:
        _start(training, klass, content, "花名册.xlsx")
    message = caught.value.fields["file"][0]
    assert words in message and "“花名册.xlsx”" in message and "未读取" in message
    assert RosterImport.objects.count() == 0
    assert Trainee.objects.count() == 0 and Enrolment.objects.count() == 0


def test_the_worker_checks_the_stored_file_again(training, no_reader):
    klass = make_class(training)
    imp = RosterImport.objects.create(
        klass=klass, filename="花名册.xlsx", sha256="0" * 64, content=hostile_xlsx(), mode="valid",
        created_by=training.sy_inst_admin,
    )  # fmt: skip
    done = svc.roster_import_run(imp.pk)
    assert done.status == RosterImport.Status.REFUSED
    assert "声明的数据范围" in done.message
    assert Trainee.objects.count() == 0 and Enrolment.objects.count() == 0


def test_an_ordinary_xlsx_still_imports(training):
    klass = make_class(training)
    imp = _start(training, klass, roster_xlsx([person(i) for i in range(3)]), "花名册.xlsx")
    assert imp.status == RosterImport.Status.DONE and imp.enrolled == 3


def test_a_hostile_score_file_is_refused_before_the_reader(training, no_reader):
    from peiyu.training.services import completion

    klass = make_class(training)
    with pytest.raises(InvalidInput, match="声明的数据范围"):
        completion.scores_parse_upload(klass=klass, content=hostile_xlsx(), filename="成绩.xlsx")
