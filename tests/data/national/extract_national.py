# ruff: noqa: T201  (command-line script: printing is its output)
"""Rebuild procedures.json from two public GitHub copies of the national procedure database.

The national database (Cơ sở dữ liệu quốc gia về thủ tục hành chính) is published on dichvucong.gov.vn.
Two public repositories hold copies of its detail pages:

1. chatbot-tthc/chatbot_tthc, scripts/crawler/data/raw/<ministry>/<code>.json: detail pages of
   dichvucong.gov.vn captured with Playwright ``textContent``. Table cells are glued together without
   separators, so this script only cuts that text where the page's own structure is unambiguous (table
   headers, the "N bản chính[,N bản sao]" quantity cell that ends every document row, the submission
   method that starts every row of "Cách thức thực hiện", the "Mã: KQ.G…" code that ends every result).
   Records whose cells cannot be cut without guessing are skipped; an ambiguous part is kept whole.
2. nhdandz/ThuTucHanhChinh, data/extracted_fixed/<code>.json: the portal's per-procedure Word export
   ("ChiTietTTHC_<code>.doc", Ministry of Defence procedures) read with python-docx by that project.
   Table cells are separate; paragraphs of text fields were joined with single spaces by that project.

Values are never reworded; text is NFC-normalised and trimmed, keys are renamed to the portal's labels.

Usage (stdlib only; arguments are git directories, e.g. ``fetch`` mirrors or clones):
    python tests/data/national/extract_national.py CHATBOT_TTHC_GITDIR NHDANDZ_GITDIR
"""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

CHATBOT = ("chatbot-tthc/chatbot_tthc", "53229487610b07e0d7127f529b87c333f19aeb1e", "scripts/crawler/data/raw")
NHDANDZ = ("nhdandz/ThuTucHanhChinh", "936e184ef5b6afd7debfecf42e66888c4d6174ba", "data/extracted_fixed")
OUT = Path(__file__).resolve().parent / "procedures.json"
CATALOGUE = OUT.with_name("commune_catalogue.json.gz")
TARGET = 207
# Everyday commune procedures a portal must show (birth, marriage, death, paternity, certification,
# residence, first land certificate; since 2026-12-06 the marital status certificate and guardianship
# with its foreign, ending and supervision variants); taken first when usable.
PREFERRED = (
    "1.001193",
    "1.000894",
    "1.000656",
    "1.001022",
    "2.000908",
    "2.000815",
    "1.004222",
    "1.012753",
    "1.004873",
    "1.004837",
    "1.004845",
    "1.001669",
    "2.000756",
    "3.000323",
    "3.000322",
)

PLACEHOLDERS = {"", "Không có thông tin"}
DOC_HEADER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"
WAY_HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"
LAW_HEADER = "Tên văn bản pháp lýMã văn bản"
# Quantity cell that closes each document row: "1 bản chính" or "0 bản chính,1 bản sao". The same words
# also occur inside names ("+ 01 bản chính văn bản …", "(01 bản chính)"); a real cell is glued to the next
# cell (textContent adds no space), so it is followed by the end of the text or by a non-space character
# that can start a cell ("a) …", "- …", "Đơn …"), never by a space or closing punctuation.
QUANTITY = re.compile(r"(\d+) bản chính(?:,(\d+) bản sao)?")
NOT_AFTER_CELL = re.compile(r"[\s,;.:)\]]")
WAY_START = re.compile(r"(Trực tiếp|Trực tuyến|Dịch vụ bưu chính)(?=\d|Không có thông tin)")
WAY_TIME = re.compile(r"Không có thông tin|(\d+)( Ngày làm việc| Ngày| Giờ| Tháng| Năm| Phút)?")
RESULT_ITEM = re.compile(r"(.*?)(Mã: KQ\.G\d+\.\d+)", re.S)
RESULT_NOISE = "Từ khóa"


class Ambiguous(Exception):
    """The glued text of a record cannot be cut without guessing."""


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value or "").strip()


def git(gitdir: str, *args: str) -> str:
    return subprocess.run(["git", "-C", gitdir, *args], check=True, capture_output=True, text=True).stdout


def parse_documents(text: str) -> list[dict]:
    """Split "Thành phần hồ sơ": groups by the table header, rows by the quantity cell."""
    if DOC_HEADER not in text:
        raise Ambiguous("no document table")
    parts = text.split(DOC_HEADER)
    label = parts[0]
    entries: list[dict] = []
    for index, part in enumerate(parts[1:], start=1):
        matches = []
        for m in QUANTITY.finditer(part):
            if m.end() < len(part) and NOT_AFTER_CELL.match(part, m.end()):
                continue  # words inside a document name, not the quantity cell
            numbers = [g for g in m.groups() if g is not None]
            if any(len(n) != 1 for n in numbers):
                # A name ending in a digit is glued to the quantity ("…2026" + "1 bản chính").
                raise Ambiguous(f"quantity {m.group(0)!r}")
            matches.append(m)
        pos = 0
        case = nfc(label).strip()
        for m in matches:
            name = nfc(part[pos : m.start()])
            if not name:
                raise Ambiguous("empty document name")
            entry = {}
            if case and case != "--":
                entry["Trường hợp"] = case
            entry["Tên giấy tờ"] = name
            entry["Số lượng"] = nfc(m.group(0))
            entries.append(entry)
            pos = m.end()
        label = part[pos:]
        if index == len(parts) - 1 and nfc(label) not in ("", "--"):
            raise Ambiguous(f"text after the last row: {nfc(label)[:60]!r}")
    if not entries:
        raise Ambiguous("no document rows")
    return entries


def parse_ways(text: str) -> list[dict]:
    """Split "Cách thức thực hiện": one row per submission method."""
    if not text.startswith(WAY_HEADER):
        raise Ambiguous("no submission table")
    body = text[len(WAY_HEADER) :]
    starts = list(WAY_START.finditer(body))
    if not starts or starts[0].start() != 0:
        raise Ambiguous("submission rows")
    rows = []
    for i, m in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(body)
        rest = body[m.end() : end]
        t = WAY_TIME.match(rest)
        if not t:
            raise Ambiguous("time cell")
        after = rest[t.end() :]
        if t.group(1) and t.group(2) is None and after[:1].isdigit():
            raise Ambiguous("time glued to a numeric fee")
        row = {"Hình thức nộp": m.group(1)}
        if t.group(1):
            row["Thời hạn giải quyết"] = nfc(t.group(0))
        fee_and_note = nfc(after)
        for head in ("Miễn phí", "Không có thông tin"):
            tail = after[len(head) :]
            if after.startswith(head) and tail and not tail.startswith("("):
                row["Phí, lệ phí"] = head
                row["Mô tả"] = nfc(tail)
                break
        else:
            if fee_and_note:
                # Fee and description cells are glued; kept together, never cut by guess.
                row["Phí, lệ phí"] = fee_and_note
        rows.append(row)
    return rows


def parse_results(text: str) -> str:
    text = text.split(RESULT_NOISE, 1)[0]
    items = []
    pos = 0
    for m in RESULT_ITEM.finditer(text):
        name = nfc(m.group(1))
        items.append(f"{name}\n{m.group(2)}" if name else m.group(2))
        pos = m.end()
    rest = nfc(text[pos:])
    if not items:
        return rest
    if rest:
        items.append(rest)
    return "\n".join(items)


def convert_page(raw: dict, source: str) -> dict:
    """A record of chatbot-tthc/chatbot_tthc (textContent of a dichvucong.gov.vn detail page)."""
    out: dict = {}

    def put(label: str, value: str) -> None:
        value = nfc(value)
        if value not in PLACEHOLDERS:
            out[label] = value

    # The crawler searched the portal by code and sometimes opened another procedure's page; the code
    # printed on the page itself (not the file name) identifies the record.
    page = nfc(raw.get("raw_text", ""))
    code = re.search(r"Mã thủ tục(.*?)Số quyết định", page)
    if not code or not nfc(code.group(1)):
        raise Ambiguous("no code on the page")
    put("Mã thủ tục", code.group(1))
    put("Số quyết định", raw.get("so_quyet_dinh", ""))
    put("Tên thủ tục", raw.get("ten_thu_tuc", ""))
    put("Cấp thực hiện", raw.get("cap_thuc_hien", ""))
    put("Loại thủ tục", raw.get("loai_thu_tuc", ""))
    put("Lĩnh vực", raw.get("linh_vuc", ""))
    put("Trình tự thực hiện", raw.get("trinh_tu_thuc_hien", ""))
    out["Cách thức thực hiện"] = parse_ways(nfc(raw.get("cach_thuc_thuc_hien", "")))
    out["Thành phần hồ sơ"] = parse_documents(nfc(raw.get("thanh_phan_ho_so", "")))
    put("Đối tượng thực hiện", raw.get("doi_tuong_thuc_hien", ""))
    put("Cơ quan thực hiện", raw.get("co_quan_thuc_hien", ""))
    put("Cơ quan có thẩm quyền", raw.get("co_quan_co_tham_quyen", ""))
    put("Địa chỉ tiếp nhận HS", raw.get("dia_chi_tiep_nhan", ""))
    put("Kết quả thực hiện", parse_results(nfc(raw.get("ket_qua_xu_ly", ""))))
    law = nfc(raw.get("can_cu_phap_ly", ""))
    if law.startswith(LAW_HEADER):
        # Name and number cells of each law are glued in the source; kept as one block.
        law = law[len(LAW_HEADER) :]
    put("Căn cứ pháp lý", law)
    put("Yêu cầu, điều kiện thực hiện", raw.get("yeu_cau_dieu_kien", ""))
    out["Nguồn"] = source
    if not out.get("Tên thủ tục") or not out.get("Mã thủ tục"):
        raise Ambiguous("missing name or code")
    return out


def convert_export(raw: dict, source: str) -> dict:
    """A record of nhdandz/ThuTucHanhChinh (python-docx reading of the portal's Word export)."""
    meta, content, tables = raw["metadata"], raw["content"], raw["tables"]
    out: dict = {}

    def put(label: str, value: str) -> None:
        value = nfc(value)
        if value not in PLACEHOLDERS:
            out[label] = value

    put("Mã thủ tục", meta.get("mã_thủ_tục", ""))
    put("Số quyết định", meta.get("số_quyết_định", ""))
    put("Tên thủ tục", meta.get("tên_thủ_tục", ""))
    put("Cấp thực hiện", meta.get("cấp_thực_hiện", ""))
    put("Loại thủ tục", meta.get("loại_thủ_tục", ""))
    put("Lĩnh vực", meta.get("lĩnh_vực", ""))
    put("Trình tự thực hiện", content.get("trình_tự_thực_hiện", ""))
    ways = []
    for row in tables.get("hinh_thuc_nop", []):
        way: dict = {}
        for label, key in (
            ("Hình thức nộp", "hinh_thuc"),
            ("Thời hạn giải quyết", "thoi_han_giai_quyet"),
            ("Phí, lệ phí", "phi_le_phi"),
            ("Mô tả", "mo_ta"),
        ):
            if nfc(row.get(key, "")) not in PLACEHOLDERS:
                way[label] = nfc(row[key])
        ways.append(way)
    if not ways:
        raise Ambiguous("no submission table")
    out["Cách thức thực hiện"] = ways
    docs = []
    for row in tables.get("thanh_phan_ho_so", []):
        # The Word table's columns are "Tên giấy tờ | Mẫu đơn, tờ khai | Số lượng"; that project
        # stored them as ten_giay_to | so_luong | ghi_chu.
        doc = {"Tên giấy tờ": nfc(row.get("ten_giay_to", ""))}
        if nfc(row.get("so_luong", "")):
            doc["Mẫu đơn, tờ khai"] = nfc(row["so_luong"])
        if nfc(row.get("ghi_chu", "")):
            doc["Số lượng"] = nfc(row["ghi_chu"])
        docs.append(doc)
    if not docs or not all(d["Tên giấy tờ"] for d in docs):
        raise Ambiguous("no document rows")
    out["Thành phần hồ sơ"] = docs
    put("Đối tượng thực hiện", content.get("đối_tượng_thực_hiện", ""))
    put("Cơ quan thực hiện", content.get("cơ_quan_thực_hiện", ""))
    put("Cơ quan có thẩm quyền", content.get("cơ_quan_có_thẩm_quyền", ""))
    put("Địa chỉ tiếp nhận HS", content.get("địa_chỉ_tiếp_nhận_hs", ""))
    put("Kết quả thực hiện", content.get("kết_quả_thực_hiện", ""))
    laws = []
    for row in tables.get("can_cu_phap_ly", []):
        # One legal basis per line; the cells of its row (number, title, date, issuer) joined by " | ".
        cells = [nfc(row.get(k, "")) for k in ("so_ky_hieu", "trich_yeu", "ngay_ban_hanh", "co_quan_ban_hanh")]
        if any(cells):
            laws.append(" | ".join(c for c in cells if c))
    put("Căn cứ pháp lý", "\n".join(laws))
    put("Yêu cầu, điều kiện thực hiện", content.get("yêu_cầu_điều_kiện_thực_hiện", ""))
    out["Nguồn"] = source
    if not out.get("Tên thủ tục") or not out.get("Mã thủ tục"):
        raise Ambiguous("missing name or code")
    return out


def size(record: dict) -> int:
    return len(json.dumps(record, ensure_ascii=False))


def select(records: list[dict]) -> list[dict]:
    """Commune-level records, round-robin over fields, plus the edge cases a fixture needs."""
    chosen: dict[str, dict] = {}

    def take(rec: dict) -> None:
        chosen.setdefault(rec["Mã thủ tục"], rec)

    def longest_doc(rec: dict) -> int:
        return max(len(d["Tên giấy tờ"]) for d in rec["Thành phần hồ sơ"])

    commune = [r for r in records if "cấp xã" in r.get("Cấp thực hiện", "").lower()]
    for rec in records:
        if rec["Mã thủ tục"] in PREFERRED:
            take(rec)
    # Edge cases: longest document entries, longest names (any level), long commune names.
    for rec in sorted(records, key=longest_doc, reverse=True)[:6]:
        take(rec)
    for rec in sorted(records, key=lambda r: len(r["Tên thủ tục"]), reverse=True)[:3]:
        take(rec)
    for rec in sorted(commune, key=lambda r: len(r["Tên thủ tục"]), reverse=True)[:8]:
        take(rec)
    for rec in sorted(commune, key=longest_doc, reverse=True)[:6]:
        take(rec)

    def forms(rec: dict) -> int:
        return sum(1 for d in rec["Thành phần hồ sơ"] if d.get("Mẫu đơn, tờ khai"))

    for rec in sorted(commune, key=forms, reverse=True)[:6]:
        take(rec)
    by_field: dict[str, list[dict]] = defaultdict(list)
    for rec in sorted(commune, key=lambda r: r["Mã thủ tục"]):
        by_field[rec.get("Lĩnh vực", "")].append(rec)
    fields = sorted(by_field)
    while len(chosen) < TARGET and any(by_field.values()):
        for field in fields:
            if by_field[field] and len(chosen) < TARGET:
                take(by_field[field].pop(0))
    return sorted(chosen.values(), key=lambda r: (r.get("Lĩnh vực", ""), r["Mã thủ tục"]))


def commune_catalogue(records: list[dict], chosen: list[dict]) -> list[dict]:
    """Every commune-level record of the sources, plus the fixture's few others: what a commune's full
    catalogue looks like (a commune publishes all of its procedures, about 390), for the search evaluation
    (scripts/eval_search.py --catalogue)."""
    catalogue = {r["Mã thủ tục"]: r for r in records if "cấp xã" in r.get("Cấp thực hiện", "").lower()}
    for rec in chosen:
        catalogue.setdefault(rec["Mã thủ tục"], rec)
    return sorted(catalogue.values(), key=lambda r: (r.get("Lĩnh vực", ""), r["Mã thủ tục"]))


def load(gitdir: str, spec: tuple[str, str, str], converter, skipped: dict) -> list[dict]:
    repo, commit, folder = spec
    paths = [p for p in git(gitdir, "ls-tree", "-r", "--name-only", commit, folder).splitlines() if p.endswith(".json")]
    records = []
    for path in paths:
        raw = json.loads(git(gitdir, "show", f"{commit}:{path}"))
        if raw.get("error"):
            skipped[f"{repo}: crawl error"] += 1
            continue
        try:
            records.append(converter(raw, f"github:{repo}@{commit}:{path}"))
        except Ambiguous as exc:
            skipped[f"{repo}: {re.sub(r' .*', '', str(exc))}"] += 1
    print(f"{repo}@{commit[:12]}: {len(paths)} files, {len(records)} usable")
    return records


def main() -> None:
    skipped: dict[str, int] = defaultdict(int)
    records = load(sys.argv[1], CHATBOT, convert_page, skipped) + load(sys.argv[2], NHDANDZ, convert_export, skipped)
    best: dict[str, dict] = {}
    for rec in records:
        code = rec["Mã thủ tục"]
        if code not in best or size(rec) > size(best[code]):  # deduplicate, keep the richest
            best[code] = rec
    chosen = select(list(best.values()))
    OUT.write_text(json.dumps(chosen, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"distinct codes: {len(best)}; written: {len(chosen)} -> {OUT}")
    catalogue = commune_catalogue(list(best.values()), chosen)
    with gzip.GzipFile(CATALOGUE, "wb", mtime=0) as out:  # mtime 0: the same bytes on every run
        out.write((json.dumps(catalogue, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    print(f"commune catalogue: {len(catalogue)} records -> {CATALOGUE}")
    print("skipped:", dict(skipped))


if __name__ == "__main__":
    main()
