"""The shipped vocabulary (search/vocabulary.py) and its data migration (search/0005)."""

import gzip
import json
from pathlib import Path

import pytest

from search.text import fold, words
from search.vocabulary import GROUPS, OFFICIAL_OUTSIDE_SAMPLE, SHIPPED_SYNONYMS
from tests.migrations import migrate

NATIONAL = Path(__file__).resolve().parents[1] / "data" / "national" / "procedures.json"
DEMO = Path(__file__).resolve().parents[2] / "procedures" / "demo" / "procedures.json"


def record_texts():
    """Each national record's name and documents, folded, as ' word word ... '."""
    texts = []
    for record in json.loads(NATIONAL.read_text("utf-8")):
        documents = [item.get("Tên giấy tờ", "") for item in record.get("Thành phần hồ sơ") or []]
        texts.append(" " + " ".join(words(" \n ".join([record["Tên thủ tục"], *documents]))) + " ")
    return texts


def alternatives(value):
    return [alt.strip() for alt in value.split(",") if alt.strip()]


def test_enough_entries_each_group_with_its_source():
    assert len(SHIPPED_SYNONYMS) >= 150
    for name, source, entries in GROUPS:
        assert source.strip() and entries, name
    assert sum(len(entries) for _name, _source, entries in GROUPS) == len(SHIPPED_SYNONYMS)


def test_terms_are_distinct_when_folded_and_fit_the_model():
    folded = [" ".join(words(term)) for term in SHIPPED_SYNONYMS]
    assert len(set(folded)) == len(folded)
    for term, value in SHIPPED_SYNONYMS.items():
        assert words(term) and len(term) <= 100 and len(value) <= 255, term
        assert all(fold(alt) != fold(term) for alt in alternatives(value)), term


def test_every_alternative_is_what_real_records_say_and_none_is_too_common():
    texts = record_texts()
    for term, value in SHIPPED_SYNONYMS.items():
        for alt in alternatives(value):
            if alt in OFFICIAL_OUTSIDE_SAMPLE:
                continue
            phrase = " " + " ".join(words(alt)) + " "
            found = sum(phrase in text for text in texts)
            assert found, f"{term!r} -> {alt!r}: no national record uses it"
            assert found < len(texts) / 2, f"{term!r} -> {alt!r}: {found} records, too common"


def test_official_phrases_outside_the_sample_name_a_real_procedure():
    """In the demo catalogue or in a full commune catalogue's real records."""
    names = {record["code"]: record["name"] for record in json.loads(DEMO.read_text("utf-8"))}
    commune = json.loads(gzip.decompress(NATIONAL.with_name("commune_catalogue.json.gz").read_bytes()))
    names.update({record["Mã thủ tục"]: record["Tên thủ tục"] for record in commune})
    for phrase, record in OFFICIAL_OUTSIDE_SAMPLE.items():
        code = record.split()[0]
        assert " ".join(words(phrase)) in " ".join(words(names[code])), record


def test_demo_colloquialisms_are_kept():
    for term in ["hộ khẩu", "sổ đỏ", "sổ hồng", "cccd", "cmnd", "kt3", "báo tử", "giấy khai sinh", "công chứng"]:
        assert term in SHIPPED_SYNONYMS


# Transactional tests empty the tables after them: each migration test sets up the rows it needs at 0004.
BEFORE = [("search", "0004_postgres_vietnamese_folding")]
AFTER = [("search", "0005_shipped_vocabulary")]


@pytest.mark.django_db(transaction=True)
def test_a_fresh_install_has_the_vocabulary():
    try:
        apps = migrate(BEFORE)
        apps.get_model("search", "SearchSynonym").objects.all().delete()
        apps.get_model("search", "SearchSynonym").objects.create(term="KT3", alternatives="tạm trú")

        apps = migrate(AFTER)
        SearchSynonym = apps.get_model("search", "SearchSynonym")
        assert SearchSynonym.objects.filter(active=True, shipped=True).count() >= 150
        assert SearchSynonym.objects.count() == len(SHIPPED_SYNONYMS)  # "kt3" is the editor's "KT3"
        assert not SearchSynonym.objects.get(term="KT3").shipped
        assert apps.get_model("search", "Referral").objects.filter(shipped=True, active=True).count() >= 12
    finally:
        migrate()


@pytest.mark.django_db(transaction=True)
def test_running_the_migration_again_keeps_what_editors_changed():
    try:
        apps = migrate(BEFORE)
        SearchSynonym = apps.get_model("search", "SearchSynonym")
        SearchSynonym.objects.all().delete()
        apps = migrate(AFTER)
        SearchSynonym = apps.get_model("search", "SearchSynonym")
        # An editor edits a shipped row, deletes another, and types a term the vocabulary ships, their own way.
        SearchSynonym.objects.filter(term="hộ khẩu").update(alternatives="thường trú", active=False)
        SearchSynonym.objects.filter(term="sổ đỏ").delete()
        SearchSynonym.objects.filter(term="kt3").delete()
        SearchSynonym.objects.create(term="KT3", alternatives="tạm trú, tạm vắng")
        count = SearchSynonym.objects.count()

        migrate(BEFORE)  # the reverse keeps the rows
        apps = migrate(AFTER)
        SearchSynonym = apps.get_model("search", "SearchSynonym")
        edited = SearchSynonym.objects.get(term="hộ khẩu")
        assert (edited.alternatives, edited.active) == ("thường trú", False)
        assert SearchSynonym.objects.get(term="KT3").alternatives == "tạm trú, tạm vắng"
        assert not SearchSynonym.objects.filter(term="kt3").exists()
        # What was deleted comes back once, flagged as shipped; nothing else is added.
        assert SearchSynonym.objects.get(term="sổ đỏ").shipped
        assert SearchSynonym.objects.count() == count + 1
    finally:
        migrate()
