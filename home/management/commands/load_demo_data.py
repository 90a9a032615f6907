"""Create a demo commune: settings, home page, a few information pages, the
procedure catalogue (the real national records of ``tests/data/national/`` that a commune carries out,
and the hand-written ``procedures/demo/procedures.json`` for common ones they lack), a
feedback register with staff in every role (``answers/demo.py``) and the public answers page, and an
administrator account. Search synonyms and referrals come with the migrations (``search/vocabulary.py``,
``search/referrals.py``).

Idempotent: a second run keeps everything that exists (including the admin
password, which is printed only when the account is created).

    python manage.py load_demo_data
"""

import json
import secrets
from datetime import time
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from wagtail.models import Site

from answers.demo import ensure_demo_feedback
from answers.models import AnswerIndexPage
from home.models import CommuneSettings, StandardPage
from home.setup import ensure_home_page
from procedures.importer import import_procedures
from procedures.models import ProcedureIndexPage

COMMUNE = {
    "commune_name": "Xã Hòa Bình",
    "authority_name": "Ủy ban nhân dân xã Hòa Bình",
    "address": "Thôn Trung Tâm, xã Hòa Bình, tỉnh Lâm Đồng",
    "hotline": "0263 3822 115",
    "email": "ubnd.hoabinh@example.gov.vn",
    "office_hours": "Nghỉ Chủ nhật và ngày lễ, Tết.",
    # The People's Committee office (a made-up spot in Lâm Đồng): the map link opens the phone's map app.
    "latitude": Decimal("11.940419"),
    "longitude": Decimal("108.458313"),
    "zalo_url": "https://zalo.me/0000000000",
}

HOME_INTRO = (
    "Tra cứu thủ tục hành chính, chuẩn bị đúng giấy tờ trước khi đến Bộ phận một cửa, "
    "gửi câu hỏi, góp ý, phản ánh và theo dõi kết quả giải quyết."
)

DEMO_PROCEDURES = Path(__file__).resolve().parents[3] / "procedures" / "demo" / "procedures.json"
#: Real records of the national procedure database (tests/data/national/README.md tells where from).
NATIONAL_RECORDS = Path(__file__).resolve().parents[3] / "tests" / "data" / "national" / "procedures.json"


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

ANSWERS_INDEX = {
    "title": "Hỏi đáp – Trả lời công dân",
    "slug": "hoi-dap",
    "intro": (
        "Câu trả lời chính thức của UBND xã cho các câu hỏi, góp ý, phản ánh của người dân. "
        "Câu hỏi đã được biên tập lại, không có thông tin cá nhân của người gửi."
    ),
}

PAGES = [
    {
        "slug": "gioi-thieu",
        "title": "Giới thiệu xã Hòa Bình",
        "intro": "Vị trí, dân số, các thôn và bộ máy chính quyền xã.",
        "body": (
            "<h2>Tổng quan</h2><p>Xã Hòa Bình có 12 thôn, diện tích tự nhiên 86 km², dân số khoảng "
            "14.500 người, trong đó đồng bào dân tộc thiểu số chiếm 31%.</p>"
            "<h2>Ủy ban nhân dân xã</h2><ul><li>Chủ tịch UBND xã</li><li>Các Phó Chủ tịch UBND xã</li>"
            "<li>Văn phòng HĐND và UBND xã</li><li>Phòng Kinh tế</li><li>Phòng Văn hóa – Xã hội</li>"
            "<li>Trung tâm Phục vụ hành chính công xã</li></ul>"
        ),
    },
    {
        "slug": "lich-tiep-cong-dan",
        "title": "Lịch tiếp công dân",
        "intro": "Chủ tịch UBND xã tiếp công dân định kỳ; Bộ phận một cửa tiếp nhận hồ sơ các ngày làm việc.",
        "body": (
            "<h2>Tiếp công dân định kỳ</h2><p>Chủ tịch UBND xã tiếp công dân vào sáng thứ Năm tuần thứ hai "
            "và tuần thứ tư hằng tháng tại Trụ sở UBND xã.</p>"
            "<h2>Tiếp nhận hồ sơ</h2><p>Bộ phận một cửa tiếp nhận hồ sơ từ thứ Hai đến thứ Sáu và sáng thứ Bảy.</p>"
        ),
    },
    {
        "slug": "lien-he",
        "title": "Liên hệ",
        "intro": "Địa chỉ, đường dây nóng và Zalo của UBND xã.",
        "body": (
            "<h2>Địa chỉ</h2><p>Trụ sở UBND xã Hòa Bình, thôn Trung Tâm.</p>"
            "<h2>Đường dây nóng</h2><p>0263 3822 115 (giờ hành chính).</p>"
        ),
    },
]


class Command(BaseCommand):
    help = "Create the demo commune (idempotent): settings, home page, information pages and an admin account."

    def add_arguments(self, parser):
        parser.add_argument("--admin-username", default="admin", help="Username of the administrator account.")

    @transaction.atomic
    def handle(self, *args, **options):
        verbose = options["verbosity"] > 0
        home = ensure_home_page()
        site = Site.objects.get(is_default_site=True)

        settings_obj = CommuneSettings.for_site(site)
        if settings_obj.commune_name in {"", "Xã"}:
            for field, value in COMMUNE.items():
                setattr(settings_obj, field, value)
            settings_obj.full_clean()
            settings_obj.save()
            if verbose:
                self.stdout.write(f"Commune settings: {settings_obj.commune_name}")

        if not home.intro:
            home.intro = HOME_INTRO
            home.save_revision().publish()

        catalogue, catalogue_created = self._ensure_catalogue(home)
        home.refresh_from_db()

        created_pages = 0
        for spec in PAGES:
            if home.get_children().filter(slug=spec["slug"]).exists():
                continue
            page = StandardPage(show_in_menus=True, **spec)
            home.add_child(instance=page)
            page.save_revision().publish()
            home.refresh_from_db()
            created_pages += 1
        if verbose:
            self.stdout.write(f"Information pages created: {created_pages}")

        report = import_procedures(demo_catalogue_rows(), catalogue, publish=True)
        if verbose:
            where = f"new catalogue “{catalogue.title}”" if catalogue_created else f"catalogue “{catalogue.title}”"
            self.stdout.write(
                f"Procedures ({where}): {len(report.created)} created, {len(report.updated)} updated, "
                f"{len(report.unchanged)} unchanged, {len(report.rejected)} rejected, {len(report.warnings)} warnings"
            )

        self._ensure_opening_hours(site)

        answers_index = self._ensure_answers_index(home, site)
        if verbose:
            self.stdout.write(f"Answers index: {answers_index.title}")
        items, staff = ensure_demo_feedback()
        if verbose:
            self.stdout.write(f"Feedback items created: {items}")
        for username, group, password in staff:
            # Printed once, like the admin password.
            self.stdout.write(self.style.SUCCESS(f"Staff account ({group}): username {username} password {password}"))

        self._ensure_admin(options["admin_username"], verbose)

    def _ensure_opening_hours(self, site):
        """Weekdays 7:00–11:30 and 13:30–17:00; Saturday morning for civil status only (special hours)."""
        from home.models import CommuneOpeningHours
        from procedures.models import FieldOfActivity

        settings_obj, _created = CommuneSettings.objects.get_or_create(site=site)
        if settings_obj.opening_hours.exists():
            return
        rows = []
        for weekday in range(5):
            rows.append(CommuneOpeningHours(settings=settings_obj, weekday=weekday, opens=time(7), closes=time(11, 30)))
            rows.append(
                CommuneOpeningHours(settings=settings_obj, weekday=weekday, opens=time(13, 30), closes=time(17))
            )
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

    def _ensure_catalogue(self, home):
        catalogue = ProcedureIndexPage.objects.order_by("path").first()
        if catalogue is not None:
            return catalogue, False
        catalogue = ProcedureIndexPage(show_in_menus=True, **CATALOGUE)
        home.add_child(instance=catalogue)
        catalogue.save_revision().publish()
        return catalogue, True

    def _ensure_answers_index(self, home, site):
        """The site's public answers page, chosen in its commune settings (new answers go there).

        It gets the "Answer approval" workflow and the groups' rights from answers/signals.py.
        """
        settings_obj, _ = CommuneSettings.objects.get_or_create(site=site)
        if settings_obj.answers_index_id:
            return settings_obj.answers_index
        index = AnswerIndexPage.objects.descendant_of(home).live().order_by("path").first()
        if index is None:
            home.refresh_from_db()
            index = AnswerIndexPage(show_in_menus=True, **ANSWERS_INDEX)
            home.add_child(instance=index)
            index.save_revision().publish()
        settings_obj.answers_index = index
        settings_obj.save(update_fields=["answers_index"])
        return index

    def _ensure_admin(self, username, verbose):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            if verbose:
                self.stdout.write(
                    f"Admin account '{username}' already exists; its password was printed when it was created. "
                    f"Reset it with: python manage.py changepassword {username}"
                )
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        # Printed once, on purpose: this is the only place the password appears.
        self.stdout.write(self.style.SUCCESS(f"Admin account created: username {username} password {password}"))
