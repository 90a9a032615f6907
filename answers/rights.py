"""Who manages answers indexes: a rule the page model, the admin hooks and the services share."""

from feedback import permissions


def may_manage_answer_indexes(user):
    """Only the office and the chairman (and superusers) create or move an answers index."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or permissions.can_publish(user)
