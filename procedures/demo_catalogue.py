"""The demo commune's procedure catalogue and opening hours (the ``load_demo_data`` hook, home/demo.py)."""

import json
from datetime import time
from pathlib import Path

from home.models import CommuneOpeningHours, CommuneSettings
from procedures.importer import import_procedures
from procedures.models import FieldOfActivity, ProcedureIndexPage

DEMO_PROCEDURES = Path(__file__).resolve().parent / "demo" / "procedures.json"
#: Real records of the national procedure database (tests/data/national/README.md tells where from).
NATIONAL_RECORDS = Path(__file__).resolve().parents[1] / "tests" / "data" / "national" / "procedures.json"


def demo_catalogue_rows():
    """The demo commune's catalogue, as import rows: real first.

    Every real national record that a commune carries out ("Cấp xã" among its levels), as the national
    database words it (long official names, document entries of thousands of characters, forms); then the
    hand-written demo procedures whose code is not among them (common commune procedures the real sample
    lacks, which the search demo and the demo feedback refer to).
    """
    real = []
    if NATIONAL_RECORDS.exists():
        records = json.loads(NATIONAL_RECORDS.read_text(encoding="utf-8"))
        real = [record for record in records if "cấp xã" in record.get("Cấp thực hiện", "").casefold()]
    codes = {record["Mã thủ tục"] for record in real}
    written = json.loads(DEMO_PROCEDURES.read_text(encoding="utf-8"))
    rows = real + [row for row in written if row["code"] not in codes]
    return list(enumerate(rows, start=1))


CATALOGUE = {
    "title": "Thủ tục hành chính",
    "slug": "thu-tuc-hanh-chinh",
    "intro": (
        "Tra cứu các thủ tục hành chính Ủy ban nhân dân xã giải quyết: cần mang theo giấy tờ gì, "
        "nộp ở đâu, mất bao lâu và lệ phí bao nhiêu. Tìm theo lĩnh vực hoặc theo chữ cái đầu."
    ),
}


def catalogue(run):
    """The catalogue page and its procedures (imported as the national database words them)."""
    index = ProcedureIndexPage.objects.order_by("path").first()
    created = index is None
    if created:
        index = ProcedureIndexPage(show_in_menus=True, **CATALOGUE)
        run.home.add_child(instance=index)
        index.save_revision().publish()
    report = import_procedures(demo_catalogue_rows(), index, publish=True)
    where = f"new catalogue “{index.title}”" if created else f"catalogue “{index.title}”"
    run.say(
        f"Procedures ({where}): {len(report.created)} created, {len(report.updated)} updated, "
        f"{len(report.unchanged)} unchanged, {len(report.rejected)} rejected, {len(report.warnings)} warnings"
    )
    opening_hours(run.site)


def opening_hours(site):
    """Weekdays 7:00–11:30 and 13:30–17:00; Saturday morning for civil status only (special hours)."""
    settings_obj, _created = CommuneSettings.objects.get_or_create(site=site)
    if settings_obj.opening_hours.exists():
        return
    rows = []
    for weekday in range(5):
        rows.append(CommuneOpeningHours(settings=settings_obj, weekday=weekday, opens=time(7), closes=time(11, 30)))
        rows.append(CommuneOpeningHours(settings=settings_obj, weekday=weekday, opens=time(13, 30), closes=time(17)))
    civil_status = FieldOfActivity.objects.filter(name="Hộ tịch").first()
    if civil_status is not None:
        rows.append(
            CommuneOpeningHours(
                settings=settings_obj, weekday=5, opens=time(7, 30), closes=time(11, 30), field=civil_status
            )
        )
    for order, row in enumerate(rows):
        row.sort_order = order
        row.save()


def commune_view(site, *, hidden=(), notes=None, fees=None, offices=None, local=()):
    """A demo commune's view of the province's catalogue (``procedures/catalogues.py``): procedures it does
    not handle, local notes, local fees, another office for some, and local procedures of its own.
    Published as one revision of the commune's catalogue page, like an editor would."""
    from home.places import Office
    from procedures import catalogues
    from procedures.models import ProcedureOverride, ProcedurePage

    page = catalogues.ensure_commune_catalogue(site)
    notes, fees, offices = notes or {}, fees or {}, offices or {}
    codes = set(hidden) | set(notes) | set(fees) | set(offices)
    by_code = {p.code: p for p in ProcedurePage.objects.filter(code__in=codes)}
    if not page.overrides.exists():
        for code in sorted(codes):
            if code not in by_code:
                continue
            office = None
            if code in offices:
                name, address, phone = offices[code]
                office = Office.objects.filter(name=name).first() or Office.objects.create(
                    name=name, address=address, phone=phone, site=site
                )
            page.overrides.add(
                ProcedureOverride(
                    procedure=by_code[code],
                    hidden=code in hidden,
                    note=notes.get(code, ""),
                    fee=fees.get(code, ""),
                    office=office,
                )
            )
        page.save_revision().publish()
    if local:
        import_procedures(list(enumerate(local, start=1)), page, publish=True)
    return page
