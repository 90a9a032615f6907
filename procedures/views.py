"""Short, stable addresses for procedures: /p/<code>/ (QR codes point here)."""

from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_safe

from procedures.models import ProcedurePage


@require_safe
def short_link(request, code):
    """Redirect a national code to its procedure page, wherever it lives now.

    A temporary redirect (302): the page may be renamed or moved later and
    the printed QR code must keep following it.
    """
    page = ProcedurePage.objects.live().public().filter(code=code).only("id", "url_path", "path", "depth").first()
    if page is None:
        raise Http404("No such procedure")
    url = page.get_url(request)
    query = request.META.get("QUERY_STRING")
    return redirect(f"{url}?{query}" if query else url)
