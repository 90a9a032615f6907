"""English admin in a Vietnamese commune: Django's display formats, but dates are still typed day first."""

from config.formats import DATE_INPUT_FORMATS, DATETIME_INPUT_FORMATS, FIRST_DAY_OF_WEEK, TIME_INPUT_FORMATS

__all__ = ["DATETIME_INPUT_FORMATS", "DATE_INPUT_FORMATS", "FIRST_DAY_OF_WEEK", "TIME_INPUT_FORMATS"]
