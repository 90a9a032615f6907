"""The relevance test set: what citizens type, and the procedure they need.

Each case is (category, query, expected national code or None). ``None``
means the search must find nothing at all. The catalogue is the demo
catalogue (procedures/demo/procedures.json, 56 commune procedures) with the
shipped synonyms (search/vocabulary.py), as a commune would start with.
"""

BIRTH, DEATH, MARRIAGE = "1.001193", "1.000656", "1.000894"
PERMANENT, TEMPORARY, EXTEND_TEMPORARY, REMOVE_PERMANENT, SPLIT = (
    "1.004222",
    "1.004194",
    "1.002755",
    "1.003197",
    "1.010038",
)
MARITAL_STATUS, GUARDIAN, WILL = "1.004873", "1.004837", "2.001019"
LAND_FIRST, BUILD_NEW, BURIAL = "1.012753", "1.013225", "1.001731"

CASES = [
    # --- With diacritics, as written in the catalogue ---
    ("diacritics", "Đăng ký khai sinh", BIRTH),
    ("diacritics", "Đăng ký khai tử", DEATH),
    ("diacritics", "Đăng ký kết hôn", MARRIAGE),
    ("diacritics", "Đăng ký thường trú", PERMANENT),
    ("diacritics", "Đăng ký tạm trú", TEMPORARY),
    ("diacritics", "Gia hạn tạm trú", EXTEND_TEMPORARY),
    ("diacritics", "Chứng thực di chúc", WILL),
    ("diacritics", "Hòa giải tranh chấp đất đai", "1.012812"),
    ("diacritics", "Xác nhận tình trạng hôn nhân", MARITAL_STATUS),
    ("diacritics", "Đăng ký giám hộ", GUARDIAN),
    ("diacritics", "Hỗ trợ chi phí mai táng", BURIAL),
    ("diacritics", "Kê khai hoạt động chăn nuôi", "1.008128"),
    ("diacritics", "Thông báo lưu trú", "2.001159"),
    ("diacritics", "Đăng ký hoạt động tín ngưỡng", "1.012592"),
    # --- Without diacritics, any case ---
    ("no diacritics", "dang ky khai sinh", BIRTH),
    ("no diacritics", "DANG KY KHAI SINH", BIRTH),
    ("no diacritics", "dang ky ket hon", MARRIAGE),
    ("no diacritics", "dang ky tam tru", TEMPORARY),
    ("no diacritics", "xoa dang ky thuong tru", REMOVE_PERMANENT),
    ("no diacritics", "chung thuc chu ky", "2.000884"),
    ("no diacritics", "chung thuc ban sao tu ban chinh", "2.000815"),
    ("no diacritics", "giay phep xay dung moi", BUILD_NEW),
    ("no diacritics", "ho tro an trua tre mau giao", "1.008950"),
    ("no diacritics", "cong nhan ho ngheo", "1.011607"),
    ("no diacritics", "thoat ngheo", "1.011608"),
    ("no diacritics", "tro cap tho cung liet si", "1.010803"),
    ("no diacritics", "tham vieng mo liet si", "1.010819"),
    ("no diacritics", "xac dinh muc do khuyet tat", "1.001699"),
    ("no diacritics", "dang ky moi truong", "1.010738"),
    ("no diacritics", "khai thac nuoc duoi dat", "1.012621"),
    ("no diacritics", "le hoi", "1.003645"),
    ("no diacritics", "gia dinh van hoa", "1.000954"),
    ("no diacritics", "thu vien cong dong", "1.008901"),
    ("no diacritics", "bang ke lam san", "1.007917"),
    # --- đ typed as d, and mixed spellings ---
    ("đ as d", "dang ky dat dai lan dau", LAND_FIRST),
    ("đ as d", "Dang ký đat đai lần đầu", LAND_FIRST),
    ("đ as d", "chuyen muc dich su dung dat", "1.013992"),
    ("đ as d", "doi giay xac nhan khuyet tat", "1.001653"),
    # --- Word order and extra words ---
    ("word order", "khai sinh dang ky", BIRTH),
    ("word order", "hon nhan tinh trang xac nhan", MARITAL_STATUS),
    ("extra words", "thủ tục đăng ký kết hôn cần những gì", MARRIAGE),
    ("extra words", "tôi muốn đăng ký tạm trú ở đâu", TEMPORARY),
    ("extra words", "cho hỏi làm thủ tục chứng thực di chúc như thế nào", WILL),
    # --- Prefixes: the last word is still being typed ---
    ("prefix", "khai si", BIRTH),
    ("prefix", "dang ky ket h", MARRIAGE),
    ("prefix", "dang ky giam h", GUARDIAN),
    ("prefix", "tach h", SPLIT),
    ("prefix", "mai ta", BURIAL),
    # --- Colloquial names (editors' synonyms) ---
    ("colloquial", "hộ khẩu", PERMANENT),
    ("colloquial", "nhập hộ khẩu", PERMANENT),
    ("colloquial", "cắt hộ khẩu", REMOVE_PERMANENT),
    ("colloquial", "tách hộ khẩu", SPLIT),
    ("colloquial", "giấy độc thân", MARITAL_STATUS),
    ("colloquial", "lam giay khai sinh can gi", BIRTH),
    ("colloquial", "sổ đỏ lần đầu", LAND_FIRST),
    ("colloquial", "xin phép xây nhà", BUILD_NEW),
    ("colloquial", "báo tử", DEATH),
    ("colloquial", "cong chung di chuc", WILL),
    ("colloquial", "lay vo", MARRIAGE),
    ("colloquial", "nuoi ca long", "1.014801"),
    ("colloquial", "gieng khoan", "1.012621"),
    # --- Names of required documents ---
    ("document", "giấy chứng sinh", BIRTH),
    ("document", "giấy báo tử", DEATH),
    ("document", "tờ khai đăng ký kết hôn", MARRIAGE),
    ("document", "mau CT01", SPLIT),
    # --- National codes ---
    ("code", "1.001193", BIRTH),
    ("code", "2.001019", WILL),
    ("code", "thủ tục 1.004222", PERMANENT),
    # --- Typos ---
    ("typo", "dang ky khai sihn", BIRTH),
    ("typo", "dang ki ket hon", MARRIAGE),
    ("typo", "chung thuc di chuk", WILL),
    ("typo", "gia hanj tam tru", EXTEND_TEMPORARY),
    ("typo", "dang ky thuong truu", PERMANENT),
    ("typo", "hoa giai tranh chap dat daii", "1.012812"),
    # --- Must find nothing ---
    ("nothing", "bitcoin", None),
    ("nothing", "xyzzy qwerty", None),
    ("nothing", "pokemon", None),
    ("nothing", "iphone", None),
]
