"""Search test fixtures: the demo catalogue, indexed, and the relevance report."""

from pathlib import Path

import pytest

DEMO_PROCEDURES = Path(__file__).resolve().parents[2] / "procedures" / "demo" / "procedures.json"
RELEVANCE_REPORT = []


@pytest.fixture
def demo_catalogue(catalogue):
    """The 56 demo procedures and the shipped synonyms, published and indexed."""
    from procedures.importer import import_procedures, read_rows
    from search.services import clear_caches
    from search.vocabulary import ensure_shipped_synonyms
    from tests.factories import refresh_search_index

    report = import_procedures(read_rows(DEMO_PROCEDURES, "json"), catalogue, publish=True)
    assert not report.rejected
    ensure_shipped_synonyms()
    clear_caches()
    refresh_search_index()
    return catalogue


def pytest_terminal_summary(terminalreporter):
    for line in RELEVANCE_REPORT:
        terminalreporter.write_line(line)
