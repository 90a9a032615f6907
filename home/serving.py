"""Serving public pages in few queries: routing and view restrictions.

Wagtail routes a request level by level: at each level it reads the child by
its slug, then reads it again as its own type (``.specific``), and before
serving it reads the page's ancestors, then their view restrictions. On a
procedure page (home → catalogue → procedure) that is seven queries before
the page shows anything. :class:`QuickServeMixin` keeps what Wagtail does and
answers the same questions with fewer queries:

- a page routed *through* (not served) is given its own type without reading
  its own fields (``specific_deferred``): it only passes the request on; it
  is looked up once per process and page-cache generation (any public change
  starts a new one), so serving a procedure reads only the procedure;
- whether a view restriction applies to the page served is answered from the
  restrictions each process keeps as tree-path prefixes per page-cache
  generation (:func:`restrictions`): the usual case, no restriction, costs no
  query in ``get_view_restrictions``; public lists leave restricted pages out
  without a subquery (:func:`outside_restrictions`).

Password and login restrictions still work as in Wagtail: when one applies,
``get_view_restrictions`` returns exactly what Wagtail would.
"""

import operator
from functools import reduce

from django.db.models import Q
from django.http import Http404

from wagtail.models import Page, PageViewRestriction

from home import page_cache


def ancestor_paths(path):
    """The tree paths of the page at ``path`` and of its ancestors, root first."""
    step = Page.steplen
    return [path[:end] for end in range(step, len(path) + 1, step)]


def _read_restrictions():
    """(paths of restricted pages, paths where a restriction applies): see ``restrictions``."""
    rows = list(PageViewRestriction.objects.values_list("page_id", "page__path", "page__alias_of_id"))
    restricted = tuple(sorted({path for _pk, path, _alias in rows}))
    originals = [pk for pk, _path, alias_of in rows if alias_of is None]
    aliases = Page.objects.filter(alias_of__in=originals).values_list("path", flat=True) if originals else []
    applies = tuple(sorted({path for _pk, path, alias_of in rows if alias_of is None} | set(aliases)))
    return restricted, applies


def restrictions():
    """The view restrictions as tree-path prefixes, read once per process and page-cache generation.

    A commune has few restrictions (often none), and every public list and every page served asked
    the database about them with a correlated subquery that costs more to build than to run. Saving,
    deleting or moving anything they depend on (a restriction, a page, an alias) starts a new
    generation (home/page_cache.py), so they are read again. Returns ``(restricted, applies)``:

    - ``restricted``: paths of the restricted pages; a page at or under one is left out of public
      lists, as Wagtail's ``.public()`` does;
    - ``applies``: the paths at or under which ``get_view_restrictions()`` is not empty, as Wagtail
      checks it: a restricted page that is not an alias, and each alias of one.
    """
    return page_cache.kept("view-restrictions", _read_restrictions)


def outside_restrictions(queryset):
    """``queryset`` without the pages at or under a restricted page (Wagtail's ``.public()``), with no
    subquery: nothing is added when nothing is restricted."""
    restricted, _applies = restrictions()
    if not restricted:
        return queryset
    return queryset.exclude(reduce(operator.or_, (Q(path__startswith=path) for path in restricted)))


def restriction_applies(page):
    """Whether ``page.get_view_restrictions()`` would find a restriction (on it or an ancestor, or on
    the page an ancestor is an alias of), without a query."""
    _restricted, applies = restrictions()
    return any(page.path.startswith(path) for path in applies)


class QuickServeMixin:
    """Routing and view-restriction checks in fewer queries (see the module's docstring)."""

    def get_view_restrictions(self):
        if not restriction_applies(self):
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()

    def route(self, request, path_components):
        if not path_components:
            return super().route(request, path_components)
        slug, rest = path_components[0], path_components[1:]
        if rest:
            # Passed through on the way (the catalogue of a procedure): the same for every request until
            # a public change. An unknown slug raises Http404 and is not kept.
            child = page_cache.kept(("routed-through", self.pk, slug), lambda: self._child(slug, routed_through=True))
        else:
            child = self._child(slug, routed_through=False)
        return child.route(request, rest)

    def _child(self, slug, routed_through):
        try:
            child = self.get_children().get(slug=slug)
        except Page.DoesNotExist:
            raise Http404 from None
        child._cached_parent_obj = self
        return served_as_own_type(child, routed_through=routed_through)


def served_as_own_type(page, routed_through):
    """``page`` as its own type: without its own fields if the request only passes through it, else read
    whole, keeping the parent it was routed from."""
    from wagtail.contrib.routable_page.models import RoutablePageMixin

    model = page.specific_class
    if model is None or isinstance(page, model):
        return page
    if routed_through:
        deferred = page.specific_deferred
        # A routable page answers sub-paths itself, from its own fields: read them at once.
        return page.specific if isinstance(deferred, RoutablePageMixin) else deferred
    if not issubclass(model, QuickServeMixin):
        return page.specific
    specific = model._default_manager.get(pk=page.pk)
    specific._cached_parent_obj = page._cached_parent_obj
    return specific
