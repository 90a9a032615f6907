"""Permission and button helpers for the register's ModelAdmins: every answer comes from feedback.permissions."""

from django.utils.translation import gettext as _

from wagtail_modeladmin.helpers import ButtonHelper, PermissionHelper
from wagtail_modeladmin.helpers.url import ModelAdminURLFinder

from feedback import permissions
from home import communes


class FeedbackPermissionHelper(PermissionHelper):
    """Feedback is listed and opened by anyone with a feedback right, changed only through workflow moves.

    Which items a user sees is the view's business (``Feedback.objects.visible_to``):
    these answers are per user, never per item, so the list costs no query per row.
    """

    def user_can_list(self, user):
        return permissions.can_use_register(user)

    def user_can_create(self, user):
        return permissions.can_process(user)

    def user_can_inspect_obj(self, user, obj):
        return permissions.can_use_register(user)

    def user_can_edit_obj(self, user, obj):
        return False

    def user_can_delete_obj(self, user, obj):
        return False


class CommunePermissionHelper(PermissionHelper):
    """Django's model permissions, and a record of another commune is neither opened, changed nor deleted."""

    def user_can_inspect_obj(self, user, obj):
        return communes.works_for(user, obj.site_id) and super().user_can_inspect_obj(user, obj)

    def user_can_edit_obj(self, user, obj):
        return communes.works_for(user, obj.site_id) and super().user_can_edit_obj(user, obj)

    def user_can_delete_obj(self, user, obj):
        return communes.works_for(user, obj.site_id) and super().user_can_delete_obj(user, obj)


class IdentityLogPermissionHelper(PermissionHelper):
    """The identity log is read only, and only by users with ``feedback.view_identity_log`` (the chairman)."""

    def user_can_list(self, user):
        return permissions.can_read_identity_log(user)

    def user_can_create(self, user):
        return False

    def user_can_inspect_obj(self, user, obj):
        return False

    def user_can_edit_obj(self, user, obj):
        return False

    def user_can_delete_obj(self, user, obj):
        return False


class FeedbackButtonHelper(ButtonHelper):
    def add_button(self, classnames_add=None, classnames_exclude=None):
        button = super().add_button(classnames_add, classnames_exclude)
        button.update({"label": _("Register feedback"), "title": _("Register feedback received by phone, letter…")})
        return button

    def inspect_button(self, pk, classnames_add=None, classnames_exclude=None):
        button = super().inspect_button(pk, classnames_add, classnames_exclude)
        button.update({"label": _("Open"), "title": _("Open this item")})
        return button


class FeedbackURLFinder(ModelAdminURLFinder):
    """Wagtail's "edit this object" links (search, logs, references) lead to the item's page."""

    def get_edit_url(self, instance):
        if self.user is None or permissions.can_see(self.user, instance):
            return self.url_helper.get_action_url("inspect", instance.pk)
        return None
