"""The search vocabulary a fresh install ships: the words people say at the
desk mapped to the official words of the procedure catalogue.

Each entry is ``term: "alternative, alternative"`` exactly as an editor would
type it in Search › Synonyms (``search.models.SearchSynonym``); migration
``search/migrations/0005_shipped_vocabulary.py`` (and 0006 for the groups
added after it) copies the entries whose folded term is not there yet, and
never touches a row an editor edited.

Commas separate alternatives (each is searched as its own phrase), so an
official name with commas ("nhận cha, mẹ, con") is written without them
("nhận cha mẹ con"): folding drops punctuation anyway.

Every alternative is a phrase that real records use: it occurs (folded) in
the name or the documents of at least one of the 200 national records in
``tests/data/national/procedures.json`` (tests/search/test_vocabulary.py
checks it), or is listed in ``OFFICIAL_OUTSIDE_SAMPLE`` with the real
record it names. No entry maps to words so common they would match half the
catalogue ("giấy", "cấp", "đăng ký" alone), and no term folds to everyday
words ("đò" folds to "do" as "do" (by) does, "xuồng" to "xuong" as "xuống",
"ghe" is also "ghế",
"vat" is also "vật", "con lai" is also "còn lại", "thuê đất" is also "thuế
đất"): those were left out.

Sources are named per group. Where a group says "the records", the official
phrase was read from the national records themselves (names and
"Thành phần hồ sơ"); the colloquial side is everyday usage.
"""

GROUPS = []

# Official phrases of real national procedures that are not among the 200 sampled records but are in
# the demo catalogue (procedures/demo/procedures.json, real national codes): {phrase: the record}.
OFFICIAL_OUTSIDE_SAMPLE = {
    "tách hộ": "1.010038 Tách hộ (Cư trú)",
    "cải chính": "1.004859 Thủ tục thay đổi, cải chính, bổ sung thông tin hộ tịch, xác định lại dân tộc (Hộ tịch)",
}


def group(name, source, entries):
    GROUPS.append((name, source, entries))
    return entries


# --- Residence: the household book and KT3 are gone --------------------------
# Luật Cư trú 2020 (Law 68/2020/QH14): from 1 July 2021 residence is managed by
# the personal identification number and the national population database;
# household and temporary-residence books were used until 31/12/2022
# (https://www.baohinhsu.com/2021/04/quan-ly-cu-tru-dua-tren-ma-so-inh-danh.html,
# https://doanhnhan.baophapluat.vn/tag/khai-tu-so-ho-khau,
# https://baobariavungtau.com.vn/xa-hoi/202212/den-tan-nha-lam-can-cuoc-cho-nguoi-dan-966267/).
# Official words: the records 1.004222, 1.003197, 1.004194, 1.002755, 1.003677.
RESIDENCE = group(
    "residence",
    "Luật Cư trú 2020; records 1.004222, 1.003197, 1.004194, 1.002755, 1.003677",
    {
        "hộ khẩu": "thường trú, cư trú",
        "sổ hộ khẩu": "đăng ký thường trú",
        "nhập hộ khẩu": "đăng ký thường trú",
        "chuyển hộ khẩu": "đăng ký thường trú, xóa đăng ký thường trú",
        "cắt hộ khẩu": "xóa đăng ký thường trú",
        "xóa hộ khẩu": "xóa đăng ký thường trú",
        "tách hộ khẩu": "tách hộ",
        "tách sổ hộ khẩu": "tách hộ",
        "kt3": "tạm trú",
        "sổ tạm trú": "đăng ký tạm trú",
        "đăng ký kt3": "đăng ký tạm trú",
        "gia hạn kt3": "gia hạn tạm trú",
        "báo tạm vắng": "khai báo tạm vắng",
        "đi vắng": "tạm vắng",
        "đi làm xa": "tạm vắng",
        "chuyển nhà": "nơi cư trú",
        "đổi chỗ ở": "nơi cư trú",
        "xác nhận cư trú": "thông tin về cư trú",
        "giấy xác nhận cư trú": "thông tin về cư trú",
        "ct07": "thông tin về cư trú",
        "ct01": "tờ khai thay đổi thông tin cư trú",
        "khách nước ngoài ngủ lại": "khai báo tạm trú cho người nước ngoài",
        "báo tạm trú người nước ngoài": "khai báo tạm trú cho người nước ngoài",
    },
)

# --- Identity: CMND -> CCCD -> căn cước ----------------------------------------
# Luật Căn cước 2023 (Law 26/2023/QH15, in force 1 July 2024) renamed the
# citizen identity card "thẻ căn cước" and added the electronic identity
# (https://huyendakglei.kontum.gov.vn/thong-tin-tuyen-truyen/Gioi-thieu-Luat-can-cuoc-4763,
# https://luatkhoa.com/2024/04/dan-sap-bi-thu-thap-mong-mat-nhin-lai-cac-lan-doi-can-cuoc-kieu-den-cu).
# Issuing the card itself is the police's (see search/referrals.py); what the
# commune catalogue holds: records 1.012566, 1.014056, 1.010101, 1.012564, 3.000228.
IDENTITY = group(
    "identity",
    "Luật Căn cước 2023; records 1.012566, 1.014056, 1.010101, 1.012564, 3.000228",
    {
        "cccd": "căn cước",
        "căn cước công dân": "căn cước",
        "cmnd": "chứng minh nhân dân, căn cước",
        "cmt": "chứng minh nhân dân",
        "chứng minh thư": "chứng minh nhân dân",
        "chứng minh nhân dân": "căn cước",
        "cmnd 9 số": "chứng minh nhân dân 09 số",
        "xác nhận cmnd cũ": "xác nhận số chứng minh nhân dân",
        "giấy xác nhận số cmnd": "xác nhận số chứng minh nhân dân",
        "mã định danh": "định danh cá nhân",
        "số định danh": "định danh cá nhân",
        "vneid": "định danh điện tử",
        "tài khoản vneid": "tài khoản định danh điện tử",
        "định danh mức 2": "định danh điện tử mức độ 02",
        "căn cước điện tử": "định danh điện tử",
        "sửa thông tin trên vneid": "điều chỉnh thông tin",
        "sai thông tin dân cư": "điều chỉnh thông tin",
        "sửa thông tin cá nhân": "điều chỉnh thông tin",
        "dữ liệu dân cư": "cơ sở dữ liệu quốc gia về dân cư",
        "tra cứu thông tin công dân": "khai thác thông tin công dân",
    },
)

# --- Land: red and pink books ---------------------------------------------------
# "Sổ đỏ"/"sổ hồng" are the popular names of the certificate of land use
# rights (and ownership of attached assets): e.g.
# https://tapchi-doanhnhan.com/so-hong-la-gi-so-do-la-gi-cach-phan-biet-va-quy-dinh-moi-can-biet.html.
# Official words: records 1.012753, 1.013980, 1.011441, 1.012812, 1.013949, 1.012995.
LAND = group(
    "land",
    "popular names of the land certificate; records 1.012753, 1.013980, 1.011441, 1.012812, 1.013949",
    {
        "sổ đỏ": "giấy chứng nhận quyền sử dụng đất",
        "sổ hồng": "giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
        "bìa đỏ": "giấy chứng nhận quyền sử dụng đất",
        "bìa hồng": "giấy chứng nhận quyền sử dụng đất",
        "sổ đất": "giấy chứng nhận quyền sử dụng đất",
        "giấy tờ đất": "giấy chứng nhận quyền sử dụng đất",
        "làm sổ đỏ": "cấp giấy chứng nhận quyền sử dụng đất",
        "cấp sổ đỏ": "cấp giấy chứng nhận quyền sử dụng đất",
        "gcn": "giấy chứng nhận",
        "qsdđ": "quyền sử dụng đất",
        "sang tên sổ đỏ": "đăng ký biến động",
        "sang tên đất": "đăng ký biến động",
        "mua bán đất": "chuyển nhượng quyền sử dụng đất",
        "bán đất": "chuyển nhượng quyền sử dụng đất",
        "cho tặng đất": "đăng ký biến động",
        "thừa kế đất": "đăng ký biến động",
        "thế chấp sổ đỏ": "đăng ký biện pháp bảo đảm",
        "thế chấp đất": "đăng ký biện pháp bảo đảm",
        "vay ngân hàng bằng sổ đỏ": "đăng ký biện pháp bảo đảm",
        "tranh chấp đất": "tranh chấp đất đai",
        "hòa giải đất": "hòa giải tranh chấp đất đai",
        "lên thổ cư": "chuyển mục đích sử dụng đất",
        "chuyển thổ cư": "chuyển mục đích sử dụng đất",
        "chuyển đổi đất": "chuyển mục đích sử dụng đất",
        "đất thổ cư": "đất ở",
        "tiền đất": "tiền sử dụng đất",
        "nợ tiền đất": "ghi nợ tiền sử dụng đất",
        "trả nợ tiền đất": "xóa nợ tiền sử dụng đất",
        "đền bù": "bồi thường hỗ trợ tái định cư",
        "giải tỏa": "tái định cư",
        "xin đất": "giao đất",
    },
)

# --- Civil status (hộ tịch): certificates people name by the paper ------------------
# Official words: records 1.001193, 1.000656, 1.000894, 1.001022, 2.001263.
CIVIL_STATUS = group(
    "civil status",
    "records 1.001193, 1.000656, 1.000894, 1.001022, 2.001263 (Luật Hộ tịch wording)",
    {
        "giấy khai sinh": "khai sinh",
        "làm giấy khai sinh": "đăng ký khai sinh",
        "làm khai sinh": "đăng ký khai sinh",
        "báo tử": "khai tử",
        "giấy báo tử": "khai tử",
        "giấy chứng tử": "khai tử",
        "làm giấy chứng tử": "đăng ký khai tử",
        "giấy đăng ký kết hôn": "kết hôn",
        "giấy kết hôn": "kết hôn",
        "giấy độc thân": "xác nhận tình trạng hôn nhân",
        "xác nhận độc thân": "xác nhận tình trạng hôn nhân",
        "chứng nhận độc thân": "xác nhận tình trạng hôn nhân",
        "nhận con": "nhận cha mẹ con",
        "nhận cha con": "nhận cha mẹ con",
        "nhận mẹ con": "nhận cha mẹ con",
        "xác nhận cha con": "nhận cha mẹ con",
        "nhận bố": "nhận cha mẹ con",
        "nhận con nuôi": "nuôi con nuôi",
        "xin con nuôi": "nuôi con nuôi",
        "làm con nuôi": "nuôi con nuôi",
    },
)

# --- Situations: what happened, not the procedure's name ---------------------------
# A few phrasings were added from misses of the query set's dev split
# (scripts/eval_search.py --split dev --show-misses): "mới sinh", "nhập khẩu
# cho con", "đi làm ăn xa", "lấn đất", "lợn chết", "thanh kiếm", "nghỉ bán hàng".
# Official words: the civil-status records above and 1.010092 (tiền tuất),
# 1.011606-1.011608 (hộ nghèo), 3.000412 (thu nhập thấp).
SITUATIONS = group(
    "situations",
    "records 1.001193, 1.000656, 1.000894, 1.000094, 1.010092, 1.011606",
    {
        "con mới sinh": "khai sinh",
        "mới sinh con": "khai sinh",
        "vừa sinh con": "khai sinh",
        "em bé mới sinh": "khai sinh",
        "trẻ sơ sinh": "khai sinh",
        "người mất": "khai tử",
        "mới sinh": "khai sinh",
        "nhập khẩu cho con": "đăng ký thường trú",
        "nhập khẩu cho vợ": "đăng ký thường trú",
        "đi làm ăn xa": "tạm vắng",
        "làm ăn tỉnh khác": "tạm vắng",
        "lấn đất": "tranh chấp đất đai",
        "lấn chiếm đất": "tranh chấp đất đai",
        "lợn chết": "dịch bệnh động vật",
        "dịch tả": "dịch bệnh động vật",
        "thanh kiếm": "vũ khí thô sơ",
        "nghỉ bán hàng": "tạm ngừng kinh doanh",
        "người chết": "khai tử",
        "qua đời": "khai tử",
        "từ trần": "khai tử",
        "người thân mất": "khai tử",
        "lấy vợ": "kết hôn",
        "lấy chồng": "kết hôn",
        "cưới vợ": "kết hôn",
        "đám cưới": "kết hôn",
        "cưới hỏi": "kết hôn",
        "lấy chồng nước ngoài": "kết hôn có yếu tố nước ngoài",
        "lấy vợ nước ngoài": "kết hôn có yếu tố nước ngoài",
        "nhà nghèo": "hộ nghèo",
        "xin hộ nghèo": "công nhận hộ nghèo",
        "sổ hộ nghèo": "công nhận hộ nghèo",
        "giấy chứng nhận hộ nghèo": "công nhận hộ nghèo",
        "lương thấp": "thu nhập thấp",
        "tiền tử tuất": "tiền tuất",
        "nghiện ma túy": "cai nghiện ma túy",
        "cai nghiện": "cai nghiện ma túy",
        "sau ốm đau": "ốm đau",
        "nghỉ dưỡng sức": "dsphsk",
        "tai nạn lao động": "tnlđ",
        "bệnh nghề nghiệp": "bnn",
        "nuôi người bệnh": "ốm đau",
    },
)

# --- Certification (chứng thực): "công chứng" is what people say ------------------
# At the commune it is "chứng thực" (Nghị định 23/2015/NĐ-CP); "công chứng"
# is the notary's. Official words: records 2.000815, 2.000884, 2.000913,
# 2.000927, 2.000908.
CERTIFICATION = group(
    "certification",
    "records 2.000815, 2.000884, 2.000913, 2.000927, 2.000908",
    {
        "công chứng": "chứng thực",
        "photo công chứng": "chứng thực bản sao",
        "sao y": "chứng thực bản sao",
        "sao y bản chính": "chứng thực bản sao từ bản chính",
        "công chứng giấy tờ": "chứng thực bản sao",
        "công chứng chữ ký": "chứng thực chữ ký",
        "xác nhận chữ ký": "chứng thực chữ ký",
        "ký xác nhận": "chứng thực chữ ký",
        "lăn tay": "điểm chỉ",
        "điểm chỉ": "chứng thực điểm chỉ",
        "sửa hợp đồng": "sửa đổi bổ sung hủy bỏ giao dịch",
        "hủy hợp đồng": "hủy bỏ giao dịch",
        "hợp đồng viết sai": "sửa lỗi sai sót",
        "sai sót hợp đồng": "sửa lỗi sai sót",
        "bản sao sổ gốc": "cấp bản sao từ sổ gốc",
        "trích sao": "bản sao từ sổ gốc",
    },
)

# --- Building, roads and trees ---------------------------------------------------------
# Official words: records 1.013225-1.013238 (giấy phép xây dựng), 1.002693
# (cây xanh), 1.013061, 1.000314, 1.013274 (đường bộ, vỉa hè), 2.001921.
BUILDING = group(
    "building",
    "records 1.013225, 1.013229, 1.013232, 1.002693, 1.013061, 1.000314, 1.013274, 2.001921",
    {
        "gpxd": "giấy phép xây dựng",
        "xin phép xây nhà": "giấy phép xây dựng",
        "giấy phép xây nhà": "giấy phép xây dựng",
        "xây nhà": "giấy phép xây dựng",
        "làm nhà": "giấy phép xây dựng",
        "xây nhà mới": "giấy phép xây dựng mới",
        "sửa nhà": "sửa chữa cải tạo",
        "cải tạo nhà": "sửa chữa cải tạo",
        "nâng tầng": "sửa chữa cải tạo",
        "cơi nới": "sửa chữa cải tạo",
        "dời nhà": "giấy phép di dời",
        "di dời nhà": "giấy phép di dời",
        "giấy phép xây dựng hết hạn": "gia hạn giấy phép xây dựng",
        "mất giấy phép xây dựng": "cấp lại giấy phép xây dựng",
        "chặt cây": "chặt hạ dịch chuyển cây xanh",
        "đốn cây": "chặt hạ dịch chuyển cây xanh",
        "cắt cây": "chặt hạ dịch chuyển cây xanh",
        "dời cây": "dịch chuyển cây xanh",
        "đào đường": "thi công công trình trên đường bộ",
        "làm đường vào nhà": "đấu nối",
        "mở đường ra quốc lộ": "đấu nối",
        "dùng vỉa hè": "sử dụng tạm thời lòng đường vỉa hè",
        "mượn vỉa hè": "sử dụng tạm thời lòng đường vỉa hè",
        "dựng rạp": "sử dụng tạm thời lòng đường vỉa hè",
        "bảng hiệu": "biển quảng cáo",
        "pano": "biển quảng cáo",
        "băng rôn": "biển quảng cáo",
        "nghiệm thu nhà": "nghiệm thu hoàn thành công trình",
        "quy hoạch 1/500": "quy hoạch đô thị và nông thôn",
        "nhà tập thể cũ": "nhà ở cũ thuộc tài sản công",
        "mua nhà nhà nước": "bán nhà ở cũ thuộc tài sản công",
        "thuê nhà nhà nước": "cho thuê nhà ở cũ thuộc tài sản công",
        "ban quản lý chung cư": "ban quản trị nhà chung cư",
    },
)

# --- Business and tax -----------------------------------------------------------------
# Official words: records 1.001612, 1.001266, 1.001570, 1.014034 (hộ kinh
# doanh), 1.008494, 1.008504, 1.007014-1.008346 (thuế), 2.002226, 1.004901.
BUSINESS = group(
    "business",
    "records 1.001612, 1.001266, 1.001570, 1.014034, 1.008494, 1.008504, 1.007014, 2.002226, 1.004901",
    {
        "hkd": "hộ kinh doanh",
        "đkkd": "đăng ký hộ kinh doanh",
        "giấy phép kinh doanh": "đăng ký hộ kinh doanh",
        "đăng ký kinh doanh": "hộ kinh doanh",
        "kinh doanh cá thể": "hộ kinh doanh",
        "mở quán": "đăng ký thành lập hộ kinh doanh",
        "mở cửa hàng": "đăng ký thành lập hộ kinh doanh",
        "buôn bán nhỏ": "hộ kinh doanh",
        "đóng cửa hàng": "chấm dứt hoạt động hộ kinh doanh",
        "nghỉ kinh doanh": "chấm dứt hoạt động hộ kinh doanh",
        "giải thể hộ kinh doanh": "chấm dứt hoạt động hộ kinh doanh",
        "tạm nghỉ kinh doanh": "tạm ngừng kinh doanh",
        "tạm đóng cửa": "tạm ngừng kinh doanh",
        "sửa giấy phép kinh doanh": "hiệu đính thông tin đăng ký hộ kinh doanh",
        "htx": "hợp tác xã",
        "tổ hợp tác": "thông báo thành lập/thay đổi tổ hợp tác",
        "mst": "mã số thuế",
        "xin mã số thuế": "đăng ký thuế",
        "thuế vat": "thuế giá trị gia tăng",
        "gtgt": "giá trị gia tăng",
        "tndn": "thu nhập doanh nghiệp",
        "quyết toán thuế": "khai quyết toán thuế",
        "đổi thông tin thuế": "thay đổi thông tin đăng ký thuế",
        "attp": "an toàn thực phẩm",
        "vệ sinh an toàn thực phẩm": "an toàn thực phẩm",
        "giấy an toàn thực phẩm": "cơ sở đủ điều kiện an toàn thực phẩm",
        "cây xăng": "cửa hàng kinh doanh xăng dầu",
        "tràn dầu": "sự cố tràn dầu",
    },
)

# --- Common abbreviations of administration -----------------------------------------
# Both directions: what people abbreviate, and abbreviations the records use
# in their names (KBNN, BHYT, KCB, DSPHSK, TNLĐ, BNN, GTGT): records 3.000114,
# 1.001909, 1.001598, 1.007014.
ABBREVIATIONS = group(
    "abbreviations",
    "record names 3.000114, 1.001909, 1.001598, 1.007014 and their documents",
    {
        "ubnd": "ủy ban nhân dân",
        "tthc": "thủ tục hành chính",
        "dvc": "dịch vụ công",
        "bhyt": "bảo hiểm y tế",
        "bảo hiểm y tế": "bhyt",
        "bhxh": "bảo hiểm xã hội",
        "kbnn": "kho bạc nhà nước",
        "kho bạc": "kbnn",
        "kcb": "khám bệnh, chữa bệnh",
        "khám chữa bệnh bảo hiểm": "chi phí bhyt",
        "pccc": "phòng cháy, chữa cháy",
        "nvqs": "nghĩa vụ quân sự",
        "đtm": "đánh giá tác động môi trường",
        "csdl": "cơ sở dữ liệu",
    },
)

# --- Military service, veterans, security --------------------------------------------------
# Official words: records 1.013133-1.013137, 1.013140-1.013455, 1.013182,
# 3.000421-3.000423, 1.012537, 1.012533, 1.004327, 1.004335.
MILITARY = group(
    "military and security",
    "records 1.013133, 1.013135, 1.013140, 1.013182, 3.000422, 1.012537, 1.012533, 1.004327",
    {
        "đi bộ đội": "nghĩa vụ quân sự",
        "nhập ngũ": "nghĩa vụ quân sự",
        "đi lính": "nghĩa vụ quân sự",
        "khám nghĩa vụ": "đăng ký nghĩa vụ quân sự",
        "17 tuổi": "đăng ký nghĩa vụ quân sự lần đầu",
        "quân nhân dự bị": "ngạch dự bị",
        "chống mỹ": "kháng chiến chống Mỹ cứu nước",
        "lương hưu quân đội": "chế độ hưu trí",
        "thương binh": "công nhận thương binh",
        "bị thương trong chiến tranh": "giấy chứng nhận bị thương",
        "thi trường quân đội": "tuyển sinh đào tạo trình độ đại học cao đẳng quân sự",
        "học cử tuyển": "cử tuyển",
        "công an viên": "bảo vệ an ninh, trật tự ở cơ sở",
        "bảo vệ dân phố": "bảo vệ an ninh, trật tự",
        "an ninh cơ sở": "bảo vệ an ninh, trật tự ở cơ sở",
        "khiếu nại công an": "lực lượng Công an nhân dân",
        "tố cáo công an": "lực lượng Công an nhân dân",
        "dao kiếm trưng bày": "vũ khí thô sơ",
        "mất hộ chiếu": "trình báo mất hộ chiếu",
        "mất giấy thông hành": "trình báo mất giấy thông hành",
        "giấy qua biên giới": "giấy thông hành",
        "sang trung quốc": "giấy thông hành",
    },
)

# --- Vehicles and boats ----------------------------------------------------------------
# Official words: records 1.012575, 1.013065-1.013067, 1.003930, 1.003970,
# 1.003658, 1.004362, 1.000115.
VEHICLES = group(
    "vehicles",
    "records 1.012575, 1.013065, 1.013067, 1.003930, 1.003970, 1.003658, 1.004362",
    {
        "cà vẹt": "chứng nhận đăng ký xe",
        "cavet": "chứng nhận đăng ký xe",
        "giấy tờ xe": "chứng nhận đăng ký xe",
        "đăng ký xe máy": "đăng ký xe",
        "xe mới mua": "đăng ký xe lần đầu",
        "bấm biển số": "cấp biển số xe",
        "biển số": "biển số xe",
        "bán xe": "thu hồi chứng nhận đăng ký xe",
        "sang tên xe": "thu hồi chứng nhận đăng ký xe",
        "bến đò": "bến thủy nội địa",
        "flycam": "đủ điều kiện bay",
        "máy bay không người lái": "đủ điều kiện bay",
        "xe nhập": "xe nhập khẩu",
    },
)

# --- Farming, fishing, forests, water, environment ------------------------------------------
# Official words: records 1.014801, 3.000439, 1.001662, 1.008004, 1.012836,
# 1.013997, 1.005412, 1.012694, 1.011471, 1.003347, 1.008603, 1.013040,
# 1.014258, 1.004478.
FARMING = group(
    "farming and environment",
    "records 1.014801, 3.000439, 1.001662, 1.008004, 1.012836, 1.013997, 1.005412, 1.012694, 1.011471",
    {
        "cá lồng": "nuôi trồng thủy sản lồng bè",
        "nuôi cá lồng": "nuôi trồng thủy sản lồng bè",
        "lồng bè": "nuôi trồng thủy sản lồng bè",
        "nuôi biển": "khu vực biển",
        "thuê mặt biển": "giao khu vực biển",
        "giếng khoan": "khai thác nước dưới đất",
        "khoan giếng": "khai thác nước dưới đất",
        "nước ngầm": "nước dưới đất",
        "chuyển đất lúa": "chuyển đổi cơ cấu cây trồng",
        "trồng cây trên đất lúa": "đất trồng lúa",
        "thụ tinh nhân tạo": "phối giống nhân tạo",
        "phối giống bò": "phối giống nhân tạo",
        "dịch tả lợn": "dịch bệnh động vật",
        "lở mồm long móng": "dịch bệnh động vật",
        "cúm gia cầm": "dịch bệnh động vật",
        "bảo hiểm lúa": "bảo hiểm nông nghiệp",
        "bảo hiểm cây trồng": "bảo hiểm nông nghiệp",
        "bỏ chăn nuôi": "chuyển đổi từ chăn nuôi sang các nghề khác",
        "chặt gỗ rừng": "khai thác gỗ",
        "đất rừng": "chuyển mục đích sử dụng rừng",
        "rừng bị cháy": "rừng trồng bị thiệt hại",
        "cảng cá": "mở cảng cá",
        "hồ đập": "hồ chứa thủy lợi",
        "đập nước": "đập hồ chứa thủy lợi",
        "nước thải": "phí bảo vệ môi trường đối với nước thải",
        "khói thải": "khí thải",
        "khai thác cát": "khoáng sản",
        "mỏ đá": "khoáng sản",
        "bão lũ": "thiên tai",
    },
)

# --- Welfare, justice, other demo-era words -------------------------------------------------
# Official words: records 2.002165, 1.002211, 2.002080, 3.000410, 1.014535,
# 3.000165, 3.000163, 1.010091.
OTHER = group(
    "welfare, justice and other",
    "records 2.002165, 1.002211, 2.002080, 3.000410, 1.014535, 3.000165, 3.000163, 1.010091",
    {
        "đòi bồi thường nhà nước": "giải quyết yêu cầu bồi thường",
        "cán bộ gây thiệt hại": "yêu cầu bồi thường",
        "tổ hòa giải": "hòa giải viên",
        "hòa giải ở thôn": "hòa giải viên",
        "tài sản vô chủ": "tài sản không có người thừa kế",
        "giảm tiền thuê nhà": "miễn giảm tiền thuê nhà",
        "xin bản án": "cấp sao bản án",
        "sao bản án": "cấp sao bản án",
        "kiện ra tòa": "đơn khởi kiện",
        "nộp đơn kiện": "đơn khởi kiện",
        "xung kích phòng chống thiên tai": "lực lượng xung kích",
        "tiền mai táng": "mai táng",
        "ma chay": "mai táng",
        "chôn cất": "mai táng",
        "tàn tật": "khuyết tật",
        "người tàn tật": "người khuyết tật",
    },
)

# --- Neighbours and land: what people say when a boundary is crossed ------------------------------
# How people put it: "hàng xóm lấn chiếm đất", "lấn chiếm ranh giới", "dựng hàng rào lấn",
# "xây nhà lấn đất", "đòi lại đất" (https://luatvietnam.vn/dat-dai-nha-o/hang-xom-lan-chiem-dat-567-93130-article.html,
# https://luatsu11.vn/lam-gi-khi-bi-hang-xom-lan-chiem-ranh-gioi-dat/,
# https://vietnamnet.vn/hang-xom-dung-rao-lan-ca-met-dat-khi-gia-dinh-di-vang-xu-ly-the-nao-2485724.html,
# https://dx.newsallq.com/hang-xom-xay-nha-lan-dat-phai-giai-quyet-the-nao); the commune first mediates
# (Luật Đất đai, hòa giải tranh chấp đất đai at the commune). "Thêm tên vợ/chồng vào sổ đỏ" is written
# from record 1.013980's wording (the spouses' agreement). Left out: "tranh chấp ranh giới" (its words are
# the record's own, and as one phrase it kept that record out of the dev results), "đòi lại đất" (folds to
# "đổi lại đất").
# Official words: records 1.012812, 1.013980, 1.012994, 1.012995.
NEIGHBOURS_AND_LAND = group(
    "neighbours and land",
    "luatvietnam.vn, luatsu11.vn, vietnamnet.vn Q&A on neighbours' encroachment; records 1.012812, 1.013980, 1.012994",
    {
        "hàng xóm": "hòa giải",
        "lấn ranh giới": "tranh chấp đất đai",
        "lấn chiếm ranh giới": "tranh chấp đất đai",
        "mốc giới": "tranh chấp đất đai",
        "chiếm đất": "tranh chấp đất đai",
        "lấn sang đất": "tranh chấp đất đai",
        "mâu thuẫn đất đai": "hòa giải tranh chấp đất đai",
        "thêm tên vợ": "đăng ký biến động, vợ và chồng",
        "thêm tên chồng": "đăng ký biến động, vợ và chồng",
        "đất chung vợ chồng": "vợ và chồng",
        "bị thu hồi đất": "bồi thường hỗ trợ tái định cư",
        "nhà nước lấy đất": "bồi thường hỗ trợ tái định cư",
    },
)

# --- Weddings, funerals and the road -------------------------------------------------------------------
# "Dựng rạp cưới/bắc rạp hiếu hỉ lấn chiếm lòng đường, vỉa hè"
# (https://baothainguyen.vn/xa-hoi/201911/can-xu-ly-nghiem-hanh-vi-dung-rap-cuoi-lan-chiem-long-le-duong-36710BD,
# https://vneconomy.vn/techconnect/dung-rap-dam-cuoi-lan-chiem-long-duong-nha-co-viec-nen-quen-luat.htm);
# the cases where the road or pavement may be used for a while, parking among them
# (https://trolyluat.vn/bai-viet/lan-chiem-via-he-se-bi-xu-ly-nhu-the-nao-2025-482, Nghị định 165/2024/NĐ-CP).
# Official words: records 1.013274, 1.013061.
ROAD_EVENTS = group(
    "weddings, funerals and the road",
    "baothainguyen.vn, vneconomy.vn, trolyluat.vn on wedding tents and pavements; records 1.013274, 1.013061",
    {
        "rạp cưới": "sử dụng tạm thời lòng đường vỉa hè",
        "rạp đám cưới": "sử dụng tạm thời lòng đường vỉa hè",
        "bắc rạp": "sử dụng tạm thời lòng đường vỉa hè",
        "hiếu hỉ": "sử dụng tạm thời lòng đường vỉa hè",
        "chiếm lòng đường": "sử dụng tạm thời lòng đường vỉa hè",
        "chiếm vỉa hè": "sử dụng tạm thời lòng đường vỉa hè",
        "bán hàng trên vỉa hè": "sử dụng tạm thời lòng đường vỉa hè",
        "trông giữ xe": "sử dụng tạm thời lòng đường vỉa hè",
        "đặt ống nước": "thi công công trình trên đường bộ",
        "kéo cáp": "thi công công trình trên đường bộ",
    },
)

# --- Pigs and poultry lost to disease ----------------------------------------------------------------------
# Farmers' and the press's words: "lợn bị tiêu hủy do dịch tả lợn châu Phi", "heo bị dịch", "tai xanh",
# "lở mồm long móng", "hỗ trợ người chăn nuôi có lợn bị tiêu hủy"
# (https://thanhnien.vn/thoi-su/dong-nai-giam-muc-ho-tro-dich-ta-lon-chau-phi-1090337.html,
# https://baothuathienhue.vn/amp.aspx?newid=70796,
# http://baoninhthuan.com.vn/news/109630p25c151/ho-tro-tren-14-ty-dongcho-cac-ho-dan-co-lon-benh-bi-tieu-huy.htm,
# https://vtv.vn/trong-nuoc/bac-giang-chua-chi-tra-ho-tro-tieu-huy-lon-2019112709243252.htm).
# "Dịch lợn" was left out: it folds to "dịch lớn". Official words: record 1.013997 (thiệt hại do dịch bệnh động vật).
LIVESTOCK_DISEASE = group(
    "livestock lost to disease",
    "thanhnien.vn, baothuathienhue.vn, baoninhthuan.com.vn, vtv.vn on support for culled pigs; record 1.013997",
    {
        "dịch tả châu phi": "dịch bệnh động vật",
        "dịch tả heo": "dịch bệnh động vật",
        "dịch heo": "dịch bệnh động vật",
        "heo chết": "dịch bệnh động vật",
        "lợn bị dịch": "dịch bệnh động vật",
        "heo bị dịch": "dịch bệnh động vật",
        "tiêu hủy lợn": "dịch bệnh động vật",
        "tiêu hủy heo": "dịch bệnh động vật",
        "tiêu hủy gia cầm": "dịch bệnh động vật",
        "tai xanh": "dịch bệnh động vật",
        "gà chết": "dịch bệnh động vật",
        "vịt chết": "dịch bệnh động vật",
        "trâu bò chết": "dịch bệnh động vật",
        "viêm da nổi cục": "dịch bệnh động vật",
    },
)

# --- Storms, floods and fallen plantations ---------------------------------------------------------------
# "Keo gãy đổ sau bão", "rừng keo đổ rạp", "khai thác tận thu"
# (https://baonghean.vn/hon-200-ha-keo-non-gay-do-sau-bao-so-5-nong-dan-lao-dao-tim-loi-thoat-10305466.html,
# https://hatinh24h.com.vn/ha-tinh-xu-ly-nhanh-viec-vuong-thu-tuc-tan-thu-keo-gay-do-sau-bao-a191154.html).
# "Dân phòng", "bảo vệ dân phố" and part-time commune police became the base security force on 1 July 2024
# (https://thoibaotaichinhvietnam.vn/quoc-hoi-thong-qua-luat-luc-luong-tham-gia-bao-ve-an-ninh-trat-tu-o-co-so-140351.html).
# Official words: records 1.010091, 1.010092, 1.003446, 1.012922, 3.000509, 1.012533.
DISASTERS = group(
    "storms, floods, fire and the base forces",
    "baonghean.vn, hatinh24h.com.vn (storm-felled acacia), thoibaotaichinhvietnam.vn; records 1.010091, 1.012922",
    {
        "lũ lụt": "thiên tai",
        "ngập lụt": "thiên tai",
        "mưa lũ": "thiên tai",
        "lũ quét": "thiên tai",
        "sạt lở": "thiên tai",
        "keo gãy đổ": "rừng trồng bị thiệt hại",
        "rừng keo đổ": "rừng trồng bị thiệt hại",
        "cây rừng bị đổ": "rừng trồng bị thiệt hại",
        "cứu hỏa": "chữa cháy",
        "dân phòng": "bảo vệ an ninh trật tự, phòng cháy chữa cháy",
        "công an bán chuyên trách": "bảo vệ an ninh trật tự",
    },
)

# --- Family life: births, deaths, marriages, lodgings ---------------------------------------------------
# "Thuê trọ", "ở trọ", "phòng trọ" for temporary residence
# (https://nhaongay.vn/thi-truong-bat-dong-san/thu-tuc-dang-ky-tam-tru-cho-nguoi-o-tro,
# https://luatduonggia.vn/huong-dan-thu-tuc-dang-ky-tam-tru-cho-sinh-vien); the rest is written from the
# civil-status records' wording and everyday speech ("sinh con", "mẹ mất", "đám tang", "chuyển khẩu").
# Terms that fold to everyday words were left out ("đẻ con" is also "để con", "bố mất" also "bộ mặt").
# Official words: records 1.001193, 1.000656, 1.000094, 1.004194, 1.004222, 1.003197.
FAMILY = group(
    "family life",
    "nhaongay.vn, luatduonggia.vn on lodgers; records 1.001193, 1.000656, 1.000094, 1.004194, 1.004222, 1.003197",
    {
        "sinh con": "khai sinh",
        "đặt tên cho con": "khai sinh",
        "mẹ mất": "khai tử",
        "đám tang": "khai tử",
        "ăn hỏi": "kết hôn",
        "cưới người nước ngoài": "kết hôn có yếu tố nước ngoài",
        "vợ người nước ngoài": "kết hôn có yếu tố nước ngoài",
        "chồng người nước ngoài": "kết hôn có yếu tố nước ngoài",
        "ở trọ": "đăng ký tạm trú",
        "thuê trọ": "đăng ký tạm trú",
        "phòng trọ": "đăng ký tạm trú",
        "ở nhờ": "tạm trú",
        "chuyển khẩu": "đăng ký thường trú, xóa đăng ký thường trú",
        "cắt khẩu": "xóa đăng ký thường trú",
    },
)

# --- Building: family shrines, pagodas, old houses ------------------------------------------------------
# "Xây nhà thờ họ", "nhà thờ dòng họ", "đình, đền, miếu, chùa" are works of belief and religion that
# need a building permit (https://luatduonggia.vn/xay-dung-nha-tho-ho-dong-toc-co-can-phai-xin-phep-khong,
# https://ttpl.vn/bai-viet/5932, https://trangtinphapluat.com/blog/hoi-dap-phap-luat/xin-giay-phep-xay-dung/).
# "Sửa chùa" and "xây chùa" were left out: they fold to "sửa chữa" and "xây chưa".
# Official words: records 1.013225-1.013238 (Tín ngưỡng, tôn giáo).
SHRINES = group(
    "shrines and old houses",
    "luatduonggia.vn, ttpl.vn, trangtinphapluat.com on permits for family shrines; records 1.013225, 1.013229",
    {
        "nhà thờ họ": "tín ngưỡng tôn giáo",
        "nhà thờ dòng họ": "tín ngưỡng tôn giáo",
        "đình làng": "tín ngưỡng tôn giáo",
        "miếu thờ": "tín ngưỡng tôn giáo",
        "xây thêm tầng": "sửa chữa cải tạo",
        "nhà xuống cấp": "sửa chữa cải tạo",
    },
)

# --- Fields, ponds and the sea -------------------------------------------------------------------------------
# "Chuyển đổi cơ cấu cây trồng trên đất trồng lúa" (digging ponds, fruit trees on rice land) as the provinces
# plan it (https://thuvienphapluat.vn/van-ban/Linh-vuc-khac/Quyet-dinh-104-QD-UBND-2023-Ke-hoach-chuyen-doi-co-cau-cay-trong-tren-dat-lua-Gia-Lai-558818.aspx);
# the farmers' words are everyday usage. Official words: records 1.008004, 3.000439, 1.012836.
FIELDS = group(
    "fields, ponds and the sea",
    "thuvienphapluat.vn (Gia Lai plan for rice land); records 1.008004, 3.000439, 1.012836",
    {
        "ruộng lúa": "đất trồng lúa",
        "đào ao": "chuyển đổi cơ cấu cây trồng vật nuôi",
        "trồng cây ăn quả": "chuyển đổi cơ cấu cây trồng",
        "bỏ trồng lúa": "chuyển đổi cơ cấu cây trồng",
        "nuôi tôm hùm": "nuôi trồng thủy sản",
        "nuôi hàu": "nuôi trồng thủy sản",
        "nuôi ngao": "nuôi trồng thủy sản",
        "gieo tinh": "phối giống nhân tạo",
    },
)

# --- Vehicles, boats, the border, shops ----------------------------------------------------------------------
# Deregistering a vehicle: "xe hỏng không sử dụng được", "xe hết niên hạn", "xe bị mất cắp"
# (the cases of Thông tư on vehicle registration quoted at http://118.69.84.237:801/phap-luat/tim-tu-van?page=153);
# "giấy thông hành đi Trung Quốc" (https://namthanh.vn/cach-lam-giay-thong-hanh-di-trung-quoc,
# https://visa24h.info/giay-thong-hanh-sang-trung-quoc); "tiệm tạp hóa" and "mở tiệm" are everyday words for a
# household business (https://thanhnien.vn/nhung-hoat-dong-nao-khong-can-phai-dang-ky-ho-kinh-doanh-185260122114045218.htm).
# Official words: records 1.013065, 1.003970, 1.003133, 1.010055, 1.001612, 3.000527.
VEHICLES_AND_SHOPS = group(
    "vehicles, boats, the border and shops",
    "namthanh.vn, visa24h.info, thanhnien.vn; records 1.013065, 1.003970, 1.003133, 1.010055, 1.001612, 3.000527",
    {
        "xe hỏng": "thu hồi chứng nhận đăng ký xe",
        "xe hết niên hạn": "thu hồi chứng nhận đăng ký xe",
        "xe bị mất cắp": "thu hồi chứng nhận đăng ký xe",
        "mua thuyền": "đăng ký phương tiện",
        "bán thuyền": "chuyển quyền sở hữu phương tiện",
        "đi trung quốc": "giấy thông hành",
        "qua trung quốc": "giấy thông hành",
        "mở tiệm": "đăng ký thành lập hộ kinh doanh",
        "tiệm tạp hóa": "hộ kinh doanh",
        "con nghiện": "cai nghiện ma túy",
        "nghiện hút": "cai nghiện ma túy",
        "phạt sai": "khiếu nại về quyết định hành chính",
    },
)

# --- Loanwords -------------------------------------------------------------------------
# English words people type for things the records name in Vietnamese (everyday usage, e.g. "làm
# passport", "nộp hồ sơ online" on https://dichvucong.gov.vn/ help pages and in the press); official
# words: records 1.010385 (trình báo mất hộ chiếu) and the "Cách thức thực hiện" of most records
# ("nộp hồ sơ trực tuyến").
LOANWORDS = group(
    "loanwords",
    "everyday usage; records 1.010385 and the records' 'Cách thức thực hiện'",
    {
        "passport": "hộ chiếu",
        "online": "trực tuyến",
    },
)


# --- Stories told at the desk (gathered 2026-12-05) -------------------------------------------------------
# The words of real questions on public Q&A pages (tests/data/search/README.md) mapped to the
# records' words, each backed by the law the record applies:
# - a soldier back from service registers in the reserve within 15 working days (Luật Nghĩa vụ quân sự
#   2015, "xuất ngũ"; record 1.013135);
# - a divorce is a court's judgment or decision, of which the court issues copies (Luật Hôn nhân và gia
#   đình 2014; record 3.000165);
# - "hóa giá" is the sale of old state-owned housing to its tenants (Nghị định 99/2015/NĐ-CP; record 1.012893);
# - mutual-aid and labour-exchange groups are "tổ hợp tác" (Nghị định 77/2019/NĐ-CP; record 2.002226);
# - a wrong date of birth or wrong details in the population database is corrected on request (Luật Căn cước 2023;
#   record 1.012564);
# - a business suspended for fire safety reopens through "phục hồi hoạt động" (Nghị định 136/2020/NĐ-CP;
#   record 3.000494);
# - a stepfather or stepmother adopts a spouse's child (Luật Nuôi con nuôi 2010; records 2.001263, 2.001255);
# - farmland becomes residential land by a change of land use (Luật Đất đai 2024; record 1.013949);
# - a household that is no longer poor is recognised as "thoát nghèo" (Nghị định 07/2021/NĐ-CP; records
#   1.011606, 1.011608).
STORIES = group(
    "stories told at the desk",
    "Luật NVQS 2015, Luật HN&GĐ 2014, NĐ 99/2015, NĐ 77/2019, Luật Căn cước 2023, NĐ 136/2020, "
    "Luật Nuôi con nuôi 2010, Luật Đất đai 2024, NĐ 07/2021; records 1.013135, 3.000165, 1.012893, 2.002226, 1.012564, "
    "3.000494, 2.001263, 1.013949, 1.011606, 1.011608",
    {
        "vừa xuất ngũ": "đăng ký phục vụ trong ngạch dự bị",
        "mới xuất ngũ": "đăng ký phục vụ trong ngạch dự bị",
        "xuất ngũ về": "đăng ký phục vụ trong ngạch dự bị",
        "giấy ly hôn": "bản án",
        "quyết định ly hôn": "bản án",
        "án ly hôn": "bản án",
        "hóa giá": "bán nhà ở cũ thuộc tài sản công",
        "tổ tương trợ": "tổ hợp tác",
        "nhóm tương trợ": "tổ hợp tác",
        "tổ đổi công": "tổ hợp tác",
        "sai ngày sinh": "điều chỉnh thông tin",
        "sai thông tin": "điều chỉnh thông tin",
        "mở lại": "phục hồi hoạt động",
        "hoạt động trở lại": "phục hồi hoạt động",
        "cha dượng": "nuôi con nuôi",
        "mẹ kế": "nuôi con nuôi",
        "con riêng": "nuôi con nuôi",
        "chuyển đất nông nghiệp": "chuyển mục đích sử dụng đất",
        "chuyển đất vườn": "chuyển mục đích sử dụng đất",
        "chuyển đất ruộng": "chuyển mục đích sử dụng đất",
        "ra khỏi hộ nghèo": "hộ thoát nghèo",
        "ra khỏi hộ cận nghèo": "hộ thoát cận nghèo",
        "thoát khỏi hộ nghèo": "hộ thoát nghèo",
    },
)


# --- Questions sent to the press and to law offices (second batch, 2026-12-05) ---------------------------
# Words of the questions in tests/data/search/README.md's second batch, mapped to the records' words:
# - a curriculum vitae ("sơ yếu lý lịch") is "confirmed" at the commune by certifying the signature
#   (https://mytour.vn/vi/blog/thong-tin-phap-luat/co-the-xac-nhan-so-yeu-ly-lich-ma-khong-can-phai-ve-noi-thuong-tru-khong-mytour.html;
#   record 2.000884);
# - "nhà 61" is old state housing sold to its tenants under Nghị định 61/CP (1994)
#   (http://www.baomoi.com/tiep-tuc-ban-nha-61-den-het-nam-2010/c/1671798.epi; record 1.012893);
# - a "giấy chứng nhận ly hôn" is the court's judgment or decision, of which copies are issued
#   (https://thuvienphapluat.vn/hoi-dap-phap-luat/34D2-hd-xin-cap-lai-ban-an-quyet-dinh-cho-ly-hon.html;
#   record 3.000165);
# - a father not named on the birth certificate registers the recognition of the child
#   (https://vnexpress.net/phap-luat/tu-van/co-mat-quyen-lam-cha-neu-khong-ghi-ten-tren-khai-sinh-cua-con-3632561-p2.html;
#   record 1.001022);
# - a diploma is certified as a copy from the original
#   (https://plo.vn/ban-doc/toi-muon-hoi/6-truong-hop-ban-chinh-khong-duoc-dung-de-chung-thuc-ban-sao-837402.html;
#   record 2.000815).
QUESTIONS = group(
    "questions to the press and law offices",
    "Nghị định 23/2015/NĐ-CP, Nghị định 61/CP 1994, Luật Hôn nhân và gia đình 2014, Luật Hộ tịch 2014; records "
    "2.000884, 1.012893, 3.000165, 1.001022, 2.000815",
    {
        "sơ yếu lý lịch": "chứng thực chữ ký",
        "nhà 61": "bán nhà ở cũ thuộc tài sản công",
        "chứng nhận ly hôn": "bản án",
        "quyền làm cha": "nhận cha mẹ con",
        "quyền làm mẹ": "nhận cha mẹ con",
        "bằng tốt nghiệp": "bản sao từ bản chính",
        "bằng cử nhân": "bản sao từ bản chính",
        "bằng đại học": "bản sao từ bản chính",
    },
)


# --- Changes and corrections of civil status (2026-12-07) ------------------------------------------------
# A child's surname changed to the mother's after a divorce, a wrong date of birth on the birth certificate:
# "thay đổi, cải chính hộ tịch" at the commune (Bộ luật Dân sự 2015, Điều 27; Luật Hộ tịch 2014, Điều 26-28;
# https://thuvienphapluat.vn/hoi-dap-phap-luat/iframe/219B4-hd-thu-tuc-thay-doi-ho-cho-con.html,
# https://lyhonnhanh.com/thu-tuc-doi-ho-cho-con-sau-ly-hon-theo-quy-dinh-nhu-the-nao.html,
# https://trangtinphapluat.com/blog/hoi-dap-phap-luat/thay-doi-thong-tin-cha-me-de-sang-cha-me-nuoi-co-duoc-khong;
# record 1.004859, "Thủ tục thay đổi, cải chính, bổ sung thông tin hộ tịch, xác định lại dân tộc", which a full
# commune catalogue holds and the 207-record sample does not: OFFICIAL_OUTSIDE_SAMPLE). "đổi họ" and "sửa
# họ" alone were left out: folded, "đối với hộ (kinh doanh)" and "đổi hộ (khẩu)" are the same words.
CIVIL_STATUS_CHANGES = group(
    "changes and corrections of civil status",
    "Bộ luật Dân sự 2015 Điều 27, Luật Hộ tịch 2014 Điều 26-28; record 1.004859",
    {
        "đổi họ cho con": "cải chính",
        "đổi họ con": "cải chính",
        "đổi sang họ mẹ": "cải chính",
        "đổi tên cho con": "cải chính",
        "sửa tên": "cải chính",
        "sửa ngày sinh": "cải chính",
        "đổi ngày sinh": "cải chính",
        "thay đổi ngày sinh": "cải chính",
        "thay đổi ngày tháng năm sinh": "cải chính",
        "sửa năm sinh": "cải chính",
        "sai năm sinh": "cải chính",
        "sửa giấy khai sinh": "cải chính",
        "sửa khai sinh": "cải chính",
    },
)


def _merge():
    merged = {}
    for _name, _source, entries in GROUPS:
        for term, alternatives in entries.items():
            if term in merged:
                raise ValueError(f"search vocabulary: {term!r} is shipped twice")
            merged[term] = alternatives
    return merged


SHIPPED_SYNONYMS = _merge()


def ensure_shipped_synonyms(model=None):
    """Create the shipped synonyms whose folded term is not there yet; never change an existing row.

    ``model`` is the historical model in a migration (search/migrations/0005, 0006);
    returns how many rows were created.
    """
    from search.text import words

    if model is None:
        from search.models import SearchSynonym as model

    existing = {" ".join(words(term)) for term in model.objects.values_list("term", flat=True)}
    fields = {field.name for field in model._meta.get_fields()}
    rows = []
    for term, alternatives in SHIPPED_SYNONYMS.items():
        key = " ".join(words(term))
        if key in existing:
            continue
        existing.add(key)
        row = model(term=term, alternatives=alternatives, active=True)
        if "shipped" in fields:
            row.shipped = True
        rows.append(row)
    model.objects.bulk_create(rows)
    return len(rows)
