"""The header's role-aware navigation: each entry names the permission it needs.

Entries that share a `group` are shown under one USWDS nav dropdown (an accordion
button and its submenu), so a program admin's fourteen entries fit on one line
at 1280 px (issue 16). A group the user sees only one entry of is shown as that entry.
The dashboard lists the same entries, flat, as each role's tasks (navigation_for).
"""

from dataclasses import dataclass, field

from django.urls import reverse

APPLICATIONS = "Applications"
SITES = "Sites"
REPORTS = "Reports"
ADMINISTRATION = "Administration"


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    perm: str | None = None  # None: any signed-in user
    group: str | None = None  # the dropdown it sits in; None: always on the top row

    @property
    def url(self) -> str:
        return reverse(self.url_name)


NAV_ITEMS = [
    NavItem("Dashboard", "dashboard"),
    NavItem(
        "My Statements of Interest",
        "applications:mine",
        "accounts.file_statement_of_interest",
        APPLICATIONS,
    ),
    NavItem(
        "Statements of Interest",
        "applications:list",
        "applications.review_application",
        APPLICATIONS,
    ),
    NavItem("Cycles", "applications:cycle_list", "applications.manage_cycles", APPLICATIONS),
    # Reviewers, selecting officials and program admins (reviews.access narrows further).
    NavItem("Review queue", "reviews:queue", "reviews.open_review_queue", APPLICATIONS),
    NavItem(
        "Selection slate", "reviews:slate_index", "applications.view_all_applications", APPLICATIONS
    ),
    NavItem("Sites", "sites:list", "sites.view_any_site", SITES),
    NavItem("My workspace", "sites:workspace", "engagements.log_engagement", SITES),
    NavItem("Program view", "sites:program", "sites.view_any_site", SITES),
    NavItem("Outcomes", "outcomes:program", "sites.view_any_site", SITES),
    NavItem("My reports", "reports:mine", None, REPORTS),
    NavItem("Report settings", "reports:settings", "reports.configure_reports", REPORTS),
    NavItem(
        "Staff accounts", "accounts:staff_list", "accounts.manage_staff_accounts", ADMINISTRATION
    ),
    NavItem("Operations", "operations:page", "operations.view_operations", ADMINISTRATION),
    NavItem("Sent mail", "notifications:mail_log", "notifications.view_mail_log", ADMINISTRATION),
    # Staff hold tokens; program admins (who also see everyone's) have this permission too.
    NavItem("API tokens", "api:tokens", "accounts.open_staff_area", ADMINISTRATION),
]


def navigation_for(user) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    return [item for item in NAV_ITEMS if item.perm is None or user.has_perm(item.perm)]


@dataclass
class MenuEntry:
    """One place on the header's top row: a link, or a dropdown of links (`items`)."""

    label: str
    url: str = ""
    current: bool = False
    items: list["MenuEntry"] = field(default_factory=list)
    key: str = ""  # the dropdown's id, for aria-controls


def _matches(path: str, url: str) -> bool:
    if url == "/":
        return path == "/"
    return path == url or path.startswith(url.rstrip("/") + "/")


def menu_for(user, path: str) -> list[MenuEntry]:
    """The top row for `user` on the page at `path`, with the entry of that page marked.

    Only the closest entry is current (/sites/workspace/ is "My workspace", not also
    "Sites"), and a dropdown is current when one of its links is."""
    items = navigation_for(user)
    matching = [item for item in items if _matches(path, item.url)]
    current = max(matching, key=lambda item: len(item.url), default=None)

    groups: dict[str, list[NavItem]] = {}
    for item in items:
        if item.group:
            groups.setdefault(item.group, []).append(item)

    menu: list[MenuEntry] = []
    placed: set[str] = set()
    for item in items:
        members = groups.get(item.group, [item]) if item.group else [item]
        if len(members) == 1:
            menu.append(MenuEntry(item.label, item.url, item is current))
        elif item.group not in placed:
            placed.add(item.group)
            links = [MenuEntry(m.label, m.url, m is current) for m in members]
            menu.append(
                MenuEntry(
                    item.group,
                    current=any(link.current for link in links),
                    items=links,
                    key=f"nav-{item.group.lower()}",
                )
            )
    return menu
