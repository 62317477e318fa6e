import pytest
from django.test import override_settings

from peiyu.core import crypto
from peiyu.core.crypto import DecryptionError, blind_index, decrypt, encrypt


def test_sm4_round_trip_and_random_nonce():
    a, b = encrypt("11010519491231002X"), encrypt("11010519491231002X")
    assert a != b and a.startswith("sm4:t2:")
    assert decrypt(a) == decrypt(b) == "11010519491231002X"
    assert "1101" not in a


def test_tampered_ciphertext_is_detected():
    token = encrypt("13800138000")
    prefix, key_id, payload = token.split(":")
    flipped = payload[:-4] + ("AAAA" if payload[-4:] != "AAAA" else "BBBB")
    with pytest.raises(DecryptionError):
        decrypt(f"{prefix}:{key_id}:{flipped}")


def test_rotation_old_key_still_decrypts_new_key_encrypts():
    with override_settings(PEIYU_SM4_KEYS="t1:00112233445566778899aabbccddeeff"):
        old = encrypt("secret")
    assert crypto.key_id_of(old) == "t1"
    assert decrypt(old) == "secret"  # t1 is still in the test key ring after t2
    assert crypto.key_id_of(encrypt("secret")) == "t2"
    with (
        override_settings(PEIYU_SM4_KEYS="t9:ffeeddccbbaa99887766554433221100"),
        pytest.raises(DecryptionError),
    ):
        decrypt(old)


def test_blind_index_is_stable_normalised_and_purpose_separated():
    assert blind_index("11010519491231002x", "id") == blind_index(" 11010519491231002X", "id")
    assert blind_index("11010519491231002X", "id") != blind_index("11010519491231002X", "phone")
    assert len(blind_index("x", "id")) == 64


def test_blind_index_depends_on_the_key():
    first = blind_index("11010519491231002X", "id")
    with override_settings(PEIYU_BLIND_INDEX_KEY="another-key"):
        assert blind_index("11010519491231002X", "id") != first


@pytest.mark.django_db
def test_encrypted_field_stores_ciphertext(world):
    from django.db import connection

    user = world.sy_official
    user.phone = "13800138000"
    user.save(update_fields=["phone"])
    with connection.cursor() as cur:
        cur.execute("SELECT phone FROM accounts_user WHERE id = %s", [user.pk])
        stored = cur.fetchone()[0]
    assert stored.startswith("sm4:") and "13800138000" not in stored
    user.refresh_from_db()
    assert user.phone == "13800138000"
