"""Playwright for Python driving Debian's chromium (never a downloaded browser).

Outside CI, a machine without /usr/bin/chromium skips these tests with a
reason; in CI a missing browser fails them.
"""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls
# from the test body are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"viewport": {"width": 360, "height": 780}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        message = f"Debian's chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    """A page in a 360 px wide phone viewport, Vietnamese browser."""
    context = browser.new_context(locale="vi-VN", **PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def phone_without_js(browser):
    context = browser.new_context(locale="vi-VN", java_script_enabled=False, **PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def assert_accessible(page):
    """axe-core finds no WCAG 2.1 A/AA violation on the page."""
    from axe_playwright_python.sync_playwright import Axe

    # Measure colours as people read them, not halfway through a fade-in (Wagtail's messages slide in).
    page.evaluate(FINISH_ANIMATIONS)
    results = Axe().run(page, options=WCAG_AA)
    assert results.violations_count == 0, results.generate_report()


#: Brings every finite CSS animation and transition on the page to its end state at once (infinite ones are
#: skipped) and resolves when each has finished: the page as it looks once they are over, without waiting
#: out their durations (one on the admin's pages runs for ~25 s).
FINISH_ANIMATIONS = """() => Promise.all(
    document.getAnimations()
        .filter((animation) => animation.effect && animation.effect.getComputedTiming().endTime !== Infinity)
        .map((animation) => {
            animation.finish();
            return animation.finished.catch(() => null);
        })
)"""


def assert_fits_phone(page):
    """No horizontal scrolling at 360 px."""
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the phone screen"


def staff_page(browser, live_server, user):
    """A desktop page signed in to the admin as ``user`` (factories' make_user: password = username)."""
    from playwright.sync_api import expect

    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(live_server.url + "/admin/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(user.username)
    page.locator("form button[type=submit]").click()
    expect(page).to_have_url(live_server.url + "/admin/")
    # The URL changes as soon as the dashboard starts to arrive; a test reading its sidebar (a large JSON
    # script element) before the document has loaded can find it still empty on a busy machine.
    page.wait_for_load_state("load")
    return page
