"""A demo feedback register: departments, staff in each role and a dozen items at every stage.

Loaded by ``load_demo_data`` (idempotent: nothing is added once departments
exist). Items move through ``feedback.workflow`` like real ones, so their
timelines and e-mails are the real thing. Staff accounts get random
passwords printed once, like the admin account.
"""

import datetime
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from wagtail.models import Site

from answers.services import NoAnswerIndex, ensure_answers_index, prepare_answer_page
from feedback import permissions, workflow
from feedback.models import Department, Feedback
from feedback.services import register_feedback, submit_feedback
from home import communes
from home.models import CommuneSettings, CommuneVillage
from procedures.demo_catalogue import commune_view

DEPARTMENTS = [
    ("Địa chính – Xây dựng – Môi trường", 10, "diachinh"),
    ("Văn hóa – Xã hội", 10, "vanhoa"),
    ("Tư pháp – Hộ tịch", 7, "tuphap"),
    ("Tài chính – Kế toán", 10, None),
]

STAFF = [
    ("chutich", "Nguyễn Văn Chủ", permissions.GROUP_CHAIRMAN),
    ("vanphong", "Trần Thị Văn", permissions.GROUP_OFFICE),
    ("phochutich", "Lê Văn Phó", permissions.GROUP_LEADERS),
    ("diachinh", "Phạm Văn Địa", permissions.GROUP_DEPARTMENT_STAFF),
    ("vanhoa", "Hoàng Thị Hóa", permissions.GROUP_DEPARTMENT_STAFF),
    ("tuphap", "Đỗ Văn Pháp", permissions.GROUP_DEPARTMENT_STAFF),
]

# (kind, title, text, identity, source tag, department index, how far it goes)
ITEMS = [
    (
        "complaint",
        "Đường liên thôn 7 ngập sau mưa",
        "Đoạn đường từ nhà văn hóa thôn 7 ra quốc lộ ngập sâu mỗi khi mưa lớn, "
        "học sinh đi học rất nguy hiểm. Đề nghị xã khơi thông cống thoát nước.",
        {"submitter_name": "Nguyễn Văn Bình", "submitter_phone": "0912345678"},
        "thon-7",
        0,
        "published",
    ),
    (
        "question",
        "Làm lại giấy khai sinh bị mất cần gì?",
        "Con tôi bị mất bản chính giấy khai sinh. Xin hỏi thủ tục cấp bản sao trích lục cần mang theo giấy tờ gì?",
        {"submitter_email": "phuhuynh@example.vn"},
        "mot-cua",
        2,
        "closed",
    ),
    (
        "suggestion",
        "Lắp đèn chiếu sáng ngõ 12 thôn 3",
        "Ngõ 12 thôn 3 chưa có đèn, buổi tối rất tối. Bà con sẵn sàng góp công lắp đặt.",
        {},
        "thon-3",
        0,
        "forwarded",
    ),
    (
        "complaint",
        "Tiếng ồn từ xưởng gỗ sau 22 giờ",
        "Xưởng gỗ ở cuối thôn 5 chạy máy đến nửa đêm nhiều ngày liền.",
        {"submitter_name": "Trần Thị Hoa", "submitter_address": "Thôn 5"},
        "thon-5",
        0,
        "overdue",
    ),
    (
        "question",
        "Thời gian nhận hồ sơ trợ cấp người cao tuổi",
        "Bố tôi tròn 80 tuổi tháng này, xin hỏi khi nào nộp hồ sơ hưởng trợ cấp và nộp ở đâu?",
        {"submitter_phone": "0987654321"},
        "",
        1,
        "answered",
    ),
    (
        "misconduct",
        "Cán bộ thu thêm tiền khi chứng thực",
        "Khi chứng thực bản sao tôi bị thu thêm 20.000 đồng ngoài lệ phí niêm yết và không có biên lai.",
        {},
        "mot-cua",
        2,
        "classified",
    ),
    (
        "suggestion",
        "Mở thêm giờ tiếp dân sáng thứ Bảy",
        "Nhiều người đi làm công ty không thể đến xã trong giờ hành chính.",
        {},
        "",
        None,
        "checked",
    ),
    ("question", "Quảng cáo vay tiền nhanh", "Vay tiền nhanh lãi suất thấp, liên hệ ngay.", {}, "", None, "spam"),
    (
        "question",
        "Lịch tiêm phòng dại cho chó mèo năm nay",
        "Xin hỏi khi nào xã tổ chức tiêm phòng dại cho chó mèo?",
        {},
        "thon-7",
        None,
        "received",
    ),
]

ANSWERS = {
    0: "Ngày 15/11, UBND xã đã cử tổ công tác nạo vét 120 m cống dọc đường liên thôn 7; đường đã hết ngập. "
    "Xã sẽ đưa tuyến cống này vào kế hoạch cải tạo năm sau.",
    1: "Ông/bà mang căn cước đến bộ phận một cửa để được cấp bản sao trích lục khai sinh từ sổ hộ tịch; "
    "lệ phí 8.000 đồng/bản, nhận ngay trong ngày.",
    4: "Hồ sơ nộp tại bộ phận một cửa từ ngày 1 đến ngày 10 hằng tháng, gồm tờ khai và bản sao căn cước.",
}

# The questions as staff rewrote them for the public answer page (no name, no phone number).
PUBLIC_QUESTIONS = {
    0: "Đoạn đường liên thôn 7 ra quốc lộ bị ngập sâu mỗi khi mưa lớn. "
    "Xã có kế hoạch khơi thông cống thoát nước không?",
}


def _user(username, full_name, group_name, passwords, site=None):
    """The staff account, in the commune's own group of ``group_name``'s role (``home.communes``)."""
    group_name = communes.role_group(site, group_name).name
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        first, _, last = full_name.rpartition(" ")
        password = secrets.token_urlsafe(9)
        user = User.objects.create_user(
            username=username,
            password=password,
            email=f"{username}@xa-demo.example.vn",
            first_name=last,
            last_name=first,
        )
        passwords.append((username, group_name, password))
    user.groups.add(Group.objects.get(name=group_name))
    return User.objects.get(pk=user.pk)


def _publish_answer_page(item, office, chairman, question):
    """The office prepares the answer page, the chairman publishes it: the item becomes "published"."""
    from wagtail.log_actions import LogContext

    try:
        page = prepare_answer_page(item, office)
    except NoAnswerIndex:
        workflow.publish(item, office)  # no answers index to put it under: published without a page
        return
    page.question, page.wording_confirmed = question, True
    revision = page.save_revision(user=office)
    with LogContext(user=chairman):
        revision.publish(user=chairman)


#: The village of the posters the demo items came from (home/demo.py lists the commune's villages).
DEMO_VILLAGES = {"thon-3": "Thôn 3", "thon-5": "Thôn 5", "thon-7": "Thôn 7"}


def ensure_demo_feedback(site=None):
    """Create the demo register of ``site``'s commune (default: the default site) unless it has departments.
    Returns (items created, [(user, group, password)])."""
    site = site or Site.objects.get(is_default_site=True)
    if Department.objects.filter(site=site).exists():
        return 0, []
    passwords = []
    users = {username: _user(username, name, group, passwords, site) for username, name, group in STAFF}
    departments = []
    for name, days, member in DEPARTMENTS:
        department = Department.objects.create(name=name, time_limit_days=days, email="", site=site)
        if member:
            department.members.add(users[member])
        departments.append(department)
    office, chairman = users["vanphong"], users["chutich"]
    for number, (kind, title, text, identity, source, dept, stage) in enumerate(ITEMS):
        data = {"kind": kind, "title": title, "text": text, "source_tag": source, **identity}
        data["village"] = DEMO_VILLAGES.get(source, "")  # as a villager at that poster would choose it
        if number == 1:
            item = register_feedback(office, data, channel=Feedback.Channel.IN_PERSON)
        else:
            item = submit_feedback(data)
        if stage == "received":
            continue
        if stage == "spam":
            workflow.reject(item, office, Feedback.RejectReason.SPAM, note="Quảng cáo")
            continue
        workflow.check(item, office)
        if stage == "checked":
            continue
        workflow.classify(item, office, kind=kind, field=None, department=departments[dept])
        if stage == "classified":
            continue
        workflow.forward(item, office)
        if stage == "overdue":
            # Forwarded three weeks ago and still unanswered: shows as late in the register.
            Feedback.objects.filter(pk=item.pk).update(due_date=timezone.localdate() - datetime.timedelta(days=7))
            continue
        if stage == "forwarded":
            continue
        member = departments[dept].members.first()
        workflow.answer(item, member, ANSWERS[number])
        if stage == "answered":
            continue
        workflow.approve(item, chairman)
        if stage == "published":
            _publish_answer_page(item, office, chairman, PUBLIC_QUESTIONS[number])
        elif stage == "closed":
            workflow.close(item, office)
    return len(ITEMS), passwords


def answers_and_register(run):
    """The public answers page, then the register: staff in every role and items at every stage.

    The demo commune is one of three (``other_communes``): its staff are in its own groups.
    """
    communes.add_commune(communes.label(run.site), run.site.hostname, run.site.port)
    index = ensure_answers_index(run.home, run.site)
    run.say(f"Answers index: {index.title}")
    items, staff = ensure_demo_feedback(run.site)
    run.say(f"Feedback items created: {items}")
    for username, group, password in staff:
        # Printed once, like the admin password.
        run.tell(f"Staff account ({group}): username {username} password {password}")


#: A local procedure of Tân Phú's (no national code: it gets a DP. code of the commune's own).
TAN_PHU_CULTURAL_HOUSE = {
    "name": "Đăng ký sử dụng Nhà văn hóa ấp cho việc hiếu, hỷ",
    "field": "Văn hóa",
    "level": "Cấp xã",
    "steps": [
        "Gửi phiếu đăng ký cho Trưởng ấp hoặc Bộ phận Một cửa xã ít nhất 3 ngày trước ngày sử dụng",
        "Trưởng ấp xác nhận lịch trống và hướng dẫn nội quy Nhà văn hóa",
        "Nhận lại Nhà văn hóa sau khi sử dụng, có biên bản giao nhận",
    ],
    "channels": ["truc_tiep"],
    "documents": [{"name": "Phiếu đăng ký sử dụng Nhà văn hóa ấp (theo mẫu của xã)", "copies": 1, "form": None}],
    "processing_time": {"value": 1, "unit": "working_days", "note": "Kể từ ngày nhận phiếu đăng ký."},
    "fee": "Không thu phí; người sử dụng tự trả tiền điện, nước theo thực tế.",
    "applicants": "Hộ gia đình cư trú trên địa bàn ấp",
    "agency": "Ủy ban nhân dân xã Tân Phú",
    "result": "Lịch sử dụng Nhà văn hóa ấp được xác nhận",
    "legal_basis": ["Quy chế quản lý Nhà văn hóa ấp của Ủy ban nhân dân xã Tân Phú"],
}

#: The province's other demo communes, each on its own host name (``*.localhost`` reaches this machine),
#: with an office account, two departments and a few messages of their own.
OTHER_COMMUNES = [
    {
        "name": "Xã Tân Phú",
        "host": "tanphu.localhost",
        "office": ("vanphong-tanphu", "Võ Thị Phú"),
        "villages": ["Ấp Tân Lợi", "Ấp Tân Hòa", "Ấp Phú Thạnh"],
        # Tân Phú has no forest; its police post takes residence matters; its own rule for the cultural house.
        "catalogue": {
            "hidden": ["1.007917"],
            "notes": {
                "1.001193": "Xã Tân Phú nhận hồ sơ khai sinh cả sáng thứ Bảy (7:30–11:00) tại Bộ phận Một cửa.",
            },
            "fees": {"2.000815": "2.000 đồng/trang; nộp tại quầy thu phí của Bộ phận Một cửa xã Tân Phú."},
            "offices": {"1.004222": ("Công an xã Tân Phú", "Ấp Tân Hòa, xã Tân Phú", "0277 3850 113")},
            "local": [TAN_PHU_CULTURAL_HOUSE],
        },
        "items": [
            (
                "suggestion",
                "Xin nạo vét kênh ấp Tân Lợi",
                "Kênh thủy lợi ấp Tân Lợi bị bồi lắng, nước không vào ruộng.",
            ),
            ("question", "Đăng ký tạm trú cho người thuê trọ ở đâu?", "Tôi cho công nhân thuê trọ, cần đăng ký gì?"),
        ],
    },
    {
        "name": "Xã Mỹ An",
        "host": "myan.localhost",
        "office": ("vanphong-myan", "Huỳnh Văn An"),
        "villages": ["Ấp Mỹ Hòa", "Ấp Mỹ Thuận"],
        "catalogue": {"hidden": ["1.008901", "1.004492"]},
        "items": [
            (
                "complaint",
                "Cầu khỉ ấp Mỹ Hòa xuống cấp",
                "Cầu khỉ qua rạch Mỹ Hòa bị gãy tay vịn, học sinh đi lại nguy hiểm.",
            ),
        ],
    },
]


def other_communes(run):
    """Two more communes of the province on their own hosts: one install serves them all, each its own
    register, staff and statistics (``manage.py add_commune``)."""
    for spec in OTHER_COMMUNES:
        site, created = communes.add_commune(spec["name"], spec["host"], run.site.port)
        if not created:
            continue
        settings_obj = CommuneSettings.for_site(site)
        for order, name in enumerate(spec["villages"]):
            CommuneVillage.objects.create(settings=settings_obj, name=name, sort_order=order)
        passwords = []
        office = _user(*spec["office"], permissions.GROUP_OFFICE, passwords, site)
        department = Department.objects.create(name="Địa chính – Xây dựng", time_limit_days=10, email="", site=site)
        Department.objects.create(name="Văn hóa – Xã hội", time_limit_days=10, email="", site=site)
        for number, (kind, title, text) in enumerate(spec["items"]):
            item = submit_feedback({"kind": kind, "title": title, "text": text}, site=site)
            if number == 0:
                workflow.check(item, office)
                workflow.classify(item, office, kind=kind, field=None, department=department)
                workflow.forward(item, office)
        commune_view(site, **spec.get("catalogue", {}))
        run.say(f"Commune {spec['name']}: http://{spec['host']}:{run.site.port}/")
        for username, group, password in passwords:
            run.tell(f"Staff account ({group}): username {username} password {password}")
