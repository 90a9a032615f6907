"""Public feedback pages: the form (target of the QR posters) and tracking by code."""

from django.urls import path

from feedback import views

app_name = "feedback"

urlpatterns = [
    path("", views.submit, name="submit"),
    path("da-gui/<str:code>/", views.sent, name="sent"),
    path("theo-doi/", views.track, name="track"),
    path("theo-doi/<str:code>/", views.track_detail, name="track_detail"),
    path("theo-doi/<str:code>/danh-gia/", views.rate, name="rate"),
    path("theo-doi/<str:code>/qr.svg", views.tracking_qr, name="tracking_qr"),
]
