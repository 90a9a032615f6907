"""Synonyms a commune office starts with: the words people say at the desk
mapped to the official words of the procedure catalogue. Loaded by
``load_demo_data``; editors add their own in Search › Synonyms."""

DEMO_SYNONYMS = {
    "hộ khẩu": "thường trú, cư trú",
    "nhập hộ khẩu": "đăng ký thường trú",
    "cắt hộ khẩu": "xóa đăng ký thường trú",
    "tách hộ khẩu": "tách hộ",
    "tách sổ hộ khẩu": "tách hộ",
    "giấy khai sinh": "khai sinh",
    "báo tử": "khai tử",
    "giấy chứng tử": "khai tử",
    "sổ đỏ": "giấy chứng nhận quyền sử dụng đất",
    "sổ hồng": "giấy chứng nhận quyền sử dụng đất",
    "cccd": "căn cước",
    "cmnd": "căn cước",
    "chứng minh nhân dân": "căn cước",
    "xin phép xây nhà": "giấy phép xây dựng",
    "giấy phép xây nhà": "giấy phép xây dựng",
    "sửa nhà": "sửa chữa, cải tạo",
    "công chứng": "chứng thực",
    "photo công chứng": "chứng thực bản sao",
    "giấy độc thân": "xác nhận tình trạng hôn nhân",
    "xác nhận độc thân": "xác nhận tình trạng hôn nhân",
    "lấy vợ": "kết hôn",
    "lấy chồng": "kết hôn",
    "đám cưới": "kết hôn",
    "tàn tật": "khuyết tật",
    "tiền mai táng": "mai táng",
    "ma chay": "mai táng",
    "mầm non": "mẫu giáo",
    "nhận con": "nhận cha, mẹ, con",
    "cá lồng": "nuôi trồng thủy sản lồng bè",
    "giếng khoan": "khai thác nước dưới đất",
    "người già": "trợ cấp xã hội",
    "giấy khen": "tặng giấy khen",
}


def ensure_demo_synonyms():
    """Create the demo synonyms that do not exist yet; returns how many."""
    from search.models import SearchSynonym

    created = 0
    for term, alternatives in DEMO_SYNONYMS.items():
        _synonym, was_created = SearchSynonym.objects.get_or_create(term=term, defaults={"alternatives": alternatives})
        created += was_created
    return created
