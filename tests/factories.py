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
