"""Site-wide views that are not Wagtail pages."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from home.health import check_all


@never_cache
@require_safe
def healthz(request):
    """Machine-readable state of the database, search backend and task queue.

    HTTP 200 when every part is up, 503 when one is down (for load balancers
    and monitoring).
    """
    report = check_all()
    body = {
        "status": "ok" if report["ok"] else "error",
        "time": timezone.now().isoformat(),
        "checks": report["checks"],
    }
    return JsonResponse(body, status=200 if report["ok"] else 503, json_dumps_params={"ensure_ascii": False})


def csrf_failure(request, reason=""):
    """``CSRF_FAILURE_VIEW``: a Vietnamese page telling the citizen to go back; their text is still there.

    The reason (a technical English sentence) goes nowhere public.
    """
    response = render(request, "403_csrf.html", status=403)
    response["Cache-Control"] = "no-store"
    return response
