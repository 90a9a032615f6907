"""The submitter's identity: masked for everyone, revealed only on purpose, and every reveal logged.

Screens, exports and e-mails show :func:`mask_identity` ("anonymous" or
"protected"). The only way to the plain values is :func:`reveal_identity`:
it checks the right (``feedback.view_identity``: the chairman and the office
official), writes an ``IdentityView`` row first and only then reads and
decrypts the four values. The chairman reads that log in the admin.

Querysets that list or export feedback should ``defer(*IDENTITY_FIELDS)``
so that the values are not even decrypted.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from feedback import permissions
from feedback.models import Feedback, IdentityView

IDENTITY_FIELDS = ("submitter_name", "submitter_phone", "submitter_email", "submitter_address")
IDENTITY_LABELS = {
    "submitter_name": gettext_lazy("Full name"),
    "submitter_phone": gettext_lazy("Phone"),
    "submitter_email": gettext_lazy("E-mail"),
    "submitter_address": gettext_lazy("Address"),
}
PURPOSE_MAX_LENGTH = IdentityView._meta.get_field("purpose").max_length


@dataclass(frozen=True)
class MaskedIdentity:
    is_anonymous: bool
    label: str

    @property
    def key(self):
        return "anonymous" if self.is_anonymous else "protected"

    def __str__(self):
        return self.label


def mask_identity(feedback):
    """What everyone sees of the sender: "anonymous" (no contact left) or "protected". Never decrypts."""
    if feedback.is_anonymous:
        return MaskedIdentity(True, _("Anonymous"))
    return MaskedIdentity(False, _("Protected"))


def reveal_identity(feedback, user, purpose=""):
    """The sender's name, phone, e-mail and address for ``user``, logged before they are read.

    Raises ``PermissionDenied`` unless ``user`` has ``feedback.view_identity``
    and may see the item. Every call writes one ``IdentityView``.
    """
    if not permissions.can_view_identity(user) or not permissions.can_see(user, feedback):
        raise PermissionDenied(_("You may not see who sent this feedback."))
    IdentityView.objects.create(
        feedback_id=feedback.pk, user=user, purpose=(purpose or "").strip()[:PURPOSE_MAX_LENGTH]
    )
    values = Feedback.objects.filter(pk=feedback.pk).values_list(*IDENTITY_FIELDS).get()
    # EncryptedTextField.from_db_value decrypts here, after the log row exists.
    return dict(zip(IDENTITY_FIELDS, values, strict=True))
