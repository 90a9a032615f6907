"""One formula guard for every CSV the portal writes (home/spreadsheets.py)."""

import csv
import io

import pytest

from home.spreadsheets import SafeWriter


def written(row):
    buffer = io.StringIO()
    SafeWriter(buffer).writerow(row)
    return next(csv.reader(io.StringIO(buffer.getvalue())))


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("http://x")', "+84 987", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1"],
)
def test_a_text_cell_a_spreadsheet_would_run_gets_a_quote(text):
    assert written([text]) == ["'" + text]


def test_other_cells_are_written_as_they_are():
    assert written(["Đường thôn 7 bị ngập", "a=b", "", 5, -3, None]) == [
        "Đường thôn 7 bị ngập",
        "a=b",
        "",
        "5",
        "-3",
        "",
    ]
