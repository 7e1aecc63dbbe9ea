"""Notifications in a real browser: the unsubscribe link from a mail, opened without signing
in, and the Notifications page, each audited by axe-core under the real CSP."""

from playwright.sync_api import expect

from notifications.models import NotificationPreference
from notifications.services import email_queue
from tests.e2e.helpers import (
    E2E_DB,
    audit,
    check_no_horizontal_scroll,
    link_in_latest_mail,
    sign_in,
)
from tests.factories import ApplicantFactory

pytestmark = E2E_DB


def test_unsubscribe_from_a_mail_then_turn_it_back_on(page, live_server):
    applicant = ApplicantFactory()
    # Outside a transaction the mail is delivered at once (eager Celery, locmem backend).
    email_queue(
        kind="deadline_reminder", to=applicant, subject="3 days left", text="Your draft is due."
    )
    url = link_in_latest_mail("/notifications/unsubscribe/", to=applicant.email)
    path = url.split("://", 1)[1].split("/", 1)[1]
    page.goto(f"{live_server.url}/{path}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Deadline reminders")
    audit(page, "unsubscribe: confirm")
    page.get_by_role("button", name="Turn off these emails").click()
    expect(page.get_by_role("status")).to_contain_text("will no longer get")
    audit(page, "unsubscribe: done")
    assert NotificationPreference.objects.get(user=applicant).delivery == "off"

    sign_in(page, applicant.email)
    page.goto(f"{live_server.url}/notifications/")
    audit(page, "notifications page")
    check_no_horizontal_scroll(page)
    page.locator("label[for=id_deadline_reminder_0]").click()  # USWDS hides the input itself
    page.get_by_role("button", name="Save my choices").click()
    expect(page.get_by_text("Your notification choices are saved.")).to_be_visible()
    assert NotificationPreference.objects.get(user=applicant).delivery == "immediate"
