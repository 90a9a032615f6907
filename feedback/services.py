"""Storing feedback: the public form and staff registration. No request objects here."""

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from feedback import permissions, throttle
from feedback.models import Feedback, FeedbackAttachment, FeedbackEvent
from feedback.workflow import _queue_notifications
from home import communes

IDENTITY_FIELDS = ("submitter_name", "submitter_phone", "submitter_email", "submitter_address")
CONTENT_FIELDS = ("kind", "field", "procedure", "title", "text", "source_tag", "village")


class RateLimited(Exception):
    """The client has used up its attempts; ``retry_after`` says in how many seconds it may try again."""

    def __init__(self, retry_after):
        super().__init__(f"rate limited, retry after {retry_after} s")
        self.retry_after = retry_after


def _create(data, attachments, *, channel, site, registered_by=None, received_at=None):
    values = {name: data.get(name) for name in CONTENT_FIELDS if data.get(name) is not None}
    if site is not None:
        values["site_id"] = getattr(site, "pk", site)
    values.update({name: (data.get(name) or "").strip() for name in IDENTITY_FIELDS})
    if received_at is not None:
        values["received_at"] = received_at
    feedback = Feedback(channel=channel, registered_by=registered_by, **values)
    feedback.save()
    for upload in attachments or ():
        attachment = FeedbackAttachment(feedback=feedback, content_type=upload.content_type, size=upload.size)
        attachment.file.save(upload.name, upload, save=False)
        attachment.save()
    action = FeedbackEvent.Action.REGISTER if registered_by else FeedbackEvent.Action.SUBMIT
    note = ""
    if registered_by:
        # Stored text: in the site's language, whatever language the registering user reads.
        with translation.override(settings.LANGUAGE_CODE):
            note = _("Registered from channel: %(channel)s") % {"channel": feedback.get_channel_display()}
    event = FeedbackEvent.objects.create(
        feedback=feedback,
        action=action,
        to_status=Feedback.Status.RECEIVED,
        actor=registered_by,
        note=note,
        is_public=True,
        at=feedback.received_at,
    )
    _queue_notifications(event)
    return feedback


def submit_feedback(data, attachments=(), *, client=None, site=None):
    """A citizen's submission from the public form.

    ``data`` holds the form's cleaned values; ``attachments`` are already
    checked and re-encoded files (``feedback/uploads.py``) with ``name``,
    ``size`` and ``content_type``. Raises ``RateLimited`` when ``client``
    has sent too many recently; nothing is stored then. ``site`` is the
    commune it was sent to (the request's site; the default site if None).

    The limit check, its record and the feedback are one write transaction
    (``throttle.admit``): parallel submissions from one client wait for each
    other instead of failing, and never accept more than the limit.
    """
    with transaction.atomic():
        if client is not None and not throttle.admit(client):
            raise RateLimited(throttle.retry_after(client))
        return _create(data, attachments, channel=Feedback.Channel.WEB, site=site)


def check_rate_limit(client):
    """Raise ``RateLimited`` if ``client`` may not send now (a read only: ``submit_feedback`` decides for real)."""
    seconds = throttle.retry_after(client)
    if seconds:
        raise RateLimited(seconds)


def count_refused_files(client):
    """A submission whose files were refused counts toward the client's limit (floods of bad files)."""
    throttle.record_refused(client)


def register_feedback(user, data, attachments=(), *, channel, received_at=None, site=None):
    """Staff enter feedback that came by hotline, Zalo, letter or in person, for ``site``: the commune
    they work for (``home.communes.home_commune``), which they must work for."""
    from django.core.exceptions import PermissionDenied

    if not permissions.can_process(user):
        raise PermissionDenied(_("You may not register feedback."))
    if channel == Feedback.Channel.WEB or channel not in Feedback.Channel.values:
        raise ValueError(f"staff registration needs a non-web channel, got {channel!r}")
    site_id = getattr(site, "pk", site) if site is not None else communes.home_commune(user)
    if not communes.works_for(user, site_id):
        raise PermissionDenied(_("You may not register feedback for another commune."))
    with transaction.atomic():
        return _create(data, attachments, channel=channel, site=site_id, registered_by=user, received_at=received_at)
