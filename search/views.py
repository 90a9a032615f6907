"""The public search page and its JSON endpoint (thin: validate, search, render)."""

from dataclasses import astuple
from urllib.parse import urlencode

from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from wagtail.models import Site

from home import communes
from search import cache as search_cache
from search.forms import SearchForm
from search.query_log import record_query, visitor_key
from search.services import PER_PAGE, run_search


@require_GET
def search(request):
    form = SearchForm(request.GET)
    form.is_valid()  # invalid filters fall back to their defaults on the page
    params = form.params()
    # A new search, not paging or narrowing one, counts for the editors' report.
    new_search = params.page == 1 and not params.kind and not params.field
    several = not communes.is_single_commune()
    outcome = _outcome(request, params, _site(request, params))
    if params.query and new_search:
        record_query(params.query, outcome.total, visitor=visitor_key(request))
    return TemplateResponse(
        request,
        "search/search.html",
        {
            "search_query": params.query,
            "outcome": outcome,
            "params": params,
            "facets": _facet_links(outcome, params),
            "pagination": _page_links(outcome, params),
            "results_start": (params.page - 1) * PER_PAGE + 1,
            # The page has its own search box: one is enough.
            "hide_header_search": True,
            "feedback_url": f"{reverse('feedback:submit')}?{urlencode({'q': params.query})}",
            # With several communes: the other scope's link (this commune's, or the whole province's).
            "scope_link": _link(params, scope="" if params.province else "tinh", page="") if several else "",
        },
    )


def _site(request, params):
    """The commune whose pages a search covers: the host's, or none (every commune) for ``scope=tinh``."""
    if params.province and not communes.is_single_commune():
        return None
    return Site.find_for_request(request)


def _link(params, **changes):
    values = {
        "q": params.query,
        "kind": params.kind,
        "field": params.field,
        "scope": "tinh" if params.province else "",
        **changes,
    }
    return "?" + urlencode({key: value for key, value in values.items() if value})


def _facet_links(outcome, params):
    """Facet entries with the link that selects them (or clears them when selected)."""
    facets = {}
    for name in ("kind", "field"):
        selected = getattr(params, name)
        facets[name] = [
            {
                **item,
                "selected": item["value"] == selected,
                "href": _link(params, **{name: "" if item["value"] == selected else item["value"]}),
            }
            for item in outcome.facets.get(name, [])
        ]
        facets[f"{name}_clear"] = _link(params, **{name: ""}) if selected else ""
    return facets


def _page_links(outcome, params):
    if outcome.pages <= 1:
        return None
    return {
        "number": params.page,
        "pages": outcome.pages,
        "previous": _link(params, page=params.page - 1) if params.page > 1 else "",
        "next": _link(params, page=params.page + 1) if params.page < outcome.pages else "",
    }


def _key(request, params, site):
    return (site.pk if site else None, get_language(), request.get_host(), *astuple(params))


def _outcome(request, params, site):
    """The search's outcome; the same searches come again and again (the same few procedures, every
    keystroke of the autocomplete): kept by every process until anything search shows changes (search/cache.py)."""
    key = ("page", *_key(request, params, site))
    return search_cache.answer(key, lambda: run_search(params, request=request, site=site))


@never_cache
@require_GET
def search_api(request):
    """GET /api/search/?q=…&kind=procedure|answer|page&field=<slug>&page=N[&mode=autocomplete]"""
    form = SearchForm(request.GET)
    if not form.is_valid():
        errors = {name: [str(message) for message in messages] for name, messages in form.errors.items()}
        return JsonResponse({"error": _("The search could not be run."), "errors": errors}, status=400)
    params = form.params()
    site = _site(request, params)
    # Kept as _outcome keeps the page's, as JSON.
    key = _key(request, params, site)
    body = search_cache.answer(key, lambda: run_search(params, request=request, site=site).as_json())
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})
