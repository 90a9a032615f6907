"""Build or update the Vietnamese catalogue of the libraries' admin strings: site/locale_vendor/vi/.

Wagtail 8's own Vietnamese covers about 135 of its 900 admin strings, wagtail-modeladmin's 23 of 60:
staff would read English on every screen. This script collects every msgid of the installed apps'
catalogues, server side and JavaScript (from their English .po files, which list them all), into .po
files kept in the repo, compiled like ours (``compilemessages``) and read after ours (``LOCALE_PATHS``
in config/settings/base.py).

Never overwrites a translation already in the file. A new entry starts from the library's own Vietnamese
when it has one, unless that one is in ``REPLACED`` (wrong or at odds with the glossary, docs/glossary.md).

    .venv/bin/python scripts/vendor_messages.py             # update site/locale_vendor/vi/LC_MESSAGES/*.po
    .venv/bin/python scripts/vendor_messages.py --missing   # list the msgids still untranslated
"""

import argparse
import importlib.util
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[1]
TARGET_DIR = ROOT / "site" / "locale_vendor" / "vi" / "LC_MESSAGES"
#: Server-side strings, and the admin's JavaScript strings (Django's JavaScriptCatalog, /admin/jsi18n/).
DOMAINS = ("django", "djangojs")

#: The installed apps whose strings staff screens show (config/settings/base.py, INSTALLED_APPS).
APPS = [
    "wagtail.admin",
    "wagtail",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.contrib.settings",
    "wagtail.contrib.search_promotions",
    "wagtail.contrib.redirects",
    "wagtail.contrib.forms",
    "wagtail.sites",
    "wagtail.embeds",
    "wagtail.search",
    "wagtail_modeladmin",
]

#: The libraries' own Vietnamese that the portal does not take (the glossary's word instead).
REPLACED = {
    "Publish",
    "Approve",
    "Approve and Publish",
    "Unpublish",
}


def app_dir(name):
    spec = importlib.util.find_spec(name)
    return Path(spec.origin).parent


def key(entry):
    return (entry.msgctxt, entry.msgid)


def build(domain="django"):
    target = TARGET_DIR / f"{domain}.po"
    existing = polib.pofile(str(target)) if target.exists() else None
    known = {key(entry): entry for entry in existing} if existing else {}
    catalogue = polib.POFile(wrapwidth=100)
    catalogue.metadata = {
        "Project-Id-Version": "commune-portal vendor strings",
        "Language": "vi",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals=1; plural=0;",
    }
    seen = set()
    for name in APPS:
        locale = app_dir(name) / "locale"
        english = locale / "en" / "LC_MESSAGES" / f"{domain}.po"
        if not english.exists():
            continue
        vietnamese_file = locale / "vi" / "LC_MESSAGES" / f"{domain}.po"
        theirs = {key(entry): entry for entry in polib.pofile(str(vietnamese_file))} if vietnamese_file.exists() else {}
        for source in polib.pofile(str(english)):
            if source.obsolete or not source.msgid or key(source) in seen:
                continue
            seen.add(key(source))
            entry = polib.POEntry(
                msgid=source.msgid,
                msgctxt=source.msgctxt,
                msgid_plural=source.msgid_plural,
                flags=[flag for flag in source.flags if flag != "fuzzy"],
                occurrences=[(name, "")],
            )
            ours = known.get(key(source))
            library = theirs.get(key(source))
            if ours is not None and (ours.msgstr or any(ours.msgstr_plural.values())):
                entry.msgstr, entry.msgstr_plural = ours.msgstr, dict(ours.msgstr_plural)
                entry.flags = sorted(set(entry.flags) | ({"fuzzy"} & set(ours.flags)))
            elif library is not None and source.msgid not in REPLACED and "fuzzy" not in library.flags:
                entry.msgstr, entry.msgstr_plural = library.msgstr, dict(library.msgstr_plural)
            elif source.msgid_plural:
                entry.msgstr_plural = {0: ""}
            catalogue.append(entry)
    target.parent.mkdir(parents=True, exist_ok=True)
    catalogue.save(str(target))
    return catalogue


def untranslated(catalogue):
    return [
        entry
        for entry in catalogue
        if "fuzzy" in entry.flags or not (entry.msgstr or any(value for value in entry.msgstr_plural.values()))
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--missing", action="store_true", help="list the msgids still untranslated")
    args = parser.parse_args()
    for domain in DOMAINS:
        catalogue = build(domain)
        missing = untranslated(catalogue)
        target = (TARGET_DIR / f"{domain}.po").relative_to(ROOT)
        print(f"{target}: {len(catalogue)} messages, {len(catalogue) - len(missing)} translated")
        if args.missing:
            for entry in missing:
                print(repr(entry.msgid))
    return 0


if __name__ == "__main__":
    sys.exit(main())
