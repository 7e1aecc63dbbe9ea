"""Browser tests: Playwright (Python) driving Debian's Chromium against pytest-django's
live server, with axe-core as the accessibility gate. See /work/shared/TESTING.md.

- Every test here is marked `e2e` and runs after all other tests of the session:
  Playwright's sync API keeps an asyncio loop running in the test thread, and from the
  first browser test on Django's ORM guard must be relaxed (DJANGO_ALLOW_ASYNC_UNSAFE),
  so the rest of the suite keeps the guard.
- One Chromium per session; each test gets a fresh context (cookies) and page.
- When Chromium is missing or cannot start: skipped with the reason outside CI,
  FAILED when the environment variable CI is set. PSP_E2E_CHROMIUM overrides the
  binary (the CI check is verified with a path that does not exist).
- Pages run under the real Content-Security-Policy (no bypass_csp): any CSP
  violation or uncaught script error reported by the browser fails the test.
- axe-core violations and reflow failures (320 and 640 px) recorded by the helpers fail the
  test when its body ends, listing every one; the session summary prints how many
  pages were audited (details in tests/e2e/artifacts/axe-results.json).
- Database: tests use `E2E_DB` (transaction=True, serialized_rollback=True); see
  _keep_serialized_copy and _migrated_data for why the restore is done here too.
"""

import os
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test.utils import override_settings
from pytest_django.live_server_helper import LiveServer

from tests.e2e.helpers import (
    ARTIFACTS_DIR,
    AXE_VERSION,
    LEDGER,
    NOTES,
    WCAG_TAGS,
    screenshot,
)

E2E_DIR = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("PSP_E2E_CHROMIUM", "/usr/bin/chromium")
# Debian's Chromium, headless, with nothing talking to the network behind our back.
CHROMIUM_ARGS = [
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
if os.geteuid() == 0:
    CHROMIUM_ARGS.append("--no-sandbox")  # Chromium's sandbox refuses to run as root


_state = {"unavailable": None, "async_unsafe": False}


def _in_e2e(item) -> bool:
    return E2E_DIR in Path(str(item.path)).resolve().parents


@pytest.hookimpl(trylast=True)  # after pytest's own fixture-based reordering
def pytest_collection_modifyitems(session, config, items):
    """Mark browser tests `e2e` and move them to the end of the run (see module doc)."""
    browser_tests = [item for item in items if _in_e2e(item)]
    for item in browser_tests:
        item.add_marker(pytest.mark.e2e)
    others = [item for item in items if not _in_e2e(item)]
    items[:] = others + browser_tests


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    if _in_e2e(item) and not _state["async_unsafe"]:
        # Playwright's sync API runs an event loop in this thread; Django would refuse
        # every ORM call (tests creating users, the transactional flush). Test-only.
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        _state["async_unsafe"] = True
    if _in_e2e(item):
        _keep_serialized_copy()


def _keep_serialized_copy():
    """Keep the serialized copy of the migrated data (role groups, permissions, seeded
    texts) that pytest-django made when it created the test database.

    Django keeps that copy on the connection object, and the connection is
    per-context: once Playwright runs, the test sees another connection object
    without it, so Django's own serialized_rollback silently restores nothing.
    Before fixtures run we are still in the first context: copy it from there.
    """
    from django.db import connections

    for alias in connections:
        contents = getattr(connections[alias], "_test_serialized_contents", None)
        if contents:
            _state.setdefault("serialized", {})[alias] = contents


@pytest.fixture(scope="session", autouse=True)
def _serialized_copy_at_creation(django_db_setup):
    """When a browser test is the session's first test, pytest_runtest_setup ran before
    the database (and its serialized copy) existed: keep the copy as soon as
    django_db_setup made it, before Playwright starts (after that the test sees another
    connection object, without the copy, and no test could restore the migrated data)."""
    _keep_serialized_copy()


@pytest.fixture(autouse=True)
def _migrated_data(request):
    """Each browser test starts with exactly the data the migrations load.

    The previous transactional test (here or elsewhere in the suite) ended by
    emptying every table, possibly re-creating content types and permissions under
    new keys. When this context's connection lacks the serialized copy, Django's
    serialized_rollback restored nothing: give it the copy (so its end-of-test flush
    also leaves the tables empty for the next load), empty the tables and load it."""
    if request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue("_django_db_helper")
    from django.core.management import call_command
    from django.db import connections

    for alias, contents in _state.get("serialized", {}).items():
        connection = connections[alias]
        if getattr(connection, "_test_serialized_contents", None):
            continue  # Django's own serialized_rollback restored it
        connection._test_serialized_contents = contents
        call_command(
            "flush", database=alias, interactive=False, verbosity=0, inhibit_post_migrate=True
        )
        connection.creation.deserialize_db_from_string(contents)


@pytest.fixture(scope="module", autouse=True)
def _leave_migrated_data(django_db_setup, django_db_blocker):
    """After each module, put the migrated data back: a transactional test ends with
    empty tables, and whatever runs next (another test, a later --reuse-db run that
    serializes the database again) expects the role groups and seeded texts."""
    yield
    from django.core.management import call_command
    from django.db import connections

    with django_db_blocker.unblock():
        for alias in connections:
            contents = getattr(connections[alias], "_test_serialized_contents", None) or _state.get(
                "serialized", {}
            ).get(alias)
            if not contents:
                continue
            call_command(
                "flush", database=alias, interactive=False, verbosity=0, inhibit_post_migrate=True
            )
            connections[alias].creation.deserialize_db_from_string(contents)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Fail a journey that hit axe violations, CSP violations or script errors,
    after its body ran, so the message lists all of them at once."""
    LEDGER.pending.clear()
    try:
        result = yield
    except BaseException:
        # The journey broke first; still show what was found before it did.
        for problem in _collect_problems(item):
            print(problem)
        raise
    problems = _collect_problems(item)
    if problems:
        raise AssertionError("\n\n".join(problems))
    return result


def _collect_problems(item) -> list[str]:
    problems = list(LEDGER.pending)
    LEDGER.pending.clear()
    log = getattr(item, "_e2e_browser_log", None)
    if log is not None:
        problems += log.problems()
    return problems


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item._e2e_failed = report.failed
    return report


def _unavailable(reason: str):
    _state["unavailable"] = reason
    if os.environ.get("CI"):
        pytest.fail(f"CI: the browser tests must run, but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
        "timeout": 30_000,
    }


@pytest.fixture(scope="session")
def browser(launch_browser, browser_type_launch_args):
    """One Chromium for the whole session; missing or broken Chromium: fail in CI."""
    if not os.access(CHROMIUM, os.X_OK):
        _unavailable(
            f"Chromium not found at {CHROMIUM} (install Debian's package: "
            "`apt-get install chromium`, which `make test` does when run as root)"
        )
    try:
        browser = launch_browser()
    except Exception as exc:  # noqa: BLE001 - any launch failure means "no browser"
        _unavailable(f"Chromium at {CHROMIUM} could not start: {exc}")
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, on 127.0.0.1 (localhost may resolve to ::1 first).

    Django's live server wraps the site in a media-file handler built from MEDIA_URL;
    the portal sets MEDIA_URL = None (uploads are only served through views that
    check access), which that handler cannot parse. Build it with a path no page
    uses, so it never serves a request.
    """
    addr = (
        request.config.getvalue("liveserver")
        or os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "127.0.0.1"
    )
    with override_settings(MEDIA_URL="/__e2e-uploads-are-never-served-here__/"):
        server = LiveServer(addr)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, live_server):
    return {
        **browser_context_args,
        "base_url": live_server.url,
        "viewport": {"width": 1280, "height": 900},
        "locale": "en-US",
        "timezone_id": "America/New_York",
        # Never bypass_csp: the pages must work under their real policy.
    }


class BrowserLog:
    """Console errors, CSP violations and uncaught exceptions of every page of a test."""

    def __init__(self):
        self.csp: list[str] = []
        self.errors: list[str] = []

    def watch(self, page):
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.errors.append(f"uncaught: {exc}"))

    def _on_console(self, msg):
        text = msg.text
        if "Content Security Policy" in text or text.startswith("CSP violation"):
            if not _from_axe_itself(msg, text):
                self.csp.append(text)
        elif msg.type == "error" and not _expected_console_error(text):
            self.errors.append(f"console.error: {text}")

    def problems(self) -> list[str]:
        out = []
        if self.csp:
            out.append("Content-Security-Policy violations:\n  " + "\n  ".join(self.csp))
        if self.errors:
            out.append("Browser errors:\n  " + "\n  ".join(self.errors))
        return out


def _from_axe_itself(msg, text: str) -> bool:
    """axe-core rebuilds a stylesheet that uses @import (the Django admin's forms.css) as a
    <style> element, which the policy rightly blocks. axe runs as code the harness
    evaluated, which has no source URL, while everything the page loads or writes has one:
    a blocked <style> without a source is the audit's, not the page's (issue 16)."""
    if text.startswith("CSP violation: style-src-elem blocked inline at :"):
        return True  # our listener's report: empty source file
    return "Applying inline style violates" in text and not (msg.location or {}).get("url")


def _expected_console_error(text: str) -> bool:
    # Chromium logs every 4xx/5xx response; the 403/404 pages are visited on purpose.
    return "Failed to load resource: the server responded with a status of" in text


# Reported to the console, so violations of every page of the test are kept even
# after navigation. Injected by Playwright, which the page's CSP does not govern.
CSP_LISTENER = """
document.addEventListener('securitypolicyviolation', (e) => {
    console.error('CSP violation: ' + e.violatedDirective + ' blocked '
                  + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber);
});
"""


@pytest.fixture
def context(context):
    context.set_default_timeout(10_000)
    context.set_default_navigation_timeout(15_000)
    context.add_init_script(CSP_LISTENER)
    return context


@pytest.fixture
def browser_log(request, context):
    """Watches every page opened in the test's context (see pytest_runtest_call)."""
    log = BrowserLog()
    context.on("page", log.watch)
    request.node._e2e_browser_log = log
    return log


@pytest.fixture
def page(context, browser_log, request):
    page = context.new_page()
    yield page
    if getattr(request.node, "_e2e_failed", False):
        try:
            screenshot(page, f"failed-{request.node.name}")
        except Exception:  # noqa: BLE001, S110 - a failure screenshot is best effort
            pass


@pytest.fixture(autouse=True)
def _mail_links_to_the_live_server(settings, live_server):
    """Links in mail start from SITE_URL, never from a request's Host (the notifications
    service builds them, often in a worker); here the portal is the live server."""
    settings.SITE_URL = live_server.url


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters (sign-in, sign-up, reset) live in the cache; every journey
    starts from 127.0.0.1 with none of the previous journeys' counts."""
    cache.clear()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if _state["unavailable"]:
        terminalreporter.write_sep("-", "browser tests (e2e)")
        terminalreporter.write_line(f"browser tests not run: {_state['unavailable']}")
    if NOTES:
        terminalreporter.write_sep("-", "browser journeys")
        for line in NOTES:
            terminalreporter.write_line(line)
    if not LEDGER.audited:
        return
    path = LEDGER.write_json()
    failing = LEDGER.failing_pages
    total = sum(len(p["violations"]) for p in failing)
    terminalreporter.write_sep("-", "accessibility (axe-core)")
    terminalreporter.write_line(
        f"axe-core {AXE_VERSION} ({', '.join(WCAG_TAGS)}): {LEDGER.audited} pages audited, "
        f"{len(failing)} with violations, {total} violations in all. Details: "
        f"{path.relative_to(ARTIFACTS_DIR.parent.parent.parent)}"
    )
    for p in failing:
        ids = ", ".join(sorted({v["id"] for v in p["violations"]}))
        terminalreporter.write_line(f"  {p['label']} ({p['url']}): {ids}")
    terminalreporter.write_line(
        f"Reflow at 320 and 640 px (200% zoom): {LEDGER.reflow_checked} checks, "
        f"{len(LEDGER.reflow_failures)} scroll horizontally."
    )
    for message in LEDGER.reflow_failures:
        terminalreporter.write_line(f"  {message}")
