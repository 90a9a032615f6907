"""Encryption at rest for the submitter's identity.

Identity fields are stored as Fernet tokens (AES-128-CBC + HMAC-SHA256, from
``cryptography``). The keys come from the environment:
``FEEDBACK_IDENTITY_KEYS`` is a comma-separated list of Fernet keys; the
first encrypts, all of them decrypt, so a key is rotated by putting a new one
first and running ``manage.py rotate_identity_key``. Production refuses to
start without it; development and tests derive a key from ``SECRET_KEY`` (see
``config/settings``).

In a province install a commune may have keys of its own:
``FEEDBACK_COMMUNE_IDENTITY_KEYS`` maps a commune's host name to its key ring
(``tanphu.example.vn=KEY1,KEY2;myan.example.vn=KEY3``). Its citizens'
identities are then encrypted with its ring alone, and the token names the
ring (``fernet@tanphu.example.vn:...``): a dump and one commune's keys reveal
that commune's identities and no other's, and a commune leaving the province
install takes its ring with it. Communes without a ring of their own use
``FEEDBACK_IDENTITY_KEYS`` (tokens ``fernet:...``). ``rotate_identity_key``
moves every row to its commune's current ring.

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

#: A token of the install's ring: ``fernet:<token>``; of a commune's ring: ``fernet@<host name>:<token>``.
TOKEN_PREFIX = "fernet:"  # noqa: S105 - a marker, not a secret
RING_PREFIX = "fernet@"
INSTALL_RING = ""


@lru_cache(maxsize=16)
def _fernet(keys, setting="FEEDBACK_IDENTITY_KEYS"):
    if not keys:
        raise ImproperlyConfigured(f"{setting} is empty: identity fields cannot be encrypted.")
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"{setting} must hold Fernet keys "
            '(python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())").'
        ) from exc


def commune_rings():
    """{host name: [keys]} of the communes that have keys of their own."""
    return getattr(settings, "FEEDBACK_COMMUNE_IDENTITY_KEYS", None) or {}


def fernet(ring=INSTALL_RING):
    """The keys of ``ring``: a commune's host name, or the install's ring ("")."""
    if ring == INSTALL_RING:
        return _fernet(tuple(settings.FEEDBACK_IDENTITY_KEYS))
    keys = commune_rings().get(ring)
    if not keys:
        raise ImproperlyConfigured(
            f"No keys for the commune {ring!r} in FEEDBACK_COMMUNE_IDENTITY_KEYS: its submitters' identity "
            "cannot be decrypted. Was its ring removed before rotate_identity_key moved its rows?"
        )
    return _fernet(tuple(keys), f"FEEDBACK_COMMUNE_IDENTITY_KEYS[{ring!r}]")


def ring_for_host(hostname):
    """The ring a commune's new values are encrypted with: its own if it has one, else the install's."""
    return hostname if hostname and hostname in commune_rings() else INSTALL_RING


def ring_for_site(site_id):
    if not commune_rings() or site_id is None:
        return INSTALL_RING
    from wagtail.models import Site

    return ring_for_host(Site.objects.filter(pk=site_id).values_list("hostname", flat=True).first())


def is_token(value):
    return value.startswith((TOKEN_PREFIX, RING_PREFIX))


def split(token):
    """(ring, Fernet token) of a stored value."""
    if token.startswith(TOKEN_PREFIX):
        return INSTALL_RING, token[len(TOKEN_PREFIX) :]
    ring, sep, body = token[len(RING_PREFIX) :].partition(":")
    if not token.startswith(RING_PREFIX) or not sep or not ring:
        raise ValueError("identity value is not encrypted")
    return ring, body


def _label(ring):
    return f"{RING_PREFIX}{ring}:" if ring else TOKEN_PREFIX


def encrypt(value, ring=INSTALL_RING):
    if not value:
        return ""
    return _label(ring) + fernet(ring).encrypt(value.encode()).decode()


def decrypt(token):
    if not token:
        return ""
    ring, body = split(token)
    try:
        return fernet(ring).decrypt(body.encode()).decode()
    except InvalidToken as exc:
        where = f"the keys of {ring!r} in FEEDBACK_COMMUNE_IDENTITY_KEYS" if ring else "FEEDBACK_IDENTITY_KEYS"
        raise ImproperlyConfigured(f"An identity value cannot be decrypted with {where}: was a key removed?") from exc


def rotate(token, ring=INSTALL_RING):
    """Re-encrypt ``token`` with the first (current) key of ``ring``, the ring its row belongs to now.

    Raises ``InvalidToken`` when no key of the token's ring decrypts it."""
    if not token:
        return ""
    old_ring, body = split(token)
    if old_ring == ring:
        return _label(ring) + fernet(ring).rotate(body.encode()).decode()
    return encrypt(fernet(old_ring).decrypt(body.encode()).decode(), ring)


class Sealed(str):
    """A value already encrypted for its row (by :meth:`EncryptedTextField.pre_save`): stored as it is."""


class EncryptedTextField(models.TextField):
    """A text field whose value is encrypted in the database and plain in Python.

    ``site_field`` names the row's foreign key to its commune's ``Site``: a saved row is encrypted with
    that commune's ring. Lookups other than "is empty" make no sense on it: every encryption of the same
    text differs.
    """

    def __init__(self, *args, site_field=None, **kwargs):
        self.site_field = site_field
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.site_field:
            kwargs["site_field"] = self.site_field
        return name, path, args, kwargs

    def ring_of(self, instance):
        if not self.site_field:
            return INSTALL_RING
        return ring_for_site(getattr(instance, f"{self.site_field}_id", None))

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else (value or "")

    def pre_save(self, model_instance, add):
        value = super().pre_save(model_instance, add)
        if not value:
            return ""
        return Sealed(encrypt(str(value), self.ring_of(model_instance)))

    def get_prep_value(self, value):
        if isinstance(value, Sealed):
            return str(value)
        # Always encrypt, even text that looks like a token ("fernet:…" typed by a citizen):
        # values in Python are plain text by construction (``from_db_value`` decrypts).
        value = super().get_prep_value(value)
        return encrypt(value or "")
