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
]


def navigation_for(user) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    return [item for item in NAV_ITEMS if item.perm is None or user.has_perm(item.perm)]
