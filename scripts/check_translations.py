"""Fail when the Vietnamese catalogue is out of date or incomplete.

Runs ``makemessages`` for Vietnamese into the real catalogue, compares the
messages with the committed file, then restores it. Every UI string must have
a Vietnamese translation (the UI is Vietnamese first), and none may be fuzzy.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "site" / "locale" / "vi" / "LC_MESSAGES" / "django.po"
MAKEMESSAGES = [
    sys.executable,
    "manage.py",
    "makemessages",
    "-l",
    "vi",
    "--no-obsolete",
    "--add-location",
    "file",
    "--ignore",
    ".venv/*",
    "--ignore",
    ".cache/*",
    "--ignore",
    "staticfiles/*",
    "--ignore",
    "media/*",
]

ENTRY_RE = re.compile(
    r'(?P<comments>(?:#[^\n]*\n)*)(?:msgctxt (?P<ctx>(?:"[^\n]*"\n)+))?'
    r'msgid (?P<id>(?:"[^\n]*"\n)+)(?:msgid_plural (?P<plural>(?:"[^\n]*"\n)+))?'
    r'(?P<strs>(?:msgstr(?:\[\d\])? (?:"[^\n]*"\n)+)+)'
)


def _join(block):
    return "".join(re.findall(r'"(.*)"', block or ""))


def parse(text):
    """{(context, msgid): (fuzzy, [msgstr, ...])} for every entry but the header."""
    entries = {}
    for match in ENTRY_RE.finditer(text + "\n"):
        msgid = _join(match["id"])
        if not msgid:
            continue
        strs = [_join(s) for s in re.findall(r'msgstr(?:\[\d\])? ((?:"[^\n]*"\n)+)', match["strs"])]
        flags = [line for line in match["comments"].splitlines() if line.startswith("#,")]
        entries[(_join(match["ctx"]), msgid)] = (any("fuzzy" in line for line in flags), strs)
    return entries


def main():
    committed = CATALOGUE.read_text(encoding="utf-8") if CATALOGUE.exists() else ""
    try:
        subprocess.run(MAKEMESSAGES, cwd=ROOT, check=True, capture_output=True, env=os.environ)
        fresh = parse(CATALOGUE.read_text(encoding="utf-8"))
    finally:
        CATALOGUE.write_text(committed, encoding="utf-8")
    known = parse(committed)
    problems = []
    for key in fresh:
        if key not in known:
            problems.append(f"not in the catalogue: {key[1]!r}")
            continue
        fuzzy, strs = known[key]
        if fuzzy or not all(strs):
            problems.append(f"untranslated or fuzzy: {key[1]!r}")
    for key in known:
        if key not in fresh:
            problems.append(f"obsolete (no longer used): {key[1]!r}")
    if problems:
        print("The Vietnamese catalogue needs work (run `make messages`, then translate):")
        print("\n".join(f"  - {problem}" for problem in problems))
        return 1
    print(f"Vietnamese catalogue: {len(fresh)} messages, all translated.")
    # The libraries' admin strings (scripts/vendor_messages.py): every one translated.
    for vendor in sorted((ROOT / "site" / "locale_vendor" / "vi" / "LC_MESSAGES").glob("*.po")):
        entries = parse(vendor.read_text(encoding="utf-8"))
        missing = [key[1] for key, (fuzzy, strs) in entries.items() if fuzzy or not all(strs)]
        if missing:
            print(f"{vendor.relative_to(ROOT)}: {len(missing)} untranslated, e.g. {missing[0]!r}")
            print("Run scripts/vendor_messages.py --missing, then translate (docs/glossary.md).")
            return 1
        print(f"{vendor.relative_to(ROOT)}: {len(entries)} messages, all translated.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
