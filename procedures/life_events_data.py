"""The standard life events shipped with the portal, and ``ensure_life_events``.

Groups follow the issue's list and the national portal's life-event
("Dịch vụ công liên thông") groups; codes are national codes present in
``tests/data/national/procedures.json`` (checked by a test).
"""

from django.utils.text import slugify

INDEX_SLUG = "su-kien-cuoc-song"
INDEX_TITLE = "Sự kiện cuộc sống"

# (slug, title, intro, phrases, [(code, note), ...])
LIFE_EVENTS = [
    (
        "co-con-moi-sinh",
        "Có con mới sinh",
        "Đăng ký khai sinh, thường trú cho trẻ mới sinh.",
        "sinh con, con mới sinh, có em bé, đẻ, khai sinh, làm giấy khai sinh",
        [
            ("1.001193", ""),
            ("1.000110", "Nếu cha hoặc mẹ là người nước ngoài, ở khu vực biên giới"),
            ("1.004222", ""),
        ],
    ),
    (
        "ket-hon",
        "Kết hôn",
        "Đăng ký kết hôn.",
        "kết hôn, cưới, lấy vợ, lấy chồng, đăng ký kết hôn, giấy đăng ký kết hôn",
        [
            ("1.000894", ""),
            ("1.000094", "Nếu một bên là người nước ngoài, ở khu vực biên giới"),
            ("1.000593", "Nếu cần đăng ký lưu động"),
        ],
    ),
    (
        "co-nguoi-mat",
        "Có người thân qua đời",
        "Đăng ký khai tử, xóa đăng ký thường trú.",
        "người mất, có người mất, qua đời, chết, khai tử, giấy báo tử",
        [("1.000656", ""), ("1.000419", "Nếu cần đăng ký lưu động"), ("1.003197", "")],
    ),
    (
        "xay-sua-nha",
        "Xây, sửa nhà",
        "Giấy phép xây dựng mới hoặc sửa chữa, cải tạo nhà ở.",
        "xây nhà, sửa nhà, làm nhà, cải tạo nhà, giấy phép xây dựng",
        [("1.013225", ""), ("1.013229", "Nếu sửa chữa, cải tạo"), ("1.013227", "Nếu giấy phép sắp hết hạn")],
    ),
    (
        "chuyen-noi-o",
        "Chuyển nơi ở",
        "Đăng ký thường trú, tạm trú khi chuyển đến nơi ở mới.",
        "chuyển nhà, chuyển nơi ở, chuyển hộ khẩu, nhập hộ khẩu, thường trú, tạm trú",
        [("1.004222", ""), ("1.004194", "Nếu ở tạm"), ("1.002755", "Nếu hết hạn tạm trú")],
    ),
    (
        "lam-can-cuoc",
        "Làm căn cước, định danh điện tử",
        "Tài khoản định danh điện tử, thông tin công dân.",
        "căn cước, làm căn cước, định danh điện tử, vneid, thông tin công dân",
        [("3.000228", ""), ("1.010101", ""), ("1.014056", "")],
    ),
    (
        "kho-khan-can-tro-giup",
        "Khó khăn cần trợ giúp",
        "Công nhận hộ nghèo, hộ cận nghèo.",
        "hộ nghèo, cận nghèo, khó khăn, trợ giúp, hỗ trợ, nghèo",
        [("1.011607", ""), ("1.011606", "")],
    ),
    (
        "nhan-cha-me-con",
        "Nhận cha, mẹ, con",
        "Đăng ký nhận cha, mẹ, con.",
        "nhận cha, nhận mẹ, nhận con, nhận cha mẹ con, con ngoài giá thú",
        [("1.001022", ""), ("1.000080", "Nếu có yếu tố nước ngoài, ở khu vực biên giới")],
    ),
    (
        "dat-dai",
        "Đất đai, nhà ở",
        "Đăng ký, cấp giấy chứng nhận quyền sử dụng đất, hòa giải tranh chấp.",
        "sổ đỏ, đất đai, giấy chứng nhận quyền sử dụng đất, tranh chấp đất, sang tên",
        [("1.012753", ""), ("1.013980", ""), ("1.012812", "Nếu có tranh chấp")],
    ),
]


def ensure_life_events(home_page):
    """Create the index and any missing standard event; return the index.

    Events an editor has edited (more than one revision) are never changed;
    untouched ones get procedures that have since become available.
    """
    from procedures.models import LifeEventIndexPage, LifeEventPage, LifeEventProcedure, ProcedurePage

    index = LifeEventIndexPage.objects.child_of(home_page).first()
    if index is None:
        index = LifeEventIndexPage(title=INDEX_TITLE, slug=INDEX_SLUG)
        home_page.add_child(instance=index)
        index.save_revision().publish()
    codes = {code for *_, rows in LIFE_EVENTS for code, _note in rows}
    pages = {page.code: page for page in ProcedurePage.objects.live().filter(code__in=codes)}
    existing = {page.slug: page for page in LifeEventPage.objects.child_of(index).specific()}
    for slug, title, intro, phrases, rows in LIFE_EVENTS:
        slug = slugify(slug)
        wanted = [(pages[code], note) for code, note in rows if code in pages]
        event = existing.get(slug)
        if event is None:
            event = LifeEventPage(title=title, slug=slug, intro=intro, phrases=phrases)
            for order, (procedure, note) in enumerate(wanted):
                event.procedures.add(LifeEventProcedure(procedure=procedure, note=note, sort_order=order))
            index.add_child(instance=event)
            event.save_revision().publish()
        elif event.revisions.count() <= 1:
            have = {row.procedure_id for row in event.procedures.all()}
            missing = [(procedure, note) for procedure, note in wanted if procedure.id not in have]
            if missing:
                # Keep the shipped order: rebuild the rows.
                event.procedures.clear()
                for order, (procedure, note) in enumerate(wanted):
                    event.procedures.add(LifeEventProcedure(procedure=procedure, note=note, sort_order=order))
                event.save()
                # Saving without a new revision keeps the event "untouched".
                revision = event.latest_revision
                if revision is not None:
                    revision.content = event.serializable_data()
                    revision.save(update_fields=["content"])
    return index


def ensure_life_events_near(page):
    """``ensure_life_events`` for the home page above ``page`` (after an import that publishes)."""
    from home.models import HomePage

    home = HomePage.objects.ancestor_of(page, inclusive=True).order_by("-depth").first()
    if home is not None:
        return ensure_life_events(home)
    return None
