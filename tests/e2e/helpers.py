"""What the browser journeys share: the axe-core gate, the 320 and 640 px reflow checks, screenshots,
the test mailbox, and signing in (with a real TOTP code for staff).

Journeys drive pages through labels and roles as a person would. The only
shortcut allowed is creating staff accounts in the database (issue 7).
"""

import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

E2E_DIR = Path(__file__).resolve().parent
ARTIFACTS_DIR = E2E_DIR / "artifacts"
AXE_PATH = E2E_DIR / "vendor" / "axe.min.js"
AXE_VERSION = "4.14.1"
# The vendored file's integrity, as axe-core's own sri-history.json lists it.
AXE_SRI = "sha256-KTSJmUUM3yhJqOcLeRL8LahahJ2jnA0NU5T1HUqe2Vw="
# WCAG 2.0, 2.1 and 2.2 A and AA (Section 508 plus 2.2's target size and focus rules),
# and axe's best practices (landmarks, heading order, one h1...): issue 16.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

# Runs axe over the document with the given tags; returns the violations, serializable.
AXE_RUN = """async (tags) => {
    const r = await window.axe.run(document, {
        runOnly: {type: 'tag', values: tags},
        resultTypes: ['violations'],
    });
    return r.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
        nodes: v.nodes.map(n => ({
            target: n.target.map(String), html: n.html,
            failureSummary: n.failureSummary,
        })),
    }));
}"""

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's password

# Every browser test: the live server needs committed data (transaction=True), and the
# data the migrations load (role groups, permissions, seed texts) is restored before each
# test from the serialized copy (serialized_rollback=True), since each test ends with a
# flush. The conftest empties tables left filled by earlier non-serialized tests.
E2E_DB = pytest.mark.django_db(transaction=True, serialized_rollback=True)


# ---------------------------------------------------------------------------
# Accessibility gate (axe-core)
# ---------------------------------------------------------------------------
@dataclass
class AxeLedger:
    """Every page audited in this session; the conftest prints the totals."""

    pages: list[dict] = field(default_factory=list)
    # Violations of the running test, raised by the conftest once the test body ends,
    # so one run lists every failing page of a journey, not only the first.
    pending: list[str] = field(default_factory=list)
    reflow_checked: int = 0
    reflow_failures: list[str] = field(default_factory=list)

    @property
    def audited(self) -> int:
        return len(self.pages)

    @property
    def failing_pages(self) -> list[dict]:
        return [p for p in self.pages if p["violations"]]

    def write_json(self) -> Path:
        ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS_DIR / "axe-results.json"
        path.write_text(json.dumps(self.pages, indent=2))
        return path


LEDGER = AxeLedger()
# Lines the session summary prints under "browser journeys" (mode, timings), since a
# passing test's own output is hidden by pytest.
NOTES: list[str] = []


def note(line: str) -> None:
    NOTES.append(line)
    print(line)


_axe_source: str | None = None


def axe_source() -> str:
    global _axe_source
    if _axe_source is None:
        _axe_source = AXE_PATH.read_text(encoding="utf-8")
    return _axe_source


def format_violations(label: str, url: str, violations: list[dict]) -> str:
    lines = [f"axe-core: {len(violations)} violation(s) on {label!r} ({url}):"]
    for v in violations:
        lines.append(f"  - [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"]:
            lines.append(f"      at {' '.join(node['target'])}: {node['html'][:160]}")
            summary = (node.get("failureSummary") or "").replace("\n", " / ")
            if summary:
                lines.append(f"        {summary[:300]}")
    return "\n".join(lines)


def audit(page: Page, label: str) -> list[dict]:
    """Run axe-core (WCAG 2.0/2.1/2.2 A and AA, and best practices) on the page as it is now.

    axe is injected with page.evaluate, which the strict Content-Security-Policy
    does not block (a <script> tag would be). Every violation is recorded; the
    test fails when its body ends (see conftest), listing each violation with its
    rule, impact, help text and the nodes it hit. The gate is zero violations.
    """
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    result = page.evaluate(AXE_RUN, WCAG_TAGS)
    LEDGER.pages.append({"label": label, "url": page.url, "violations": result})
    if result:
        LEDGER.pending.append(format_violations(label, page.url, result))
    return result


# ---------------------------------------------------------------------------
# Layout and artifacts
# ---------------------------------------------------------------------------
# The widths every page is checked at: 320 CSS px (WCAG 1.4.10 Reflow: 1280 px at 400%)
# and 640 CSS px (a 1280 x 900 window at 200% zoom, issue 16), with the heights those zooms give.
REFLOW_VIEWPORTS = {320: 800, 640: 450}

OVERFLOW_JS = """() => {
    const doc = document.documentElement;
    const limit = doc.clientWidth;
    const wide = [];
    // An element inside a box that scrolls on its own (a table container) does not
    // move the page: it is not a culprit.
    const insideScroller = (el) => {
        for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
            const ox = getComputedStyle(p).overflowX;
            if (ox === 'auto' || ox === 'scroll' || ox === 'hidden' || ox === 'clip') return true;
        }
        return false;
    };
    for (const el of document.body.querySelectorAll('*')) {
        const r = el.getBoundingClientRect();
        if (r.width > 0 && r.right > limit + 1 && !insideScroller(el)) {
            wide.push([r.right, el.tagName.toLowerCase()
                + (el.id ? '#' + el.id : '')
                + (el.className && typeof el.className === 'string'
                   ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
                + ' right=' + Math.round(r.right)]);
        }
    }
    // Text that does not wrap (a long email address, say) spills out of a
    // box that itself fits: name the innermost such boxes too.
    for (const el of document.body.querySelectorAll('*')) {
        const r = el.getBoundingClientRect();
        const spill = r.left + el.scrollWidth;
        if (r.width > 0 && spill > limit + 1 && r.right <= limit + 1 && !insideScroller(el)
            && !['auto', 'scroll'].includes(getComputedStyle(el).overflowX)
            && ![...el.children].some(c => c.getBoundingClientRect().left
                                           + c.scrollWidth > limit + 1)) {
            wide.push([spill, el.tagName.toLowerCase() + ' with text "'
                + (el.innerText || '').trim().slice(0, 60) + '" reaching '
                + Math.round(spill)]);
        }
    }
    wide.sort((a, b) => b[0] - a[0]);  // the widest first: the likely culprit
    return {scrollWidth: doc.scrollWidth, clientWidth: limit,
            wide: wide.slice(0, 8).map(w => w[1])};
}"""


def check_no_horizontal_scroll(page: Page, width: int | None = None) -> dict:
    """The page must not scroll sideways at 320 and at 640 CSS pixels (or at `width`
    alone). A wide table may scroll inside its own container; the page may not.

    Like `audit`, a failure is recorded and raised when the test body ends. Returns the
    measurements of the last width checked."""
    original = page.viewport_size
    widths = [width] if width else list(REFLOW_VIEWPORTS)
    overflow: dict = {}
    try:
        for w in widths:
            page.set_viewport_size({"width": w, "height": REFLOW_VIEWPORTS.get(w, 800)})
            overflow = page.evaluate(OVERFLOW_JS)
            LEDGER.reflow_checked += 1
            if overflow["scrollWidth"] > overflow["clientWidth"]:
                message = (
                    f"{page.url} scrolls horizontally at {w}px: scrollWidth"
                    f" {overflow['scrollWidth']} > {overflow['clientWidth']};"
                    f" elements past the edge: {overflow['wide']}"
                )
                LEDGER.reflow_failures.append(message)
                LEDGER.pending.append(message)
    finally:
        if original:
            page.set_viewport_size(original)
    return overflow


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot under tests/e2e/artifacts/ (kept by CI as an artifact)."""
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS_DIR / f"{re.sub(r'[^a-z0-9-]+', '-', name.lower()).strip('-')}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# ---------------------------------------------------------------------------
# Keyboard
# ---------------------------------------------------------------------------
FOCUS_STYLE_JS = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const s = getComputedStyle(el);
    return {
        tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute('name'),
        text: (el.innerText || el.value || '').trim().slice(0, 40),
        outlineStyle: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth) || 0,
        boxShadow: s.boxShadow,
    };
}"""


def focused(page: Page) -> dict | None:
    return page.evaluate(FOCUS_STYLE_JS)


def assert_focus_visible(page: Page) -> dict:
    """The focused element shows a focus indicator (outline, or a box-shadow ring)."""
    info = focused(page)
    assert info is not None, f"nothing has keyboard focus on {page.url}"
    visible = (info["outlineStyle"] != "none" and info["outlineWidth"] > 0) or (
        info["boxShadow"] not in ("", "none")
    )
    assert visible, f"focus is not visible on {page.url}: {info}"
    return info


def tab_to(page: Page, locator, *, backwards: bool = False, max_presses: int = 40) -> None:
    """Press Tab (or Shift+Tab) until `locator` has focus, checking focus is visible at
    every stop, as a keyboard user sees it."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(max_presses):
        page.keyboard.press(key)
        assert_focus_visible(page)
        if locator.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"{key} x{max_presses} never reached {locator} on {page.url}")


# ---------------------------------------------------------------------------
# The test mailbox (locmem backend; the live server thread shares this process)
# ---------------------------------------------------------------------------
URL_RE = re.compile(r"https?://[^\s<>\"']+")


def latest_mail(to: str | None = None, timeout: float = 5.0):
    """The newest message in django.core.mail.outbox (optionally to `to`), waiting a
    little for mail sent after the response (on_commit, eager Celery)."""
    deadline = time.monotonic() + timeout
    while True:
        messages = [m for m in mail.outbox if to is None or to in m.to]
        if messages:
            return messages[-1]
        if time.monotonic() > deadline:
            sent = [(m.to, m.subject) for m in mail.outbox]
            raise AssertionError(f"no mail to {to or 'anyone'}; outbox holds {sent}")
        time.sleep(0.1)


def links_in(message) -> list[str]:
    """Every http(s) link in a message's text body and HTML alternatives, in order."""
    bodies = [message.body] + [
        content for content, _mime in getattr(message, "alternatives", []) or []
    ]
    links: list[str] = []
    for body in bodies:
        for url in URL_RE.findall(body):
            url = url.rstrip(".,);").replace("&amp;", "&")
            if url not in links:
                links.append(url)
    return links


def link_in_latest_mail(containing: str, to: str | None = None) -> str:
    message = latest_mail(to)
    matches = [url for url in links_in(message) if containing in url]
    assert matches, f"no link containing {containing!r} in {message.subject!r}: {message.body}"
    return matches[0]


# ---------------------------------------------------------------------------
# Signing in
# ---------------------------------------------------------------------------
_used_counters: dict[str, int] = {}


def current_totp(secret: str) -> str:
    """The code for `secret` now, not counted as used: allauth's enrolment form checks
    a code without spending it (sign-in codes go through `totp_code`)."""
    period = mfa_settings.TOTP_PERIOD
    if period - time.time() % period < 2:  # about to expire: wait for the next one
        time.sleep(period - time.time() % period + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


def wrong_totp(secret: str) -> str:
    """A six-digit code that is certainly not the current one."""
    return f"{(int(current_totp(secret)) + 500_000) % 1_000_000:06d}"


def totp_code(secret: str) -> str:
    """The code an authenticator app shows now for `secret` (allauth's own HOTP maths).

    allauth refuses a code already used in its 30 s window, so when this secret's
    current window was already spent the helper waits for the next one, as a person
    would. It also avoids handing out a code about to expire (tolerance is 0).
    """
    period = mfa_settings.TOTP_PERIOD
    while True:
        now = time.time()
        counter = int(now) // period
        remaining = period - (now % period)
        if remaining < 2 or _used_counters.get(secret) == counter:
            time.sleep(remaining + 0.1)
            continue
        _used_counters[secret] = counter
        return format_hotp_value(hotp_value(secret, counter))


def field(page: Page, label: str):
    """The form control labelled `label` (a regex fragment, matched whole and without
    case; a trailing required-field asterisk is allowed)."""
    return page.get_by_label(re.compile(rf"^\s*(?:{label})\s*\*?\s*$", re.I))


EMAIL = r"e-?mail(?: address)?"


def fill_sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    field(page, EMAIL).fill(email)
    field(page, "password").fill(password)
    page.get_by_role("button", name=re.compile(r"^sign ?in$", re.I)).click()


def enter_totp(page: Page, secret: str) -> None:
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.get_by_label(re.compile(r"code", re.I)).fill(totp_code(secret))
    page.get_by_role("button", name=re.compile(r"sign ?in|verify|authenticate", re.I)).click()


def sign_in(page: Page, email: str, password: str = PASSWORD, totp_secret: str | None = None):
    """Sign in through the real form; staff also type the TOTP code of their app."""
    fill_sign_in(page, email, password)
    if totp_secret:
        enter_totp(page, totp_secret)
    expect(page).to_have_url(re.compile(r"/dashboard/$"))


def nav_link(page: Page, name: str):
    """The header's link `name`, opening the dropdown it sits in first (as a person
    would), since the header groups a role's many entries (accounts/navigation.py)."""
    nav = page.get_by_role("navigation", name="Primary navigation")
    exact = re.compile(rf"^\s*{re.escape(name)}\s*$")
    entry = nav.locator("li.usa-nav__primary-item").filter(
        has=page.locator("a").filter(has_text=exact)
    )
    button = entry.locator("> button.usa-accordion__button")
    if button.count() and button.get_attribute("aria-expanded") != "true":
        button.click()
    return nav.get_by_role("link", name=name, exact=True)


SIGN_OUT = re.compile(r"^\s*(sign|log) ?out\s*$", re.I)


def sign_out(page: Page) -> None:
    """Use the header's Sign out button, as a person would (the sign-out page if the
    header has none)."""
    button = page.get_by_role("banner").get_by_role("button", name=SIGN_OUT)
    if not button.count():
        page.goto("/accounts/logout/")
        button = page.get_by_role("main").get_by_role("button", name=SIGN_OUT)
    button.first.click()
    expect(page.get_by_role("banner").get_by_role("button", name=SIGN_OUT)).to_have_count(0)


def confirm_password_if_asked(page: Page, password: str = PASSWORD) -> bool:
    """allauth asks for the password again before security changes (enrolling an
    authenticator app) unless the user reauthenticated in the last few minutes."""
    if "/accounts/reauthenticate/" not in page.url:
        return False
    field(page, "password").fill(password)
    page.get_by_role("button", name=re.compile(r"^\s*confirm\s*$", re.I)).click()
    return True


# ---------------------------------------------------------------------------
# Every page a role can reach
# ---------------------------------------------------------------------------
# Not pages of ours (Django admin), not pages (files), and not actions.
SKIP_LINK_RE = re.compile(
    r"^/(admin|static)/|/accounts/logout/|download|\.(pdf|csv|xlsx|zip)$|[?&]format=", re.I
)


def same_site_links(page: Page) -> list[str]:
    """Paths of the links a person can see and follow on this page, in page order. Links
    in the header's folded menus count: a person opens the menu to reach them."""
    hrefs = page.evaluate(
        """() => [...document.querySelectorAll('a[href]')]
            .filter(a => !a.hasAttribute('download') && a.origin === location.origin
                         && (a.offsetParent !== null
                             || a.closest('nav[aria-label="Primary navigation"] .usa-nav__submenu')))
            .map(a => a.pathname + a.search)"""
    )
    out: list[str] = []
    for href in hrefs:
        if not SKIP_LINK_RE.search(href) and href not in out:
            out.append(href)
    return out


def audit_reachable(page: Page, role: str, start: str, *, depth: int = 1, limit: int = 40):
    """Open `start` and every page linked from it (to `depth` clicks) as `role`; audit
    each with axe, check it at 320 and 640 px, and require a successful response. Grows with
    the portal: a page added to the navigation is audited without a new test."""
    seen: list[str] = []
    queue = [(start, 0)]
    while queue and len(seen) < limit:
        path, level = queue.pop(0)
        if path in seen:
            continue
        seen.append(path)
        try:
            response = page.goto(path)
        except PlaywrightError as exc:
            if "Download is starting" in str(exc):
                continue  # a file, not a page
            raise
        status = response.status if response else None
        if status is None or status >= 400:
            LEDGER.pending.append(f"{role}: {path} answered HTTP {status} (linked from the pages)")
            continue
        audit(page, f"{page.url.split('/', 3)[-1] or 'home'} ({role})")
        check_no_horizontal_scroll(page)
        if level < depth:
            queue += [(href, level + 1) for href in same_site_links(page) if href not in seen]
    return seen
