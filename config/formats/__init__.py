"""Date and time formats for both UI languages (``FORMAT_MODULE_PATH = "config.formats"``).

Staff in a Vietnamese commune write dates day first whatever language the admin shows:
``04/12/2026`` is 4 December 2026. Django has no input formats for ``vi`` and falls back to the
month-first ``%m/%d/%Y`` (and 2-digit years) of its defaults and of ``en``, so both languages get
the lists below. A year is always written in full (``%Y`` takes exactly four digits) and never
guessed: ``4/12/26`` and ``4/12`` are refused. ISO ``yyyy-mm-dd`` stays for the machine side
(``<input type="date">``, links, exports).

No Django import here: the settings module reads these lists.
"""

#: Day first; ISO for machines. Dashes too, as Django's Vietnamese short format shows dates (04-12-2026).
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S"]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M",  # <input type="datetime-local">
    "%Y-%m-%dT%H:%M:%S",
]

#: What Wagtail's date pickers write into the field (each must be in the input formats above).
WAGTAIL_DATE_FORMAT = "%d/%m/%Y"
WAGTAIL_DATETIME_FORMAT = "%d/%m/%Y %H:%M"
WAGTAIL_TIME_FORMAT = "%H:%M"

#: Weeks start on Monday in Vietnam (date pickers).
FIRST_DAY_OF_WEEK = 1
