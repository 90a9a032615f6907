"""Kinds of search results, declared by the page types themselves.

A page type joins the site search, its facets and ``/api/search/`` by
declaring ``search_kind`` (and a ``search_kind_label``) next to its
``search_fields``; nothing else is needed::

    class AnswerPage(Page):
        search_kind = "answer"
        search_kind_label = _("Answers")
        search_fields = [*Page.search_fields, index.SearchField("question"),
                         index.FilterField("field_id")]

Page types that declare nothing are of kind ``page``. A kind whose search
fields include ``index.FilterField("field_id")`` (a foreign key to
``procedures.FieldOfActivity``) takes part in the field-of-activity facet.
Snippets come from ``search_description`` or, failing that, the first of
``SNIPPET_ATTRIBUTES`` the page has.
"""

from dataclasses import dataclass, field
from functools import cache

from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from wagtail.models import Page, get_page_models
from wagtail.search import index

DEFAULT_KIND = "page"
DEFAULT_KIND_LABEL = _("Other pages")
FIELD_FILTER = "field_id"
SNIPPET_ATTRIBUTES = ("summary", "intro", "question", "body")


@dataclass
class SearchKind:
    key: str
    label: str
    models: list = field(default_factory=list)

    @cached_property
    def field_models(self):
        """The models of this kind that are filed under a field of activity."""
        return [model for model in self.models if has_field_filter(model)]


def has_field_filter(model):
    return any(
        isinstance(search_field, index.FilterField) and search_field.field_name == FIELD_FILTER
        for search_field in model.get_search_fields()
    )


@cache
def registry():
    """{key: SearchKind} for declared kinds, in declaration order; 'page' last.

    Page types are fixed once Django has started, so this is computed once.
    """
    kinds = {}
    for model in get_page_models():
        key = getattr(model, "search_kind", None)
        if not key or model is Page:
            continue
        kind = kinds.setdefault(key, SearchKind(key, getattr(model, "search_kind_label", key)))
        kind.models.append(model)
    kinds[DEFAULT_KIND] = SearchKind(DEFAULT_KIND, DEFAULT_KIND_LABEL)
    return kinds


def kind_of_model(model):
    """The kind a page type declares, ``page`` if none."""
    return getattr(model, "search_kind", None) or DEFAULT_KIND


def kind_of(page):
    return kind_of_model(type(page))


@cache
def declared_models():
    return tuple(model for kind in registry().values() for model in kind.models)


@cache
def field_models():
    return tuple(model for kind in registry().values() for model in kind.field_models)
