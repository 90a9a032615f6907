"""The submitter's identity is encrypted at rest, and the key can be rotated."""

from io import StringIO

from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection

import pytest
from cryptography.fernet import Fernet

from feedback import crypto
from feedback.models import Feedback
from tests.factories import make_feedback

pytestmark = pytest.mark.django_db

IDENTITY = {
    "submitter_name": "Phạm Thị Lan",
    "submitter_phone": "0905 111 222",
    "submitter_email": "lan.pham@example.org",
    "submitter_address": "Tổ 5, thôn Phú Lộc",
}
FIELDS = tuple(IDENTITY)


def raw(feedback):
    """The identity columns as the database holds them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT submitter_name, submitter_phone, submitter_email, submitter_address "
            "FROM feedback_feedback WHERE id = %s",
            [feedback.pk],
        )
        return dict(zip(FIELDS, cursor.fetchone(), strict=True))


def whole_table_text(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - fixed table name
        return "\n".join(str(value) for row in cursor.fetchall() for value in row)


def rotate(*args):
    out = StringIO()
    call_command("rotate_identity_key", *args, stdout=out)
    return out.getvalue()


def test_raw_columns_hold_no_plain_text():
    feedback = make_feedback(**IDENTITY)
    stored = raw(feedback)
    for name, value in IDENTITY.items():
        assert stored[name].startswith(crypto.TOKEN_PREFIX)
        assert value not in stored[name]
    # Nowhere else in the register's tables either.
    for table in ("feedback_feedback", "feedback_feedbackevent"):
        text = whole_table_text(table)
        for value in IDENTITY.values():
            assert value not in text


def test_the_same_value_encrypts_differently_each_time():
    first, second = make_feedback(**IDENTITY), make_feedback(**IDENTITY)
    assert raw(first)["submitter_name"] != raw(second)["submitter_name"]


def test_values_round_trip():
    feedback = make_feedback(**IDENTITY)
    loaded = Feedback.objects.get(pk=feedback.pk)
    assert {name: getattr(loaded, name) for name in FIELDS} == IDENTITY
    assert Feedback.objects.filter(pk=feedback.pk).values(*FIELDS).get() == IDENTITY
    assert loaded.is_anonymous is False
    # Saving again neither re-encrypts the token nor loses the value.
    loaded.title = "Tiêu đề mới"
    loaded.save()
    assert {name: getattr(Feedback.objects.get(pk=feedback.pk), name) for name in FIELDS} == IDENTITY


def test_empty_values_stay_empty_and_anonymity_follows():
    anonymous = make_feedback()
    assert raw(anonymous) == dict.fromkeys(FIELDS, "")
    assert Feedback.objects.get(pk=anonymous.pk).is_anonymous is True
    assert Feedback.objects.filter(is_anonymous=True).count() == 1

    phone_only = make_feedback(submitter_phone="0912 000 111")
    stored = raw(phone_only)
    assert stored["submitter_phone"].startswith(crypto.TOKEN_PREFIX)
    assert [stored[name] for name in ("submitter_name", "submitter_email", "submitter_address")] == ["", "", ""]
    assert Feedback.objects.get(pk=phone_only.pk).is_anonymous is False

    # Whitespace only is no identity.
    blank = make_feedback(submitter_name="   ")
    assert raw(blank)["submitter_name"] == ""
    assert Feedback.objects.get(pk=blank.pk).is_anonymous is True


def test_a_value_that_looks_like_a_token_is_still_encrypted():
    feedback = make_feedback(submitter_name="fernet:Nguyễn Văn A")
    assert raw(feedback)["submitter_name"] != "fernet:Nguyễn Văn A"
    assert Feedback.objects.get(pk=feedback.pk).submitter_name == "fernet:Nguyễn Văn A"


def test_rotation_moves_every_value_to_the_new_key(settings):
    old_key = settings.FEEDBACK_IDENTITY_KEYS[0]
    new_key = Fernet.generate_key().decode()
    full = make_feedback(**IDENTITY)
    partial = make_feedback(submitter_email="khach@example.org")
    anonymous = make_feedback()
    before = {item.pk: raw(item) for item in (full, partial, anonymous)}

    # Without the old key nothing can be read: the test below means something.
    settings.FEEDBACK_IDENTITY_KEYS = [new_key]
    with pytest.raises(ImproperlyConfigured):
        Feedback.objects.get(pk=full.pk)

    settings.FEEDBACK_IDENTITY_KEYS = [new_key, old_key]
    output = rotate("--dry-run")
    assert "Dry run: 5 value(s) in 2 row(s) can be decrypted and would be re-encrypted" in output
    assert {item.pk: raw(item) for item in (full, partial, anonymous)} == before

    output = rotate()
    assert "Re-encrypted 5 value(s) in 2 row(s) with the current key." in output
    after = {item.pk: raw(item) for item in (full, partial, anonymous)}
    assert after[anonymous.pk] == dict.fromkeys(FIELDS, "")
    for name in FIELDS:
        assert after[full.pk][name] != before[full.pk][name]
        assert after[full.pk][name].startswith(crypto.TOKEN_PREFIX)
        token = after[full.pk][name][len(crypto.TOKEN_PREFIX) :].encode()
        assert Fernet(new_key.encode()).decrypt(token).decode() == IDENTITY[name]

    # The old key can go.
    settings.FEEDBACK_IDENTITY_KEYS = [new_key]
    loaded = Feedback.objects.get(pk=full.pk)
    assert {name: getattr(loaded, name) for name in FIELDS} == IDENTITY
    assert Feedback.objects.get(pk=partial.pk).submitter_email == "khach@example.org"
    assert Feedback.objects.get(pk=anonymous.pk).is_anonymous is True


def test_rotation_in_batches_reports_progress(settings):
    for _ in range(3):
        make_feedback(submitter_name="Hoàng Văn Nam")
    settings.FEEDBACK_IDENTITY_KEYS = [Fernet.generate_key().decode(), *settings.FEEDBACK_IDENTITY_KEYS]
    output = rotate("--batch-size", "2", "--verbosity", "2")
    assert "feedback.Feedback: 2/3 rows" in output
    assert "feedback.Feedback: 3/3 rows" in output
    assert "Re-encrypted 3 value(s) in 3 row(s)" in output
    assert rotate("--verbosity", "0") == ""


def test_rotation_encrypts_a_value_left_in_plain_text():
    feedback = make_feedback(**IDENTITY)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE feedback_feedback SET submitter_name = %s WHERE id = %s", ["Phạm Thị Lan", feedback.pk])
    output = rotate()
    assert "1 value(s) were stored unencrypted; they are now encrypted." in output
    assert raw(feedback)["submitter_name"].startswith(crypto.TOKEN_PREFIX)
    assert Feedback.objects.get(pk=feedback.pk).submitter_name == "Phạm Thị Lan"


def test_rotation_stops_on_a_value_no_key_can_read(settings):
    readable = make_feedback(**IDENTITY)
    lost = make_feedback(submitter_name="Đỗ Văn Hùng")
    # Encrypted with a key that is no longer configured.
    foreign = crypto.TOKEN_PREFIX + Fernet(Fernet.generate_key()).encrypt(b"ai do").decode()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE feedback_feedback SET submitter_name = %s WHERE id = %s", [foreign, lost.pk])
    before = raw(readable)
    with pytest.raises(CommandError, match="cannot be decrypted"):
        rotate()
    # Both rows were in the one batch: nothing of it was written.
    assert raw(readable) == before
    assert raw(lost)["submitter_name"] == foreign


def test_rotation_refuses_to_run_without_keys(settings):
    settings.FEEDBACK_IDENTITY_KEYS = []
    with pytest.raises(CommandError, match="FEEDBACK_IDENTITY_KEYS"):
        rotate()


@pytest.mark.parametrize("value", ["0", "-5", "many"])
def test_rotation_batch_size_must_be_positive(value):
    with pytest.raises(CommandError):
        rotate("--batch-size", value)
