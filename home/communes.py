"""Which commune (a Wagtail site) a member of staff works for, and which one a record belongs to.

One install serves every commune of a province: each commune is a Wagtail
site, and staff are tied to theirs through their groups (``CommuneGroup``).
Every register query a member of staff makes is filtered by
``commune_scope(user)``:

- ``None``: every commune. The superuser, holders of
  ``home.serve_every_commune`` (the province's own staff), and everybody in an
  install with a single site (a single commune's install works unchanged).
- otherwise the set of site ids of the user's commune groups: empty, and so
  nothing, for staff not yet tied to a commune once there are several sites.
"""

from django.contrib.auth.models import Group
from django.db import transaction
from django.dispatch import Signal

from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page, Site

PROVINCE_PERMISSION = "home.serve_every_commune"
_UNSET = object()


def default_site_id():
    """The default site's id: where records go that name no commune (a single commune's install)."""
    site_id = Site.objects.filter(is_default_site=True).values_list("pk", flat=True).first()
    if site_id is None:
        site_id = Site.objects.order_by("pk").values_list("pk", flat=True).first()
    return site_id


def is_single_commune():
    """One commune: one home page, whatever the number of site records (a second host name for the same
    home, such as www., is the same commune)."""
    # Wagtail keeps the sites' root paths in the cache (cleared when a site changes): no query per request.
    return len({root.root_path for root in Site.get_site_root_paths()}) <= 1


def commune_scope(user):
    """``None`` for every commune, else the frozenset of site ids whose register ``user`` works on.

    Kept on the user object for the request, like Django keeps its permissions.
    """
    if not (user and user.is_authenticated and user.is_active):
        return frozenset()
    scope = getattr(user, "_commune_scope", _UNSET)
    if scope is _UNSET:
        from home.models import CommuneGroup

        if user.is_superuser or is_single_commune() or user.has_perm(PROVINCE_PERMISSION):
            scope = None
        else:
            scope = frozenset(CommuneGroup.objects.filter(group__user=user).values_list("site_id", flat=True))
        user._commune_scope = scope
    return scope


def sees_several(user):
    """Works for more than one commune (the province's staff in a province-wide install)."""
    scope = commune_scope(user)
    return (len(scope) > 1) if scope is not None else not is_single_commune()


def works_for(user, site_id):
    scope = commune_scope(user)
    return scope is None or site_id in scope


def restrict(queryset, user, field="site"):
    """``queryset`` limited to the communes ``user`` works for (through ``field``, a foreign key to the site)."""
    scope = commune_scope(user)
    if scope is None:
        return queryset
    return queryset.filter(**{f"{field}__in": scope})


def home_commune(user, request=None):
    """The site a member of staff registers feedback for: their commune if they work for one, else the
    site of the request (the province's staff registering on a commune's host)."""
    scope = commune_scope(user)
    if scope and len(scope) == 1:
        return next(iter(scope))
    if request is not None:
        site = Site.find_for_request(request)
        if site is not None and works_for(user, site.pk):
            return site.pk
    if scope:
        return min(scope)
    return default_site_id()


# --- Adding a commune (``manage.py add_commune``) ---

#: Sent once a commune's site, home page, settings and editors exist, with ``site`` and ``label`` (its
#: name): each app adds its own part (staff groups, answers page, …), idempotently.
commune_added = Signal()
#: Wagtail's editors' group: each commune gets its own, with page rights on its own pages only.
EDITORS = "Editors"
#: A commune's group is named after its role, in Vietnamese where the role's group is Wagtail's own.
GROUP_NAMES = {EDITORS: "Biên tập viên"}


def label(site):
    """The commune's name as its settings give it (the site's name before that)."""
    from home.models import CommuneSettings

    name = CommuneSettings.objects.filter(site=site).values_list("commune_name", flat=True).first()
    if name and name.strip() not in {"", "Xã"}:
        return name.strip()
    return site.site_name or site.hostname


def has_groups(site):
    from home.models import CommuneGroup

    return site is not None and CommuneGroup.objects.filter(site=site).exists()


def role_group(site, role):
    """The group of ``role`` in the commune of ``site``; the province-wide group named ``role`` where the
    commune has none of its own (a single commune's install)."""
    if site is not None:
        group = Group.objects.filter(commune__site=site, commune__role=role).first()
        if group is not None:
            return group
    return Group.objects.filter(name=role).first()


def ensure_role_group(site, role):
    """The commune's own group for ``role``, made once with the model rights of the group named ``role``.

    Rights changed later on the province-wide group are not copied again: each commune's group is
    its own in Settings › Groups.
    """
    from home.models import CommuneGroup

    existing = CommuneGroup.objects.filter(site=site, role=role).select_related("group").first()
    if existing is not None:
        return existing.group
    template = Group.objects.filter(name=role).first()
    group, _created = Group.objects.get_or_create(name=f"{GROUP_NAMES.get(role, role)} – {label(site)}"[:150])
    if template is not None:
        group.permissions.add(*template.permissions.all())
    CommuneGroup.objects.create(group=group, site=site, role=role)
    return group


def _editors(site, home):
    """The commune's editors: Wagtail's editors' model rights, their page rights on the commune's pages
    only, and their document and image rights on a collection of the commune's own."""
    group = ensure_role_group(site, EDITORS)
    template = Group.objects.filter(name=EDITORS).first()
    if template is None:
        return group
    for permission_id in set(
        GroupPagePermission.objects.filter(group=template).values_list("permission_id", flat=True)
    ):
        GroupPagePermission.objects.get_or_create(group=group, page=home, permission_id=permission_id)
    collection_rights = set(
        GroupCollectionPermission.objects.filter(group=template).values_list("permission_id", flat=True)
    )
    if collection_rights:
        root = Collection.get_first_root_node()
        name = label(site)[:255]
        collection = root.get_children().filter(name=name).first() or root.add_child(name=name)
        for permission_id in collection_rights:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=collection, permission_id=permission_id
            )
    return group


@transaction.atomic
def add_commune(name, hostname, port=80, *, slug=None, authority_name=""):
    """Create a commune, or complete one that exists (found by host name and port): its site, home page,
    commune settings and editors here; staff groups and answers page from the apps (``commune_added``).

    Returns ``(site, created)``. Run again, it adds only what is missing and changes nothing set since.
    """
    from home.models import CommuneSettings, HomePage
    from home.slugs import ascii_slug, unique_slug

    name = name.strip()
    if not name or not hostname:
        raise ValueError("a commune needs a name and a host name")
    site = Site.objects.filter(hostname=hostname, port=port).first()
    created = site is None
    if created:
        root = Page.get_first_root_node()
        home = HomePage(title=name, slug=unique_slug(slug or ascii_slug(name) or "xa", root))
        root.add_child(instance=home)
        home.save_revision().publish()
        site = Site.objects.create(
            hostname=hostname,
            port=port,
            root_page=home,
            site_name=name,
            is_default_site=not Site.objects.exists(),
        )
    settings_obj = CommuneSettings.for_site(site)
    if settings_obj.commune_name.strip() in {"", "Xã"}:
        settings_obj.commune_name = name
        settings_obj.authority_name = settings_obj.authority_name or authority_name or f"Ủy ban nhân dân {name}"
        settings_obj.save()
    _editors(site, site.root_page.specific)
    commune_added.send(sender=Site, site=site, label=name)
    return site, created
