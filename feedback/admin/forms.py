"""Forms of the register: one per workflow move, the internal note, the reveal, bulk moves, staff registration.

A move form only parses input; ``apply()`` hands it to the move function in
``feedback/workflow.py``, which decides whether the move is allowed and
raises ``TransitionError`` or ``PermissionDenied`` if not.
"""

import datetime

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.widgets import AdminDateTimeInput

from feedback import workflow
from feedback.forms import MultipleFileField, MultipleFileInput, add_village_field
from feedback.models import Department, Feedback, FeedbackEvent
from feedback.privacy import PURPOSE_MAX_LENGTH
from feedback.tracking import normalise_tracking_code
from feedback.uploads import max_upload_mb, process_uploads
from home import communes
from home.dates import DayFirstDateTimeField
from procedures.models import FieldOfActivity, ProcedurePage

Action = FeedbackEvent.Action


def error_text(form):
    """All of a form's errors in one line, each with its field's label, for ``messages.error``."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            parts.append(f"{label}: {error}" if label else str(error))
    return " ".join(parts)


def _textarea(rows=2):
    return forms.Textarea(attrs={"rows": rows})


# --- Workflow moves ---


class MoveForm(forms.Form):
    """The inputs of one move on one item; ``apply()`` makes the move."""

    action = None
    note_required = False

    note = forms.CharField(
        label=_("Internal note"),
        required=False,
        widget=_textarea(),
        help_text=_("Staff only; never shown to the public."),
    )

    def __init__(self, *args, feedback, user, **kwargs):
        kwargs.setdefault("prefix", str(self.action))
        super().__init__(*args, **kwargs)
        self.feedback = feedback
        self.user = user
        if self.note_required:
            self.fields["note"].required = True
            self.fields["note"].label = _("Reason")
            self.fields["note"].help_text = _("Required. Staff only; never shown to the public.")

    @property
    def move(self):
        return workflow.MOVES[self.action]

    @property
    def note_text(self):
        return self.cleaned_data.get("note", "")

    def apply(self):
        raise NotImplementedError


class CheckForm(MoveForm):
    action = Action.CHECK

    def apply(self):
        return workflow.check(self.feedback, self.user, note=self.note_text)


class RejectForm(MoveForm):
    action = Action.REJECT

    reason = forms.ChoiceField(
        label=_("Reason for rejecting"), choices=Feedback.RejectReason.choices, widget=forms.RadioSelect
    )
    duplicate_of = forms.CharField(
        label=_("Tracking code of the original"),
        required=False,
        max_length=40,
        help_text=_("Only when the item duplicates another one, e.g. PA-7K3Q-9MX2."),
    )

    def clean(self):
        cleaned = super().clean()
        text = (cleaned.get("duplicate_of") or "").strip()
        original = None
        if cleaned.get("reason") == Feedback.RejectReason.DUPLICATE and text:
            code = normalise_tracking_code(text)
            if code:
                original = (
                    Feedback.objects.visible_to(self.user)
                    .filter(tracking_code=code, site_id=self.feedback.site_id)
                    .only("pk")
                    .first()
                )
            if original is None:
                self.add_error("duplicate_of", _("No feedback has the tracking code %(code)s.") % {"code": text})
        cleaned["duplicate_of"] = original
        return cleaned

    def apply(self):
        return workflow.reject(
            self.feedback,
            self.user,
            self.cleaned_data["reason"],
            note=self.note_text,
            duplicate_of=self.cleaned_data["duplicate_of"],
        )


class RestoreForm(MoveForm):
    action = Action.RESTORE
    note_required = True

    def apply(self):
        return workflow.restore(self.feedback, self.user, note=self.note_text)


class ClassifyForm(MoveForm):
    action = Action.CLASSIFY

    kind = forms.ChoiceField(label=_("Kind"), choices=Feedback.Kind.choices)
    field = forms.ModelChoiceField(
        label=_("Field of activity"), queryset=FieldOfActivity.objects.order_by("name"), required=False
    )
    department = forms.ModelChoiceField(label=_("Department that will answer"), queryset=Department.objects.all())

    field_order = ["kind", "field", "department", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(site_id=self.feedback.site_id)
        self.initial.setdefault("kind", self.feedback.kind)
        self.initial.setdefault("field", self.feedback.field_id)
        self.initial.setdefault("department", self.feedback.department_id)

    def apply(self):
        data = self.cleaned_data
        return workflow.classify(
            self.feedback,
            self.user,
            kind=data["kind"],
            field=data["field"],
            department=data["department"],
            note=self.note_text,
        )


class ForwardForm(MoveForm):
    action = Action.FORWARD

    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.all(),
        required=False,
        empty_label=_("The department chosen when classifying"),
    )

    field_order = ["department", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(site_id=self.feedback.site_id)
        self.initial.setdefault("department", self.feedback.department_id)

    def apply(self):
        return workflow.forward(
            self.feedback, self.user, department=self.cleaned_data["department"], note=self.note_text
        )


class ReturnForm(MoveForm):
    action = Action.RETURN
    note_required = True

    def apply(self):
        return workflow.return_to_office(self.feedback, self.user, note=self.note_text)


class AnswerForm(MoveForm):
    action = Action.ANSWER

    answer = forms.CharField(
        label=_("Answer"),
        widget=_textarea(8),
        help_text=_("The official answer the citizen reads, once it is approved."),
    )

    field_order = ["answer", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("answer", self.feedback.answer)

    def apply(self):
        return workflow.answer(self.feedback, self.user, self.cleaned_data["answer"], note=self.note_text)


class SendBackForm(MoveForm):
    action = Action.SEND_BACK
    note_required = True

    def apply(self):
        return workflow.send_back(self.feedback, self.user, note=self.note_text)


class ApproveForm(MoveForm):
    action = Action.APPROVE

    answer = forms.CharField(
        label=_("Answer"), widget=_textarea(8), help_text=_("You may correct the answer before approving it.")
    )

    field_order = ["answer", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("answer", self.feedback.answer)

    def apply(self):
        return workflow.approve(self.feedback, self.user, note=self.note_text, answer=self.cleaned_data["answer"])


class PublishForm(MoveForm):
    action = Action.PUBLISH

    def apply(self):
        return workflow.publish(self.feedback, self.user, note=self.note_text)


class UnpublishForm(MoveForm):
    action = Action.UNPUBLISH

    def apply(self):
        return workflow.unpublish(self.feedback, self.user, note=self.note_text)


class CloseForm(MoveForm):
    action = Action.CLOSE

    def apply(self):
        return workflow.close(self.feedback, self.user, note=self.note_text)


MOVE_FORMS = {
    form.action: form
    for form in (
        CheckForm,
        RejectForm,
        RestoreForm,
        ClassifyForm,
        ForwardForm,
        ReturnForm,
        AnswerForm,
        SendBackForm,
        ApproveForm,
        PublishForm,
        UnpublishForm,
        CloseForm,
    )
}


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Internal note"), widget=_textarea(3), help_text=_("Staff only; never shown to the public.")
    )


class RevealForm(forms.Form):
    purpose = forms.CharField(
        label=_("Purpose (optional)"),
        required=False,
        max_length=PURPOSE_MAX_LENGTH,
        help_text=_("Why you need to know who sent it, e.g. “call back to ask for the address of the site”."),
    )


# --- Bulk moves on the list ---


class IdListField(forms.Field):
    """The ticked checkboxes of the list: a list of primary keys (anything else is ignored)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        values = value if isinstance(value, list | tuple) else [value] if value else []
        return sorted({int(item) for item in values if str(item).isdigit()})


class BulkMoveForm(forms.Form):
    CHECK = "check"
    REJECT_SPAM = "reject_spam"
    FORWARD = "forward"
    ACTIONS = [
        (CHECK, _("Mark as checked")),
        (REJECT_SPAM, _("Reject as spam")),
        (FORWARD, _("Forward (to the department already chosen)")),
    ]

    action = forms.ChoiceField(label=_("With the selected items"), choices=ACTIONS)
    ids = IdListField(error_messages={"required": _("Select at least one item.")})

    @staticmethod
    def apply_to(action, feedback, user):
        """One item, through its own workflow function (raises like the moves do)."""
        if action == BulkMoveForm.CHECK:
            return workflow.check(feedback, user)
        if action == BulkMoveForm.REJECT_SPAM:
            return workflow.reject(feedback, user, Feedback.RejectReason.SPAM)
        if action == BulkMoveForm.FORWARD:
            return workflow.forward(feedback, user)
        raise ValueError(action)


# --- Staff registration ---


class ProcedureChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} – {obj.title}"


class StaffRegistrationForm(forms.Form):
    """Feedback that came by hotline, Zalo, letter or in person, entered by the office."""

    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[choice for choice in Feedback.Channel.choices if choice[0] != Feedback.Channel.WEB],
        widget=forms.RadioSelect,
    )
    received_at = DayFirstDateTimeField(
        label=_("Received on"),
        widget=AdminDateTimeInput,
        help_text=_("When the commune received it: day/month/year hours:minutes, for example 04/12/2026 08:30."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Feedback.Kind.choices, initial=Feedback.Kind.QUESTION)
    field = forms.ModelChoiceField(
        label=_("Field of activity"), queryset=FieldOfActivity.objects.order_by("name"), required=False
    )
    procedure = ProcedureChoiceField(
        label=_("Related procedure"),
        queryset=ProcedurePage.objects.live().order_by("code").only("id", "code", "title"),
        required=False,
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Content"), max_length=5000, widget=_textarea(8))
    submitter_name = forms.CharField(label=_("Sender's name"), required=False, max_length=150)
    submitter_phone = forms.CharField(label=_("Sender's phone"), required=False, max_length=30)
    submitter_email = forms.EmailField(label=_("Sender's e-mail"), required=False, max_length=254)
    submitter_address = forms.CharField(label=_("Sender's address"), required=False, max_length=300)
    attachments = MultipleFileField(
        label=_("Attachments"), required=False, widget=MultipleFileInput(attrs={"accept": "image/*,application/pdf"})
    )

    def __init__(self, *args, villages=(), **kwargs):
        super().__init__(*args, **kwargs)
        add_village_field(self, villages, after="text")
        self.initial.setdefault("received_at", timezone.localtime().replace(second=0, microsecond=0))
        self.fields["attachments"].help_text = _("Up to %(count)s files: photos or PDF, at most %(limit)s MB each.") % {
            "count": settings.FEEDBACK_MAX_ATTACHMENTS,
            "limit": max_upload_mb(),
        }
        for name in ("submitter_name", "submitter_phone", "submitter_email", "submitter_address"):
            self.fields[name].help_text = _("Optional. Stored encrypted; only the chairman and the office can see it.")

    def clean_received_at(self):
        value = self.cleaned_data["received_at"]
        if value > timezone.now() + datetime.timedelta(minutes=5):
            raise ValidationError(_("The date received cannot be in the future."))
        return value

    def clean_attachments(self):
        files = self.cleaned_data.get("attachments") or []
        return process_uploads(files)

    def registration_data(self):
        """The values ``feedback.services.register_feedback`` stores."""
        skip = {"channel", "received_at", "attachments"}
        return {name: value for name, value in self.cleaned_data.items() if name not in skip}


class DepartmentForm(WagtailAdminModelForm):
    """A department's members are chosen among the staff of the communes its editor works for: the
    office of one commune never reads the names of another commune's staff."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        scope = communes.commune_scope(self.for_user)
        if scope is not None and "members" in self.fields:
            members = self.fields["members"].queryset.filter(groups__commune__site__in=scope)
            self.fields["members"].queryset = members.distinct()
