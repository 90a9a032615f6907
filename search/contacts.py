"""Contact questions in search: "số điện thoại công an xã", "địa chỉ ubnd xã", "giờ làm việc bộ phận một cửa".

A query that asks for a phone number, an address, opening hours or how to get in touch, and names
nothing but the commune's offices, is answered first with the contact details the commune keeps:
the offices it names (Snippets › Offices, e.g. "Công an xã Hòa Bình") and the one-stop desk
(Settings › Commune: address, hotline, email, opening hours). The pages that share its words still
follow. A query with any other word ("địa chỉ kinh doanh", "mất điện thoại", "nộp hồ sơ ở đâu") is a
question about a procedure, and gets none.

The answer is plain data (dicts), so a kept results page (search/cache.py) holds no model instances;
saving the commune's settings or an office starts a new generation of kept answers (search/signals.py).
"""

from django.db.models import Q

from search import cache as search_cache
from search.text import FUNCTION_WORDS, STOP_PHRASES, words

# What people type to ask how to reach an office, folded, longest first when matched.
CONTACT_PHRASES = tuple(
    sorted(
        (
            " ".join(words(phrase))
            for phrase in (
                "số điện thoại, điện thoại, sđt, sdt, hotline, đường dây nóng, địa chỉ, giờ làm việc, "
                "giờ mở cửa, giờ hành chính, lịch làm việc, lịch tiếp dân, liên hệ, liên lạc, email, zalo, "
                "ở đâu, chỗ nào, mấy giờ, làm việc, mở cửa, tiếp dân"
            ).split(", ")
        ),
        key=len,
        reverse=True,
    )
)

# Words that name the commune's offices in general ("ủy ban xã", "bộ phận một cửa", "trụ sở công an").
PLACE_WORDS = frozenset(
    words(
        "ủy ban nhân dân uỷ ubnd xã phường thị trấn đặc khu bộ phận một cửa tiếp nhận và trả kết quả "
        "trung tâm phục vụ hành chính công trụ sở văn phòng cơ quan công an chủ tịch cán bộ"
    )
)
# Words around the question itself ("cho em xin số điện thoại", "thứ bảy xã có làm việc không").
_ASK_WORDS = frozenset(
    words("xin biết gọi nhắn đóng cửa nghỉ trưa sáng chiều thứ hai ba tư năm sáu bảy chủ nhật hôm nay ngày mai")
)
# Words of an office's name that tell nothing about which office it is.
_GENERIC = frozenset(words("xã phường thị trấn đặc khu ủy ban nhân dân uỷ ubnd"))


def _asked(folded_words):
    """(asks for contact details, the other meaningful words of the query)."""
    text = " " + " ".join(folded_words) + " "
    asked = False
    for phrase in CONTACT_PHRASES:
        if f" {phrase} " in text:
            asked = True
            text = text.replace(f" {phrase} ", " ")
    if not asked:
        return False, []
    for phrase in STOP_PHRASES:
        text = text.replace(f" {phrase} ", " ")
    return True, [word for word in text.split() if word not in FUNCTION_WORDS and not word.isdigit()]


def _period(row):
    """ "07:00–11:30", with the field or note it is only for, as the footer shows it."""
    only_for = row.field.name if getattr(row, "field", None) else getattr(row, "note", "")
    return f"{row.opens:%H:%M}–{row.closes:%H:%M}" + (f" ({only_for})" if only_for else "")


def _place(name, place, office_hours_lines=()):
    hours = [(str(day), ", ".join(_period(row) for row in rows)) for day, rows in place.weekly_hours()]
    return {
        "name": name,
        "address": place.address,
        "phone": place.call_number,
        "tel_href": place.tel_href,
        "email": getattr(place, "email", ""),
        "map_href": place.map_href,
        "hours": hours,
        "notes": list(office_hours_lines),
    }


def _names(site):
    """(the words of the commune's names, {office pk: the words that tell the office apart}) of ``site``'s
    offices (its own and the province's), kept until something search shows changes (search/cache.py):
    a query with "ở đâu" is told from a contact question without reading the offices again."""
    from home.models import CommuneSettings
    from home.places import Office

    def build():
        commune = CommuneSettings.for_site(site)
        commune_words = frozenset(words(commune.commune_name)) | frozenset(words(commune.authority_name))
        offices = Office.objects.filter(Q(site=site) | Q(site__isnull=True)).values_list("pk", "name")
        return commune_words, {pk: frozenset(words(name)) - _GENERIC - commune_words for pk, name in offices}

    return search_cache.kept(("contact names", site.pk), build)


def contact_places(folded_words, site):
    """The contact details a contact question asks for: [{name, address, phone, tel_href, email, map_href,
    hours: [(day, "07:00–11:30, 13:30–17:00")], notes}], the offices it names first, then the
    commune's one-stop desk; [] when the query is not a contact question or nothing is on record.

    ``site`` is the Site, or a callable that finds it: it is only looked for once the query asks."""
    asked, rest = _asked(list(folded_words))
    if not asked:
        return []
    if callable(site):
        site = site()
    if site is None:
        return []
    commune_words, office_words = _names(site)
    known = PLACE_WORDS | _ASK_WORDS | commune_words | {word for names in office_words.values() for word in names}
    if any(word not in known for word in rest):
        return []
    from home.models import CommuneSettings
    from home.places import Office

    asked_words = set(rest)
    named_pks = [pk for pk, names in office_words.items() if names and 2 * len(names & asked_words) >= len(names)]
    named = [_place(office.name, office) for office in Office.objects.filter(pk__in=named_pks)]
    commune = CommuneSettings.for_site(site)
    desk = _place(commune.authority_name or commune.commune_name, commune, commune.office_hours_lines)
    if desk["address"] or desk["phone"] or desk["email"] or desk["hours"] or desk["notes"]:
        named.append(desk)
    return named
