"""Out-of-scope referrals: things people look for on the commune's site that
the commune does not do, and where to go instead.

Editors manage them in Search › Referrals (``search.models.Referral``);
migration ``search/migrations/0005_shipped_vocabulary.py`` adds the shipped
ones below. A referral matches a query when all the words of one of its
phrases occur in the query's folded words, in order (other words may come
between and around them: "tôi muốn làm lại căn cước ở đâu" matches
"làm căn cước").

Each shipped referral was checked against the 200 national records of
``tests/data/national/procedures.json`` (tests/search/test_referrals.py): no
phrase occurs in a record's name, so the referral never hides a procedure
the commune does ("tiền điện" was left out: "phương tiện điện tử" has it;
"mất điện" too: "mất điện thoại" has it; and "passport" alone: "báo mất
passport" is the commune's report of a lost passport).
Sources are noted per entry.
"""

import re
import unicodedata

from search import cache as search_cache
from search.text import fold, phrase_in, words

SHIPPED_REFERRALS = [
    {
        # Luật Căn cước 2023 (in force 1/7/2024): cards are issued by the police
        # (https://huyendakglei.kontum.gov.vn/thong-tin-tuyen-truyen/Gioi-thieu-Luat-can-cuoc-4763).
        # The commune catalogue only holds 1.012566 (xác nhận số CMND) and 3.000228 (định danh điện tử).
        "terms": "làm căn cước, đổi căn cước, cấp đổi căn cước, cấp lại căn cước, "
        "làm thẻ căn cước, làm cccd, cấp cccd, đổi cccd, làm lại cccd, mất cccd, làm cmnd, đổi cmnd, "
        "làm chứng minh nhân dân, đổi chứng minh nhân dân",
        "title": "Thẻ căn cước do Công an cấp",
        "message": "Thẻ căn cước (trước đây là CCCD, CMND) do cơ quan Công an cấp, cấp đổi và cấp lại, "
        "không làm tại Ủy ban nhân dân xã. Liên hệ Công an xã hoặc Phòng Cảnh sát quản lý hành chính "
        "về trật tự xã hội Công an tỉnh; có thể đặt lịch trên Cổng dịch vụ công Bộ Công an.",
        "url": "https://dichvucong.bocongan.gov.vn/",
    },
    {
        # Luật Xuất cảnh, nhập cảnh của công dân Việt Nam 2019, Điều 15: the provincial police's
        # immigration office or the Ministry's (https://etime.danviet.vn/lam-ho-chieu-co-phai-ve-noi-thuong-tru-20210407074601749.htm).
        # The catalogue only holds 1.010385 (trình báo mất hộ chiếu).
        "terms": "làm hộ chiếu, cấp hộ chiếu, đổi hộ chiếu, gia hạn hộ chiếu, hộ chiếu hết hạn, làm passport, "
        "cấp passport, đổi passport, gia hạn passport",
        "title": "Hộ chiếu do Công an tỉnh cấp",
        "message": "Hộ chiếu phổ thông do Phòng Quản lý xuất nhập cảnh Công an tỉnh hoặc Cục Quản lý xuất nhập cảnh "
        "Bộ Công an cấp; có thể nộp hồ sơ trực tuyến trên Cổng dịch vụ công. Xã chỉ tiếp nhận trình báo mất hộ chiếu.",
        "url": "https://dichvucong.bocongan.gov.vn/",
    },
    {
        # From 1/3/2025 driving licences are exchanged and reissued by the police (Thông tư 12/2025/TT-BCA):
        # https://soha.vn/nguoi-dan-van-doi-duoc-giay-phep-lai-xe-du-khong-thay-thong-tin-o-cuc-duong-bo-vi-da-co-du-lieu-moi-nay-198250311175918963.htm,
        # https://thuvienphapluat.vn/phap-luat-doanh-nghiep/bai-viet/ho-so-doi-giay-phep-lai-xe-tai-cong-an-cap-xa-tu-ngay-01-3-2025-11135.html
        "terms": "bằng lái, bằng lái xe, giấy phép lái xe, gplx, đổi bằng lái, thi bằng lái, học bằng lái, "
        "cấp lại bằng lái, mất bằng lái",
        "title": "Giấy phép lái xe do Công an cấp",
        "message": "Từ ngày 01/3/2025, việc cấp, đổi và cấp lại giấy phép lái xe do lực lượng Cảnh sát giao thông "
        "(Công an) thực hiện theo Thông tư 12/2025/TT-BCA. Nộp hồ sơ tại Phòng Cảnh sát giao thông Công an tỉnh, "
        "điểm tiếp nhận tại Công an xã hoặc qua Cổng dịch vụ công.",
        "url": "https://dichvucong.bocongan.gov.vn/",
    },
    {
        # Luật Lý lịch tư pháp 2009, Điều 44 (https://lylichtuphap.net/muon-lam-ly-lich-tu-phap-o-dau.html);
        # issued on VNeID too (Trung tâm Lý lịch tư pháp quốc gia 570/TTLLTPQG-QLHC, 2024,
        # https://thuvienphapluat.vn/bulletin/document.aspx?bid=e62d2100-13b2-474b-9557-b9d4b05f2ccf&key=3HfUbxYzU77XjNiB0AtBrA%3D%3D).
        "terms": "lý lịch tư pháp, lltp, phiếu lý lịch, xác nhận không tiền án, giấy không tiền án",
        "title": "Phiếu lý lịch tư pháp",
        "message": "Phiếu lý lịch tư pháp không cấp tại xã. Nộp yêu cầu trên ứng dụng VNeID, tại Sở Tư pháp "
        "hoặc cơ quan Công an theo hướng dẫn hiện hành, hoặc trên Cổng dịch vụ công quốc gia.",
        "url": "https://dichvucong.gov.vn/",
    },
    {
        # Cards are issued and reissued by the social insurance agency (BHXH Việt Nam's answers:
        # https://phunusuckhoe.giadinhonline.vn/amp/thu-tuc-cap-lai-the-bao-hiem-y-te-c10a364157.html,
        # https://nld.com.vn/cong-doan/thu-tuc-cap-lai-the-bhyt-20201221210806636.htm).
        "terms": "thẻ bhyt, thẻ bảo hiểm y tế, cấp lại thẻ bhyt, đổi thẻ bhyt, mất thẻ bhyt, mua bhyt, "
        "mua bảo hiểm y tế, gia hạn bhyt, đóng bhyt",
        "title": "Thẻ bảo hiểm y tế do Bảo hiểm xã hội cấp",
        "message": "Thẻ BHYT do cơ quan Bảo hiểm xã hội cấp, đổi và cấp lại; người tham gia theo hộ gia đình "
        "nộp tại cơ quan BHXH hoặc đại lý thu nơi cư trú, hoặc trên Cổng dịch vụ công quốc gia và ứng dụng VssID.",
        "url": "https://dichvucong.gov.vn/",
    },
    {
        # One-off social insurance, the insurance book: the social insurance agency (e.g.
        # https://docnhanh.vn/tags/bao-hiem-xa-hoi-mot-lan-the-nao).
        "terms": "bhxh một lần, rút bhxh, rút bảo hiểm xã hội, bảo hiểm xã hội một lần, sổ bhxh, "
        "sổ bảo hiểm xã hội, chốt sổ bhxh",
        "title": "Bảo hiểm xã hội một lần, sổ BHXH",
        "message": "Hưởng BHXH một lần, chốt và cấp lại sổ BHXH do cơ quan Bảo hiểm xã hội giải quyết. "
        "Liên hệ BHXH cơ sở nơi cư trú hoặc nộp trên Cổng dịch vụ công quốc gia, ứng dụng VssID.",
        "url": "https://dichvucong.gov.vn/",
    },
    {
        # Unemployment benefit: the public employment service centre (Luật Việc làm 2013, art. 46;
        # e.g. https://tuvanluatvaketoan.com/bao-hiem-that-nghiep-la-gi-ho-so-thu-tuc-de-huong-bao-hiem-that-nghiep/).
        "terms": "trợ cấp thất nghiệp, bảo hiểm thất nghiệp, bhtn, hưởng thất nghiệp",
        "title": "Trợ cấp thất nghiệp",
        "message": "Hồ sơ hưởng trợ cấp thất nghiệp nộp tại Trung tâm Dịch vụ việc làm của tỉnh (hoặc qua Cổng "
        "dịch vụ công quốc gia) trong thời hạn luật định sau khi nghỉ việc, không nộp tại xã.",
        "url": "https://dichvucong.gov.vn/",
    },
    {
        # Electricity supply is the power company's service (EVN's own procedure:
        # https://evn.com.vn/c3/evn-va-khach-hang/Dich-vu-cap-dien-moi-ha-ap-9-174.aspx). "hóa đơn điện" and
        # "mua điện" were dropped (2026-12-07, migration 0011): a full commune catalogue names "hóa đơn điện tử"
        # (e-invoices) and "mua tem điện tử" (electronic tax stamps) in tax offices' procedures.
        "terms": "lắp điện, lắp đồng hồ điện, công tơ điện, đồng hồ điện, hóa đơn tiền điện, trả tiền điện, "
        "cúp điện, cắt điện, lịch cắt điện",
        "title": "Điện sinh hoạt: liên hệ Điện lực",
        "message": "Lắp công tơ, mua điện, hóa đơn và sự cố mất điện do công ty Điện lực khu vực giải quyết. "
        "Gọi tổng đài chăm sóc khách hàng của Điện lực hoặc đăng ký trên Cổng dịch vụ công quốc gia.",
        "url": "https://www.evn.com.vn/",
    },
    {
        # Water supply: the local water company (no public page consulted; same pattern as electricity).
        "terms": "lắp nước máy, đồng hồ nước, nước máy, tiền nước, hóa đơn nước, mất nước, cúp nước",
        "title": "Nước sạch: liên hệ công ty cấp nước",
        "message": "Lắp đồng hồ nước, hóa đơn và sự cố mất nước do công ty (hoặc trạm) cấp nước sạch trên địa "
        "bàn giải quyết. Gọi số chăm sóc khách hàng in trên hóa đơn tiền nước.",
        "url": "",
    },
    {
        # Vaccination: the commune health station (Trạm y tế xã) runs the expanded immunisation programme
        # (no public page consulted).
        "terms": "tiêm chủng, tiêm vắc xin, tiêm vaccine, tiêm phòng cho trẻ, sổ tiêm chủng, lịch tiêm",
        "title": "Tiêm chủng: Trạm y tế xã",
        "message": "Tiêm chủng cho trẻ em và người lớn do Trạm y tế xã thực hiện theo lịch tiêm chủng mở rộng; "
        "lịch tiêm và sổ tiêm chủng điện tử xem trên ứng dụng VNeID hoặc hỏi trực tiếp Trạm y tế.",
        "url": "",
    },
    {
        # Health checks are done by licensed clinics and hospitals (the records require "giấy khám sức khỏe"
        # from "cơ sở khám bệnh, chữa bệnh"; no public page consulted).
        "terms": "khám sức khỏe, giấy khám sức khỏe, khám sức khỏe xin việc, khám sức khỏe lái xe",
        "title": "Khám sức khỏe: Trạm y tế hoặc bệnh viện",
        "message": "Giấy khám sức khỏe do cơ sở khám bệnh, chữa bệnh đủ điều kiện cấp (bệnh viện, phòng khám; "
        "một số Trạm y tế). Ủy ban nhân dân xã không cấp giấy này.",
        "url": "",
    },
    {
        # Cadastral map extracts and land measurement: the land registration office's branch
        # (Chi nhánh Văn phòng đăng ký đất đai); no public page consulted.
        "terms": "trích lục bản đồ địa chính, trích lục thửa đất, trích đo thửa đất, đo đạc đất, đo lại đất",
        "title": "Trích lục, đo đạc thửa đất: Văn phòng đăng ký đất đai",
        "message": "Trích lục bản đồ địa chính và trích đo thửa đất do Chi nhánh Văn phòng đăng ký đất đai thực hiện. "
        "Có thể nộp yêu cầu tại Bộ phận một cửa để được chuyển hồ sơ.",
        "url": "",
    },
    {
        # Foreigners' visas: the Ministry of Public Security's immigration department (Luật Nhập cảnh,
        # xuất cảnh, quá cảnh, cư trú của người nước ngoài; no public page consulted).
        "terms": "xin visa, gia hạn visa, cấp visa, visa",
        "title": "Thị thực (visa) cho người nước ngoài",
        "message": "Cấp và gia hạn thị thực cho người nước ngoài do Cục Quản lý xuất nhập cảnh hoặc Phòng Quản lý "
        "xuất nhập cảnh Công an tỉnh giải quyết; có thể nộp trực tuyến trên Cổng thị thực điện tử.",
        "url": "https://evisa.gov.vn/",
    },
    {
        # Diplomas and transcripts are reissued by the school or the education department
        # (no public page consulted).
        "terms": "bằng tốt nghiệp, cấp lại bằng tốt nghiệp, học bạ, bằng cấp 3, sao bằng tốt nghiệp",
        "title": "Bằng tốt nghiệp, học bạ: trường hoặc Sở Giáo dục",
        "message": "Bản sao bằng tốt nghiệp và học bạ do trường đã cấp (hoặc Sở Giáo dục và Đào tạo) cấp từ sổ gốc. "
        "Xã chỉ chứng thực bản sao từ bản chính khi bạn mang bản chính đến.",
        "url": "",
    },
    {
        # Theft and lost belongings are reported to the police, who receive reports of crime
        # (Bộ luật Tố tụng hình sự 2015, Điều 145; Công an xã receives them), not to the People's Committee.
        "terms": "mất điện thoại, mất ví, mất trộm, bị trộm, bị móc túi, bị cướp, bị lừa đảo",
        "title": "Mất trộm, mất tài sản: báo Công an",
        "message": "Mất trộm, mất tài sản, bị lừa đảo: trình báo ngay với Công an xã hoặc gọi 113. "
        "Ủy ban nhân dân xã không tiếp nhận tin báo về tội phạm.",
        "url": "",
    },
    {
        # Divorce is decided by the court (Luật Hôn nhân và gia đình 2014, arts. 51-55); since 1/7/2025 the
        # regional people's courts take the petitions the district courts used to
        # (https://phunutoday.vn/tu-khoa-tim-kiem/x%C3%A9t-x%E1%BB%AD.html). The commune only records in the
        # civil-status book a divorce decided abroad, and copies of a judgment come from the court.
        # "xin ly hôn" was left out: "xin lại giấy ly hôn" (a copy of the judgment) has it within two words.
        "terms": "thủ tục ly hôn, đơn ly hôn, nộp đơn ly hôn, thuận tình ly hôn, ly hôn đơn phương, "
        "đơn phương ly hôn, khởi kiện ly hôn",
        "title": "Ly hôn: Tòa án nhân dân",
        "message": "Ly hôn (thuận tình hoặc đơn phương) do Tòa án nhân dân khu vực nơi cư trú giải quyết, "
        "không làm tại Ủy ban nhân dân xã. Bản sao bản án, quyết định ly hôn xin tại Tòa án đã xử.",
        "url": "",
    },
    {
        # Pensions are settled and paid by the social insurance agency (Luật Bảo hiểm xã hội 2024; e.g.
        # https://luatso1.vn/tag/doi-tuong-du-dieu-kien-giai-quyet-huong-luong-huu/). "lương hưu" alone was
        # left out: "không có lương hưu" is how people ask for the commune's social allowance;
        # "sổ hưu" too: folded, it is "sở hữu" (ownership).
        "terms": "làm lương hưu, hưởng lương hưu, nhận lương hưu, lĩnh lương hưu, tăng lương hưu, "
        "thủ tục hưởng lương hưu",
        "title": "Lương hưu: Bảo hiểm xã hội",
        "message": "Giải quyết hưởng lương hưu và chi trả lương hưu do cơ quan Bảo hiểm xã hội thực hiện. "
        "Liên hệ BHXH cơ sở nơi cư trú hoặc nộp trên Cổng dịch vụ công quốc gia, ứng dụng VssID.",
        "url": "https://dichvucong.gov.vn/",
    },
]


def referral_rules():
    """[(referral id, [phrases])], kept until something search shows changes (search/cache.py)."""
    from search.models import Referral

    return search_cache.kept("referrals", Referral.objects.rules)


def clear_referral_cache(**kwargs):
    search_cache.bump()


def match_referrals(folded_words):
    """The active referrals one of whose phrases occurs in ``folded_words`` (a list of folded words,
    as ``search.text.words`` gives), in their admin order."""
    from search.models import Referral

    folded_words = list(folded_words)
    matched = [pk for pk, phrases in referral_rules() if any(phrase_in(phrase, folded_words) for phrase in phrases)]
    if not matched:
        return []
    by_pk = Referral.objects.filter(pk__in=matched, active=True).in_bulk()
    return [by_pk[pk] for pk in matched if pk in by_pk]


def _accented_words(text):
    """Lowercase words with their accents: "Cấp đổi thẻ căn cước" -> ["cấp", "đổi", "thẻ", "căn", "cước"]."""
    return re.findall(r"\w+", unicodedata.normalize("NFC", text).lower())


def not_published(referrals, query_words, procedure_names):
    """The referrals that ``procedure_names`` do not answer: none of them has a phrase of the referral
    that the query (``query_words``, folded) matched.

    A commune that publishes a procedure whose name has the phrase asked for does that work (a full
    commune catalogue holds "Cấp đổi thẻ căn cước", done by the commune police): saying "not done at the
    commune" above it would contradict the page. Search passes the name of its first result, so the
    referral steps aside exactly when that procedure names what was asked ("đổi căn cước"), and stays
    when the first result only shares other words of the referral ("xin lắp điện" above an e-invoice
    procedure: "hóa đơn điện tử"). Phrases written with accents are compared with their accents ("lắp
    điện" is not "lập biên lai điện tử"); phrases written without them, folded.
    """
    if not referrals or not procedure_names:
        return referrals
    query_words = list(query_words)
    names = [(_accented_words(name), words(name)) for name in procedure_names]
    kept = []
    for referral in referrals:
        asked = []
        for term in referral.term_list():
            if not phrase_in(tuple(words(term)), query_words):
                continue
            plain = fold(term) == unicodedata.normalize("NFC", term).lower()
            asked.append((tuple(words(term) if plain else _accented_words(term)), plain))
        answered = any(
            phrase_in(phrase, folded if plain else accented) for phrase, plain in asked for accented, folded in names
        )
        if not answered:
            kept.append(referral)
    return kept


def ensure_shipped_referrals(model=None):
    """Create the shipped referrals whose title is not there yet; never change an existing row.

    ``model`` is the historical model in a migration; returns how many rows were created.
    """
    if model is None:
        from search.models import Referral as model

    existing = {" ".join(words(title)) for title in model.objects.values_list("title", flat=True)}
    rows = []
    for entry in SHIPPED_REFERRALS:
        key = " ".join(words(entry["title"]))
        if key in existing:
            continue
        existing.add(key)
        rows.append(model(active=True, shipped=True, **entry))
    model.objects.bulk_create(rows)
    return len(rows)
