"""Encryption at rest for the submitter's identity.

Identity fields are stored as Fernet tokens (AES-128-CBC + HMAC-SHA256, from
``cryptography``). The keys come from the environment:
``FEEDBACK_IDENTITY_KEYS`` is a comma-separated list of Fernet keys; the
first encrypts, all of them decrypt, so a key is rotated by putting a new one
first and running ``manage.py rotate_identity_key``. Production refuses to
start without it; development and tests derive a key from ``SECRET_KEY`` (see
``config/settings``).

A database dump, a backup or a stray SQL console therefore shows no name,
phone, e-mail or address. Empty values stay empty, so "anonymous" can still
be counted.
"""

from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from config.env import derive_key  # noqa: F401 - re-exported for tests and commands

TOKEN_PREFIX = "fernet:"  # noqa: S105 - a marker, not a secret


@lru_cache(maxsize=4)
def _fernet(keys):
    if not keys:
        raise ImproperlyConfigured("FEEDBACK_IDENTITY_KEYS is empty: identity fields cannot be encrypted.")
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "FEEDBACK_IDENTITY_KEYS must hold Fernet keys "
            '(python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())").'
        ) from exc


def fernet():
    return _fernet(tuple(settings.FEEDBACK_IDENTITY_KEYS))


def encrypt(value):
    if not value:
        return ""
    return TOKEN_PREFIX + fernet().encrypt(value.encode()).decode()


def decrypt(token):
    if not token:
        return ""
    if not token.startswith(TOKEN_PREFIX):
        raise ValueError("identity value is not encrypted")
    try:
        return fernet().decrypt(token[len(TOKEN_PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "An identity value cannot be decrypted with FEEDBACK_IDENTITY_KEYS: was a key removed?"
        ) from exc


def rotate(token):
    """Re-encrypt ``token`` with the first (current) key."""
    if not token:
        return ""
    return TOKEN_PREFIX + fernet().rotate(token[len(TOKEN_PREFIX) :].encode()).decode()


class EncryptedTextField(models.TextField):
    """A text field whose value is encrypted in the database and plain in Python.

    Lookups other than "is empty" make no sense on it: every encryption of
    the same text differs.
    """

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else (value or "")

    def get_prep_value(self, value):
        # Always encrypt, even text that looks like a token ("fernet:…" typed by a citizen):
        # values in Python are plain text by construction (``from_db_value`` decrypts).
        value = super().get_prep_value(value)
        return encrypt(value or "")
