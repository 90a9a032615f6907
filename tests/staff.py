"""Staff of each role and a department: fixtures for the register, answers and reports tests.

Role users are built from the groups migration ``feedback/0002`` creates, so
the tests check the rights a real commune gets. Loaded by ``tests/conftest.py``.
"""

import pytest

from feedback.permissions import GROUP_CHAIRMAN, GROUP_DEPARTMENT_STAFF, GROUP_LEADERS, GROUP_OFFICE
from tests.factories import make_department, make_user


@pytest.fixture
def chairman(db):
    return make_user("chutich", groups=[GROUP_CHAIRMAN])


@pytest.fixture
def office(db):
    return make_user("vanphong", groups=[GROUP_OFFICE])


@pytest.fixture
def leader(db):
    return make_user("phochutich", groups=[GROUP_LEADERS])


@pytest.fixture
def member(db):
    return make_user("diachinh", groups=[GROUP_DEPARTMENT_STAFF])


@pytest.fixture
def other_member(db):
    return make_user("vanhoa", groups=[GROUP_DEPARTMENT_STAFF])


@pytest.fixture
def outsider(db):
    """Can open the admin (e.g. an editor) but has no feedback rights."""
    return make_user("bientap", groups=["Editors"])


@pytest.fixture
def department(member):
    return make_department("Địa chính – Xây dựng", members=[member], email="diachinh@xa.example.vn")


@pytest.fixture
def other_department(other_member):
    return make_department("Văn hóa – Xã hội", members=[other_member])


@pytest.fixture
def roles(chairman, office, leader, member, other_member, outsider):
    return {
        "chairman": chairman,
        "office": office,
        "leader": leader,
        "member": member,
        "other_member": other_member,
        "outsider": outsider,
    }


@pytest.fixture
def sync_tasks(settings):
    """Run django-q2 tasks in-process (notifications), so their e-mails land in mail.outbox."""
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": True}
