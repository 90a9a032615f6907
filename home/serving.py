"""Serving public pages in few queries: routing and view restrictions.

Wagtail routes a request level by level: at each level it reads the child by
its slug, then reads it again as its own type (``.specific``), and before
serving it reads the page's ancestors, then their view restrictions. On a
procedure page (home → catalogue → procedure) that is seven queries before
the page shows anything. :class:`QuickServeMixin` keeps what Wagtail does and
answers the same questions with fewer queries:

- a page routed *through* (not served) is given its own type without reading
  its own fields (``specific_deferred``): it only passes the request on;
- the page served is read as its own type with one flag saying whether any
  view restriction applies to it (:func:`restriction_applies`), so that the
  usual case, no restriction, costs no query in ``get_view_restrictions``;
- without that flag, the restrictions are read in one query instead of two.

Password and login restrictions still work as in Wagtail: when the flag is
set, ``get_view_restrictions`` returns exactly what Wagtail would.
"""

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Length, Substr
from django.http import Http404

from wagtail.models import Page, PageViewRestriction


def ancestor_paths(path):
    """The tree paths of the page at ``path`` and of its ancestors, root first."""
    step = Page.steplen
    return [path[:end] for end in range(step, len(path) + 1, step)]


def under_restriction():
    """True for pages at or under a restricted page: what Wagtail's ``.public()`` leaves out, in the same
    query (``.public()`` reads every restriction first)."""
    return Exists(PageViewRestriction.objects.filter(page__path=Substr(OuterRef("path"), 1, Length("page__path"))))


def restriction_applies():
    """True for pages whose ``get_view_restrictions()`` is not empty: a restriction on the page or an
    ancestor, or, for those that are aliases, on the page they are an alias of (as Wagtail checks)."""
    return Exists(
        PageViewRestriction.objects.filter(
            Q(page__path=Substr(OuterRef("path"), 1, Length("page__path")), page__alias_of__isnull=True)
            | Q(page__aliases__path=Substr(OuterRef("path"), 1, Length("page__aliases__path")))
        )
    )


def view_restrictions(page):
    """What Wagtail's ``Page.get_view_restrictions()`` returns, in one query instead of two."""
    pages = Page.objects.filter(path__in=ancestor_paths(page.path))
    return PageViewRestriction.objects.filter(
        Q(page__in=pages.filter(alias_of__isnull=True).values("pk"))
        | Q(page__in=pages.filter(alias_of__isnull=False).values("alias_of"))
    )


class QuickServeMixin:
    """Routing and view-restriction checks in fewer queries (see the module's docstring)."""

    def get_view_restrictions(self):
        flag = self.__dict__.get("_view_restricted")
        if flag is False:
            return PageViewRestriction.objects.none()
        if flag is True:
            return super().get_view_restrictions()
        return view_restrictions(self)

    def route(self, request, path_components):
        if not path_components:
            return super().route(request, path_components)
        try:
            child = self.get_children().get(slug=path_components[0])
        except Page.DoesNotExist:
            raise Http404 from None
        child._cached_parent_obj = self
        return served_as_own_type(child, routed_through=len(path_components) > 1).route(request, path_components[1:])


def served_as_own_type(page, routed_through):
    """``page`` as its own type: without its own fields if the request only passes through it, else read
    with the restriction flag when its type uses :class:`QuickServeMixin`."""
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
    specific = model._default_manager.annotate(_view_restricted=restriction_applies()).get(pk=page.pk)
    specific._cached_parent_obj = page._cached_parent_obj
    return specific
