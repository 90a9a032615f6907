"""The public feedback forms: sending feedback, finding it by tracking code, rating the answer."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from anyascii import anyascii

from feedback.models import Feedback
from feedback.tracking import normalise_tracking_code
from feedback.uploads import max_upload_mb, process_uploads
from procedures.models import FieldOfActivity, ProcedurePage

#: The honeypot's name: nothing a browser's autofill or a password manager would fill in.
HONEYPOT = "hp_ref"
SOURCE_TAG_MAX = 50
ACCEPT = "image/*,application/pdf"

#: A short explanation under each kind of feedback.
KIND_HINTS = {
    Feedback.Kind.QUESTION: _("You want to know something, e.g. how to do a procedure."),
    Feedback.Kind.SUGGESTION: _("You propose an improvement for the commune."),
    Feedback.Kind.COMPLAINT: _("You disagree with a decision or an action of the commune that concerns you."),
    Feedback.Kind.MISCONDUCT: _("You report wrongdoing by an official or an office."),
}


def clean_source_tag(value):
    """``?src=Thôn 7`` -> ``thon-7``: a slug of at most 50 characters, or ""."""
    return slugify(anyascii(str(value or "")))[:SOURCE_TAG_MAX].strip("-")


def live_procedure(code):
    """The published procedure with this national code, or None."""
    code = str(code or "").strip()
    if not code or len(code) > 40 or "\x00" in code:  # PostgreSQL refuses NUL in a query parameter
        return None
    return ProcedurePage.objects.live().public().filter(code=code).only("id", "title", "code").first()


def error_summary(form):
    """(id of the input to jump to, message) for every error, non-field errors first, then in form order."""
    items = [("", error) for error in form.non_field_errors()]
    for name, field in form.fields.items():
        if name not in form.errors or field.widget.is_hidden:
            continue
        bound = form[name]
        anchor = f"{bound.auto_id}_0" if isinstance(field.widget, forms.RadioSelect) else bound.auto_id
        items.extend((anchor, error) for error in form.errors[name])
    return items


def village_field(villages):
    """The optional "Thôn/xóm" select: an empty choice, then the commune's ``CommuneSettings.village_names``."""
    return forms.ChoiceField(
        label=_("Village or hamlet"),
        required=False,
        choices=[("", _("Choose your village or hamlet")), *((name, name) for name in villages)],
        help_text=_("Where the matter is. Only the commune staff see it; it is never published."),
        error_messages={"invalid_choice": _("Choose a village or hamlet from the list, or leave it empty.")},
    )


def add_village_field(form, villages, *, after):
    """Add ``village`` to ``form`` right after the field ``after`` when the commune lists villages; else nothing."""
    villages = [name for name in villages or () if name]
    if not villages:
        return
    form.fields["village"] = village_field(villages)
    order = [name for name in form.fields if name != "village"]
    order.insert(order.index(after) + 1, "village")
    form.order_fields(order)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True
    template_name = "django/forms/widgets/file.html"  # no "clear" checkbox: nothing is ever pre-filled


class MultipleFileField(forms.FileField):
    """Several files in one ``<input type=file multiple>``; cleans to a list of uploaded files."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [file for file in files if file]

    def bound_data(self, data, initial):
        return None


class MessageField(forms.CharField):
    """Text from a textarea, with browsers' CRLF line ends counted as one character (as ``maxlength`` does)."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value


class FeedbackForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What do you want to send?"),
        choices=Feedback.Kind.choices,
        initial=Feedback.Kind.QUESTION,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what you want to send: a question, a suggestion, a complaint or a report."),
            "invalid_choice": _("Choose what you want to send: a question, a suggestion, a complaint or a report."),
        },
    )
    field = forms.ModelChoiceField(
        label=_("Field of activity"),
        queryset=FieldOfActivity.objects.order_by("name"),
        required=False,
        empty_label=_("I don't know / other"),
        error_messages={"invalid_choice": _("Choose a field of activity from the list, or leave it empty.")},
    )
    procedure = forms.CharField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("A few words, e.g. “Street light broken in hamlet 7”."),
        error_messages={
            "required": _("Write a short title."),
            "max_length": _("The title is too long: at most %(limit_value)d characters (it has %(show_value)d)."),
        },
    )
    text = MessageField(
        label=_("Your message"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "What happened, where and when, and what you would like the commune to do. At most 5000 characters."
        ),
        error_messages={
            "required": _("Write your message."),
            "max_length": _("The message is too long: at most %(limit_value)d characters (it has %(show_value)d)."),
        },
    )
    attachments = MultipleFileField(
        label=_("Photos or documents"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ACCEPT}),
    )
    submitter_name = forms.CharField(
        label=_("Full name"), required=False, max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    submitter_phone = forms.CharField(
        label=_("Phone number"),
        required=False,
        max_length=30,
        validators=[
            RegexValidator(
                r"^\+?[0-9][0-9 .()\-]{5,28}$",
                _("Write the phone number with digits only, e.g. 0912 345 678, or leave it empty."),
                code="phone",
            )
        ],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    submitter_email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        max_length=254,
        help_text=_("If you give it, we send you an e-mail when the status changes."),
        error_messages={"invalid": _("Write a valid e-mail address, e.g. ten@example.com, or leave it empty.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    submitter_address = forms.CharField(
        label=_("Address"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    source_tag = forms.CharField(required=False, widget=forms.HiddenInput)
    hp_ref = forms.CharField(
        label=_("Leave this field empty (it is a check against automatic spam)"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, villages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.procedure_page = None
        self._files_examined = False
        add_village_field(self, villages, after="text")
        limit = max_upload_mb()
        count = settings.FEEDBACK_MAX_ATTACHMENTS
        self.fields["attachments"].help_text = _(
            "Up to %(count)s files: photos (JPEG, PNG, WebP, GIF, HEIC) or PDF, at most %(limit)s MB each."
        ) % {"count": count, "limit": limit}

    def kind_options(self):
        """Each kind's radio button with its explanation."""
        return [(radio, KIND_HINTS.get(radio.data["value"], "")) for radio in self["kind"]]

    @property
    def files_were_sent(self):
        return bool(self.is_bound and self.files.getlist("attachments"))

    @property
    def is_spam(self):
        return bool(self.is_bound and str(self.data.get(HONEYPOT, "")).strip())

    def clean_procedure(self):
        self.procedure_page = live_procedure(self.cleaned_data.get("procedure"))
        return self.procedure_page

    def clean_source_tag(self):
        return clean_source_tag(self.cleaned_data.get("source_tag"))

    def clean_title(self):
        return self.cleaned_data["title"].strip()

    def clean_text(self):
        return self.cleaned_data["text"].strip()

    @property
    def files_refused(self):
        """The files were examined and refused (the view counts such a post toward the client's limit)."""
        return self.is_bound and self._files_examined and "attachments" in self.errors

    def clean(self):
        cleaned = super().clean()
        if self.is_spam:
            raise ValidationError(
                _(
                    "Your message was not sent: the field “Leave this field empty” was filled in. "
                    "Please empty it and send again."
                ),
                code="honeypot",
            )
        # Decoding photos is the costly part: only for a form that is otherwise ready to store.
        files = cleaned.get("attachments") or []
        if files and not self._errors:
            self._files_examined = True
            try:
                cleaned["attachments"] = process_uploads(files)
            except ValidationError as error:
                self.add_error("attachments", error)
        return cleaned

    def submission_data(self):
        """The values ``feedback.services.submit_feedback`` stores."""
        data = {name: value for name, value in self.cleaned_data.items() if name not in ("attachments", HONEYPOT)}
        return data

    def error_list(self):
        """(anchor id, message) for the error summary, in the order of the form."""
        return error_summary(self)


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=40,
        help_text=_("As on your receipt, e.g. PA-7K3Q-9MX2. Small letters and spaces are fine."),
        error_messages={"required": _("Write your tracking code.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false", "inputmode": "text"}
        ),
    )

    def error_list(self):
        return error_summary(self)

    def clean_code(self):
        code = normalise_tracking_code(self.cleaned_data["code"])
        if code is None:
            raise ValidationError(
                _(
                    "This is not a tracking code. A code looks like PA-7K3Q-9MX2: "
                    "two groups of four letters and digits."
                ),
                code="invalid",
            )
        return code


RATING_CHOICES = [
    (5, _("5 – Very satisfied")),
    (4, _("4 – Satisfied")),
    (3, _("3 – Acceptable")),
    (2, _("2 – Not satisfied")),
    (1, _("1 – Not satisfied at all")),
]


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you with the answer?"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose from 1 to 5."),
            "invalid_choice": _("Choose from 1 to 5."),
        },
    )
    comment = MessageField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": _("The comment is too long: at most %(limit_value)d characters.")},
    )
    reopen = forms.BooleanField(
        label=_("I am not satisfied, please review again"),
        required=False,
        widget=forms.CheckboxInput(attrs={"aria-describedby": "reopen-hint"}),
    )

    def __init__(self, *args, can_reopen=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_reopen:
            del self.fields["reopen"]

    def error_list(self):
        return error_summary(self)
