"""Text messages (SMS) to citizens through a pluggable gateway, in the style of Django's e-mail backends.

``FEEDBACK_SMS_BACKEND`` names the backend class by its dotted path; empty (the
default) means no SMS at all. Two backends:

* ``feedback.sms.EsmsBackend``: the HTTP JSON API of eSMS.vn, a Vietnamese
  brandname SMS provider (``SendMultipleMessage_V4_post_json``: ``ApiKey``,
  ``SecretKey``, ``Phone``, ``Content``, ``Brandname``, ``SmsType`` 2 =
  customer care, ``IsUnicode``, ``Sandbox``, ``RequestId``; the reply's
  ``CodeResult`` "100" means accepted). URL, keys and brandname come from the
  environment (config/settings/base.py, docs/deployment.md).
* ``feedback.sms.LocmemBackend``: keeps the messages in ``feedback.sms.outbox``
  (tests and trials).

A gateway that cannot be reached or refuses a message raises; the notification
outbox (feedback/notifications.py) counts that as a failed attempt and tries
again later. Nothing here logs or raises with a phone number, the text or the
gateway's reply: ids, counts and the gateway's numeric result code only.
See docs/feedback.md, "SMS".
"""

import json
import logging
import re
import unicodedata
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

#: One SMS in the GSM 7-bit alphabet (text without Vietnamese accents).
SMS_LENGTH = 160
#: The provider's answer for "accepted".
ESMS_SUCCESS = "100"
ESMS_DEFAULT_URL = "https://rest.esms.vn/MainService.svc/json/SendMultipleMessage_V4_post_json/"
#: At most this much of a reply is read (a JSON object of a few fields is expected).
MAX_REPLY_BYTES = 64 * 1024

#: In-memory messages of ``LocmemBackend`` (tests empty it themselves).
outbox = []


@dataclass(frozen=True)
class SmsMessage:
    to: str  # a normalised mobile number, 0xxxxxxxxx
    body: str
    #: An id for the provider's records (no personal data): the outbox row and attempt.
    reference: str = ""


class SmsError(Exception):
    """The gateway did not accept a message. The text names a code, never a number or the reply."""


class GatewayRejected(SmsError):
    """The gateway answered, but not with success (e.g. eSMS ``CodeResult`` 101: wrong keys)."""


# --- Settings ---


def backend_path():
    return getattr(settings, "FEEDBACK_SMS_BACKEND", "") or ""


def is_enabled():
    """SMS go out only when a backend is configured."""
    return bool(backend_path())


def ascii_only():
    """Strip the accents before sending (``FEEDBACK_SMS_ASCII``, default on): 160 characters per SMS."""
    return getattr(settings, "FEEDBACK_SMS_ASCII", True)


def get_backend(path=None, **kwargs):
    """An instance of the configured backend (or of ``path``); ``ImproperlyConfigured`` if none is set."""
    path = path or backend_path()
    if not path:
        raise ImproperlyConfigured("FEEDBACK_SMS_BACKEND is empty: SMS are switched off.")
    return import_string(path)(**kwargs)


def send_sms(phone, text, reference=""):
    """Send one message to ``phone`` (any usual way of writing a Vietnamese mobile number).

    Returns 1 if the gateway took it, 0 if the number is not a Vietnamese mobile number
    (skipped, nothing logged but the reference). Raises when the gateway fails.
    """
    number = normalise_phone(phone)
    if not number:
        logger.info("sms %s: not a Vietnamese mobile number, skipped", reference or "-")
        return 0
    return get_backend().send_messages([SmsMessage(number, text, reference)])


# --- Phone numbers ---

#: Vietnamese mobile numbers since the 2018 renumbering: 03x, 05x, 07x, 08x, 09x and 8 more digits.
MOBILE = re.compile(r"^0[35789][0-9]{8}$")
SEPARATORS = re.compile(r"[\s.\-()/]")


def normalise_phone(raw):
    """'0912 345 678', '+84 912-345-678', '84912345678' -> '0912345678'; '' if it is no Vietnamese mobile.

    The national form with its leading 0 is the one eSMS.vn shows in its examples.
    Landlines (02x) cannot receive SMS and are refused too.
    """
    digits = SEPARATORS.sub("", str(raw or ""))
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits if MOBILE.match(digits) else ""


# --- Text ---

#: Letters and signs that lose nothing worth keeping in plain ASCII.
ASCII_REPLACEMENTS = str.maketrans(
    {
        "đ": "d",
        "Đ": "D",
        "–": "-",
        "—": "-",
        "‘": "'",
        "’": "'",
        "“": '"',
        "”": '"',
        "…": "...",
        "\u00a0": " ",
    }
)


def strip_diacritics(text):
    """'Đã chuyển đến Địa chính – Xây dựng' -> 'Da chuyen den Dia chinh - Xay dung'.

    Vietnamese brandname SMS are usually sent without accents: a message with
    them is Unicode (70 characters per SMS instead of 160). Anything else outside
    ASCII is dropped.
    """
    decomposed = unicodedata.normalize("NFD", str(text).translate(ASCII_REPLACEMENTS))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return plain.encode("ascii", "ignore").decode("ascii")


def prepare_text(text):
    """One line, single spaces, accents stripped if ``FEEDBACK_SMS_ASCII`` is on."""
    text = " ".join(str(text).split())
    return strip_diacritics(text) if ascii_only() else text


# --- Backends ---


class BaseSmsBackend:
    """Like ``django.core.mail.backends.base.BaseEmailBackend``: ``send_messages`` returns how many went out."""

    def __init__(self, fail_silently=False, **kwargs):
        self.fail_silently = fail_silently

    def send_messages(self, messages):
        raise NotImplementedError


class LocmemBackend(BaseSmsBackend):
    """Keeps the messages in ``feedback.sms.outbox``: for tests and trials, sends nothing."""

    def send_messages(self, messages):
        messages = list(messages)
        outbox.extend(messages)
        return len(messages)


class EsmsBackend(BaseSmsBackend):
    """eSMS.vn's JSON API, one request per message (``SendMultipleMessage_V4_post_json``).

    Settings: ``FEEDBACK_SMS_URL``, ``FEEDBACK_SMS_API_KEY``, ``FEEDBACK_SMS_SECRET_KEY``,
    ``FEEDBACK_SMS_BRANDNAME`` (registered with the provider), ``FEEDBACK_SMS_TYPE`` (2: customer
    care), ``FEEDBACK_SMS_SANDBOX`` (checked by the provider, neither delivered nor charged) and
    ``FEEDBACK_SMS_TIMEOUT`` (seconds, for connecting and for the answer).
    """

    def __init__(
        self,
        url=None,
        api_key=None,
        secret_key=None,
        brandname=None,
        sms_type=None,
        sandbox=None,
        timeout=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.url = url or getattr(settings, "FEEDBACK_SMS_URL", "") or ESMS_DEFAULT_URL
        self.api_key = api_key or getattr(settings, "FEEDBACK_SMS_API_KEY", "")
        self.secret_key = secret_key or getattr(settings, "FEEDBACK_SMS_SECRET_KEY", "")
        self.brandname = brandname or getattr(settings, "FEEDBACK_SMS_BRANDNAME", "")
        self.sms_type = str(sms_type or getattr(settings, "FEEDBACK_SMS_TYPE", "2"))
        self.sandbox = getattr(settings, "FEEDBACK_SMS_SANDBOX", False) if sandbox is None else sandbox
        self.timeout = timeout or getattr(settings, "FEEDBACK_SMS_TIMEOUT", 10)
        if not self.url.startswith(("https://", "http://")):
            raise ImproperlyConfigured("FEEDBACK_SMS_URL must be an http(s) address.")
        if not (self.api_key and self.secret_key and self.brandname):
            raise ImproperlyConfigured(
                "The eSMS backend needs FEEDBACK_SMS_API_KEY, FEEDBACK_SMS_SECRET_KEY and FEEDBACK_SMS_BRANDNAME."
            )

    def send_messages(self, messages):
        sent = 0
        for message in messages:
            try:
                self._send(message)
            except Exception:
                if not self.fail_silently:
                    raise
            else:
                sent += 1
        return sent

    def payload(self, message):
        payload = {
            "ApiKey": self.api_key,
            "SecretKey": self.secret_key,
            "Phone": message.to,
            "Content": message.body,
            "Brandname": self.brandname,
            "SmsType": self.sms_type,
            "IsUnicode": "0" if message.body.isascii() else "1",
            "Sandbox": "1" if self.sandbox else "0",
        }
        if message.reference:
            payload["RequestId"] = message.reference[:50]  # the provider's limit
        return payload

    def _send(self, message):
        request = urllib.request.Request(  # noqa: S310 - http(s) only, checked in __init__
            self.url,
            data=json.dumps(self.payload(message)).encode("utf-8"),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - http(s) only
                raw = response.read(MAX_REPLY_BYTES)
        except urllib.error.HTTPError as exc:
            exc.close()
            raise GatewayRejected(f"HTTP {exc.code}") from None
        except urllib.error.URLError as exc:
            # The cause itself (ConnectionRefusedError, TimeoutError, an SSL error): its class is what the
            # outbox keeps. Never the request: it holds the keys, the number and the text.
            if isinstance(exc.reason, OSError):
                raise exc.reason from None
            raise SmsError("gateway unreachable") from None
        try:
            reply = json.loads(raw)
        except ValueError:
            raise GatewayRejected("unreadable reply") from None
        code = str(reply.get("CodeResult", "")) if isinstance(reply, dict) else ""
        if code != ESMS_SUCCESS:
            # The numeric code only: the reply's ErrorMessage is the provider's text, kept out of logs.
            code = code if code.isdigit() and len(code) <= 10 else "?"
            logger.warning("sms %s: the gateway refused it, CodeResult %s", message.reference or "-", code)
            raise GatewayRejected(f"CodeResult {code}")
        return 1
