"""Per-client rate limit for public submissions, without a captcha.

The client is a keyed hash of its address (never the address itself).
Behind a reverse proxy listed in ``FEEDBACK_TRUSTED_PROXIES`` the address is
the last untrusted hop of ``X-Forwarded-For``. Only *accepted* submissions
count, and they are counted in the database, so every web process sees the
same numbers and a rejected burst never touches what was accepted.
"""

import datetime
import hashlib
import hmac

from django.conf import settings
from django.utils import timezone

from feedback.models import SubmissionAttempt


def client_ip(request):
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = set(settings.FEEDBACK_TRUSTED_PROXIES)
    if remote in trusted:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        for hop in reversed(hops):
            if hop not in trusted:
                return hop
    return remote


def client_key(request):
    ip = client_ip(request)
    return hmac.new(settings.SECRET_KEY.encode(), f"feedback-client:{ip}".encode(), hashlib.sha256).hexdigest()[:40]


def is_limited(key, now=None):
    count, minutes = settings.FEEDBACK_RATE_LIMIT
    if count <= 0:
        return False
    since = (now or timezone.now()) - datetime.timedelta(minutes=minutes)
    return SubmissionAttempt.objects.filter(client=key, at__gte=since).count() >= count


def record(key):
    SubmissionAttempt.objects.create(client=key)
