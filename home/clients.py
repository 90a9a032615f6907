"""Who is asking: the client's address behind the commune's reverse proxies.

Behind a proxy listed in ``FEEDBACK_TRUSTED_PROXIES`` (nginx in front of the
app servers) the address is the last untrusted hop of ``X-Forwarded-For``;
otherwise ``REMOTE_ADDR``. The feedback form's rate limit, the sign-in lockout
and the search log's visitor count all ask here.
"""

from django.conf import settings


def client_ip(request):
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = set(settings.FEEDBACK_TRUSTED_PROXIES)
    if remote in trusted:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        for hop in reversed(hops):
            if hop not in trusted:
                return hop
    return remote
