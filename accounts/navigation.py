"""The header's role-aware navigation: each entry names the permission it needs."""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    perm: str | None = None  # None: any signed-in user

    @property
    def url(self) -> str:
        return reverse(self.url_name)


NAV_ITEMS = [
    NavItem("Dashboard", "dashboard"),
    NavItem("Staff accounts", "accounts:staff_list", "accounts.manage_staff_accounts"),
    NavItem(
        "My Statements of Interest", "applications:mine", "accounts.file_statement_of_interest"
    ),
    NavItem("Statements of Interest", "applications:list", "applications.review_application"),
    NavItem("Cycles", "applications:cycle_list", "applications.manage_cycles"),
    # Reviewers, selecting officials and program admins (reviews.access narrows further).
    NavItem("Review queue", "reviews:queue", "reviews.open_review_queue"),
    NavItem("Selection slate", "reviews:slate_index", "applications.view_all_applications"),
    NavItem("Sites", "sites:list", "sites.view_any_site"),
    NavItem("My workspace", "sites:workspace", "engagements.log_engagement"),
    NavItem("Program view", "sites:program", "sites.view_any_site"),
    NavItem("Outcomes", "outcomes:program", "sites.view_any_site"),
    NavItem("My reports", "reports:mine"),
    NavItem("Report settings", "reports:settings", "reports.configure_reports"),
    NavItem("Operations", "operations:page", "operations.view_operations"),
    NavItem("Sent mail", "notifications:mail_log", "notifications.view_mail_log"),
    # Staff hold tokens; program admins (who also see everyone's) have this permission too.
    NavItem("API tokens", "api:tokens", "accounts.open_staff_area"),
]


def navigation_for(user) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    return [item for item in NAV_ITEMS if item.perm is None or user.has_perm(item.perm)]
