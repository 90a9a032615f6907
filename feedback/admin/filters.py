"""List filters of the feedback register."""

from django.contrib.admin import SimpleListFilter
from django.utils.translation import gettext_lazy as _

from feedback import deadlines


class OverdueFilter(SimpleListFilter):
    """Items whose department has not answered by the due date (``feedback/deadlines.py``)."""

    title = _("deadline")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Late")), ("no", _("Not late"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return deadlines.overdue(queryset)
        if self.value() == "no":
            return queryset.exclude(pk__in=deadlines.overdue().values("pk"))
        return queryset
