"""How the site search matches and orders results, the same rule on every backend (search/services.py):
enough of the query's meaningful words must match, not all of them; names that answer the query come first."""

import json
from pathlib import Path

import pytest

from search.services import clear_caches
from tests.factories import make_procedure, refresh_search_index

pytestmark = pytest.mark.django_db

NAMES = {
    "1.004194": "Đăng ký tạm trú",
    "1.003677": "Khai báo tạm vắng",
    "1.000253": "Khai báo tạm trú cho người nước ngoài tại Việt Nam bằng Phiếu khai báo tạm trú",
    "1.001193": "Thủ tục đăng ký khai sinh",
    "1.000656": "Thủ tục đăng ký khai tử",
    "2.000884": "Chứng thực chữ ký trong các giấy tờ, văn bản",
    "1.000894": "Thủ tục đăng ký kết hôn",
}


@pytest.fixture
def catalogue_of_names(catalogue):
    for code, name in NAMES.items():
        make_procedure(catalogue, code, name)
    clear_caches()
    refresh_search_index()
    return catalogue


def codes(client, query):
    response = client.get("/api/search/", {"q": query})
    assert response.status_code == 200
    return [result["code"] for result in response.json()["results"]]


@pytest.mark.parametrize(
    "query, first",
    [
        ("cho em hỏi chút đăng ký tạm trú với ạ", "1.004194"),
        ("anh chị ơi khai báo tạm vắng ở xã mình nộp ở đâu vậy", "1.003677"),
        ("người nước ngoài đến ở nhà tôi phải khai báo tạm trú thế nào", "1.000253"),
        ("bác cho cháu hỏi đăng ký kết hôn cần mang gì ạ", "1.000894"),
        ("cho em hỏi khai báo tạm vắng làm online được không ạ", "1.003677"),
    ],
)
def test_everyday_words_around_the_key_words_never_make_a_query_fail(client, catalogue_of_names, query, first):
    assert codes(client, query)[:1] == [first]


def test_the_words_of_a_known_phrase_count_only_together(catalogue_of_names, catalogue):
    # "báo tử" is the everyday name of "khai tử": a title with "tư" (supplies), "cho" and "bò" (cattle)
    # has three of the query's four folded words, but not the phrase, and must not outrank khai tử.
    from search.services import prepare, title_match

    make_procedure(catalogue, "9.000001", "Hỗ trợ vật tư cho hộ nuôi bò")
    clear_caches()
    query = prepare("báo tử cho bố")
    named = title_match(NAMES["1.000656"], query)
    by_chance = title_match("Hỗ trợ vật tư cho hộ nuôi bò", query)
    assert named.key() < by_chance.key()


def test_an_alternative_of_a_known_phrase_counts_only_as_a_phrase(client, catalogue_of_names, catalogue):
    # Real name (1.008529), a commune-level tax declaration. Shipped "báo tử" -> "khai tử": the name has
    # "khai" (declare) and "từ" (from) twenty words apart, which is not "khai tử".
    make_procedure(
        catalogue,
        "1.008529",
        "Khai thuế thu nhập cá nhân đối với cá nhân có thu nhập từ chuyển nhượng vốn góp, cá nhân chuyển "
        "nhượng chứng khoán khai trực tiếp với cơ quan thuế và tổ chức, cá nhân khai thuế thay, nộp thuế thay "
        "cho cá nhân",
    )
    clear_caches()
    refresh_search_index()
    assert codes(client, "báo tử cho bố")[:1] == ["1.000656"]


@pytest.fixture
def catalogue_of_real_names(catalogue):
    """The names of the 207 real records (tests/data/national): how rare a word is in names, as on a real site."""
    from procedures.importer import TITLE_MAX_LENGTH, shorten

    records = json.loads((Path(__file__).resolve().parents[1] / "data" / "national" / "procedures.json").read_text())
    for record in records:
        code, title = record["Mã thủ tục"], shorten(record["Tên thủ tục"], TITLE_MAX_LENGTH)
        make_procedure(
            catalogue, code, title, slug=f"tt-{code}".replace(".", "-"), documents=(), publish=False, live=True
        )
    clear_caches()
    refresh_search_index()
    return catalogue


def test_a_very_long_name_does_not_win_on_words_it_shares_with_a_story_by_chance(client, catalogue_of_real_names):
    # Shipped "thanh kiếm" -> "vũ khí thô sơ": the declaration of a weapon kept as an heirloom (1.013442) has
    # that phrase. Four planning procedures (1.014155-1.014158), twenty words longer, have "nhà", "do",
    # "lại" ... of the story somewhere in their names, and cover more of its words.
    assert codes(client, "nhà có thanh kiếm cổ của ông để lại muốn giữ làm đồ thờ")[:1] == ["1.013442"]


def test_a_word_typed_with_accents_is_not_found_in_a_name_that_writes_it_with_other_accents(
    client, catalogue_of_names, catalogue
):
    # In a full catalogue "điện tử" and "bổ sung" are everywhere: folded, they are "tử" and "bố".
    make_procedure(catalogue, "9.000002", "Đăng ký bổ sung thông tin tài khoản điện tử")
    clear_caches()
    refresh_search_index()
    assert codes(client, "khai tử cho bố")[:1] == ["1.000656"]
    # Typed without accents, both names answer the words: nothing is taken away.
    assert set(codes(client, "khai tu cho bo")) >= {"1.000656", "9.000002"}


@pytest.mark.parametrize("query", ["hoà giải ở thôn", "HOÀ GIẢI Ở THÔN", "hòa giải ở thôn"])
def test_old_and_new_tone_mark_placement_are_one_spelling(client, catalogue, query):
    make_procedure(catalogue, "2.000002", "Thủ tục thôi làm hòa giải viên")
    make_procedure(catalogue, "9.000003", "Hỗ trợ hoạt động của thôn")
    clear_caches()
    refresh_search_index()
    assert codes(client, query)[:1] == ["2.000002"]


@pytest.mark.parametrize("query", ["chứng thực chữ kí", "chung thuc chu ki", "CHỨNG THỰC CHỮ KÍ"])
def test_a_syllable_typed_with_i_finds_the_official_spelling_with_y(client, catalogue_of_names, query):
    assert codes(client, query)[:1] == ["2.000884"]


def test_a_short_query_needs_all_its_words_so_one_shared_word_is_not_a_match(client, catalogue_of_names):
    # "khai sinh" shares "khai" with "khai tử" and "khai báo ...": those are not answers.
    assert codes(client, "khai sinh") == ["1.001193"]
    assert codes(client, "khai tu") == ["1.000656"]
    # A longer query may miss one word, and what answers it whole still comes first.
    assert codes(client, "dang ky khai tu")[:1] == ["1.000656"]


def test_a_name_that_answers_the_query_is_not_pushed_out_by_long_texts_that_repeat_its_words(
    client, catalogue_of_names, catalogue
):
    # Sixty procedures whose documents repeat "chứng thực" and "chữ ký" at length: the engine ranks their
    # bodies above the short page named for it, but the page named for it still comes first.
    text = "Bản sao có chứng thực, chữ ký của người yêu cầu chứng thực, chứng thực chữ ký. " * 40
    for number in range(60):
        make_procedure(
            catalogue,
            f"9.{number:06d}",
            f"Cấp giấy phép hoạt động số {number}",
            documents=[f"Giấy tờ {number}"],
            summary=text,
        )
    clear_caches()
    refresh_search_index()
    assert codes(client, "chứng thực chữ ký")[:1] == ["2.000884"]


def suggestions(client, query):
    response = client.get("/api/search/", {"q": query, "mode": "autocomplete"})
    assert response.status_code == 200
    return [result["code"] for result in response.json()["results"]]


@pytest.mark.parametrize(
    "typed, first",
    [
        ("khai bao tam vng", "1.003677"),  # no diacritics and a letter missing
        ("đăng ký tạm t", "1.004194"),  # still typing
        ("CHỨNG THỰC CHỮ KÍ", "2.000884"),  # capitals, i for y
        ("cho em hỏi đăng ký kết h", "1.000894"),  # everyday words around an unfinished one
    ],
)
def test_autocomplete_finds_what_the_results_page_finds(client, catalogue_of_names, typed, first):
    assert suggestions(client, typed)[:1] == [first]


def did_you_mean(client, query):
    return client.get("/api/search/", {"q": query}).json()["suggestion"]


def test_did_you_mean_proposes_the_spelling_of_the_title_it_found(client, catalogue_of_names):
    assert did_you_mean(client, "khai bao tam vng") == "khai báo tạm vắng"
    assert did_you_mean(client, "chung thuc chu ki") == "chứng thực chữ ký"


@pytest.mark.parametrize("query", ["khai báo tạm vắng", "khai bao tam vang", "cho em hỏi chút đăng ký kết hôn với ạ"])
def test_did_you_mean_stays_quiet_when_the_query_is_already_right(client, catalogue_of_names, query):
    assert did_you_mean(client, query) == ""


def test_what_the_commune_does_not_do_says_where_to_go_before_any_result(client, catalogue_of_names):
    # Shipped by migration search/0005: identity cards are police business.
    data = client.get("/api/search/", {"q": "cho em hỏi làm cccd ở đâu ạ"}).json()
    [referral] = data["referrals"]
    assert "Công an" in referral["title"] and referral["message"]
    page = client.get("/search/", {"q": "lam can cuoc cho con"}).content.decode()
    assert 'class="referral"' in page and "Công an" in page
    if 'class="results"' in page:
        assert page.index('class="referral"') < page.index('class="results"')
    # A procedure the commune does has no referral.
    assert client.get("/api/search/", {"q": "đăng ký tạm trú"}).json()["referrals"] == []


def test_a_query_that_names_a_life_event_shows_it_and_ranks_its_procedures(client, catalogue, home_page):
    from procedures.life_events_data import ensure_life_events

    make_procedure(catalogue, "1.001193", "Thủ tục đăng ký khai sinh")
    make_procedure(catalogue, "1.004222", "Đăng ký thường trú")
    make_procedure(catalogue, "1.004194", "Đăng ký tạm trú")
    ensure_life_events(home_page)
    clear_caches()
    refresh_search_index()
    # No word of "Đăng ký thường trú" in the query, yet it is the event's next step.
    data = client.get("/api/search/", {"q": "nhà em vừa có em bé thì làm những gì"}).json()
    assert [event["title"] for event in data["life_events"]] == ["Có con mới sinh"]
    ranked = [result["code"] for result in data["results"] if result["code"]]
    assert ranked[:2] == ["1.001193", "1.004222"]
    # The event's procedure answers the story without its words: no "first result shares only form
    # words" notice ("nhà", "vừa", "bé" are in no name).
    assert data["loose"] == []
    page = client.get("/search/", {"q": "nhà em vừa có em bé"}).content.decode()
    assert 'class="search-events"' in page and "Có con mới sinh" in page


STORY_NAMES = {
    "1.013229": "Cấp giấy phép xây dựng sửa chữa, cải tạo đối với công trình cấp III, cấp IV và nhà ở riêng lẻ",
    "1.013225": "Cấp giấy phép xây dựng mới đối với công trình cấp III, cấp IV và nhà ở riêng lẻ",
    "1.001612": "Đăng ký thành lập hộ kinh doanh",
    "1.012893": "Bán nhà ở cũ thuộc tài sản công",
    "1.000014": "Thủ tục hải quan đối với xăng dầu, hóa chất, khí chuyển tiêu thụ nội địa",
    "1.012888": "Công nhận Ban quản trị nhà chung cư",
    "1.008494": "Đăng ký thuế để cấp mã số thuế nộp thay cho người nộp thuế",
}


@pytest.fixture
def catalogue_of_stories(catalogue_of_names, catalogue):
    for code, name in STORY_NAMES.items():
        make_procedure(catalogue, code, name)
    clear_caches()
    refresh_search_index()
    return catalogue


def test_a_phrase_of_the_vocabulary_is_found_with_a_few_words_between_its_words(client, catalogue_of_stories):
    # Shipped "nâng tầng" -> "sửa chữa cải tạo": "nâng lên 5 tầng" says it with two words between.
    assert codes(client, "nhà 3 tầng muốn nâng lên 5 tầng có phải xin phép không")[:1] == ["1.013229"]
    # A particle between two words joins two phrases: "khai sinh cho con" is not "sinh con".
    from search.services import prepare

    assert ("sinh", "con") not in [term for term, _alts in prepare("đăng ký khai sinh cho con").synonyms]
    assert suggestions(client, "Thủ tục đăng ký khai sinh cho con ở Việt Nam")[:1] == ["1.001193"]


def test_in_a_story_a_phrase_of_the_vocabulary_is_a_lead_on_its_own(client, catalogue_of_stories):
    # "đăng ký kinh doanh" (shipped: "hộ kinh doanh") is the only part of this story the household
    # business's name has; the story's other words ("bán", "nhà", "hóa") are in other names.
    assert codes(client, "bán tạp hóa nhỏ ở nhà có phải đăng ký kinh doanh không")[:1] == ["1.001612"]


def test_an_official_phrase_with_a_question_word_still_covers_a_title(client, catalogue_of_stories):
    # Shipped "hóa giá" -> "bán nhà ở cũ thuộc tài sản công": "ở" is also a question word ("ở đâu").
    assert codes(client, "mua hóa giá nhà tập thể cũ đang thuê của nhà nước")[:1] == ["1.012893"]


def test_theft_is_referred_to_the_police_but_a_death_is_not(client, catalogue_of_stories):
    [referral] = client.get("/api/search/", {"q": "bị mất trộm xe đạp trình báo ở đâu"}).json()["referrals"]
    assert "Công an" in referral["title"]
    # "mất" is also "died": an estate's question is not a theft.
    data = client.get("/api/search/", {"q": "người mất không có ai thừa kế thì tài sản xử lý thế nào"}).json()
    assert data["referrals"] == []


def test_a_title_that_undoes_comes_after_one_that_does_unless_the_query_asks_to_undo(client, catalogue):
    # Real names (1.013065, 1.013067): both have "đăng ký" and "biển số xe"; the shorter one ends a registration.
    undo = "Thu hồi chứng nhận đăng ký xe, biển số xe thực hiện bằng dịch vụ công toàn trình"
    do = "Đăng ký, cấp biển số xe lần đầu thực hiện bằng dịch vụ công một phần hoặc trực tiếp thực hiện tại cấp xã"
    make_procedure(catalogue, "1.013065", undo)
    make_procedure(catalogue, "1.013067", do)
    clear_caches()
    refresh_search_index()
    assert codes(client, "mua xe máy mới cần đi đăng ký biển số ở đâu")[:1] == ["1.013067"]
    assert codes(client, "xe hỏng muốn thu hồi biển số")[:1] == ["1.013065"]


def test_a_phrase_of_the_vocabulary_is_a_lead_on_its_own_in_a_short_query_too(client, catalogue):
    # Real names (1.010055, 1.003133). Shipped "mất giấy thông hành" -> "trình báo mất giấy thông hành".
    # Of this query's four parts the report's page has only the phrase; "all but one" found nothing.
    make_procedure(catalogue, "1.010055", "Trình báo mất giấy thông hành (thực hiện tại cấp xã)")
    make_procedure(
        catalogue,
        "1.003133",
        "Cấp giấy thông hành xuất, nhập cảnh vùng biên giới Việt Nam – Trung Quốc cho công dân Việt Nam thường "
        "trú tại đơn vị hành chính cấp xã tiếp giáp đường biên giới Việt Nam – Trung Quốc",
    )
    clear_caches()
    refresh_search_index()
    assert codes(client, "bị mất giấy thông hành xuất cảnh")[:1] == ["1.010055"]


def test_a_phrase_of_the_vocabulary_stays_a_lead_when_a_long_story_has_rarer_words(client, catalogue):
    # Shipped "bằng cử nhân" -> "bản sao từ bản chính". Each of its words is in two names or more, while
    # this story has more than eight words that only one name has ("tàu", "sông", "cháy" ...): the phrase
    # used to fall out of the eight rarest parts the match is made of, and the page that has it with it.
    make_procedure(catalogue, "2.000815", "Chứng thực bản sao từ bản chính giấy tờ, văn bản")
    for code, name in {
        "1.000001": "Cấp bằng khen cho cá nhân",
        "1.000002": "Công nhận văn bằng",
        "1.000003": "Bầu cử trưởng thôn",
        "1.000004": "Cử người giám hộ",
        "1.000005": "Đăng ký tàu thuyền mới đóng",
        "1.000006": "Cấp phép khai thác cát sỏi lòng sông",
        "1.000007": "Hỗ trợ người bị thương khi chữa cháy",
        "1.000008": "Cấp giấy phép chở hàng qua cửa khẩu",
    }.items():
        make_procedure(catalogue, code, name)
    clear_caches()
    refresh_search_index()
    story = "bằng cử nhân của tôi bị ướt khi đi tàu chở cát sỏi qua sông, bị cháy một góc, có chứng thực được không"
    assert codes(client, story)[:1] == ["2.000815"]
