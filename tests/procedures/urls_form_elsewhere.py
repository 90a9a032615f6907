"""A URLconf that mounts the feedback form at /phan-anh/ (tests/procedures/test_qr.py)."""

from django.urls import include, path

urlpatterns = [path("phan-anh/", include("feedback.urls"))]
