"""The GET filters of the public answers index."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from feedback.models import Department
from procedures.models import FieldOfActivity


class AnswerFilterForm(forms.Form):
    """GET filters of the answers index; choices come from the published answers."""

    field = forms.ChoiceField(label=gettext_lazy("Field of activity"), required=False)
    department = forms.ChoiceField(label=gettext_lazy("Department"), required=False)
    year = forms.ChoiceField(label=gettext_lazy("Year"), required=False)

    def __init__(self, *args, answers, **kwargs):
        super().__init__(*args, **kwargs)
        every = [("", _("All"))]
        fields = FieldOfActivity.objects.filter(answer_pages__in=answers).distinct().order_by("name")
        departments = Department.objects.filter(answer_pages__in=answers).distinct().order_by("name")
        years = sorted(
            {date.year for date in answers.exclude(answered_date=None).values_list("answered_date", flat=True)},
            reverse=True,
        )
        self.fields["field"].choices = every + [(field.slug, field.name) for field in fields]
        self.fields["department"].choices = every + [(str(item.pk), item.name) for item in departments]
        self.fields["year"].choices = every + [(str(year), str(year)) for year in years]

    def filter(self, answers):
        if not self.is_bound:
            return answers
        if not self.is_valid():
            return answers.none()
        data = self.cleaned_data
        if data["field"]:
            answers = answers.filter(field__slug=data["field"])
        if data["department"]:
            answers = answers.filter(department_id=int(data["department"]))
        if data["year"]:
            answers = answers.filter(answered_date__year=int(data["year"]))
        return answers
