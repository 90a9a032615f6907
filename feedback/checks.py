"""System checks: the identity keys must be usable before anyone submits feedback."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security)
def check_identity_keys(app_configs, **kwargs):
    from cryptography.fernet import Fernet

    keys = getattr(settings, "FEEDBACK_IDENTITY_KEYS", [])
    if not keys:
        return [
            checks.Error(
                "FEEDBACK_IDENTITY_KEYS is empty: submitters' identity cannot be encrypted.",
                hint='Generate one: python -c "from cryptography.fernet import Fernet; '
                'print(Fernet.generate_key().decode())"',
                id="feedback.E001",
            )
        ]
    rings = {"FEEDBACK_IDENTITY_KEYS": keys}
    for host, ring in (getattr(settings, "FEEDBACK_COMMUNE_IDENTITY_KEYS", None) or {}).items():
        rings[f"FEEDBACK_COMMUNE_IDENTITY_KEYS[{host!r}]"] = ring
    for setting, ring in rings.items():
        for position, key in enumerate(ring, start=1):
            try:
                Fernet(key.encode())
            except ValueError:
                return [
                    checks.Error(
                        f"{setting}: key number {position} is not a Fernet key (32 url-safe base64 bytes).",
                        id="feedback.E001",
                    )
                ]
    return []
