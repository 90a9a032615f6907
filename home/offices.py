"""Offices per commune in the admin: a commune's staff list their commune's offices and the province's,
change only their commune's, and file new ones for their commune (``Office.site``, home/places.py).
The snippets' view set is registered in ``home/wagtail_hooks.py``.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.models import Site

from home import communes
from home.places import Office


def offices_shown_to(user):
    """The offices ``user`` may choose: their communes' own and the province's."""
    scope = communes.commune_scope(user)
    if scope is None:
        return Office.objects.all()
    return Office.objects.filter(Q(site__in=scope) | Q(site__isnull=True))


def offices_kept_by(user):
    """The offices ``user`` may change or delete: their communes' own (every office for the province's staff)."""
    return communes.restrict(Office.objects.all(), user)


class OfficeForm(WagtailAdminModelForm):
    """A commune's staff file offices of their own commune only; the province's staff may leave the commune
    empty (an office of the province, every commune may choose it)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        scope = communes.commune_scope(self.for_user) if self.for_user is not None else None
        field = self.fields["site"]
        field.label_from_instance = communes.label
        if scope is not None:
            field.queryset = Site.objects.filter(pk__in=scope)
            field.required = True
            field.empty_label = None
            field.help_text = _("The commune whose office this is.")
