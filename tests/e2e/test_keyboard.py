"""The applicant's sign-up done with the keyboard alone (Tab, Shift+Tab, Enter, Space),
with a visible focus indicator at every stop."""

import re

from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from tests.e2e.helpers import (
    E2E_DB,
    EMAIL,
    assert_focus_visible,
    field,
    link_in_latest_mail,
    tab_to,
)

pytestmark = E2E_DB


def test_sign_up_and_verify_with_the_keyboard_only(page):
    email = "luis.ortega@countyofbrookfield.gov"
    password = "copper meadow lantern 2231"
    page.goto("/accounts/signup/")

    email_field = field(page, EMAIL)
    password1 = field(page, "password")
    password2 = field(page, r"password \(again\)|confirm password")
    submit = page.get_by_role("button", name=re.compile(r"^sign ?up$", re.I))

    # From the top of the page: skip link, header, then the form, focus always visible.
    tab_to(page, email_field)
    page.keyboard.type(email)
    tab_to(page, password1)
    page.keyboard.type(password)
    tab_to(page, password2)
    # Back one field with Shift+Tab, check what is there, and forward again.
    tab_to(page, password1, backwards=True)
    expect(password1).to_have_value(password)
    tab_to(page, password2)
    page.keyboard.type(password)
    tab_to(page, submit)
    page.keyboard.press("Space")  # a button activates on Space as well as Enter

    # Sign-up answers "check your email" (verification is mandatory, issue 14).
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))

    # The person opens the link from their mail program, then confirms with Enter.
    page.goto(link_in_latest_mail("/accounts/confirm-email/", to=email))
    confirm = page.get_by_role("button", name=re.compile(r"^confirm$", re.I))
    tab_to(page, confirm)
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    assert EmailAddress.objects.get(email=email).verified
