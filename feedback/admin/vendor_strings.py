"""Vietnamese for wagtail-modeladmin strings that its own catalogue lacks.

The register's filter sidebar, search box and pagination come from
modeladmin's templates. Catalogues in ``LOCALE_PATHS`` take precedence over
the apps' own, so listing the msgids here (exactly as modeladmin's templates
write them) lets ``makemessages`` put them in ours.
"""

from django.utils.translation import gettext_noop

VENDOR_STRINGS = [
    gettext_noop("By %(filter_title)s"),
    gettext_noop("Page %(page_num)s of %(total_pages)s"),
    gettext_noop("Search for"),
    gettext_noop("%(result_count)s out of %(all_count)s"),
]
