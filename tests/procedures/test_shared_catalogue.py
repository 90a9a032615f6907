"""A province's shared catalogue, shown by each commune as its own (procedures/catalogues.py).

Xã Hòa Bình (the default site) holds the province's catalogue. Xã Tân Phú's catalogue page, made by
``add_commune``, shows it with Tân Phú's differences: a procedure it does not handle, a local note, a local
fee, another office, and a local procedure of its own. Every case is checked on both hosts: what one commune
changes never shows on the other's.
"""

from wagtail.test.utils.form_data import inline_formset, nested_form_data

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from home import communes
from home.places import Office
from procedures import catalogues, qr
from procedures.importer import import_procedures
from procedures.models import ProcedureIndexPage, ProcedureOverride, ProcedurePage
from procedures.models.pages import local_code
from tests.factories import make_field, make_procedure, make_user

TAN_PHU = "tanphu.example.vn"
ON_TAN_PHU = {"HTTP_HOST": TAN_PHU}
LOCAL_TITLE = "Đăng ký sử dụng Nhà văn hóa ấp"


@pytest.fixture
def province(catalogue, birth):
    """Hòa Bình's catalogue shared with Tân Phú, which overrides three procedures and adds one."""
    civil_status = birth.field
    marriage = make_procedure(catalogue, "1.000894", "Thủ tục đăng ký kết hôn", field=civil_status, fee="Miễn lệ phí")
    residence = make_procedure(
        catalogue, "1.004222", "Đăng ký thường trú", field=make_field("Cư trú"), fee="20.000 đồng"
    )
    forest = make_procedure(catalogue, "1.007917", "Xác nhận bảng kê lâm sản", field=make_field("Nông nghiệp"))
    home = catalogue.get_parent().specific
    default = home.get_site()
    hoa_binh, _ = communes.add_commune("Xã Hòa Bình", default.hostname, default.port)
    tan_phu, created = communes.add_commune("Xã Tân Phú", TAN_PHU)
    assert created
    own = ProcedureIndexPage.objects.in_site(tan_phu).get()
    police = Office.objects.create(
        name="Công an xã Tân Phú", address="Ấp Tân Hòa, xã Tân Phú", phone="0277 3850 113", site=tan_phu
    )
    own.overrides.add(ProcedureOverride(procedure=forest, hidden=True))
    own.overrides.add(ProcedureOverride(procedure=birth, note="Nhận hồ sơ cả sáng thứ Bảy tại Một cửa xã Tân Phú."))
    own.overrides.add(ProcedureOverride(procedure=marriage, fee="Lệ phí 30.000 đồng do xã Tân Phú quy định."))
    own.overrides.add(ProcedureOverride(procedure=residence, office=police))
    own.save_revision().publish()
    local = make_procedure(own, "DP.TANPHU01", LOCAL_TITLE, field=make_field("Văn hóa"), is_local=True)
    return {
        "catalogue": catalogue,
        "own": own,
        "hoa_binh": hoa_binh,
        "tan_phu": tan_phu,
        "birth": birth,
        "marriage": marriage,
        "residence": residence,
        "forest": forest,
        "local": local,
    }


@pytest.mark.django_db
def test_add_commune_gives_the_commune_a_catalogue_showing_the_provinces(province):
    own = province["own"]
    assert own.live and own.shared_catalogue_id == province["catalogue"].pk
    assert own.get_parent().pk == province["tan_phu"].root_page_id
    # Run again: nothing new, and the shared catalogue itself shows no other.
    communes.add_commune("Xã Tân Phú", TAN_PHU)
    assert ProcedureIndexPage.objects.in_site(province["tan_phu"]).count() == 1
    province["catalogue"].refresh_from_db()
    assert province["catalogue"].shared_catalogue_id is None


@pytest.mark.django_db
def test_a_short_address_leads_to_each_communes_own_version(client, province):
    on_hoa_binh = client.get("/p/1.001193/")
    assert on_hoa_binh["Location"] == province["birth"].relative_url(province["hoa_binh"])
    on_tan_phu = client.get("/p/1.001193/?src=poster", **ON_TAN_PHU)
    assert on_tan_phu["Location"] == "/thu-tuc-hanh-chinh/thu-tuc-dang-ky-khai-sinh/?src=poster"
    page = client.get("/thu-tuc-hanh-chinh/thu-tuc-dang-ky-khai-sinh/", **ON_TAN_PHU)
    assertContains(page, "Tờ khai đăng ký khai sinh")
    assertContains(page, "Nhận hồ sơ cả sáng thứ Bảy tại Một cửa xã Tân Phú.")
    assertNotContains(client.get(province["birth"].url), "Nhận hồ sơ cả sáng thứ Bảy")
    # The page's own links (canonical address, structured data) stay on Tân Phú's host.
    assertContains(page, f"http://{TAN_PHU}/thu-tuc-hanh-chinh/thu-tuc-dang-ky-khai-sinh/")
    assertNotContains(page, f"{province['hoa_binh'].root_url}/thu-tuc-hanh-chinh/thu-tuc-dang-ky-khai-sinh/")


@pytest.mark.django_db
def test_each_host_prints_a_qr_code_of_its_own_address(client, province):
    for host, root in ((None, province["hoa_binh"].root_url), (TAN_PHU, f"http://{TAN_PHU}")):
        headers = {"HTTP_HOST": host} if host else {}
        response = client.get("/p/1.001193/qr.svg", **headers)
        assert response.status_code == 200
        assert response["ETag"] == f'"{qr.qr_etag(f"{root}/p/1.001193/", "svg")}"'
        assert response.content == qr.qr_svg(f"{root}/p/1.001193/").encode()


@pytest.mark.django_db
def test_a_procedure_the_commune_does_not_handle_is_nowhere_on_its_host(client, province):
    forest = province["forest"]
    assert client.get("/p/1.007917/", **ON_TAN_PHU).status_code == 404
    assert client.get("/p/1.007917/qr.png", **ON_TAN_PHU).status_code == 404
    assert client.get(f"/thu-tuc-hanh-chinh/{forest.slug}/", **ON_TAN_PHU).status_code == 404
    listing = client.get("/thu-tuc-hanh-chinh/", **ON_TAN_PHU)
    assertContains(listing, "Thủ tục đăng ký kết hôn")
    assertNotContains(listing, forest.title)
    # Hòa Bình still handles it.
    assert client.get("/p/1.007917/")["Location"] == forest.relative_url(province["hoa_binh"])
    assertContains(client.get(province["catalogue"].url), forest.title)


@pytest.mark.django_db
def test_a_local_fee_and_office_show_on_the_commune_only(client, province):
    marriage = client.get("/thu-tuc-hanh-chinh/thu-tuc-dang-ky-ket-hon/", **ON_TAN_PHU)
    assertContains(marriage, "Lệ phí 30.000 đồng do xã Tân Phú quy định.")
    assertContains(client.get(province["marriage"].url), "Miễn lệ phí")
    assertNotContains(client.get(province["marriage"].url), "30.000 đồng")
    residence = client.get(f"/thu-tuc-hanh-chinh/{province['residence'].slug}/", **ON_TAN_PHU)
    assertContains(residence, "Công an xã Tân Phú, Ấp Tân Hòa, xã Tân Phú")
    assertContains(residence, "tel:02773850113")
    assertNotContains(client.get(province["residence"].url), "Công an xã Tân Phú")
    # Nothing of the override was written to the shared page.
    province["marriage"].refresh_from_db()
    assert province["marriage"].fee == "Miễn lệ phí" and province["residence"].office_id is None


@pytest.mark.django_db
def test_a_local_procedure_belongs_to_its_commune_only(client, province):
    local = province["local"]
    assert client.get("/p/DP.TANPHU01/", **ON_TAN_PHU)["Location"] == f"/thu-tuc-hanh-chinh/{local.slug}/"
    assertContains(client.get(f"/thu-tuc-hanh-chinh/{local.slug}/", **ON_TAN_PHU), LOCAL_TITLE)
    assertContains(client.get("/thu-tuc-hanh-chinh/", **ON_TAN_PHU), LOCAL_TITLE)
    assert client.get("/p/DP.TANPHU01/").status_code == 404
    assert client.get("/p/DP.TANPHU01/qr.svg").status_code == 404
    assertNotContains(client.get(province["catalogue"].url), LOCAL_TITLE)


@pytest.mark.django_db
def test_search_on_a_communes_host_finds_its_own_version_of_the_catalogue(client, province):
    from tests.factories import refresh_search_index

    refresh_search_index()
    found = client.get("/search/", {"q": "đăng ký khai sinh"}, **ON_TAN_PHU)
    assertContains(found, 'href="/thu-tuc-hanh-chinh/thu-tuc-dang-ky-khai-sinh/"')
    assertNotContains(found, province["hoa_binh"].root_url)
    assertNotContains(client.get("/search/", {"q": "bảng kê lâm sản"}, **ON_TAN_PHU), "Xác nhận bảng kê lâm sản")
    assertContains(client.get("/search/", {"q": "bảng kê lâm sản"}), "Xác nhận bảng kê lâm sản")
    assertContains(client.get("/search/", {"q": "nhà văn hóa ấp"}, **ON_TAN_PHU), LOCAL_TITLE)
    assertNotContains(client.get("/search/", {"q": "nhà văn hóa ấp"}), LOCAL_TITLE)
    assert client.get("/api/search/", {"q": "bảng kê lâm sản"}, **ON_TAN_PHU).json()["results"] == []


@pytest.mark.django_db
def test_a_change_to_the_overrides_shows_at_once(client, province):
    assert client.get("/p/1.007917/", **ON_TAN_PHU).status_code == 404
    # An editor's change is a new revision of the commune's catalogue page: public once published.
    latest = province["own"].get_latest_revision_as_object()
    latest.overrides = [row for row in latest.overrides.all() if row.procedure_id != province["forest"].pk]
    revision = latest.save_revision()
    assert client.get("/p/1.007917/", **ON_TAN_PHU).status_code == 404  # a draft changes nothing
    revision.publish()
    assert client.get("/p/1.007917/", **ON_TAN_PHU).status_code == 302
    assert catalogues.for_site(province["tan_phu"].pk).hidden == frozenset()


def _catalogue_form(own, change=None, add=()):
    """What the page editor posts for a commune's catalogue: every row it has (``change``d by procedure id
    where asked), then the ``add``ed ones."""
    change = change or {}
    existing = list(ProcedureOverride.objects.filter(catalogue=own).order_by("sort_order", "pk"))
    rows = [
        {
            "id": row.pk,
            "procedure": row.procedure_id,
            "hidden": "on" if row.hidden else "",
            "office": row.office_id or "",
            "fee": row.fee,
            "note": row.note,
            **change.get(row.procedure_id, {}),
        }
        for row in existing
    ]
    rows += [{"procedure": procedure.pk, "hidden": "on", "office": "", "fee": "", "note": ""} for procedure in add]
    for order, row in enumerate(rows):
        row["ORDER"] = order
    return nested_form_data(
        {
            "title": own.title,
            "slug": own.slug,
            "intro": "",
            "shared_catalogue": own.shared_catalogue_id,
            "overrides": inline_formset(rows, initial=len(existing)),
            "comments": inline_formset([]),
        }
    )


@pytest.mark.django_db
def test_the_communes_editors_write_its_differences_and_nothing_of_the_province(client, province):
    editor = make_user("bientap-tp", groups=[communes.role_group(province["tan_phu"], communes.EDITORS).name])
    client.force_login(editor)
    own = province["own"]
    edit = f"/admin/pages/{own.pk}/edit/"
    assert client.get(edit).status_code == 200
    # The province's pages are not theirs to edit.
    assert client.get(f"/admin/pages/{province['birth'].pk}/edit/").status_code in (302, 403)
    assert client.get(f"/admin/pages/{province['catalogue'].pk}/edit/").status_code in (302, 403)

    marriage = province["marriage"]
    hide_marriage = _catalogue_form(own, change={marriage.pk: {"hidden": "on"}})
    assert client.post(edit, hide_marriage).status_code == 302
    # Editors save drafts: public once a moderator publishes them, on Tân Phú only.
    assert client.get("/p/1.000894/", **ON_TAN_PHU).status_code == 302
    own.refresh_from_db()
    own.get_latest_revision().publish()
    assert client.get("/p/1.000894/", **ON_TAN_PHU).status_code == 404
    assert client.get("/p/1.000894/").status_code == 302
    rows = set(ProcedureOverride.objects.filter(catalogue=own).values_list("procedure_id", "hidden"))

    # A procedure neither shared nor its own, or one listed twice: a clear message, nothing saved.
    other = make_procedure(own.get_parent(), "1.000656", "Thủ tục đăng ký khai tử")  # not in any catalogue
    revisions = own.revisions.count()
    for add, message in (([other], "không thuộc danh mục dùng chung"), ([marriage], "được ghi hai lần")):
        response = client.post(edit, _catalogue_form(own, add=add), headers={"accept-language": "vi"})
        assert response.status_code == 200
        assertContains(response, message)
    assert own.revisions.count() == revisions
    assert set(ProcedureOverride.objects.filter(catalogue=own).values_list("procedure_id", "hidden")) == rows


@pytest.mark.django_db
def test_a_commune_importing_cannot_rewrite_the_provinces_procedures(province):
    own = province["own"]
    rows = [
        (1, {"code": "1.001193", "name": "Thủ tục đăng ký khai sinh (sửa ở xã)", "documents": ["Tờ khai"]}),
        (2, {"name": LOCAL_TITLE + " (bản của xã)", "documents": ["Phiếu đăng ký"]}),
    ]
    report = import_procedures(rows, own, publish=True)
    assert [rejection.code for rejection in report.rejected] == ["1.001193"]
    assert ProcedurePage.objects.get(code="1.001193").title == "Thủ tục đăng ký khai sinh"
    created = ProcedurePage.objects.get(pk=report.created[0].page_id)
    # Its local code is its own: another commune's procedure of the same name gets another one.
    assert created.code != local_code(LOCAL_TITLE + " (bản của xã)") and created.code.startswith("DP.")
    assert created.get_parent().pk == own.pk


@pytest.mark.django_db
def test_a_search_of_the_whole_province_finds_every_communes_pages(client, province):
    from tests.factories import refresh_search_index

    refresh_search_index()
    # Tân Phú's local procedure, from Hòa Bình's host: only with "every commune of the province".
    here = client.get("/search/", {"q": "nhà văn hóa ấp"})
    assertNotContains(here, LOCAL_TITLE)
    assertContains(here, "scope=tinh")
    everywhere = client.get("/search/", {"q": "nhà văn hóa ấp", "scope": "tinh"})
    assertContains(everywhere, LOCAL_TITLE)
    assertContains(everywhere, 'name="scope" value="tinh"')  # a new query keeps the scope
    api = client.get("/api/search/", {"q": "bảng kê lâm sản", "scope": "tinh"}, **ON_TAN_PHU).json()
    assert [hit["title"] for hit in api["results"]] == ["Xác nhận bảng kê lâm sản"]


# --- Each commune prints its own posters of the shared procedures ---


def _poster_rows(response):
    from bs4 import BeautifulSoup

    return {row["data-code"]: row for row in BeautifulSoup(response.content, "html.parser").select("tr.poster-row")}


@pytest.mark.django_db
def test_a_communes_editors_print_its_posters_of_the_shared_procedures_with_its_own_address(client, province):
    from wagtail.models import Site

    from home.models import CommuneSettings
    from procedures.models import PosterPrint
    from procedures.posters import needs_reprint
    from tests.procedures.test_qr import decode_svg

    tan_phu, hoa_binh, birth = province["tan_phu"], province["hoa_binh"], province["birth"]
    details = CommuneSettings.for_site(tan_phu)
    details.hotline = "0277 3850 111"
    details.save()
    editor = make_user("bientap-tp", groups=[communes.role_group(tan_phu, communes.EDITORS).name])
    client.force_login(editor)

    # The list: what Tân Phú shows (not the procedure it does not handle), and no other commune to choose.
    index = client.get("/admin/procedures/posters/")
    rows = _poster_rows(index)
    assert set(rows) == {"1.001193", "1.000894", "1.004222", "DP.TANPHU01"}
    assertNotContains(index, 'name="commune"')
    # Shared procedures are the province's to edit: only the local one links to its editor.
    assert rows["1.001193"].find("a", href=f"/admin/pages/{birth.pk}/edit/") is None
    assert rows["DP.TANPHU01"].find("a", href=f"/admin/pages/{province['local'].pk}/edit/") is not None

    # The poster: Tân Phú's address in both QR codes, its name and hotline.
    url = f"/admin/procedures/posters/{tan_phu.pk}/{birth.pk}/"
    poster = client.get(url)
    assert poster.status_code == 200
    assertContains(poster, "Xã Tân Phú")
    assertContains(poster, "0277 3850 111")
    assertContains(poster, f"{TAN_PHU}/p/1.001193/")
    assertNotContains(poster, f"{hoa_binh.hostname}/p/")
    svg = poster.content.decode().split('class="poster__qr"', 1)[1].split("<svg", 1)[1].split("</svg>", 1)[0]
    assert decode_svg(f"<svg{svg}</svg>") == f"http://{TAN_PHU}/p/1.001193/"
    # Not Hòa Bình's posters, and not a procedure Tân Phú does not handle.
    assert client.get(f"/admin/procedures/posters/{hoa_binh.pk}/{birth.pk}/").status_code in (302, 403)
    assert client.get(f"/admin/procedures/posters/{tan_phu.pk}/{province['forest'].pk}/").status_code == 404

    # Printed for Tân Phú: Hòa Bình has still never printed it.
    assert client.post(url).status_code == 302
    assert list(PosterPrint.objects.values_list("site_id", "procedure_id")) == [(tan_phu.pk, birth.pk)]
    rows = _poster_rows(client.get("/admin/procedures/posters/"))
    assert rows["1.001193"].select_one(".poster-status") is None  # printed, up to date
    assert rows["1.000894"].select_one(".poster-status")["data-status"] == "never"
    hoa_binh_admin = make_user("quantri", superuser=True)
    client.force_login(hoa_binh_admin)
    listing = client.get("/admin/procedures/posters/", {"commune": hoa_binh.pk})
    assertContains(listing, 'name="commune"')  # a superuser prints for every commune
    assert _poster_rows(listing)["1.001193"].select_one(".poster-status")["data-status"] == "never"
    assert "1.007917" in _poster_rows(listing)
    client.post(f"/admin/procedures/posters/{hoa_binh.pk}/{birth.pk}/")

    # Tân Phú's new hotline makes Tân Phú's posters stale, not Hòa Bình's...
    details.hotline = "0277 3850 222"
    details.save()
    pages = ProcedurePage.objects.all()
    assert set(needs_reprint(pages, tan_phu).values_list("code", flat=True)) == {"1.001193"}
    assert not needs_reprint(pages, hoa_binh).exists()
    # ... and a new title of the shared procedure makes every commune's poster of it stale.
    client.post(f"/admin/procedures/posters/{tan_phu.pk}/{birth.pk}/")
    birth.refresh_from_db()
    birth.title = "Thủ tục đăng ký khai sinh cho trẻ em"
    birth.save_revision().publish()
    assert set(needs_reprint(pages, tan_phu).values_list("code", flat=True)) == {"1.001193"}
    assert set(needs_reprint(pages, hoa_binh).values_list("code", flat=True)) == {"1.001193"}
    assert Site.objects.count() == 2


@pytest.mark.django_db
def test_a_communes_poster_batch_holds_its_own_procedures_and_addresses_and_stays_its_own(
    client, province, django_capture_on_commit_callbacks
):
    import csv
    import io
    import zipfile

    from django.conf import settings
    from django.test import override_settings

    from procedures.models import PosterBatch, PosterPrint

    tan_phu, hoa_binh = province["tan_phu"], province["hoa_binh"]
    editor = make_user("bientap-tp", groups=[communes.role_group(tan_phu, communes.EDITORS).name])
    admin = make_user("quantri", superuser=True)
    with override_settings(Q_CLUSTER={**settings.Q_CLUSTER, "sync": True}):
        client.force_login(admin)
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/admin/procedures/posters/batches/", {"commune": hoa_binh.pk})
        client.force_login(editor)
        with django_capture_on_commit_callbacks(execute=True):
            # Asking for another commune's batch is refused; without a choice it is the editor's commune.
            refused = client.post("/admin/procedures/posters/batches/", {"commune": hoa_binh.pk})
            assert refused.status_code == 200
            assert PosterBatch.objects.count() == 1
            client.post("/admin/procedures/posters/batches/", {})
    ours = PosterBatch.objects.get(site=tan_phu)
    theirs = PosterBatch.objects.get(site=hoa_binh)
    assert (ours.status, ours.total) == ("done", 4)
    with ours.result.open("rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
        rows = list(csv.reader(io.StringIO(archive.read("index.csv").decode("utf-8-sig"))))
    assert {row[0]: row[2] for row in rows[1:]} == {
        code: f"http://{TAN_PHU}/p/{code}/" for code in ("1.001193", "1.000894", "1.004222", "DP.TANPHU01")
    }
    assert set(PosterPrint.objects.filter(batch=ours).values_list("site_id", flat=True)) == {tan_phu.pk}

    # Tân Phú's editors neither see nor download Hòa Bình's batch.
    listing = client.get("/admin/procedures/posters/batches/")
    assertContains(listing, f'data-batch="{ours.pk}"')
    assertNotContains(listing, f'data-batch="{theirs.pk}"')
    for name in ("batch_status", "batch_download", "batch_print"):
        assert client.get(f"/admin/procedures/posters/batches/{theirs.pk}/{name.split('_')[1]}/").status_code == 404
        assert client.get(f"/admin/procedures/posters/batches/{ours.pk}/{name.split('_')[1]}/").status_code == 200


@pytest.mark.django_db
def test_each_commune_ranks_its_most_viewed_by_its_own_citizens_visits(client, province, settings):
    from bs4 import BeautifulSoup

    from procedures.models import ProcedureViewCount

    settings.PROCEDURE_VIEWS_FLUSH_SECONDS = 0  # every view written at once

    def most_viewed(**headers):
        html = BeautifulSoup(client.get("/thu-tuc-hanh-chinh/", **headers).content, "html.parser")
        return [a.get_text(strip=True) for a in html.select("section[aria-labelledby=popular-title] a")]

    for _ in range(3):  # birth registration, three times on Tân Phú (through its short address too)
        client.get("/thu-tuc-hanh-chinh/thu-tuc-dang-ky-khai-sinh/", **ON_TAN_PHU)
    client.get("/p/1.000894/", follow=True)  # marriage, once on Hòa Bình
    counts = {(row.page_id, row.catalogue_id): row.count for row in ProcedureViewCount.objects.all()}
    assert counts == {
        (province["birth"].pk, province["own"].pk): 3,
        (province["marriage"].pk, province["catalogue"].pk): 1,
    }
    assert most_viewed(**ON_TAN_PHU) == ["Thủ tục đăng ký khai sinh"]
    assert most_viewed() == ["Thủ tục đăng ký kết hôn"]


@pytest.mark.django_db
def test_a_communes_editors_keep_its_offices_and_choose_no_other_communes(client, province):
    """Offices are per commune (or the province's): Tân Phú's editors list theirs and the province's, change
    only theirs, file new ones for Tân Phú only, and cannot point a procedure at Hòa Bình's office."""
    tan_phu, hoa_binh = province["tan_phu"], province["hoa_binh"]
    police = Office.objects.get(site=tan_phu)
    hoa_binh_office = Office.objects.create(name="Công an xã Hòa Bình", address="Thôn Trung Tâm", site=hoa_binh)
    shared_office = Office.objects.create(name="Chi nhánh Văn phòng đăng ký đất đai", address="Thị trấn")
    editor = make_user("bientap-tp", groups=[communes.role_group(tan_phu, communes.EDITORS).name])
    client.force_login(editor)

    listing = client.get("/admin/snippets/home/office/").content.decode()
    chooser = client.get("/admin/snippets/choose/home/office/").json()["html"]  # a catalogue's office chooser
    for text in (listing, chooser):
        assert police.name in text and shared_office.name in text
        assert hoa_binh_office.name not in text
    assert client.get(f"/admin/snippets/home/office/edit/{police.pk}/").status_code == 200
    for other in (hoa_binh_office, shared_office):
        assert client.get(f"/admin/snippets/home/office/edit/{other.pk}/").status_code == 404
        assert client.post(f"/admin/snippets/home/office/delete/{other.pk}/").status_code == 404
    assert Office.objects.filter(pk__in=[hoa_binh_office.pk, shared_office.pk]).count() == 2

    # A new office is Tân Phú's: no other commune, and not the province's, is offered.
    from bs4 import BeautifulSoup

    form = BeautifulSoup(client.get("/admin/snippets/home/office/add/").content, "html.parser")
    choices = [(option["value"], option.get_text(strip=True)) for option in form.select("select[name=site] option")]
    assert choices == [(str(tan_phu.pk), "Xã Tân Phú")]
    data = nested_form_data(
        {
            "site": hoa_binh.pk,
            "name": "Trạm y tế xã Tân Phú",
            "address": "Ấp Tân Lợi",
            "phone": "",
            "latitude": "",
            "longitude": "",
            "map_url": "",
            "opening_hours": inline_formset([]),
        }
    )
    refused = client.post("/admin/snippets/home/office/add/", data)
    assert refused.status_code == 200 and not Office.objects.filter(name="Trạm y tế xã Tân Phú").exists()
    data["site"] = tan_phu.pk
    assert client.post("/admin/snippets/home/office/add/", data).status_code == 302
    assert Office.objects.get(name="Trạm y tế xã Tân Phú").site == tan_phu

    # Hòa Bình's office for one of Tân Phú's procedures: a clear message, nothing saved.
    own = province["own"]
    revisions = own.revisions.count()
    form_data = _catalogue_form(own, change={province["residence"].pk: {"office": hoa_binh_office.pk}})
    response = client.post(f"/admin/pages/{own.pk}/edit/", form_data, headers={"accept-language": "vi"})
    assert response.status_code == 200
    assertContains(response, "là văn phòng của xã khác")
    assert own.revisions.count() == revisions
    # The province's office is anyone's to choose.
    form_data = _catalogue_form(own, change={province["residence"].pk: {"office": shared_office.pk}})
    assert client.post(f"/admin/pages/{own.pk}/edit/", form_data).status_code == 302
