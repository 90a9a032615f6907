"""Public feedback views (being written)."""

from django.http import Http404


def submit(request):
    raise Http404


sent = track = track_detail = rate = tracking_qr = lambda request, code=None: submit(request)
