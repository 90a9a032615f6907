"""Template helpers for procedure pages."""

import json
from html import escape

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.template.defaultfilters import linebreaksbr
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

register = template.Library()

# Same escapes as Django's json_script: nothing in the data can close the tag.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def json_ld(data):
    """Render a dict as a schema.org JSON-LD script element."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # noqa: S308


@register.simple_tag
def checklist_item(document, counter):
    """One document of the "What to bring" checklist, as an ``<li>``.

    Written in Python rather than as a template loop: the biggest real records list 45 documents, and
    the template engine spent most of such a page's rendering time resolving this item's variables.
    Every value is escaped (``html.escape``, which escapes what Django's ``escape`` does, without its
    lazy-string wrapper: this runs for every document of every page rendered).
    """
    anchor = f"doc-{document.pk or counter}"
    if document.copies_note:
        copies = f"({document.copies_note})"
    else:
        copies = ngettext("(%(copies)s copy)", "(%(copies)s copies)", document.copies) % {"copies": document.copies}
    parts = [
        f'<li><input type="checkbox" id="{anchor}"><label for="{anchor}">{escape(document.name)} '
        f'<span class="checklist__copies">{escape(copies)}</span></label>'
    ]
    if document.details:
        parts.append(
            f'<details class="checklist__details"><summary>{escape(gettext("Full text, cases and notes"))}</summary>'
            f"<p>{linebreaksbr(document.official_text, autoescape=True)}</p></details>"
        )
    named = f"{escape(document.form_name)}: " if document.form_name else ""
    if document.form:
        download = gettext("Download the form (%(ext)s)") % {"ext": document.form.file_extension.upper()}
        href = escape(document.form.url)
        parts.append(f'<a class="checklist__form" href="{href}" download>{named}{escape(download)}</a>')
    elif document.form_url:
        label = escape(gettext("Get the official form"))
        parts.append(f'<a class="checklist__form" href="{escape(document.form_url)}" rel="noopener">{named}{label}</a>')
    elif document.form_name:
        ask = gettext("Form: %(name)s (ask at the desk)") % {"name": document.form_name}
        parts.append(f'<span class="checklist__form">{escape(ask)}</span>')
    parts.append("</li>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
