"""A commune's own view of the province's shared catalogue.

A province imports its procedures once, into one catalogue. Each commune's catalogue page can show that
shared catalogue (``ProcedureIndexPage.shared_catalogue``) beside its own local procedures, with one
``ProcedureOverride`` row per procedure that is different there: not handled in the commune (hidden),
submitted at another office (with its address and opening hours), a fee set locally, or a local note.
The rows belong to the commune's catalogue page, so they are edited, moderated and published with it,
by the commune's own editors (their page rights cover their commune's pages only).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.models import Orderable

from modelcluster.fields import ParentalKey

from home.places import Office


class ProcedureOverride(Orderable):
    """How one commune shows one procedure of the shared catalogue (or of its own)."""

    catalogue = ParentalKey("procedures.ProcedureIndexPage", on_delete=models.CASCADE, related_name="overrides")
    procedure = models.ForeignKey(
        "procedures.ProcedurePage",
        on_delete=models.CASCADE,
        related_name="overrides",
        verbose_name=_("procedure"),
        help_text=_("A procedure of the shared catalogue this commune shows."),
    )
    hidden = models.BooleanField(
        _("not handled in this commune"),
        default=False,
        help_text=_("Hidden from this commune's catalogue, search, short address and QR code."),
    )
    office = models.ForeignKey(
        Office,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("office in this commune"),
        help_text=_(
            "Where to submit it here, with that office's address and opening hours. "
            "Empty: the catalogue's office, else the commune's one-stop desk."
        ),
    )
    fee = models.TextField(
        _("local fee"), blank=True, help_text=_("Only where the fee is set locally. Empty keeps the catalogue's fee.")
    )
    note = models.TextField(
        _("local note"), blank=True, help_text=_("Shown at the top of the procedure's page in this commune only.")
    )

    panels = [
        FieldPanel("procedure"),
        FieldRowPanel([FieldPanel("hidden"), FieldPanel("office")]),
        FieldPanel("fee"),
        FieldPanel("note"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("procedure in this commune")
        verbose_name_plural = _("procedures in this commune")
        # Once per catalogue is the page form's rule (ProcedureIndexPageForm), not a constraint: publishing
        # a revision writes its new rows before it deletes the old ones, so a row removed and added again
        # in one edit would break a unique constraint.

    def __str__(self):
        return str(self.procedure_id)
