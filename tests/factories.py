"""Plain ``make_*`` helpers for test data (no big fixtures)."""

from django.utils.text import slugify

from anyascii import anyascii


def make_standard_page(parent, title, publish=True, **kwargs):
    from home.models import StandardPage

    kwargs.setdefault("slug", slugify(anyascii(title)))
    kwargs.setdefault("live", publish)
    page = StandardPage(title=title, **kwargs)
    parent.add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
    page.refresh_from_db()
    return page


def refresh_search_index():
    """Make recent index writes visible to searches (a no-op on the database backend)."""
    from wagtail.search.backends import get_search_backend

    get_search_backend().refresh_indexes()


def make_field(name="Hộ tịch", **kwargs):
    from procedures.models import FieldOfActivity

    kwargs.setdefault("slug", slugify(anyascii(name)))
    field, _ = FieldOfActivity.objects.get_or_create(name=name, defaults=kwargs)
    return field


def make_procedure_index(parent, title="Thủ tục hành chính", **kwargs):
    from procedures.models import ProcedureIndexPage

    kwargs.setdefault("slug", slugify(anyascii(title)))
    index = ProcedureIndexPage(title=title, **kwargs)
    parent.add_child(instance=index)
    index.save_revision().publish()
    index.refresh_from_db()
    return index


def make_procedure(
    parent, code, title, field=None, documents=("Tờ khai",), steps=("Nộp hồ sơ",), publish=True, **kwargs
):
    """A procedure page with ordered documents ((name, copies) or name) and steps."""
    from procedures.models import ProcedureDocument, ProcedurePage, ProcedureStep

    kwargs.setdefault("slug", slugify(anyascii(title)))
    kwargs.setdefault("live", publish)
    page = ProcedurePage(code=code, title=title, field=field, **kwargs)
    for order, document in enumerate(documents):
        name, copies = (document, 1) if isinstance(document, str) else document
        page.required_documents.add(ProcedureDocument(name=name, copies=copies, sort_order=order))
    for order, text in enumerate(steps):
        page.steps.add(ProcedureStep(text=text, sort_order=order))
    parent.add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
    page.refresh_from_db()
    return page


def make_form_document(title, filename, content=b"form template"):
    """A wagtaildocs Document, e.g. a blank form a procedure links to."""
    from django.core.files.base import ContentFile

    from wagtail.documents import get_document_model

    document = get_document_model()(title=title)
    document.file.save(filename, ContentFile(content), save=False)
    document.save()
    return document


def make_user(username, superuser=False, groups=(), permissions=(), **kwargs):
    """A user with a password equal to the username; ``permissions`` as "app_label.codename"."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission

    kwargs.setdefault("email", f"{username}@example.com")
    create = get_user_model().objects.create_superuser if superuser else get_user_model().objects.create_user
    user = create(username=username, password=username, **kwargs)
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    for permission in permissions:
        app_label, codename = permission.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return user


def prefer_english(user):
    """Make the Wagtail admin speak English to this user."""
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()


def make_department(name="Địa chính – Xây dựng", members=(), **kwargs):
    from feedback.models import Department

    lookup = {"name": name}
    if kwargs.get("site") is not None:
        lookup["site"] = kwargs.pop("site")
    department, _ = Department.objects.get_or_create(**lookup, defaults=kwargs)
    if members:
        department.members.add(*members)
    return department


def make_feedback(**kwargs):
    """Feedback as the public form stores it (status received, with its public "received" event)."""
    from feedback.services import submit_feedback

    data = {"kind": "question", "title": "Đường thôn 7 bị ngập", "text": "Đoạn đường gần nhà văn hóa ngập sau mưa."}
    data.update(kwargs)
    return submit_feedback(data)


# --- Answer pages (answers/models.py) ---

ORIGINAL_TEXT = "Tôi là Nguyễn Văn Bình ở thôn 7, đường trước nhà tôi ngập sâu mỗi khi mưa, xã có sửa không?"
APPROVED_ANSWER = "Ngày 15/11, UBND xã đã nạo vét 120 m cống dọc đường liên thôn 7; đường đã hết ngập."
REWRITTEN = "Đường liên thôn 7 bị ngập sau mưa lớn: xã có kế hoạch khơi thông cống thoát nước không?"


def make_answers_index(parent, title="Hỏi đáp", **kwargs):
    """A published answers section ("Hỏi đáp") under ``parent``."""
    from answers.models import AnswerIndexPage

    kwargs.setdefault("slug", "hoi-dap")
    index = AnswerIndexPage(title=title, **kwargs)
    parent.add_child(instance=index)
    index.save_revision().publish()
    index.refresh_from_db()
    return index


def make_answer(index, title, question="Câu hỏi đã biên tập?", answer="<p>Câu trả lời.</p>", **kwargs):
    """A published answer page without a feedback item (as for FAQs)."""
    from answers.models import AnswerPage

    procedures = kwargs.pop("procedures", ())
    kwargs.setdefault("slug", f"tra-loi-{AnswerPage.objects.count() + 1}")
    page = AnswerPage(title=title, question=question, answer=answer, wording_confirmed=True, **kwargs)
    page.related_procedures = list(procedures)
    index.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def approved_item(office, chairman, member, department, field=None, procedure=None, approve=True):
    """A citizen's item taken through the register up to an approved answer (``APPROVED_ANSWER``);
    ``approve=False`` stops at the department's answer, awaiting approval."""
    from feedback import workflow
    from feedback.models import Feedback

    item = make_feedback(
        title="Đường thôn 7 bị ngập", text=ORIGINAL_TEXT, submitter_name="Nguyễn Văn Bình", submitter_phone="0912345678"
    )
    workflow.check(item, office)
    workflow.classify(item, office, kind="complaint", field=field, department=department)
    if procedure is not None:
        Feedback.objects.filter(pk=item.pk).update(procedure=procedure)
    workflow.forward(item, office)
    workflow.answer(item, member, APPROVED_ANSWER)
    if approve:
        workflow.approve(item, chairman)
    item.refresh_from_db()
    return item


def edit_url(page):
    from django.urls import reverse

    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def editor_data(page, action=None, **overrides):
    """What Wagtail's page editor posts for an answer page (``action``: publish, submit or None = save)."""
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

    values = {
        "title": page.title,
        "slug": page.slug,
        "question": page.question,
        "answer": rich_text(page.answer or "<p></p>"),
        "department": page.department_id or "",
        "received_date": page.received_date.isoformat() if page.received_date else "",
        "answered_date": page.answered_date.isoformat() if page.answered_date else "",
        "field": page.field_id or "",
        "documents": inline_formset([]),
        "comments": inline_formset([]),
    }
    if page.wording_confirmed:
        values["wording_confirmed"] = "on"
    values.update(overrides)
    if values.get("wording_confirmed") is False:
        del values["wording_confirmed"]
    data = nested_form_data(values)
    data["related_procedures"] = [procedure.pk for procedure in page.related_procedures.all()]
    if action:
        data[f"action-{action}"] = action
    return data
