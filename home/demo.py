"""The demo commune, app by app.

``python manage.py load_demo_data`` fills the commune settings and the home
page, then calls every function registered with Wagtail's ``load_demo_data``
hook, in the hook's order: each app adds its own part (the procedure
catalogue, the information pages, the feedback register and the answers
page), so this app never imports the apps above it. A hook function takes a
:class:`DemoRun`.
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model

from wagtail import hooks
from wagtail.models import Site

from home.models import CommuneSettings, CommuneVillage, HomePage, StandardPage
from home.setup import ensure_home_page


@dataclass
class DemoRun:
    home: HomePage
    site: Site
    #: Prints a progress line (only at verbosity 1 or more).
    say: Callable[[str], None]
    #: Prints a line always, highlighted: the credentials that are shown once.
    tell: Callable[[str], None]

    def refresh(self):
        self.home.refresh_from_db()


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

#: The villages and hamlets offered on the feedback form ("Thôn/xóm"), in this order.
VILLAGES = ["Thôn Trung Tâm", "Thôn 3", "Thôn 5", "Thôn 7", "Thôn Hòa Lạc", "Xóm Đồng", "Xóm Bến"]

HOME_INTRO = (
    "Tra cứu thủ tục hành chính, chuẩn bị đúng giấy tờ trước khi đến Bộ phận một cửa, "
    "gửi câu hỏi, góp ý, phản ánh và theo dõi kết quả giải quyết."
)

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


def load_demo_data(say, tell, admin_username="admin"):
    """Build the demo commune (idempotent): a second run keeps what exists, passwords included."""
    home = ensure_home_page()
    site = Site.objects.get(is_default_site=True)
    settings_obj = CommuneSettings.for_site(site)
    if settings_obj.commune_name in {"", "Xã"}:
        for field, value in COMMUNE.items():
            setattr(settings_obj, field, value)
        settings_obj.full_clean()
        settings_obj.save()
        say(f"Commune settings: {settings_obj.commune_name}")
    if settings_obj.pk is not None and not CommuneVillage.objects.filter(settings=settings_obj).exists():
        for order, name in enumerate(VILLAGES):
            CommuneVillage.objects.create(settings=settings_obj, name=name, sort_order=order)
        say(f"Villages and hamlets: {len(VILLAGES)}")
    if not home.intro:
        home.intro = HOME_INTRO
        home.save_revision().publish()

    run = DemoRun(home=home, site=site, say=say, tell=tell)
    for build in hooks.get_hooks("load_demo_data"):
        run.refresh()
        build(run)
    ensure_admin(admin_username, say, tell)


def information_pages(run):
    """The commune's information pages ("About", "Citizen reception", "Contact"), in the menu."""
    created = 0
    for spec in PAGES:
        if run.home.get_children().filter(slug=spec["slug"]).exists():
            continue
        page = StandardPage(show_in_menus=True, **spec)
        run.home.add_child(instance=page)
        page.save_revision().publish()
        run.refresh()
        created += 1
    run.say(f"Information pages created: {created}")


def ensure_admin(username, say, tell):
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        say(
            f"Admin account '{username}' already exists; its password was printed when it was created. "
            f"Reset it with: python manage.py changepassword {username}"
        )
        return
    password = secrets.token_urlsafe(12)
    User.objects.create_superuser(username=username, email="", password=password)
    # Printed once, on purpose: this is the only place the password appears.
    tell(f"Admin account created: username {username} password {password}")
