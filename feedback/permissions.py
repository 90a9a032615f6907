"""Who may do what with feedback. Every check in views, moves and exports goes through here.

Rights are Django permissions (``Feedback.Meta.permissions``), bundled into
groups by migration ``feedback/0002``:

=====================  ========================================================
group                  rights
=====================  ========================================================
Chairman (Chủ tịch)    everything, the identity and the identity log
Office (Văn phòng)     see all, process (check/classify/forward/register),
                       publish/close, export, the identity
Leaders (Lãnh đạo)     see all, approve answers, export; identity masked
Department staff       answer what is forwarded to their own department only
=====================  ========================================================
"""

GROUP_CHAIRMAN = "Chủ tịch UBND xã"
GROUP_OFFICE = "Văn phòng – Một cửa"
GROUP_LEADERS = "Lãnh đạo UBND xã"
GROUP_DEPARTMENT_STAFF = "Cán bộ phòng ban"
ROLES = (GROUP_CHAIRMAN, GROUP_OFFICE, GROUP_LEADERS, GROUP_DEPARTMENT_STAFF)


def ensure_commune_groups(site, **kwargs):
    """A commune of a province-wide install gets its own group for each role (``home.communes``):
    "Văn phòng – Một cửa – Xã Tân Phú" holds the office's rights in Xã Tân Phú only."""
    from home.communes import ensure_role_group

    return [ensure_role_group(site, role) for role in ROLES]


def _perm(user, codename):
    return bool(user and user.is_authenticated and user.is_active and user.has_perm(f"feedback.{codename}"))


def can_see_all(user):
    return _perm(user, "view_all_feedback")


def can_view_identity(user):
    return _perm(user, "view_identity")


def can_read_identity_log(user):
    return _perm(user, "view_identity_log")


def can_process(user):
    return _perm(user, "process_feedback")


def can_approve(user):
    return _perm(user, "approve_feedback")


def can_publish(user):
    return _perm(user, "publish_feedback")


def can_export(user):
    return _perm(user, "export_feedback")


def can_answer_for_department(user):
    """Holds the department staff's right to answer what is forwarded to their department."""
    return _perm(user, "answer_feedback")


def is_department_member(user, department):
    if department is None or not (user and user.is_authenticated):
        return False
    return department.members.filter(pk=user.pk).exists()


def can_answer(user, feedback):
    """The office, or a member of the department the item was forwarded to."""
    if can_process(user):
        return True
    return _perm(user, "answer_feedback") and is_department_member(user, feedback.department)


def can_see(user, feedback):
    return type(feedback).objects.visible_to(user).filter(pk=feedback.pk).exists()


def can_use_register(user):
    """May open the feedback register in the admin at all."""
    return _perm(user, "view_all_feedback") or _perm(user, "answer_feedback") or _perm(user, "view_feedback")
