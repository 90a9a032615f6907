"""Public feedback pages: the form (target of the QR posters), the receipt, tracking by code and rating.

Views stay thin (HOUSE_STYLE §9): a form checks the input, ``feedback.services``
stores it, ``feedback.timeline`` says what the public may see. Pages that
show a tracking code are never cached or indexed, and never name their
address to other sites in the Referer header.
A known and an unknown code cost the same queries, so timing tells nothing.
"""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotFound
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from wagtail.models import Site

from feedback import deadlines, throttle, workflow
from feedback.forms import FeedbackForm, RatingForm, TrackForm, clean_source_tag, live_procedure
from feedback.links import tracking_path, tracking_url
from feedback.models import Feedback, FeedbackEvent, FeedbackSettings
from feedback.services import RateLimited, check_rate_limit, count_refused_files, submit_feedback
from feedback.timeline import public_status, public_timeline
from feedback.tracking import normalise_tracking_code
from home import page_cache
from home.models import CommuneSettings
from procedures.qr import qr_svg

REDIRECT_MIDDLEWARE = "wagtail.contrib.redirects.middleware.RedirectMiddleware"
#: An id no row has: unknown codes run the same event query as known ones.
NO_SUCH_ID = 0


def private_page(view):
    """Never cached, indexed or leaked to other sites through the Referer header: the URL holds a tracking code."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "no-store, private"
        response["X-Robots-Tag"] = "noindex"
        # "same-origin", not "no-referrer": with no-referrer browsers send "Origin: null" on the
        # page's own forms (the rating), which Django's CSRF check rightly refuses.
        response["Referrer-Policy"] = "same-origin"
        return response

    return wrapper


def _no_store(response):
    response["Cache-Control"] = "no-store, private"
    return response


# --- Sending ---


def village_names(request):
    """The villages and hamlets of the request's site (cached with its commune settings); [] without a site."""
    if Site.find_for_request(request) is None:
        return []
    return CommuneSettings.for_request(request).village_names


@require_http_methods(["GET", "HEAD", "POST"])
def submit(request):
    status, retry_after = 200, None
    villages = village_names(request)
    if request.method == "POST":
        client = throttle.client_key(request)
        try:
            check_rate_limit(client)
            # Files are decoded only once the rest of the form is valid (FeedbackForm.clean).
            form = FeedbackForm(request.POST, request.FILES, villages=villages)
            if form.is_valid():
                feedback = submit_feedback(
                    form.submission_data(),
                    form.cleaned_data["attachments"],
                    client=client,
                    site=Site.find_for_request(request),
                )
                return redirect("feedback:sent", code=feedback.tracking_code)
            if form.files_refused:
                count_refused_files(client)
        except RateLimited as limited:
            # Keep what was typed, but do not spend work on the files.
            form = FeedbackForm(request.POST, villages=villages)
            form.is_valid()
            form.add_error(None, _rate_limited_error(limited.retry_after))
            status, retry_after = 429, limited.retry_after
        procedure = form.procedure_page
        files_lost = bool(request.FILES.getlist("attachments"))
    else:
        procedure = live_procedure(request.GET.get("procedure"))
        source_tag = clean_source_tag(request.GET.get("src"))
        if not request.GET.get("q"):
            return _no_store(_blank_form(request, procedure, source_tag, villages))
        form = FeedbackForm(
            villages=villages,
            initial={
                "procedure": procedure.code if procedure else "",
                "source_tag": source_tag,
                "title": (request.GET.get("q") or "").strip()[:200],
                "field": procedure.field_id if procedure else None,
            },
        )
        files_lost = False
    context = {"form": form, "procedure": procedure, "files_lost": files_lost}
    response = _no_store(TemplateResponse(request, "feedback/submit.html", context, status=status))
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


#: Stands for the visitor's CSRF token in a kept blank form (no token looks like it).
TOKEN_PLACEHOLDER = "csrf-token-placeholder-4c1d9e"  # noqa: S105 - not a secret
BLANK_FORM_SECONDS = 600


def _blank_form(request, procedure, source_tag, villages):
    """The empty form (the page a poster's QR opens), rendered once per process and generation.

    Every visitor of the blank form sees the same page but for the CSRF token: the
    rendering is kept in the default cache under the page cache's generation (what
    the form shows, fields of activity, villages, the procedure, the commune, changes
    it: home/page_cache.py) and each request gets its own token put in.
    """
    key = "feedback-form:" + ":".join(
        (page_cache.generation(), get_language(), request.get_host(), procedure.code if procedure else "", source_tag)
    )
    html = cache.get(key)
    if html is None:
        initial = {
            "procedure": procedure.code if procedure else "",
            "source_tag": source_tag,
            "title": "",
            "field": procedure.field_id if procedure else None,
        }
        context = {
            "form": FeedbackForm(villages=villages, initial=initial),
            "procedure": procedure,
            "files_lost": False,
            "csrf_token": TOKEN_PLACEHOLDER,
        }
        html = render_to_string("feedback/submit.html", context, request=request)
        cache.set(key, html, BLANK_FORM_SECONDS)
    return HttpResponse(html.replace(TOKEN_PLACEHOLDER, get_token(request)))


def _rate_limited_error(retry_after):
    """The refusal, with the wait in whole minutes (the ``Retry-After`` header gives the seconds)."""
    return ValidationError(
        _(
            "Too many messages were sent from your connection in the last few minutes. "
            "Your message was not sent: please wait about %(minutes)s minutes and press “Send” again, "
            "or call the commune office."
        ),
        code="rate_limited",
        params={"minutes": max(1, -(-retry_after // 60))},
    )


@require_safe
@private_page
def sent(request, code):
    canonical = normalise_tracking_code(code)
    if canonical and canonical != code:
        return redirect("feedback:sent", code=canonical)
    feedback = (
        _register(request)
        .filter(tracking_code=canonical or "")
        .only("received_at", "field", "due_date", "site")
        .first()
    )
    if feedback is None:
        raise Http404("No such tracking code")
    url = tracking_url(canonical)
    context = {
        "code": canonical,
        "expected": deadlines.expected_answer_date(feedback),
        "intake_days": FeedbackSettings.load().intake_days,
        "code_spelled": _spell(canonical),
        "tracking_url": url,
        "tracking_path": tracking_path(canonical),
        # qrcode's own SVG output for our URL: no user input reaches it unescaped.
        "qr": mark_safe(qr_svg(url, inline=True)),  # noqa: S308
    }
    return TemplateResponse(request, "feedback/sent.html", context)


def _spell(code):
    """'PA-7K3Q-9MX2' -> 'P A, 7 K 3 Q, 9 M X 2' for screen readers and reading aloud."""
    return ", ".join(" ".join(group) for group in code.split("-"))


@require_safe
@private_page
def tracking_qr(request, code):
    canonical = normalise_tracking_code(code)
    if not _register(request).filter(tracking_code=canonical or "").exists():
        raise Http404("No such tracking code")
    response = HttpResponse(qr_svg(tracking_url(canonical)), content_type="image/svg+xml")
    response["Content-Disposition"] = f'inline; filename="{canonical}.svg"'
    return response


# --- Tracking ---


@require_safe
@private_page
def track(request):
    if "code" in request.GET:
        form = TrackForm(request.GET)
        if form.is_valid():
            return redirect("feedback:track_detail", code=form.cleaned_data["code"])
    else:
        form = TrackForm()
    return TemplateResponse(request, "feedback/track.html", {"form": form})


def _register(request):
    """The items of the request's commune: a tracking code works on its own commune's host only."""
    return Feedback.objects.on_site(Site.find_for_request(request))


def _find(request, code):
    """The item and its public events, with the same two queries whether the code exists or not."""
    feedback = _register(request).select_related("department").filter(tracking_code=code or "").first()
    events = list(
        FeedbackEvent.objects.public()
        .select_related("department")
        .filter(feedback_id=feedback.pk if feedback else NO_SUCH_ID)
    )
    for event in events:
        event.feedback = feedback  # the wording of some events reads the item: no query per event
    return feedback, events


def _balance_not_found_work(request):
    """Do for a found item what Wagtail's RedirectMiddleware does after every 404 (look up a redirect).

    The page of an unknown code is a 404, so the middleware queries the
    redirects table for it; doing the same here for known codes keeps the
    number of queries, and so the time, the same for both.
    """
    if REDIRECT_MIDDLEWARE in settings.MIDDLEWARE:
        from wagtail.contrib.redirects.middleware import RedirectMiddleware

        RedirectMiddleware(lambda request: None).process_response(request, HttpResponseNotFound())


def _lateness(feedback):
    """For an item past its due date: the working days late and the last day the commune reminded the
    department (``feedback/reminders.py``), so the citizen reads why, not just a date in the past."""
    today = timezone.localdate()
    if feedback.status not in Feedback.AWAITING_ANSWER or feedback.due_date is None or feedback.due_date >= today:
        return None  # no query for the items that cannot be late
    days_off = deadlines.commune_days_off()
    if feedback.due_date > deadlines.late_cutoff(today, 1, days_off):
        return None  # the days after the due date are days off: not late yet
    reminded = feedback.reminders.filter(kind="reminder").values_list("day", flat=True).first()
    return {"days": deadlines.days_late(feedback, today, days_off), "reminded": reminded}


def _detail(request, code, *, rating_form=None, status=200):
    feedback, events = _find(request, code)
    context = {"code": code, "feedback": feedback, "track_form": TrackForm(initial={"code": code or ""})}
    if feedback is None:
        status = 404
    else:
        _balance_not_found_work(request)
        if rating_form is None and feedback.can_be_rated:
            rating_form = RatingForm(can_reopen=feedback.can_be_reopened)
        context.update(
            {
                "status_label": public_status(feedback),
                "timeline": public_timeline(feedback, events),
                "show_due_date": feedback.status in Feedback.AWAITING_ANSWER and feedback.due_date,
                "lateness": _lateness(feedback),
                "show_answer": feedback.status in Feedback.ANSWER_GIVEN and feedback.answer,
                "rating_form": rating_form,
            }
        )
    return TemplateResponse(request, "feedback/track_detail.html", context, status=status)


@require_safe
@private_page
def track_detail(request, code):
    canonical = normalise_tracking_code(code)
    if canonical and canonical != code:
        return redirect("feedback:track_detail", code=canonical)
    return _detail(request, canonical)


@require_POST
@private_page
def rate(request, code):
    canonical = normalise_tracking_code(code)
    feedback = _register(request).filter(tracking_code=canonical or "").first()
    if feedback is None:
        return _detail(request, canonical)
    form = RatingForm(request.POST, can_reopen=feedback.can_be_reopened)
    if form.is_valid():
        reopen = form.cleaned_data.get("reopen", False)
        try:
            workflow.rate(feedback, form.cleaned_data["rating"], form.cleaned_data["comment"], reopen=reopen)
        except workflow.TransitionError as error:
            form.add_error(None, error.message)
        else:
            if reopen:
                messages.success(
                    request, _("Thank you. Your feedback has been reopened: the commune will review it again.")
                )
            else:
                messages.success(request, _("Thank you for rating the answer."))
            return redirect("feedback:track_detail", code=canonical)
    return _detail(request, canonical, rating_form=form, status=400)
