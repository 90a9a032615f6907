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


class VillageFilter(SimpleListFilter):
    """The village or hamlet chosen on the form: those of the items the user may see, in the commune's order."""

    title = _("village or hamlet")
    parameter_name = "village"

    def lookups(self, request, model_admin):
        from feedback.views import village_names

        present = set(
            model_admin.get_queryset(request).exclude(village="").values_list("village", flat=True).distinct()
        )
        listed = [name for name in village_names(request) if name in present]
        others = sorted(present.difference(listed))  # renamed or removed from the list since
        return [(name, name) for name in listed + others]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(village=self.value())
        return queryset
