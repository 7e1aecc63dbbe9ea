"""The harness itself: the vendored axe-core is the one we think, the gate can fail,
and the TOTP and mailbox helpers agree with allauth and Django."""

import base64
import hashlib
import re

from allauth.mfa.totp.internal.auth import generate_totp_secret, validate_totp_code
from django.core.mail import EmailMultiAlternatives

from tests.e2e.helpers import (
    AXE_PATH,
    AXE_SRI,
    AXE_VERSION,
    E2E_DB,
    LEDGER,
    audit,
    check_no_horizontal_scroll,
    links_in,
    totp_code,
)


def test_vendored_axe_matches_the_published_release():
    data = AXE_PATH.read_bytes()
    assert data.startswith(f"/*! axe v{AXE_VERSION}".encode())
    assert "sha256-" + base64.b64encode(hashlib.sha256(data).digest()).decode() == AXE_SRI
    assert (
        (AXE_PATH.parent / "axe-core.LICENSE")
        .read_text()
        .startswith("Mozilla Public License, version 2.0")
    )


def test_totp_code_is_accepted_by_allauth():
    secret = generate_totp_secret()
    code = totp_code(secret)
    assert re.fullmatch(r"\d{6}", code)
    assert validate_totp_code(secret, code)


def test_links_are_read_from_text_and_html_bodies():
    message = EmailMultiAlternatives(
        "Confirm",
        "Open http://127.0.0.1:8000/accounts/confirm-email/abc:1/ to confirm.",
        to=["a@b"],
    )
    message.attach_alternative('<a href="http://127.0.0.1:8000/x/?a=1&amp;b=2">x</a>', "text/html")
    assert links_in(message) == [
        "http://127.0.0.1:8000/accounts/confirm-email/abc:1/",
        "http://127.0.0.1:8000/x/?a=1&b=2",
    ]


@E2E_DB
def test_axe_gate_reports_real_violations(page):
    """A page with an unlabelled field and an image without alt text must not pass."""
    page.set_content(
        '<!doctype html><html lang="en"><head><title>Bad</title></head><body><main>'
        '<h1>Bad page</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        '<input type="text"></main></body></html>'
    )
    before = LEDGER.audited
    violations = audit(page, "deliberately broken page")
    # This page is the harness's own fixture: keep it out of the session's gate and count.
    LEDGER.pending.clear()
    del LEDGER.pages[before:]
    assert {"image-alt", "label"} <= {v["id"] for v in violations}
    assert all(v["nodes"] and v["help"] and v["impact"] for v in violations)


@E2E_DB
def test_csp_violations_are_caught(page, browser_log):
    """The real policy is in force (no bypass) and a violation reaches the log that
    fails journeys: an inline script added to a portal page is blocked and reported."""
    page.goto("/")
    page.evaluate(
        """() => {
            const s = document.createElement('script');
            s.textContent = 'window.__inlineRan = true';
            document.head.appendChild(s);
        }"""
    )
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.__inlineRan") is None
    assert any("script-src" in line for line in browser_log.csp), browser_log.csp
    browser_log.csp.clear()  # expected here: keep the end-of-test check for real pages


@E2E_DB
def test_axe_gate_includes_wcag_22_and_best_practices(page):
    """Tiny adjacent links (WCAG 2.2 target size) and a skipped heading level (an axe
    best practice) fail the gate too (issue 16)."""
    page.set_content(
        '<!doctype html><html lang="en"><head><title>Bad</title><style>'
        "a{display:block;font-size:10px;line-height:10px;height:10px}</style></head>"
        '<body><main><h1>Bad page</h1><h4>Skipped levels</h4><a href="#a">one</a>'
        '<a href="#b">two</a><a href="#c">three</a></main></body></html>'
    )
    before = LEDGER.audited
    violations = audit(page, "deliberately broken page (2.2, best practice)")
    LEDGER.pending.clear()
    del LEDGER.pages[before:]
    assert {"target-size", "heading-order"} <= {v["id"] for v in violations}


@E2E_DB
def test_reflow_check_covers_200_percent_zoom_and_allows_scrolling_tables(page):
    """Content that fits 320 px but not 640 px (a 1280 px window at 200%) is caught;
    a wide table scrolling inside its own container is not the page scrolling."""
    page.set_content(
        '<!doctype html><html lang="en"><head><title>Wide</title><style>'
        "body{margin:0} @media (min-width: 600px) { .wide { width: 700px } }"
        ".scroll{overflow-x:auto} .scroll table{width:1500px}</style></head><body><main>"
        '<div class="wide">Wide only at 200% zoom</div>'
        '<div class="scroll" tabindex="0"><table><tr><td>x</td></tr></table></div>'
        "</main></body></html>"
    )
    failures = len(LEDGER.reflow_failures)
    check_no_horizontal_scroll(page)
    found = LEDGER.reflow_failures[failures:]
    LEDGER.pending.clear()
    del LEDGER.reflow_failures[failures:]
    assert len(found) == 1 and "at 640px" in found[0], found
    assert "div.wide" in found[0] and "table" not in found[0], found
