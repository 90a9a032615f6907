"""One test per server error the fuzz test (test_fuzz.py) found, each answered now with a clear refusal.

The NUL and long-user-name cases failed only on PostgreSQL (SQLite stores
anything); they run in both passes of the suite.
"""

import pytest

pytestmark = pytest.mark.django_db

STATISTICS = ["/thong-ke/", "/thong-ke/du-lieu.csv", "/thong-ke/du-lieu.json"]


@pytest.mark.parametrize("url", STATISTICS)
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"tu": "9999-12-31"}, "Hãy chọn ngày không muộn hơn 31/12/"),
        ({"den": "9999-12-31"}, "Hãy chọn ngày không muộn hơn 31/12/"),
        ({"tu": "2026-01-01", "den": "31/12/9999"}, "Hãy chọn ngày không muộn hơn 31/12/"),
        ({"den": "0001-01-01"}, "Sổ theo dõi bắt đầu từ năm 2000"),
        ({"tu": "0001-01-01", "den": "2026-01-01"}, "Sổ theo dõi bắt đầu từ năm 2000"),
    ],
)
def test_statistics_refuse_dates_out_of_range_with_a_vietnamese_error(client, url, query, message):
    response = client.get(url, query)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_statistics_still_accept_next_year(client):
    from django.utils import timezone

    year = timezone.localdate().year + 1
    assert client.get("/thong-ke/du-lieu.json", {"tu": f"{year}-01-01", "den": f"{year}-12-31"}).status_code == 200


@pytest.mark.parametrize("path", ["/p/%00/", "/p/1.001%00193/", "/p/%00/qr.svg", "/p/%00/qr.png"])
def test_a_procedure_code_with_a_nul_byte_is_not_found(client, birth, path):
    assert client.get(path).status_code == 404


def test_the_feedback_form_ignores_a_procedure_code_with_a_nul_byte(client, home_page, commune_settings):
    response = client.get("/gop-y/", {"procedure": "1.001193\x00"})
    assert response.status_code == 200


def test_a_sign_in_with_a_very_long_user_name_is_just_refused(client, home_page):
    response = client.post("/admin/login/", {"username": "a" * 300, "password": "x"})
    assert response.status_code == 200  # the form again, with its error
    response = client.post("/_util/login/", {"username": "b" * 100_000, "password": "x"})
    assert response.status_code == 200
