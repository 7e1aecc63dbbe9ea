"""The header's role-aware navigation: each entry names the permission it needs.

Entries that share a `group` are shown under one USWDS nav dropdown (an accordion
button and its submenu), so a program admin's fourteen entries fit on one line
at 1280 px (issue 16). A group the user sees only one entry of is shown as that entry.
The dashboard lists the same entries, flat, as each role's tasks (navigation_for).
"""

from dataclasses import dataclass

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

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
        return addresses()[self.url_name]


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


# Every page's header needs each entry's address, and reverse() walks the URL resolver
# each time (about 40 calls a page for a program admin's menu). An address depends only
# on the URLconf and the prefix the portal is served under, so they are kept per both.
class _Addresses(dict):
    def __missing__(self, url_name: str) -> str:
        url = self[url_name] = reverse(url_name)
        return url


_ADDRESSES: dict[tuple, _Addresses] = {}


def addresses() -> dict[str, str]:
    """url_name -> path under the current URLconf and prefix, reversed once each."""
    key = (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    book = _ADDRESSES.get(key)
    if book is None:
        book = _ADDRESSES[key] = _Addresses()
    return book


def navigation_for(user) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    # Asked up to three times a page (header, its current entry, the dashboard's tasks):
    # kept on the user object, which lives for one request, as Django keeps the
    # permissions themselves (_perm_cache).
    items = getattr(user, "_navigation_items", None)
    if items is None:
        items = [item for item in NAV_ITEMS if item.perm is None or user.has_perm(item.perm)]
        user._navigation_items = items
    return items


@dataclass(frozen=True)
class MenuEntry:
    """One place on the header's top row: a link, or a dropdown of links (`items`).

    Frozen, so a whole menu can key the header's rendered markup
    (psp_portal.templatetags.uswds.uswds_nav_menu)."""

    label: str
    url: str = ""
    current: bool = False
    items: tuple["MenuEntry", ...] = ()
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
    urls = addresses()
    matching = [item for item in items if _matches(path, urls[item.url_name])]
    current = max(matching, key=lambda item: len(urls[item.url_name]), default=None)

    groups: dict[str, list[NavItem]] = {}
    for item in items:
        if item.group:
            groups.setdefault(item.group, []).append(item)

    menu: list[MenuEntry] = []
    placed: set[str] = set()
    for item in items:
        members = groups.get(item.group, [item]) if item.group else [item]
        if len(members) == 1:
            menu.append(MenuEntry(item.label, urls[item.url_name], item is current))
        elif item.group not in placed:
            placed.add(item.group)
            links = tuple(MenuEntry(m.label, urls[m.url_name], m is current) for m in members)
            menu.append(
                MenuEntry(
                    item.group,
                    current=any(link.current for link in links),
                    items=links,
                    key=f"nav-{item.group.lower()}",
                )
            )
    return menu
