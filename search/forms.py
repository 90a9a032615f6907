"""Validation of search parameters, shared by the results page and the API."""

from django import forms
from django.utils.translation import gettext_lazy as _

from search import kinds as search_kinds
from search.services import MAX_PAGE, SearchParams
from search.text import clean_query

MAX_QUERY_LENGTH = 200


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=1000)
    kind = forms.ChoiceField(required=False)
    field = forms.SlugField(required=False, max_length=100, error_messages={"invalid": _("Unknown field of activity.")})
    page = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_PAGE,
        error_messages={
            "invalid": _("The page number must be a whole number."),
            "min_value": _("The page number must be 1 or more."),
            "max_value": _("Only the first %(limit_value)s pages of results are shown."),
        },
    )
    mode = forms.ChoiceField(required=False, choices=[("", ""), ("search", "search"), ("autocomplete", "autocomplete")])
    scope = forms.ChoiceField(required=False, choices=[("", ""), ("tinh", "tinh")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "")] + [(key, kind.label) for key, kind in search_kinds.registry().items()]
        self.fields["kind"].error_messages["invalid_choice"] = _(
            "Unknown kind of result: choose procedure, answer or page."
        )
        self.fields["mode"].error_messages["invalid_choice"] = _("Unknown mode: choose search or autocomplete.")

    def params(self):
        """SearchParams from whatever was valid; invalid parts fall back to defaults."""
        data = getattr(self, "cleaned_data", {})
        return SearchParams(
            query=clean_query(data.get("q") or self.data.get("q", ""), MAX_QUERY_LENGTH),
            kind=data.get("kind") or "",
            field=data.get("field") or "",
            page=data.get("page") or 1,
            autocomplete=data.get("mode") == "autocomplete",
            province=data.get("scope") == "tinh",
        )
