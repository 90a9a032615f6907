"""Views of the feedback register in the Wagtail admin.

The list, the item page (inspect), staff registration (create) and the
identity log are wagtail-modeladmin views; moves, notes, the identity reveal,
attachments and bulk moves are small views beside them (URLs in
``feedback/wagtail_hooks.py``). They parse input with a form and call one
function of ``feedback/workflow.py``, ``feedback/services.py``,
``feedback/privacy.py`` or ``feedback/export.py``.

Access: users without any feedback right get 403 (a real 403 page, not
Wagtail's redirect to the dashboard); an item the user may not see
(``Feedback.objects.visible_to``) is 404, as if it did not exist.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic.edit import FormView

from wagtail import hooks
from wagtail.admin import messages
from wagtail_modeladmin.views import CreateView, IndexView, InspectView, WMABaseView

from feedback import deadlines, export, permissions, privacy, receipt, services, workflow
from feedback.admin.forms import (
    MOVE_FORMS,
    BulkMoveForm,
    NoteForm,
    RevealForm,
    StaffRegistrationForm,
    error_text,
)
from feedback.models import Feedback, FeedbackEvent
from feedback.timeline import public_status
from feedback.views import village_names
from feedback.workflow import TransitionError
from home import communes

INSPECT_URL_NAME = "feedback_feedback_modeladmin_inspect"
INDEX_URL_NAME = "feedback_feedback_modeladmin_index"
#: Attachment types shown in the page itself; everything else is only downloaded.
INLINE_TYPES = {"image/jpeg", "image/png"}
SERVED_TYPES = INLINE_TYPES | {"application/pdf"}


def item_panels(request, feedback):
    """Panels other apps add to an item's page (``register_feedback_item_panel`` hooks, e.g. its public
    answer page): each hook returns a component for this request's user, or None."""
    panels = (hook(request, feedback) for hook in hooks.get_hooks("register_feedback_item_panel"))
    return [panel for panel in panels if panel is not None]


def inspect_url(feedback):
    return reverse(INSPECT_URL_NAME, args=[feedback.pk])


def index_url():
    return reverse(INDEX_URL_NAME)


def receipt_url(feedback):
    return reverse("feedback_admin:receipt", args=[feedback.pk])


def forbidden(request, exception=None):
    """A 403 page inside the admin, with the reason when there is one."""
    message = str(exception or "") or _("You do not have the right to do this.")
    return TemplateResponse(request, "feedback/admin/forbidden.html", {"message": message}, status=403)


def visible_feedback(user):
    """The items ``user`` may see, without loading (or decrypting) the sender's identity."""
    return Feedback.objects.visible_to(user).defer(*privacy.IDENTITY_FIELDS)


def deadline_text(days_left):
    """ "3 days left", "due today", "2 days late" (working days); "" without a running deadline."""
    if days_left is None:
        return ""
    if days_left < 0:
        return ngettext("%(count)s day late", "%(count)s days late", -days_left) % {"count": -days_left}
    if days_left == 0:
        return _("due today")
    return ngettext("%(count)s day left", "%(count)s days left", days_left) % {"count": days_left}


def deadline_html(days_left):
    text = deadline_text(days_left)
    if days_left is not None and days_left < 0:
        return format_html('<strong class="feedback-late w-text-critical-200" data-late="true">⚠ {}</strong>', text)
    return format_html('<span class="feedback-deadline">{}</span>', text)


class ForbiddenResponseMixin:
    """Answer ``PermissionDenied`` with a 403 page (Wagtail would redirect to the dashboard instead)."""

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except PermissionDenied as exc:
            return forbidden(request, exc)


# --- The register (list) ---


class FeedbackIndexView(ForbiddenResponseMixin, IndexView):
    """The register: only what the user may see, with deadlines, bulk moves and the CSV export."""

    page_title = gettext_lazy("Feedback register")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today, days_off = timezone.localdate(), deadlines.commune_days_off()
        rows = list(context["object_list"])
        for row in rows:
            row.days_left = deadlines.working_days_left(row, today, days_off)
        context["object_list"] = rows
        can_bulk = permissions.can_process(user)
        context.update(
            {
                "can_bulk": can_bulk,
                "bulk_form": BulkMoveForm() if can_bulk else None,
                "bulk_url": reverse("feedback_admin:bulk"),
                "can_export": permissions.can_export(user),
                "export_url": self.index_url + self.get_query_string({self.EXPORT_VAR: "csv"}),
            }
        )
        return context

    def as_spreadsheet(self, queryset, spreadsheet_format):
        """``?export=csv``: the list as filtered and searched now, streamed (feedback/export.py)."""
        if not permissions.can_export(self.request.user):
            raise PermissionDenied(_("You may not export the feedback register."))
        if spreadsheet_format != "csv":
            raise Http404
        response = StreamingHttpResponse(export.iter_csv(queryset), content_type="text/csv; charset=utf-8")
        filename = f"so-theo-doi-phan-anh-{timezone.localdate():%Y-%m-%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "private, no-store"
        return response


# --- One item ---


class FeedbackInspectView(ForbiddenResponseMixin, InspectView):
    """Everything about one item: content, attachments, the full timeline, the masked sender, the moves."""

    def __init__(self, model_admin, instance_pk):
        # The item is looked up in dispatch, among those the user may see.
        WMABaseView.__init__(self, model_admin)
        self.instance_pk = self.pk_quoted = str(instance_pk)

    def dispatch(self, request, *args, **kwargs):
        if not self.permission_helper.user_can_inspect_obj(request.user, None):
            return forbidden(request)
        if not self.instance_pk.isdigit():
            raise Http404
        queryset = visible_feedback(request.user).select_related(
            "field", "procedure", "department", "registered_by", "duplicate_of"
        )
        self.instance = get_object_or_404(queryset, pk=self.instance_pk)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return self.instance.tracking_code

    def get_page_subtitle(self):
        return self.instance.title

    def get_template_names(self):
        return ["feedback/admin/inspect.html"]

    def get_fields_dict(self):
        # modeladmin would read every model field, the (deferred) identity included: the template lays out its own.
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        feedback, user = self.instance, self.request.user
        moves = []
        for move in workflow.available_moves(feedback, user):
            if move.system:  # publishing follows the public answer page (answers/wagtail_hooks.py)
                continue
            form = MOVE_FORMS[move.action](feedback=feedback, user=user)
            moves.append(
                {"move": move, "form": form, "url": reverse("feedback_admin:move", args=[feedback.pk, move.action])}
            )
        forward_possible = any(item["move"].action == FeedbackEvent.Action.FORWARD for item in moves)
        context.update(
            {
                "feedback": feedback,
                "days_left": deadlines.working_days_left(feedback),
                "public_status": public_status(feedback),
                "attachments": list(feedback.attachments.all()),
                "events": list(feedback.events.select_related("actor", "department")),
                "identity": privacy.mask_identity(feedback),
                "can_reveal": permissions.can_view_identity(user) and not feedback.is_anonymous,
                "reveal_form": RevealForm(),
                "moves": moves,
                "forward_due_date": deadlines.due_date_for(feedback) if forward_possible else None,
                "note_form": NoteForm(),
                "index_url": self.index_url,
                "item_panels": item_panels(self.request, feedback),
                # Header action "Print the receipt": for what staff registered (every channel but the web).
                "receipt_url": receipt_url(feedback) if receipt.has_receipt_button(feedback) else "",
            }
        )
        context["deadline"] = deadline_html(context["days_left"])
        return context


class DisabledView(ForbiddenResponseMixin, WMABaseView):
    """modeladmin's edit and delete views: feedback changes only through workflow moves and is never deleted."""

    instance_pk = None

    def __init__(self, model_admin, instance_pk=None):
        super().__init__(model_admin)

    def check_action_permitted(self, user):
        raise PermissionDenied(_("Feedback is changed only through the moves on its page, and never deleted."))


class ItemViewMixin(ForbiddenResponseMixin):
    """Small views about one item: 403 without a feedback right, 404 for an item the user may not see."""

    def dispatch(self, request, *args, **kwargs):
        if not permissions.can_use_register(request.user):
            return forbidden(request)
        self.feedback = get_object_or_404(visible_feedback(request.user), pk=kwargs.pop("pk"))
        return super().dispatch(request, *args, **kwargs)

    def back_to_item(self):
        """The item's page, or the list if the user no longer sees the item (e.g. after returning it)."""
        if visible_feedback(self.request.user).filter(pk=self.feedback.pk).exists():
            return redirect(inspect_url(self.feedback))
        return redirect(index_url())


class MoveView(ItemViewMixin, View):
    """POST one move's form; the workflow decides whether the move is allowed."""

    def post(self, request, action):
        form_class = MOVE_FORMS.get(action)
        if form_class is None or workflow.MOVES[action].system:
            raise Http404
        form = form_class(request.POST, feedback=self.feedback, user=request.user)
        if not form.is_valid():
            messages.error(request, error_text(form))
            return redirect(inspect_url(self.feedback))
        try:
            form.apply()
        except TransitionError as exc:
            messages.error(request, exc.message)
            return redirect(inspect_url(self.feedback))
        messages.success(
            request,
            _("%(code)s: “%(move)s” done.") % {"code": self.feedback.tracking_code, "move": form.move.label},
        )
        return self.back_to_item()


class NoteView(ItemViewMixin, View):
    def post(self, request):
        form = NoteForm(request.POST)
        if not form.is_valid():
            messages.error(request, error_text(form))
            return redirect(inspect_url(self.feedback))
        try:
            workflow.add_note(self.feedback, request.user, form.cleaned_data["note"])
        except TransitionError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Internal note added."))
        return redirect(inspect_url(self.feedback))


class RevealView(ItemViewMixin, View):
    """POST only: log the view (IdentityView), then show the sender's identity, never cached."""

    def post(self, request):
        form = RevealForm(request.POST)
        if not form.is_valid():
            messages.error(request, error_text(form))
            return redirect(inspect_url(self.feedback))
        values = privacy.reveal_identity(self.feedback, request.user, purpose=form.cleaned_data["purpose"])
        rows = [(privacy.IDENTITY_LABELS[name], values[name]) for name in privacy.IDENTITY_FIELDS]
        response = TemplateResponse(
            request,
            "feedback/admin/identity.html",
            {
                "feedback": self.feedback,
                "rows": rows,
                "purpose": form.cleaned_data["purpose"],
                "inspect_url": inspect_url(self.feedback),
                "page_title": _("Sender of %(code)s") % {"code": self.feedback.tracking_code},
            },
        )
        add_never_cache_headers(response)
        response["Pragma"] = "no-cache"
        return response


class ReceiptView(ItemViewMixin, View):
    """The printable A6 receipt (feedback/receipt.py) for whoever may see the item: a standalone page with the
    code, dates, tracking address and QR code, never the sender's identity. Not cached: it names a code."""

    def get(self, request):
        context = {
            "receipt": receipt.receipt_for(self.feedback),
            "inspect_url": inspect_url(self.feedback),
            # The sheet is for the citizen: in the site's language, whatever the admin speaks to this user.
            "site_language": settings.LANGUAGE_CODE,
        }
        response = TemplateResponse(request, "feedback/admin/receipt.html", context)
        response["Cache-Control"] = "private, no-store"  # Wagtail's admin URLs add never_cache's headers
        response["X-Robots-Tag"] = "noindex"
        return response


class AttachmentView(ItemViewMixin, View):
    """An attachment, streamed from the private storage to users who may see its item."""

    def get(self, request, attachment_pk):
        attachment = get_object_or_404(self.feedback.attachments, pk=attachment_pk)
        content_type = attachment.content_type if attachment.content_type in SERVED_TYPES else ""
        inline = request.GET.get("inline") == "1" and content_type in INLINE_TYPES
        extension = attachment.file.name.rsplit(".", 1)[-1].lower() if "." in attachment.file.name else "bin"
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        response = FileResponse(
            handle,
            as_attachment=not inline,
            filename=f"{self.feedback.tracking_code}-{attachment.pk}.{extension}",
            content_type=content_type or "application/octet-stream",
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        response["Cache-Control"] = "private, no-store"
        return response


# --- Bulk moves ---


def _safe_next(request, fallback):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


class BulkMoveView(ForbiddenResponseMixin, View):
    """Apply one move to the ticked items, each through its own workflow function; report what failed and why."""

    def post(self, request):
        if not permissions.can_process(request.user):
            raise PermissionDenied(_("You may not make these moves."))
        back = _safe_next(request, index_url())
        form = BulkMoveForm(request.POST)
        if not form.is_valid():
            messages.error(request, error_text(form))
            return redirect(back)
        action, ids = form.cleaned_data["action"], form.cleaned_data["ids"]
        items = list(visible_feedback(request.user).select_related("department").filter(pk__in=ids))
        done, failures = 0, []
        for feedback in items:
            try:
                BulkMoveForm.apply_to(action, feedback, request.user)
            except (TransitionError, PermissionDenied) as exc:
                failures.append((feedback.tracking_code, getattr(exc, "message", None) or str(exc)))
            else:
                done += 1
        label = dict(BulkMoveForm.ACTIONS)[action]
        if done:
            messages.success(
                request,
                ngettext("“%(action)s”: done for %(count)s item.", "“%(action)s”: done for %(count)s items.", done)
                % {"action": label, "count": done},
            )
        for code, reason in failures:
            messages.error(request, _("%(code)s: not done. %(reason)s") % {"code": code, "reason": reason})
        missing = len(ids) - len(items)
        if missing:
            messages.error(
                request,
                ngettext("%(count)s selected item was not found.", "%(count)s selected items were not found.", missing)
                % {"count": missing},
            )
        return redirect(back)


# --- Staff registration ---


class FeedbackRegisterView(ForbiddenResponseMixin, WMABaseView, FormView):
    """modeladmin's create view: the office registers feedback from the hotline, Zalo, a letter or the desk."""

    form_class = StaffRegistrationForm
    page_title = ""

    def check_action_permitted(self, user):
        return self.permission_helper.user_can_create(user)

    def get_page_title(self):
        return _("Register feedback")

    def get_template_names(self):
        return ["feedback/admin/register.html"]

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["villages"] = village_names(self.request)
        return kwargs

    def form_valid(self, form):
        feedback = services.register_feedback(
            self.request.user,
            form.registration_data(),
            form.cleaned_data["attachments"],
            channel=form.cleaned_data["channel"],
            received_at=form.cleaned_data["received_at"],
            site=communes.home_commune(self.request.user, self.request),
        )
        messages.success(
            self.request,
            _("Feedback registered with tracking code %(code)s.") % {"code": feedback.tracking_code},
            buttons=[messages.button(receipt_url(feedback), _("Print the receipt"))],
        )
        return redirect(inspect_url(feedback))

    def form_invalid(self, form):
        messages.validation_error(
            self.request, _("The feedback could not be registered. Correct the errors below."), form
        )
        return super().form_invalid(form)


# --- The identity log ---


class DepartmentCreateView(ForbiddenResponseMixin, CreateView):
    """A new department belongs to the commune its author works for."""

    def get_instance(self):
        instance = super().get_instance()
        if instance.pk is None:
            instance.site_id = communes.home_commune(self.request.user, self.request)
        return instance


class IdentityLogIndexView(ForbiddenResponseMixin, IndexView):
    """Read only, for the chairman: who saw which sender's identity, when and why (their commune's items)."""

    page_title = gettext_lazy("Identity log")

    def get_base_queryset(self, request=None):
        return communes.restrict(super().get_base_queryset(request), self.request.user, field="feedback__site")
