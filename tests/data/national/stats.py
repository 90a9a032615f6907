# ruff: noqa: T201  (command-line script: printing is its output)
"""Print statistics of procedures.json (run: .venv/bin/python tests/data/national/stats.py)."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

DATA = Path(__file__).resolve().parent / "procedures.json"
FORM_FILE = re.compile(r"\.(docx?|pdf|xlsx?)(?=$|\s|[A-ZĐ])", re.IGNORECASE)


def main() -> None:
    records = json.loads(DATA.read_text(encoding="utf-8"))
    print(f"records: {len(records)}")
    codes = [r.get("Mã thủ tục", "") for r in records]
    print(f"distinct codes: {len({c for c in codes if c})}; local (no code): {codes.count('')}")
    not_nfc = sum(
        1
        for r in records
        if unicodedata.normalize("NFC", json.dumps(r, ensure_ascii=False)) != json.dumps(r, ensure_ascii=False)
    )
    print(f"records not in NFC: {not_nfc}")

    levels = Counter(r.get("Cấp thực hiện", "") for r in records)
    commune = sum(n for level, n in levels.items() if "cấp xã" in level.lower())
    print(f"\nper level ({len(levels)} values; {commune} records include Cấp xã):")
    for level, n in levels.most_common():
        print(f"  {n:4d}  {level}")

    fields = Counter(r.get("Lĩnh vực", "") for r in records)
    print(f"\nper field ({len(fields)} fields):")
    for field, n in fields.most_common():
        print(f"  {n:4d}  {field}")

    docs = [(r["Mã thủ tục"], d) for r in records for d in r.get("Thành phần hồ sơ", [])]
    lengths = [len(d["Tên giấy tờ"]) for _, d in docs]
    longest_code, longest_doc = max(docs, key=lambda x: len(x[1]["Tên giấy tờ"]))
    print(f"\ndocument entries: {len(docs)}")
    print(f"  > 255 chars: {sum(1 for n in lengths if n > 255)}; > 1000 chars: {sum(1 for n in lengths if n > 1000)}")
    print(f"  longest: {len(longest_doc['Tên giấy tờ'])} chars ({longest_code})")
    print(f"  with 'Trường hợp' (grouped by case): {sum(1 for _, d in docs if 'Trường hợp' in d)}")
    print(f"  quantity values: {dict(Counter(d.get('Số lượng', '') for _, d in docs).most_common(6))}")
    print(f"  forms named separately: {sum(1 for _, d in docs if d.get('Mẫu đơn, tờ khai'))}")
    print(f"  forms with links: {sum(1 for _, d in docs if d.get('Đường dẫn mẫu'))}")
    glued = sum(1 for _, d in docs if FORM_FILE.search(d["Tên giấy tờ"]))
    print(f"  entries whose name contains a form file name (glued in source): {glued}")

    names = sorted(((len(r["Tên thủ tục"]), r["Mã thủ tục"]) for r in records), reverse=True)
    print(f"\nnames > 255 chars: {sum(1 for n, _ in names if n > 255)}; longest: {names[0][0]} chars ({names[0][1]})")

    ways = [w for r in records for w in r.get("Cách thức thực hiện", [])]
    print(f"\nsubmission rows: {len(ways)}; methods: {dict(Counter(w['Hình thức nộp'] for w in ways))}")
    print(f"  with 'Mô tả' split from the fee: {sum(1 for w in ways if 'Mô tả' in w)}")
    steps = [len(r.get("Trình tự thực hiện", "")) for r in records]
    print(f"'Trình tự thực hiện' longest: {max(steps)} chars; records without it: {steps.count(0)}")
    for key in ("Căn cứ pháp lý", "Yêu cầu, điều kiện thực hiện", "Kết quả thực hiện", "Địa chỉ tiếp nhận HS"):
        print(f"records with '{key}': {sum(1 for r in records if r.get(key))}")


if __name__ == "__main__":
    main()
