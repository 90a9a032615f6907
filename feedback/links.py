"""Absolute addresses for e-mails and QR codes (no request at hand in tasks)."""

from django.conf import settings
from django.urls import reverse

from wagtail.models import Site


def site_root_url():
    site = Site.objects.filter(is_default_site=True).only("hostname", "port").first()
    if site is not None:
        return site.root_url
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def tracking_path(code):
    return reverse("feedback:track_detail", args=[code])


def tracking_url(code):
    return f"{site_root_url()}{tracking_path(code)}"


#: The register's list in the admin (wagtail-modeladmin's URL name).
REGISTER_URL_NAME = "feedback_feedback_modeladmin_index"


def overdue_register_path(department_id):
    """The register filtered to one department's late items (its list filters: feedback/wagtail_hooks.py)."""
    return f"{reverse(REGISTER_URL_NAME)}?department__id__exact={department_id}&overdue=yes"


def admin_url(feedback):
    path = reverse("feedback_feedback_modeladmin_inspect", args=[feedback.pk])
    return f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}{path}"


def absolute_admin_url(path):
    """An admin path as an address that works from an e-mail."""
    return f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}{path}"
