"""The printable receipt (Phiếu tiếp nhận) for an item staff registered from a call, a letter, Zalo or the desk.

A citizen who did not use the website only hears the tracking code, so the office prints a
one-page A6 receipt: the commune, the tracking code, the day received, the expected answer date
(``feedback.deadlines``, the same date as the web receipt), the next steps, the tracking page's
address and its QR code, and the hotline. It never shows the sender's name, phone, e-mail or
address: :func:`receipt_for` reads none of them (``RECEIPT_FIELDS``), so the view may load the
item with the identity deferred. No request is needed (HOUSE_STYLE §9).
"""

from dataclasses import dataclass

from django.utils import timezone

from wagtail.models import Site

from feedback import deadlines
from feedback.links import tracking_url
from feedback.models import Feedback, FeedbackSettings
from home.models import CommuneSettings
from procedures.qr import qr_svg

#: Everything of the item a receipt reads (the expected date needs the field and the due date).
RECEIPT_FIELDS = ("tracking_code", "channel", "received_at", "due_date", "field", "department")
#: Above this many characters of commune and authority names together, the header is set smaller.
LONG_HEADER = 80


def has_receipt_button(feedback):
    """The item page offers "Print the receipt" for what staff registered: every channel but the website
    (a web sender already saw the code, its QR and the expected date on the screen)."""
    return feedback.channel != Feedback.Channel.WEB


def default_commune():
    """The commune settings of the default site: the site whose address the QR code carries."""
    site = Site.objects.filter(is_default_site=True).first()
    return CommuneSettings.for_site(site) if site is not None else None


@dataclass(frozen=True)
class Receipt:
    """What one receipt shows, and nothing about who sent the item."""

    code: str
    received_at: object  # an aware datetime, shown in the commune's time zone
    expected: object  # a date
    intake_days: int
    tracking_url: str
    commune: CommuneSettings | None

    @property
    def qr_svg(self):
        """The tracking page's QR code, sized by the page's CSS (``procedures.qr``)."""
        return qr_svg(self.tracking_url, inline=True)

    @property
    def long_header(self):
        if self.commune is None:
            return False
        return len(self.commune.commune_name or "") + len(self.commune.authority_name or "") > LONG_HEADER


def receipt_for(feedback):
    """The receipt of ``feedback`` (loaded with at least ``RECEIPT_FIELDS``)."""
    return Receipt(
        code=feedback.tracking_code,
        received_at=timezone.localtime(feedback.received_at),
        expected=deadlines.expected_answer_date(feedback),
        intake_days=FeedbackSettings.load().intake_days,
        tracking_url=tracking_url(feedback.tracking_code),
        commune=default_commune(),
    )
