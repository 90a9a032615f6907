"""Security headers and the admin sign-in lockout (docs/deployment.md, "Security").

- ``ContentSecurityPolicyMiddleware``: django-csp's middleware with two
  policies. Public pages get ``CONTENT_SECURITY_POLICY`` (no inline script or
  style except the nonced blocks in our own templates); the Wagtail admin,
  which still writes inline scripts and style attributes, gets
  ``CONTENT_SECURITY_POLICY_ADMIN``. A server error page (self-contained, with
  its own ``<style>``) may use inline styles and nothing else.
- ``PermissionsPolicyMiddleware``: turns off browser features the portal
  never uses (camera, microphone, location, payment, USB...).
- ``LockoutBackend``, ``client_ip``, ``username_for_lockout`` and
  ``lockout_response`` plug django-axes into the portal: the same client
  address as the feedback form's rate limit (behind
  ``FEEDBACK_TRUSTED_PROXIES``) and a Vietnamese lock-out page.
"""

from django.conf import settings
from django.shortcuts import render

from axes.backends import AxesStandaloneBackend
from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware

from home import clients

#: ``auth.User.username`` holds 150 characters; a longer one cannot exist and is cut.
USERNAME_MAX_LENGTH = 150


#: Where Wagtail's admin lives (config/urls.py).
ADMIN_PREFIX = "/admin/"


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if report_only or parts.config is not None:
            return parts
        if getattr(request, "is_preview", False):
            # Wagtail renders a preview through the whole middleware chain on a
            # dummy request for the page's own URL: the public policy, except
            # that the admin's preview panel may frame it.
            parts.replace = {**(parts.replace or {}), "frame-ancestors": [SELF]}
        elif request.path_info.startswith(ADMIN_PREFIX):
            parts.config = settings.CONTENT_SECURITY_POLICY_ADMIN["DIRECTIVES"]
        elif response.status_code >= 500:
            # 500.html must render without the database or a template context,
            # so it carries its own <style> without a nonce; it has no script.
            parts.replace = {"style-src": [SELF, UNSAFE_INLINE]}
            parts.nonce = None
        return parts


class PermissionsPolicyMiddleware:
    """Adds ``Permissions-Policy`` from ``settings.PERMISSIONS_POLICY`` (feature -> allowed origins)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(origins)})" for feature, origins in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' check, first in ``AUTHENTICATION_BACKENDS``.

    Every sign-in over HTTP (the admin login, password-protected pages) passes
    the request and is counted. A call without one (``Client.login`` in tests,
    a shell) cannot come from a visitor; axes would raise, so it is let
    through to the next backend instead.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_ip(request):
    """The client address django-axes counts failures for: the feedback form's rule."""
    return clients.client_ip(request) or None


def username_for_lockout(request, credentials=None):
    """The user name axes records, cut to what a user name can be (axes stores at most 255 characters)."""
    username = (credentials or {}).get("username")
    if username is None:
        username = request.POST.get("username")
    if username is None:
        return None
    return str(username).replace("\x00", "")[:USERNAME_MAX_LENGTH]


def lockout_response(request, original_response=None, credentials=None):
    """The page shown (HTTP 429) to a sign-in that is locked out, in the visitor's language."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"minutes": minutes}
    response = render(request, "lockout.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
    response["Retry-After"] = str(minutes * 60)
    response["Cache-Control"] = "no-store"
    return response
