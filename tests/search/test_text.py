"""Vietnamese folding, query clean-up and highlighting (no database)."""

import unicodedata

from search.text import clean_query, fold, highlight, query_codes, snippet, strip_stop_phrases, words


def test_fold_removes_every_vietnamese_mark_and_maps_d_bar():
    assert fold("Đăng ký KHAI SINH") == "dang ky khai sinh"
    assert fold("đường Ưu tiên, Thủy sản, Nghĩa vụ, ỷ lại") == "duong uu tien, thuy san, nghia vu, y lai"
    assert fold("ẮẰẲẴẶ ẤẦẨẪẬ ỚỜỞỠỢ ỨỪỬỮỰ") == "aaaaa aaaaa ooooo uuuuu"


def test_fold_keeps_offsets_even_for_decomposed_input():
    decomposed = unicodedata.normalize("NFD", "Chứng thực")
    assert fold(decomposed) == "chung thuc"
    assert len(fold("Chứng thực")) == len("Chứng thực")


def test_words_keep_national_codes_whole():
    assert words("Thủ tục 1.001193, lệ phí?") == ["thu", "tuc", "1.001193", "le", "phi"]
    assert query_codes("mã 1.001193 và 2.000815") == ["1.001193", "2.000815"]


def test_question_words_go_unless_nothing_would_remain():
    assert strip_stop_phrases(words("Thủ tục đăng ký kết hôn cần những gì")) == ["dang", "ky", "ket", "hon"]
    assert strip_stop_phrases(["lam"]) == ["lam"]


def test_clean_query_trims_and_drops_control_characters():
    assert clean_query("  đăng\tký\x00  khai   sinh ") == "đăng ký khai sinh"
    assert len(clean_query("a" * 500)) == 200


def test_highlight_ignores_diacritics_and_escapes_html():
    html = highlight("<b>Đăng ký</b> khai sinh", ["dang", "khai"])
    assert html == "&lt;b&gt;<mark>Đăng</mark> ký&lt;/b&gt; <mark>khai</mark> sinh"


def test_highlight_marks_only_word_starts():
    assert highlight("Thủ tục hòa giải", ["hoa"]) == "Thủ tục <mark>hòa</mark> giải"
    assert "mark" not in highlight("Giấy khoa học", ["oa"])


def test_snippet_centres_on_the_first_match():
    text = "Mở đầu. " * 40 + "Cần mang theo Giấy chứng sinh bản chính. " + "Kết thúc. " * 40
    excerpt = snippet(text, ["chung", "sinh"], width=120)
    assert "<mark>chứng</mark> <mark>sinh</mark>" in excerpt
    assert excerpt.startswith("… ") and excerpt.endswith(" …")
    assert len(excerpt) < 220


def test_a_word_typed_with_other_accents_than_a_question_word_is_kept():
    """ "hội" (xã hội, hội đồng) folds to "hoi" like "hỏi" (to ask), "lâm" (lâm nghiệp) like "làm": typed
    with their accents they stay; typed without accents they go as before."""
    from search.text import typed_words

    def core(query):
        return strip_stop_phrases(words(query), typed_words(query))

    assert core("cho tôi hỏi trợ cấp xã hội") == ["tro", "cap", "xa", "hoi"]
    assert core("Hội đồng xét tuyển") == ["hoi", "dong", "xet", "tuyen"]
    assert core("làm giấy phép khai thác lâm sản") == ["giay", "phep", "khai", "thac", "lam", "san"]
    assert core("toi muon hoi tro cap xa hoi") == ["tro", "cap", "xa"]
    assert typed_words("Đăng ký KẾT HÔN 1.000894") == ["đăng", "ký", "kết", "hôn", "1.000894"]
