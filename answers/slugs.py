"""An answer page's address is ``tra-loi-<n>`` (a number per answers index): never the tracking code
nor words of the citizen or the title. ``AnswerPage`` enforces it on every save."""

import re

from wagtail.models import Page

SLUG_PREFIX = "tra-loi-"
SLUG_RE = re.compile(r"^tra-loi-([1-9][0-9]{0,9})$")


def is_answer_slug(slug):
    return bool(SLUG_RE.match(slug or ""))


def next_answer_slug(parent, exclude_pk=None):
    """``tra-loi-<n>``: one more than the highest number under ``parent``."""
    siblings = Page.objects.child_of(parent).filter(slug__startswith=SLUG_PREFIX)
    if exclude_pk is not None:
        siblings = siblings.exclude(pk=exclude_pk)
    numbers = [int(match.group(1)) for match in map(SLUG_RE.match, siblings.values_list("slug", flat=True)) if match]
    return f"{SLUG_PREFIX}{max(numbers, default=0) + 1}"
