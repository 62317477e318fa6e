"""The holder's wallet: a person's certificates of every kind in one place, the PDF, the 出示证书 page with
the QR code of the signed payload and the status, the VC link; a Hubei DTE 初级/中级 certificate shows its
title equivalence and a 高级 one that it is an important reference for the senior-title review (CRT-6,
seed 003 §5(2)); only the person's own certificates, the menu entry only for people who have one."""

from __future__ import annotations

import pytest

from peiyu.certificates.rules.wallet import title_statement
from peiyu.certificates.selectors.certificates import has_certificates
from peiyu.certificates.selectors.wallet import title_of, wallet_cards
from peiyu.certificates.services.certificates_reissue import certificate_reissue

from .certificates_support import DTE, TRAINING, holder_account, issue, person

HUBEI = {"equivalence_levels": ["初级", "中级"], "reference_levels": ["高级"]}


@pytest.mark.parametrize(
    ("level", "expected"),
    [("初级", "可直接认定为相应专业初级职称"), ("中级", "可直接认定为相应专业中级职称"),
     ("高级", "作为申报高级职称评审的重要参考")],
)  # fmt: skip
def test_a_dte_level_certificate_states_what_it_means_for_the_title(level, expected):
    statement = title_statement(kind="level", level=level, status="valid", **HUBEI)
    assert statement is not None and statement.text == expected and statement.rule == "CRT-6"


def test_no_title_statement_for_other_kinds_an_invalid_certificate_or_a_profile_that_says_nothing():
    assert title_statement(kind="training", level="初级", status="valid", **HUBEI) is None
    assert title_statement(kind="skill", level="四级", status="valid", **HUBEI) is None
    assert title_statement(kind="level", level="中级", status="invalidated", **HUBEI) is None
    assert title_statement(kind="level", level="中级", status="valid", equivalence_levels=None,
                           reference_levels=None) is None  # fmt: skip


@pytest.fixture
def zhou(exams):
    account = holder_account(exams, "zhou")
    who = person("周一鸣", "42010619920301012", user=account)
    return {
        "user": account,
        "person": who,
        "level": issue(exams, who, spec=DTE, level="中级"),
        "training": issue(exams, who, spec=TRAINING, hours=80),
    }


def test_the_wallet_holds_the_persons_training_and_level_certificates_in_one_place(exams, zhou, login_as):
    cards = wallet_cards(zhou["user"])
    assert {c.cert.kind for c in cards} == {"level", "training"}
    page = login_as(zhou["user"]).get("/certificates/wallet/").content.decode()
    for c in (zhou["level"], zhou["training"]):
        assert c.number in page
        assert f"/certificates/wallet/{c.pk}/certificate.pdf" in page
        assert f"/verify/vc/{c.verify_token}.json" in page
    assert "可直接认定为相应专业中级职称" in page and "CRT-6" in page


def test_a_hubei_level_certificate_reads_its_titles_from_hubeis_profile(exams, zhou):
    assert title_of(zhou["level"]).text == "可直接认定为相应专业中级职称"
    assert title_of(zhou["training"]) is None
    chengdu = issue(exams, person("王小明", "51010719900101001"))
    assert title_of(chengdu) is None


def test_showing_a_certificate_gives_the_status_and_the_qr_of_the_signed_payload(exams, zhou, login_as):
    page = login_as(zhou["user"]).get(f"/certificates/wallet/{zhou['level'].pk}/").content.decode()
    assert "有效" in page and "<svg" in page and "qr-large" in page
    assert "周一鸣" in page
    pdf = login_as(zhou["user"]).get(f"/certificates/wallet/{zhou['level'].pk}/certificate.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_a_reissued_certificate_shows_in_the_wallet_as_superseded_with_its_new_number(exams, zhou, login_as):
    new = certificate_reissue(
        actor=exams.hb_eval_admin, certificate=zhou["level"], kind="lost", reason="遗失"
    )
    page = login_as(zhou["user"]).get("/certificates/wallet/").content.decode()
    assert "已换发" in page and new.number in page


def test_someone_elses_certificate_is_404_in_the_wallet(exams, zhou, login_as):
    other = holder_account(exams, "li")
    person("李小红", "51010719910202002", user=other)
    c = login_as(other)
    for url in (
        f"/certificates/wallet/{zhou['level'].pk}/",
        f"/certificates/wallet/{zhou['level'].pk}/certificate.pdf",
    ):
        assert c.get(url).status_code == 404
    assert c.get("/api/v1/certificates/wallet").json() == {"items": [], "count": 0}


def test_the_wallet_menu_entry_is_shown_only_to_people_with_certificates(exams, zhou, login_as):
    other = holder_account(exams, "li")
    assert has_certificates(zhou["user"]) and not has_certificates(other)
    assert "/certificates/wallet/" in login_as(zhou["user"]).get("/home/").content.decode()
    assert "/certificates/wallet/" not in login_as(other).get("/home/").content.decode()


def test_the_wallet_api_lists_the_persons_certificates_with_the_title_statement(exams, zhou, login_as):
    body = login_as(zhou["user"]).get("/api/v1/certificates/wallet").json()
    assert body["count"] == 2
    level = next(i for i in body["items"] if i["kind"] == "level")
    assert level["title"] == {"kind": "equivalence", "text": "可直接认定为相应专业中级职称", "rule": "CRT-6"}
    assert "420106" not in str(body)  # no ID number in the holder's own list either
