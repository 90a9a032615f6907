"""Out-of-scope referrals (search/referrals.py): model, matching, shipped rows, admin rights."""

import gzip
import io
import json
import re
from pathlib import Path

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError

import pytest

from search.models import Referral
from search.referrals import SHIPPED_REFERRALS, match_referrals, not_published
from search.text import phrase_in, words

NATIONAL = Path(__file__).resolve().parents[1] / "data" / "national" / "procedures.json"
COMMUNE_CATALOGUE = NATIONAL.with_name("commune_catalogue.json.gz")
# Procedures of a full commune catalogue whose names have a shipped referral's phrase: the commune publishes
# that work (the commune police's identity cards; the birth registration linked with the child's health
# insurance card), and the referral steps aside above them (test below).
PUBLISHED_THERE = {
    "Thẻ căn cước do Công an cấp": {"1.014063", "1.014064"},
    "Thẻ bảo hiểm y tế do Bảo hiểm xã hội cấp": {"2.000986", "2.001023"},
}
LIST = "/admin/snippets/search/referral/"
ADD = "/admin/snippets/search/referral/add/"


def titles(query):
    return [referral.title for referral in match_referrals(words(query))]


# --- Shipped rows -------------------------------------------------------------------------


def test_enough_shipped_referrals_none_for_something_the_commune_does():
    assert len(SHIPPED_REFERRALS) >= 12
    names = [" " + " ".join(words(record["Tên thủ tục"])) + " " for record in json.loads(NATIONAL.read_text("utf-8"))]
    for entry in SHIPPED_REFERRALS:
        referral = Referral(**entry)
        referral.full_clean()
        assert 1 <= len(re.findall(r"[.!?](?:\s|$)", entry["message"].strip())) <= 3, entry["title"]
        for term in referral.term_list():
            phrase = " " + " ".join(words(term)) + " "
            assert not any(phrase in name for name in names), f"{term!r} names a procedure of the catalogue"


def commune_records(*codes):
    records = json.loads(gzip.decompress(COMMUNE_CATALOGUE.read_bytes()))
    return [record for record in records if not codes or record["Mã thủ tục"] in codes]


def test_no_shipped_phrase_names_other_work_of_a_full_commune_catalogue():
    """On the 592 real records of a full commune catalogue, a shipped phrase found in a name (accents
    compared as ``not_published`` compares them) is found only where the commune does that work."""
    records = commune_records()
    assert len(records) == 592
    found = {}
    for entry in SHIPPED_REFERRALS:
        referral = Referral(**entry)
        for record in records:
            name_words = words(record["Tên thủ tục"])
            if not not_published([referral], name_words, [record["Tên thủ tục"]]):
                found.setdefault(entry["title"], set()).add(record["Mã thủ tục"])
    assert found == PUBLISHED_THERE


@pytest.mark.django_db
def test_a_fresh_install_has_the_shipped_referrals():
    assert Referral.objects.filter(shipped=True, active=True).count() == len(SHIPPED_REFERRALS)
    assert titles("làm căn cước ở đâu") == ["Thẻ căn cước do Công an cấp"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query, expected",
    [
        ("vợ chồng muốn thuận tình ly hôn thì nộp đơn ở đâu", ["Ly hôn: Tòa án nhân dân"]),
        ("thu tuc ly hon don phuong", ["Ly hôn: Tòa án nhân dân"]),
        # A copy of the divorce judgment, and the commune's own divorce-abroad note, stay the commune's.
        ("xin lại giấy ly hôn bị mất", []),
        ("ghi vào sổ hộ tịch việc ly hôn ở nước ngoài", []),
        ("bố tôi đủ tuổi muốn làm lương hưu", ["Lương hưu: Bảo hiểm xã hội"]),
        # No pension is how people ask for the commune's monthly social allowance; "sở hữu" is not "sổ hưu".
        ("mẹ 80 tuổi không có lương hưu xin trợ cấp", []),
        ("thay đổi chủ sở hữu hộ kinh doanh", []),
    ],
)
def test_divorce_goes_to_the_court_and_pensions_to_social_insurance(query, expected):
    assert titles(query) == expected


@pytest.fixture
def published_cards(catalogue):
    """Real records of a full commune catalogue: the police's card exchange and re-issue, and two tax
    procedures on e-invoices and e-receipts ("hóa đơn điện tử", "lập biên lai điện tử")."""
    from procedures.importer import import_procedures, read_rows
    from search.services import clear_caches
    from tests.factories import refresh_search_index

    rows = commune_records("1.014063", "1.014064", "1.010341", "1.013653")
    report = import_procedures(read_rows(io.BytesIO(json.dumps(rows).encode()), "json"), catalogue, publish=True)
    assert len(report.created) == 4 and not report.rejected
    clear_caches()
    refresh_search_index()


@pytest.mark.parametrize(
    "query, first, referrals",
    [
        # The commune publishes the card exchange: the procedure answers, no "not done at the commune".
        ("đổi căn cước", "Cấp đổi thẻ căn cước", []),
        ("cap doi can cuoc", "Cấp đổi thẻ căn cước", []),
        # Passports are still the province police's; electricity still the power company's, though an
        # e-invoice procedure shares "hóa đơn … điện" and "lập … điện".
        ("làm hộ chiếu", None, ["Hộ chiếu do Công an tỉnh cấp"]),
        ("xin lắp điện cho nhà mới", None, ["Điện sinh hoạt: liên hệ Điện lực"]),
        ("hóa đơn tiền điện tháng này", None, ["Điện sinh hoạt: liên hệ Điện lực"]),
    ],
)
def test_a_referral_steps_aside_when_the_first_result_names_what_was_asked(
    client, published_cards, query, first, referrals
):
    from search.services import SearchParams, run_search

    outcome = run_search(SearchParams(query=query))
    assert [referral.title for referral in outcome.referrals] == referrals
    if first:
        assert outcome.results[0].title == first
    page = client.get("/search/", {"q": query}).content.decode()
    assert ("Không giải quyết tại xã" in page) == bool(referrals)


# --- Model --------------------------------------------------------------------------------------


def test_a_referral_needs_a_phrase_a_title_and_a_message():
    with pytest.raises(ValidationError) as error:
        Referral(terms=" , ;, ", title="Hộ chiếu", message="Công an tỉnh.").full_clean()
    assert "terms" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        Referral(terms="hộ chiếu", title="Hộ chiếu", message="   ").full_clean()
    assert "message" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        Referral(terms="hộ chiếu", title="Hộ chiếu", message="Công an tỉnh.", url="not a link").full_clean()
    assert "url" in error.value.message_dict
    Referral(terms="hộ chiếu", title="Hộ chiếu", message="Công an tỉnh.").full_clean()


def test_term_list_splits_on_commas():
    assert Referral(terms=" làm căn cước,cccd , ,CMND ").term_list() == ["làm căn cước", "cccd", "CMND"]


# --- Matching -----------------------------------------------------------------------------------


def test_phrase_words_in_order_with_other_words_between():
    assert phrase_in(("lam", "can", "cuoc"), ["toi", "muon", "lam", "lai", "can", "cuoc", "o", "dau"])
    assert not phrase_in(("lam", "can", "cuoc"), ["can", "cuoc", "lam"])
    assert not phrase_in(("lam", "can", "cuoc"), ["lam", "can"])


def test_phrase_words_far_apart_or_across_a_particle_are_not_the_phrase():
    # "tiền … nước" (water bills) in a question on the mediators' fee that names "Nhà nước" (the State).
    question = words("mức thanh toán tiền thù lao vụ việc hòa giải hiện nay Nhà nước quy định là bao nhiêu")
    assert not phrase_in(("tien", "nuoc"), question)
    assert phrase_in(("tien", "nuoc"), words("tiền nước tháng này"))
    assert phrase_in(("mat", "dien", "thoai"), words("bị mất cái điện thoại rồi"))
    # A particle joins two phrases: "xác nhận … cho con" is not "nhận con" (adopting or recognising a child).
    assert not phrase_in(("nhan", "con"), words("xin giấy xác nhận khuyết tật cho con"))


@pytest.fixture
def passport(db):
    Referral.objects.all().delete()
    return Referral.objects.create(
        terms="làm hộ chiếu, passport", title="Hộ chiếu", message="Phòng Quản lý xuất nhập cảnh Công an tỉnh."
    )


@pytest.mark.parametrize(
    "query",
    ["làm hộ chiếu", "LAM HO CHIEU", "lam ho chieu", "cho tôi hỏi làm lại hộ chiếu ở đâu ạ", "Passport mất bao lâu"],
)
def test_matches_with_and_without_diacritics_inside_filler_words(passport, query):
    assert titles(query) == ["Hộ chiếu"]


@pytest.mark.parametrize("query", ["trình báo mất hộ chiếu", "hộ chiếu làm", "khai sinh", ""])
def test_other_queries_do_not_match(passport, query):
    assert titles(query) == []


def test_saving_and_deleting_refresh_the_cached_rules(passport):
    assert titles("passport") == ["Hộ chiếu"]
    passport.active = False
    passport.save()
    assert titles("passport") == []
    passport.active = True
    passport.terms = "hộ chiếu mới"
    passport.save()
    assert titles("passport") == []
    assert titles("làm hộ chiếu mới") == ["Hộ chiếu"]
    passport.delete()
    assert titles("làm hộ chiếu mới") == []


# --- Admin --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_editors_manage_referrals_others_cannot(client, django_user_model):
    clerk = django_user_model.objects.create_user("ketoan", password="mat-khau-dai-kho-doan-42")
    clerk.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(clerk)
    assert client.get(LIST).status_code in {302, 403}
    assert client.get(ADD).status_code in {302, 403}

    editor = django_user_model.objects.create_user("bientap", password="mat-khau-dai-kho-doan-42")
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    listing = client.get(LIST)
    assert listing.status_code == 200
    assert "Thẻ căn cước do Công an cấp" in listing.content.decode()
    response = client.post(
        ADD,
        {
            "terms": "đăng ký xe máy điện",
            "title": "Xe máy điện",
            "message": "Đăng ký xe tại Công an xã.",
            "url": "",
            "active": "on",
        },
    )
    assert response.status_code == 302
    created = Referral.objects.get(title="Xe máy điện")
    assert not created.shipped
    assert titles("dang ky xe may dien o dau") == ["Xe máy điện"]
    menu = client.get("/admin/").content.decode()
    assert LIST in menu


@pytest.mark.django_db
def test_shipped_filter_in_the_admin(client, admin_user):
    client.force_login(admin_user)
    response = client.get(LIST, {"shipped": "false"})
    assert response.status_code == 200
    assert "Thẻ căn cước do Công an cấp" not in response.content.decode()
    assert client.get("/admin/snippets/search/searchsynonym/", {"shipped": "true"}).status_code == 200
