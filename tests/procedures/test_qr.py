"""QR codes: what they encode (decoded back with zxing-cpp), images, caching and the public views."""

import io
import re
import xml.etree.ElementTree as ET

from django.test import override_settings

from wagtail.models import PageViewRestriction, Site

import pytest
import zxingcpp
from PIL import Image, ImageDraw

from procedures import qr
from tests.factories import make_procedure

SVG_NS = "{http://www.w3.org/2000/svg}"
MODULE = re.compile(r"M(\d+),(\d+)H(\d+)V(\d+)H\d+z")


def decode_image(image):
    """The text of the single QR code in a PIL image."""
    results = zxingcpp.read_barcodes(image)
    assert len(results) == 1, f"expected one QR code, found {len(results)}"
    assert results[0].format == zxingcpp.BarcodeFormat.QRCode
    return results[0].text


def decode_png(data):
    return decode_image(Image.open(io.BytesIO(data)))


def rasterize_svg(svg, scale=8):
    """Draw the modules of one of our SVG QR codes (a path of unit squares) as a bitmap."""
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    assert root.tag == f"{SVG_NS}svg"
    # HTML parsers lower-case attribute names: accept an SVG cut out of a page too.
    view_box = root.attrib.get("viewBox") or root.attrib["viewbox"]
    x, y, width, height = (int(v) for v in view_box.split())
    assert (x, y) == (0, 0) and width == height
    image = Image.new("L", (width * scale, height * scale), 255)
    draw = ImageDraw.Draw(image)
    path = root.find(f"{SVG_NS}path").attrib["d"]
    for left, top, right, bottom in MODULE.findall(path):
        draw.rectangle([int(left) * scale, int(top) * scale, int(right) * scale - 1, int(bottom) * scale - 1], fill=0)
    return image


def decode_svg(svg):
    return decode_image(rasterize_svg(svg))


# --- The images, without a database ---

URL = "http://xa-hoa-binh.gov.vn/p/1.001193/"


def test_png_decodes_to_the_exact_url():
    assert decode_png(qr.qr_png(URL)) == URL


def test_svg_is_valid_xml_with_a_square_viewbox_and_encodes_the_same_url_as_the_png():
    svg = qr.qr_svg(URL)
    root = ET.fromstring(svg)  # noqa: S314 - well-formed XML (our own output)
    assert root.tag == f"{SVG_NS}svg"
    modules = int(root.attrib["viewBox"].split()[2])
    # QR sizes are 21, 25, 29 ... modules, plus a quiet zone of 4 on each side.
    assert (modules - 8 - 21) % 4 == 0
    assert root.attrib["width"] == root.attrib["height"] == f"{modules}mm"  # 1 mm per module when printed
    assert root.find(f"{SVG_NS}rect").attrib["fill"] == "white"
    png = Image.open(io.BytesIO(qr.qr_png(URL)))
    assert png.size == (modules * 10, modules * 10)  # same symbol: same number of modules
    assert decode_svg(svg) == decode_png(qr.qr_png(URL)) == URL


def test_inline_svg_is_sized_by_css_and_hidden_from_screen_readers():
    svg = qr.qr_svg(URL, inline=True)
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    assert "width" not in root.attrib and "height" not in root.attrib
    assert root.attrib["aria-hidden"] == "true"
    assert 'id="' not in svg  # several codes can share one HTML page
    assert decode_svg(svg) == URL


def test_vietnamese_and_long_urls_round_trip():
    url = "http://xã-hòa-bình.example/gop-y/?procedure=1.001193&src=poster&note=" + "đ" * 40
    assert decode_png(qr.qr_png(url)) == url
    assert decode_svg(qr.qr_svg(url)) == url


def test_images_are_cached_by_url_and_drawn_again_for_a_new_url(monkeypatch):
    from django.core.cache import cache

    cache.clear()
    drawn = []
    original = qr._draw_svg
    monkeypatch.setattr(qr, "_draw_svg", lambda url: drawn.append(url) or original(url))
    first = qr.qr_svg("http://a.example/p/1.000001/")
    again = qr.qr_svg("http://a.example/p/1.000001/")
    other = qr.qr_svg("http://b.example/p/1.000001/")
    assert first == again
    assert other != first
    assert drawn == ["http://a.example/p/1.000001/", "http://b.example/p/1.000001/"]
    assert qr.qr_etag("http://a.example/p/1.000001/", "svg") != qr.qr_etag("http://b.example/p/1.000001/", "svg")


# --- What a procedure's QR code encodes ---


def _rename_site(hostname, port=80):
    site = Site.objects.get(is_default_site=True)
    site.hostname = hostname
    site.port = port
    site.save()
    Site.clear_site_root_paths_cache()


@pytest.mark.django_db
def test_procedure_qr_url_uses_the_site_root_not_the_request(birth):
    assert qr.procedure_qr_url(birth) == "http://testserver/p/1.001193/"
    _rename_site("xahoabinh.gov.vn", 8080)
    birth.refresh_from_db()
    assert qr.procedure_qr_url(birth) == "http://xahoabinh.gov.vn:8080/p/1.001193/"


@pytest.mark.django_db
def test_feedback_qr_url_chooses_the_procedure(birth):
    assert qr.feedback_qr_url(birth) == "http://testserver/gop-y/?procedure=1.001193&src=poster"
    # The address comes from the URLconf: mounted elsewhere, the posters follow.
    with override_settings(ROOT_URLCONF="tests.procedures.urls_form_elsewhere"):
        assert qr.feedback_qr_url(birth) == "http://testserver/phan-anh/?procedure=1.001193&src=poster"


@pytest.mark.django_db
def test_png_endpoint_encodes_the_short_address_and_is_cacheable(client, birth):
    response = client.get("/p/1.001193/qr.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert decode_png(response.content) == "http://testserver/p/1.001193/"
    cache_control = response["Cache-Control"]
    assert "public" in cache_control and "max-age=2592000" in cache_control
    assert response["ETag"] == f'"{qr.qr_etag("http://testserver/p/1.001193/", "png")}"'

    # The scanned address really leads to the procedure.
    assert client.get("/p/1.001193/").url == birth.url

    not_modified = client.get("/p/1.001193/qr.png", headers={"if-none-match": response["ETag"]})
    assert not_modified.status_code == 304
    assert not_modified.content == b""


@pytest.mark.django_db
def test_svg_endpoint_encodes_the_same_address_as_the_png(client, birth):
    response = client.get("/p/1.001193/qr.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Content-Disposition"] == 'inline; filename="1.001193.svg"'
    svg = response.content.decode()
    assert decode_svg(svg) == decode_png(client.get("/p/1.001193/qr.png").content) == "http://testserver/p/1.001193/"
    assert response["ETag"] != client.get("/p/1.001193/qr.png")["ETag"]


@pytest.mark.django_db
def test_qr_follows_a_change_of_the_site_host_name(client, birth):
    before = client.get("/p/1.001193/qr.png")
    before_svg = client.get("/p/1.001193/qr.svg")
    _rename_site("xahoabinh.gov.vn")

    after = client.get("/p/1.001193/qr.png", headers={"if-none-match": before["ETag"]})
    assert after.status_code == 200  # the old ETag no longer matches: a new image
    assert decode_png(after.content) == "http://xahoabinh.gov.vn/p/1.001193/"
    assert after["ETag"] != before["ETag"]
    after_svg = client.get("/p/1.001193/qr.svg")
    assert decode_svg(after_svg.content.decode()) == "http://xahoabinh.gov.vn/p/1.001193/"
    assert after_svg.content != before_svg.content


@pytest.mark.django_db
def test_qr_survives_rename_because_it_encodes_the_code(client, birth):
    before = client.get("/p/1.001193/qr.png")
    birth.title = "Đăng ký khai sinh"
    birth.slug = "khai-sinh"
    birth.save_revision().publish()
    after = client.get("/p/1.001193/qr.png")
    assert after.content == before.content
    assert after["ETag"] == before["ETag"]


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_no_qr_for_unknown_draft_unpublished_or_private_procedures(client, catalogue, birth, fmt):
    make_procedure(catalogue, "1.000777", "Thủ tục nháp", publish=False)
    private = make_procedure(catalogue, "1.000888", "Thủ tục riêng")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    assert client.get(f"/p/9.999999/qr.{fmt}").status_code == 404
    assert client.get(f"/p/1.000777/qr.{fmt}").status_code == 404
    assert client.get(f"/p/1.000888/qr.{fmt}").status_code == 404
    assert client.get(f"/p/1.001193/qr.{fmt}").status_code == 200
    birth.unpublish()
    assert client.get(f"/p/1.001193/qr.{fmt}").status_code == 404


@pytest.mark.django_db
def test_qr_views_refuse_writes(client, birth):
    assert client.post("/p/1.001193/qr.png").status_code == 405
