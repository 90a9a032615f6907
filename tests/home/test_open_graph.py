"""Link previews: a link shared on Zalo or Facebook shows the page's own name and summary, never a person."""

import pytest
from bs4 import BeautifulSoup

from tests.factories import make_answer, make_answers_index, make_feedback, make_procedure

LONG_NAME = (
    "Đăng ký biến động đối với trường hợp thay đổi quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất theo "
    "thỏa thuận của các thành viên hộ gia đình hoặc của vợ và chồng; quyền sử dụng đất xây dựng công trình trên mặt "
    "đất phục vụ cho việc vận hành, khai thác sử dụng công trình ngầm, quyền sở hữu công trình ngầm"
)


def _meta(response):
    head = BeautifulSoup(response.content, "html.parser").head
    values = {}
    for tag in head.find_all("meta"):
        key = tag.get("property") or tag.get("name")
        if key:
            values[key] = tag.get("content")
    return values


@pytest.mark.django_db
def test_procedure_preview_shows_its_full_official_name_and_summary(client, catalogue):
    make_procedure(
        catalogue,
        "1.013980",
        "Đăng ký biến động đối với trường hợp thay đổi quyền sử dụng đất theo thỏa thuận",
        full_name=LONG_NAME,
        summary="Đăng ký thay đổi quyền sử dụng đất theo thỏa thuận của các thành viên hộ gia đình.",
    )
    meta = _meta(client.get("/p/1.013980/", follow=True))
    assert meta["og:title"] == LONG_NAME
    assert (
        meta["og:description"] == "Đăng ký thay đổi quyền sử dụng đất theo thỏa thuận của các thành viên hộ gia đình."
    )
    assert meta["description"] == meta["og:description"]
    assert meta["og:url"].startswith("http://testserver/") and meta["og:url"].endswith("/")
    assert (meta["og:type"], meta["og:locale"], meta["og:site_name"]) == ("website", "vi_VN", "Xã Hòa Bình")
    assert meta["twitter:card"] == "summary"


@pytest.mark.django_db
def test_procedure_without_summary_previews_what_to_bring(client, birth):
    meta = _meta(client.get(birth.url))
    assert meta["og:title"] == "Thủ tục đăng ký khai sinh"
    assert meta["og:description"] == "Cần mang theo: Tờ khai đăng ký khai sinh; Giấy chứng sinh"
    assert meta["og:url"] == f"http://testserver{birth.url}"


@pytest.mark.django_db
def test_answer_preview_is_its_title_and_rewritten_question_never_the_sender(client, home_page, commune_settings):
    item = make_feedback(submitter_name="Nguyễn Văn Bình", submitter_phone="0912345678")
    answers = make_answers_index(home_page)
    question = "Đường liên thôn 7 bị ngập sau mưa lớn: xã có kế hoạch khơi thông cống thoát nước không?"
    answer = make_answer(answers, "Khơi thông cống thoát nước thôn 7", question=question, feedback=item)
    response = client.get(answer.url)
    meta = _meta(response)
    assert meta["og:title"] == "Khơi thông cống thoát nước thôn 7"
    assert meta["og:description"] == question
    assert meta["og:url"] == f"http://testserver{answer.url}"
    head = BeautifulSoup(response.content, "html.parser").head.decode()
    assert "Nguyễn Văn Bình" not in head and "0912345678" not in head


@pytest.mark.django_db
def test_pages_outside_the_page_tree_preview_their_own_title_without_the_query(client, commune_settings):
    meta = _meta(client.get("/gop-y/?procedure=1.001193&src=poster"))
    assert meta["og:title"] == "Gửi câu hỏi, phản ánh, kiến nghị"
    assert meta["og:description"].startswith("Gửi đến xã câu hỏi, kiến nghị")
    assert meta["og:url"] == "http://testserver/gop-y/"

    search = _meta(client.get("/search/?q=Nguyễn+Văn+Bình"))
    assert search["og:url"] == "http://testserver/search/"  # a typed name never travels in a shared link
    assert "Nguyễn" not in search["og:url"]

    home = _meta(client.get("/"))
    assert home["og:title"] == "Xã Hòa Bình"
    missing = _meta(client.get("/khong-co-trang-nay/"))
    assert missing["og:title"] == "Không tìm thấy trang"
