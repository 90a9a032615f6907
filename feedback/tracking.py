"""Tracking codes for citizen feedback: ``PA-7K3Q-9MX2``.

Eight characters from an alphabet without look-alikes (no 0/O, 1/I/L, U/V),
so a code can be read aloud over the phone or copied from a receipt. 29⁸ ≈
5 × 10¹¹ codes, drawn with ``secrets``: they cannot be guessed or counted
through. Typing is forgiving (case, spaces, dashes, the "PA" prefix).
"""

import re
import secrets

PREFIX = "PA"
ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
GROUP = 4
LENGTH = 2 * GROUP
_PATTERN = re.compile(rf"^(?:{PREFIX})?([{ALPHABET}]{{{LENGTH}}})$")


def new_tracking_code():
    """A fresh random code; the caller makes sure it is not used yet."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return format_code(body)


def format_code(body):
    return f"{PREFIX}-{body[:GROUP]}-{body[GROUP:]}"


def normalise_tracking_code(text):
    """'pa 7k3q 9mx2', 'PA-7K3Q-9MX2', '7K3Q9MX2' -> 'PA-7K3Q-9MX2'; None if it cannot be a code."""
    compact = re.sub(r"[\s\-_.]", "", str(text or "")).upper()
    match = _PATTERN.match(compact)
    return format_code(match.group(1)) if match else None
