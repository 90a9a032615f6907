"""Vietnamese: Django's display formats, day-first input formats (see ``config/formats/__init__.py``)."""

from config.formats import DATE_INPUT_FORMATS, DATETIME_INPUT_FORMATS, FIRST_DAY_OF_WEEK, TIME_INPUT_FORMATS

__all__ = ["DATETIME_INPUT_FORMATS", "DATE_INPUT_FORMATS", "FIRST_DAY_OF_WEEK", "TIME_INPUT_FORMATS"]
