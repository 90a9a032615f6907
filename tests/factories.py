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

    department, _ = Department.objects.get_or_create(name=name, defaults=kwargs)
    if members:
        department.members.add(*members)
    return department


def make_feedback(**kwargs):
    """Feedback as the public form stores it (status received, with its public "received" event)."""
    from feedback.services import submit_feedback

    data = {"kind": "question", "title": "Đường thôn 7 bị ngập", "text": "Đoạn đường gần nhà văn hóa ngập sau mưa."}
    data.update(kwargs)
    return submit_feedback(data)
