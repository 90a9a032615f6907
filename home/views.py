"""Site-wide views that are not Wagtail pages."""

from django.http import JsonResponse
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
