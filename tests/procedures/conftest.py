"""Fixtures shared by the procedure tests."""

import pytest

from tests.factories import prefer_english


@pytest.fixture
def english_admin(admin_user):
    """The superuser, with English as admin language, for tests that read admin messages."""
    prefer_english(admin_user)
    return admin_user
