"""The public search page finds live pages and nothing else, on either backend."""

import re

from django.core.management import call_command

from wagtail.models import PageViewRestriction
from wagtail.search.backends import get_search_backend

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from tests.factories import make_standard_page, refresh_search_index


@pytest.fixture
def pages(clean_search_index, home_page, commune_settings):
    published = make_standard_page(home_page, "Lịch tiếp công dân định kỳ", intro="Chủ tịch tiếp công dân")
    draft = make_standard_page(home_page, "Lịch tiếp công dân bản nháp", publish=False)
    private = make_standard_page(home_page, "Lịch tiếp công dân nội bộ")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    refresh_search_index()
    return {"published": published, "draft": draft, "private": private}


@pytest.mark.django_db
def test_search_finds_published_pages_only(client, pages):
    response = client.get("/search/", {"q": "tiếp công dân"})
    assert response.status_code == 200
    assertContains(response, "Lịch tiếp công dân định kỳ")
    assertContains(response, pages["published"].url)
    assertNotContains(response, "bản nháp")
    assertNotContains(response, "nội bộ")
    assertContains(response, "1 kết quả")


@pytest.mark.django_db
def test_zero_results_says_so_in_vietnamese(client, pages):
    response = client.get("/search/", {"q": "xyzzy"})
    assertContains(response, "Không tìm thấy kết quả phù hợp")


@pytest.mark.django_db
def test_empty_and_out_of_range_queries_do_not_fail(client, pages):
    assert client.get("/search/").status_code == 200
    response = client.get("/search/", {"q": "tiếp công dân", "page": "999"})
    assertContains(response, "Lịch tiếp công dân định kỳ")
    response = client.get("/search/", {"q": "tiếp công dân", "page": "abc"})
    assertContains(response, "Lịch tiếp công dân định kỳ")


@pytest.mark.django_db
def test_unpublished_page_leaves_the_results(client, pages):
    pages["published"].unpublish()
    refresh_search_index()
    assertNotContains(client.get("/search/", {"q": "tiếp công dân"}), "Lịch tiếp công dân định kỳ")


@pytest.mark.search_engine
@pytest.mark.django_db
def test_engine_index_uses_the_project_prefix_and_survives_a_rebuild(client, pages):
    backend = get_search_backend()
    indexes = backend.es.indices.get_alias(index="test_*")
    assert indexes, "no index with the test_ prefix on the search engine"
    before = set(indexes)
    call_command("update_index", verbosity=0)  # atomic rebuild: new index, alias switched
    refresh_search_index()
    after = set(backend.es.indices.get_alias(index="test_*"))
    assert after != before
    assertContains(client.get("/search/", {"q": "tiếp công dân"}), "Lịch tiếp công dân định kỳ")


@pytest.fixture
def procedures(catalogue):
    from tests.factories import make_field, make_procedure

    civil = make_field("Hộ tịch")
    make_procedure(catalogue, "1.001193", "Thủ tục đăng ký khai sinh", field=civil, documents=["Giấy chứng sinh"])
    make_procedure(catalogue, "1.000656", "Thủ tục đăng ký khai tử", field=civil, documents=["Giấy báo tử"])
    make_procedure(catalogue, "1.004222", "Đăng ký thường trú", field=make_field("Cư trú"))
    refresh_search_index()


@pytest.mark.django_db
def test_results_show_kind_code_field_and_highlighted_snippet(client, procedures):
    response = client.get("/search/", {"q": "giay chung sinh"})
    assertContains(response, "Thủ tục đăng ký khai sinh")
    assertContains(response, "1.001193")
    assertContains(response, "Cần mang theo: <mark>Giấy</mark> <mark>chứng</mark> <mark>sinh</mark>", html=False)


@pytest.mark.django_db
def test_facet_links_narrow_the_results_without_javascript(client, procedures):
    response = client.get("/search/", {"q": "dang ky"})
    assertContains(response, 'href="?q=dang+ky&amp;field=cu-tru"')
    narrowed = client.get("/search/", {"q": "dang ky", "field": "cu-tru"})
    assertContains(narrowed, "Đăng ký thường trú")
    assertNotContains(narrowed, "Thủ tục đăng ký khai sinh")
    assertContains(narrowed, 'aria-current="true"')


@pytest.mark.django_db
def test_typo_gets_did_you_mean(client, procedures):
    response = client.get("/search/", {"q": "dang ky khai sihn"})
    assertContains(response, "Có phải bạn muốn tìm")
    assertContains(response, 'href="?q=%C4%91%C4%83ng%20k%C3%BD%20khai%20sinh"')
    assertContains(response, "Thủ tục đăng ký khai sinh")


@pytest.mark.django_db
def test_zero_results_point_to_the_feedback_page(client, procedures, commune_settings):
    response = client.get("/search/", {"q": "xyzzy"})
    assertContains(response, "Hỏi Ủy ban xã")
    assertContains(response, 'href="/gop-y/?q=xyzzy"')


@pytest.mark.django_db
def test_a_word_no_page_has_is_named_above_the_other_words_results(client, procedures):
    """The word "karaoke" is in no page: the page says so before listing what the other words find."""
    response = client.get("/search/", {"q": "đăng ký thường trú karaoke"})
    assertContains(response, "Không trang nào có từ “karaoke”.")
    assertContains(response, "Các kết quả dưới đây chỉ khớp những từ còn lại.")
    assertContains(response, "Đăng ký thường trú")
    api = client.get("/api/search/", {"q": "đăng ký thường trú karaoke"}).json()
    assert api["missing"] == ["karaoke"]


@pytest.mark.django_db
def test_words_pages_have_are_never_called_missing(client, catalogue):
    """A word only a page's summary has (not its title or documents), a typo of a known word, an everyday
    word and a word still being typed are not missing."""
    from tests.factories import make_procedure

    make_procedure(catalogue, "1.000001", "Đăng ký khai sinh", summary="Cả trẻ sinh tại trạm y tế cửa khẩu Pò Hèn")
    refresh_search_index()
    everyday = "vợ anh ấy sinh con rồi, khai sinh ở đâu"  # "ấy" is in no page, and is no key word either
    for query in ("khai sinh pò hèn", "dang ky khia sinh", "cho em hỏi khai sinh ạ", "khai sinh bện", everyday):
        api = client.get("/api/search/", {"q": query}).json()
        assert api["missing"] == [], query
        assert api["results"][0]["title"] == "Đăng ký khai sinh", query
    page = client.get("/search/", {"q": "khai sinh Pò Hèn"})
    assertNotContains(page, "search-missing")


@pytest.mark.django_db
def test_each_result_says_what_to_bring_in_the_order_of_its_own_list_or_its_summary(client, catalogue):
    from tests.factories import make_field, make_procedure

    civil = make_field("Hộ tịch")
    death = ["Tờ khai", "Giấy báo tử", "Giấy ủy quyền"]
    make_procedure(catalogue, "1.000656", "Thủ tục đăng ký khai tử", field=civil, documents=death)
    guardian = ["Văn bản cử giám hộ", "Tờ khai"]
    make_procedure(catalogue, "1.004837", "Thủ tục đăng ký giám hộ", field=civil, documents=guardian)
    summary = "Đăng ký cho trẻ mới sinh trong 60 ngày."
    make_procedure(catalogue, "1.001193", "Thủ tục đăng ký khai sinh", field=civil, summary=summary)
    refresh_search_index()
    hits = {hit["code"]: hit["snippet"] for hit in client.get("/api/search/", {"q": "đăng ký"}).json()["results"]}
    plain = {code: re.sub(r"<[^>]+>", "", snippet) for code, snippet in hits.items()}
    assert plain["1.000656"] == "Cần mang theo: Tờ khai; Giấy báo tử; Giấy ủy quyền"
    assert plain["1.004837"] == "Cần mang theo: Văn bản cử giám hộ; Tờ khai"
    assert plain["1.001193"] == "Đăng ký cho trẻ mới sinh trong 60 ngày."


@pytest.fixture
def dam_and_shop(catalogue):
    from tests.factories import make_procedure

    # Real names (national database); the word "xổ số" is only in a summary, never in a name.
    make_procedure(
        catalogue,
        "1.003440",
        "Phê duyệt đề cương, kết quả kiểm định an toàn đập, hồ chứa thủy lợi",
        summary="Chủ đập nộp đề cương và kết quả kiểm định.",
    )
    make_procedure(
        catalogue,
        "2.000575",
        "Đăng ký thành lập hộ kinh doanh",
        summary="Cả hộ bán lẻ tạp hóa, đại lý vé xổ số tại nhà.",
    )
    refresh_search_index()


@pytest.mark.django_db
def test_a_first_result_that_shares_only_form_words_says_so_and_offers_to_ask(client, dam_and_shop):
    """A search for "kết quả xổ số miền Bắc": no name has "xổ số", "miền", "Bắc"; the dam's name shares only "kết quả"
    (a form word). The page says so above the results and links to the question form with the query."""
    response = client.get("/search/", {"q": "kết quả xổ số miền Bắc"})
    assertContains(response, "Tên của kết quả đầu tiên không có “xổ số miền bắc”")
    assertContains(response, "việc này có thể không làm tại xã")
    assertContains(response, 'href="/gop-y/?q=k%E1%BA%BFt+qu%E1%BA%A3+x%E1%BB%95+s%E1%BB%91+mi%E1%BB%81n+B%E1%BA%AFc"')
    api = client.get("/api/search/", {"q": "ket qua xo so"}).json()
    assert api["results"], "the results are still listed, below the notice"
    assert api["loose"] == ["xo so"]


@pytest.mark.django_db
def test_no_form_word_notice_when_the_first_name_has_a_word_the_query_is_about(client, dam_and_shop):
    for query in ("kết quả kiểm định đập", "đăng ký kinh doanh bán vé xổ số", "kết quả", "hồ sơ kiểm định đập"):
        api = client.get("/api/search/", {"q": query}).json()
        assert api["results"], query
        assert api["loose"] == [], query
    assertNotContains(client.get("/search/", {"q": "kết quả kiểm định đập"}), "search-missing")


def test_what_a_query_is_about_leaves_out_form_and_joining_words_as_typed():
    from search.services import _typed_spellings, subject_positions
    from search.text import strip_stop_phrases, typed_words, words

    def subject(query):
        core = strip_stop_phrases(words(query), typed_words(query))
        return [core[position] for position in sorted(subject_positions(core, _typed_spellings(query)))]

    assert subject("Lệ phí làm ghi chú ly hôn tại Bắc Ninh") == ["ghi", "chu", "ly", "hon", "bac", "ninh"]
    assert subject("xin giấy phép bán lẻ rượu") == ["ban", "le", "ruou"]
    # Typed without accents, "tai" may be "tai nạn" and stays; "cặp" (a pair) is not "cấp" (to issue).
    assert subject("tro cap tai nan") == ["tro", "tai", "nan"]
    assert subject("mất cặp sách") == ["mat", "cap", "sach"]
    assert subject("cấp giấy xác nhận") == []
    assert subject("đăng ký hộ kinh doanh bán vé số") == ["ho", "kinh", "doanh", "ban", "ve", "so"]


def test_function_words_as_spelled_are_the_function_words():
    from search.services import FUNCTION_SPELLINGS
    from search.text import FUNCTION_WORDS, fold

    assert {fold(spelling) for spelling in FUNCTION_SPELLINGS} == FUNCTION_WORDS


@pytest.mark.django_db
def test_a_syllable_of_a_two_syllable_word_counts_only_with_its_pair(catalogue):
    """ "xã" of "nhà ở xã hội" (social housing) is not "xã" of "hợp tác xã": a name that has only the
    latter shares no word the query is about. "xã hội" is a word because a name writes it so."""
    from search.services import Hit, clear_caches, loose_words, prepare
    from tests.factories import make_procedure

    make_procedure(catalogue, "1.001001", "Đăng ký thành lập hợp tác xã")
    make_procedure(catalogue, "1.001002", "Thực hiện trợ cấp xã hội hằng tháng")
    clear_caches()

    def loose(query, title):
        return loose_words(query, prepare(query), [Hit(1, "", "procedure", "", title, "/")])

    assert loose("mua nhà ở xã hội", "Đăng ký thành lập hợp tác xã") == ["mua nhà xã hội"]
    assert loose("mua nhà ở xã hội", "Thực hiện trợ cấp xã hội hằng tháng") == []
    # Alone, "xã" is a word of its own.
    assert loose("thành lập ở xã", "Đăng ký thành lập hợp tác xã") == []
