"""Answer pages move to addresses without tracking codes: ``tra-loi-<n>``, a number per answers index.

Before this, an answer page's slug was its item's tracking code (``pa-7k3q-9mx2``),
public in the answers index, the RSS feed and the search results. For every
answer page whose slug is not ``tra-loi-<n>`` yet:

* the slug becomes the next free ``tra-loi-<n>`` under its parent, and the
  ``url_path`` of the page and of its descendants follows (treebeard paths are
  untouched: the page stays where it is);
* a title holding the item's tracking code (the old default "Trả lời PA-…")
  becomes the neutral default title;
* its revisions get the same slug, url_path and title, so that editing an old
  draft does not bring the code back.

No redirect is left from an old address that held a code: redirects to an
answer page from a non-``tra-loi-<n>`` address, and any redirect whose old
path holds a stored tracking code, are deleted. Migrations cannot call the
real models' methods, so all of this is done explicitly here.
"""

import re

from django.conf import settings
from django.db import migrations
from django.utils import translation

SLUG_PREFIX = "tra-loi-"
SLUG_RE = re.compile(r"^tra-loi-([1-9][0-9]{0,9})$")
CODE_RE = re.compile(r"pa-?[23456789abcdefghjkmnpqrstwxyz]{4}-?[23456789abcdefghjkmnpqrstwxyz]{4}")
STEPLEN = 4  # Page.steplen


def _neutral_title():
    with translation.override(settings.LANGUAGE_CODE):
        return translation.gettext("Answer to a citizen's question")


def _last_segment(path):
    parts = [part for part in (path or "").split("?")[0].split("/") if part]
    return parts[-1] if parts else ""


def forwards(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    Revision = apps.get_model("wagtailcore", "Revision")
    AnswerPage = apps.get_model("feedback", "AnswerPage")
    Feedback = apps.get_model("feedback", "Feedback")
    Redirect = apps.get_model("wagtailredirects", "Redirect")

    answers = list(AnswerPage.objects.order_by("path").values_list("pk", "path", "slug", "title", "feedback_id"))
    codes = dict(
        Feedback.objects.filter(pk__in=[row[4] for row in answers if row[4]]).values_list("pk", "tracking_code")
    )
    neutral = _neutral_title()
    renamed = {}  # pk -> (new slug, new url_path, new title or None)
    next_numbers = {}  # parent path -> next free number
    for pk, path, slug, title, feedback_id in answers:
        if SLUG_RE.match(slug):
            continue
        parent_path = path[:-STEPLEN]
        parent = Page.objects.get(path=parent_path)
        if parent_path not in next_numbers:
            siblings = Page.objects.filter(path__startswith=parent_path, depth=parent.depth + 1)
            used = [
                int(match.group(1)) for match in map(SLUG_RE.match, siblings.values_list("slug", flat=True)) if match
            ]
            next_numbers[parent_path] = max(used, default=0) + 1
        new_slug = f"{SLUG_PREFIX}{next_numbers[parent_path]}"
        next_numbers[parent_path] += 1
        page = Page.objects.get(pk=pk)
        old_url_path = page.url_path
        new_url_path = f"{parent.url_path}{new_slug}/"
        code = codes.get(feedback_id)
        new_title = neutral if code and code.casefold() in title.casefold() else None
        changes = {"slug": new_slug, "url_path": new_url_path}
        if new_title:
            changes.update(title=new_title, draft_title=new_title)
        if code and code.casefold() in (page.seo_title or "").casefold():
            changes["seo_title"] = ""
        # Plain updates: the historical model has none of Page.save's side effects (signals, redirects).
        Page.objects.filter(pk=pk).update(**changes)
        for descendant_pk, url_path in Page.objects.filter(path__startswith=path, depth__gt=page.depth).values_list(
            "pk", "url_path"
        ):
            if url_path.startswith(old_url_path):
                Page.objects.filter(pk=descendant_pk).update(url_path=new_url_path + url_path[len(old_url_path) :])
        renamed[pk] = (new_slug, new_url_path, new_title, code)

    for revision in Revision.objects.filter(
        content_type__app_label="feedback",
        content_type__model="answerpage",
        object_id__in=[str(pk) for pk in renamed],
    ).iterator():
        new_slug, new_url_path, new_title, code = renamed[int(revision.object_id)]
        content = dict(revision.content or {})
        content["slug"], content["url_path"] = new_slug, new_url_path
        for key in ("title", "draft_title"):
            if code and code.casefold() in str(content.get(key) or "").casefold():
                content[key] = new_title or neutral
        if code and code.casefold() in str(content.get("seo_title") or "").casefold():
            content["seo_title"] = ""
        Revision.objects.filter(pk=revision.pk).update(content=content)

    # No public way back from an address that held a code.
    answer_ids = {row[0] for row in answers}
    revealing = []
    candidates = {}
    for redirect in Redirect.objects.all().only("pk", "old_path", "redirect_page_id").iterator():
        if redirect.redirect_page_id in answer_ids and not SLUG_RE.match(_last_segment(redirect.old_path)):
            revealing.append(redirect.pk)
            continue
        for found in CODE_RE.findall(redirect.old_path.lower()):
            compact = found.replace("-", "").upper()[2:]
            candidates.setdefault(f"PA-{compact[:4]}-{compact[4:]}", []).append(redirect.pk)
    if candidates:
        for code in Feedback.objects.filter(tracking_code__in=list(candidates)).values_list("tracking_code", flat=True):
            revealing.extend(candidates[code])
    Redirect.objects.filter(pk__in=revealing).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0010_protect_logs"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailredirects", "0008_add_verbose_name_plural"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
