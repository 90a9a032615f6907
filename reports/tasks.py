"""Background jobs of the reports (django-q2), scheduled by migration ``reports/0001``:
the leaders' weekly summary (Mondays) and the public statistics kept warm (every 5 minutes,
``reports.statistics.warm_presets``)."""

from reports.summary import run_weekly_summary


def weekly_summary_job():
    """Mondays: build, store and e-mail last week's summary."""
    return run_weekly_summary()
