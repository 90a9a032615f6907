"""Public statistics of the feedback register (mounted at /thong-ke/ in config/urls.py)."""

from django.urls import path

from reports import views as stats_views

app_name = "statistics"

urlpatterns = [
    path("", stats_views.statistics_page, name="page"),
    path("du-lieu.csv", stats_views.statistics_csv, name="csv"),
    path("du-lieu.json", stats_views.statistics_json, name="json"),
    path("toan-tinh/", stats_views.province_page, name="province"),
    path("toan-tinh/du-lieu.csv", stats_views.province_csv, name="province_csv"),
    path("toan-tinh/du-lieu.json", stats_views.province_json, name="province_json"),
]
