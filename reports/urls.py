"""Public statistics of the feedback register (mounted at /thong-ke/ in config/urls.py)."""

from django.urls import path

from reports import views as stats_views

app_name = "statistics"

urlpatterns = [
    path("", stats_views.statistics_page, name="page"),
    path("du-lieu.csv", stats_views.statistics_csv, name="csv"),
    path("du-lieu.json", stats_views.statistics_json, name="json"),
]
