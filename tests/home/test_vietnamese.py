"""Vietnamese alphabetical order, as a reader of a printed list expects."""

from home.vietnamese import sort_key


def test_letters_with_marks_follow_their_base_letter():
    words = ["Chuyển mục đích", "Cấp giấy phép", "Công nhận", "Đăng ký", "Dừng", "Ân xá", "Ăn", "Bảo trợ"]
    assert sorted(words, key=sort_key) == [
        "Ăn",
        "Ân xá",
        "Bảo trợ",
        "Cấp giấy phép",
        "Chuyển mục đích",
        "Công nhận",
        "Dừng",
        "Đăng ký",
    ]


def test_tones_order_ngang_huyen_hoi_nga_sac_nang():
    assert sorted(["má", "mạ", "mả", "ma", "mã", "mà"], key=sort_key) == ["ma", "mà", "mả", "mã", "má", "mạ"]


def test_case_and_composition_do_not_matter():
    assert sort_key("ĐĂNG KÝ") == sort_key("đăng ký")
    assert sort_key("Tie\u0302\u0301ng") == sort_key("Tiếng")
