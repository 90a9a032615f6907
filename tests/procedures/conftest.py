"""Fixtures shared by the procedure tests."""

import pytest

from tests.factories import prefer_english


@pytest.fixture(autouse=True)
def media_root(request, settings, tmp_path):
    """Keep batch files and uploads out of the shared test media folder.

    Not with a real task cluster: its worker processes keep the settings they started with.
    """
    if "task_cluster" not in request.fixturenames:
        settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def english_admin(admin_user):
    """The superuser, with English as admin language, for tests that read admin messages."""
    prefer_english(admin_user)
    return admin_user
