"""The portal's roles, declared as data.

Each role is a Django Group carrying model permissions. Migrations call
`sync_role_groups` so the groups exist on every database from the first
`migrate`; views and access helpers ask `user.has_perm(...)`, never the group
name. A permission listed here is attached once its app's migration creates it,
so each app adds a migration calling `sync_role_groups` after defining its
permissions.
"""

APPLICANT = "Applicant"
REVIEWER = "Reviewer"
SELECTING_OFFICIAL = "Selecting official"
SITE_LIAISON = "Site liaison"
PROGRAM_ADMIN = "Program admin"

STAFF_ROLES = (REVIEWER, SELECTING_OFFICIAL, SITE_LIAISON, PROGRAM_ADMIN)
ALL_ROLES = (APPLICANT, *STAFF_ROLES)

# "app_label.codename" for each role.
ROLE_PERMISSIONS: dict[str, set[str]] = {
    APPLICANT: {
        "accounts.file_statement_of_interest",
    },
    REVIEWER: {
        "accounts.open_staff_area",
        "applications.review_application",
        "sites.view_any_site",
    },
    SELECTING_OFFICIAL: {
        "accounts.open_staff_area",
        "applications.review_application",
        "applications.view_all_applications",
        "applications.assign_reviewers",
        "applications.decide_application",
        "applications.override_screening",
        "sites.view_any_site",
        "reports.request_program_reports",
    },
    SITE_LIAISON: {
        "accounts.open_staff_area",
        "sites.view_any_site",
        "engagements.log_engagement",
    },
    PROGRAM_ADMIN: {
        "accounts.open_staff_area",
        "accounts.manage_staff_accounts",
        "accounts.use_django_admin",
        "applications.view_all_applications",
        "applications.manage_cycles",
        "applications.assign_reviewers",
        "applications.reverse_decision",
        "sites.view_any_site",
        "sites.manage_sites",
        "engagements.log_engagement",
        "engagements.log_engagement_any_site",
        "reports.request_program_reports",
        "reports.configure_reports",
    },
}


def sync_role_groups(apps, schema_editor=None) -> None:
    """Create the role groups and attach every declared permission that exists.

    Runs inside migrations with the historical app registry, so it first creates
    the permissions of the models migrated so far (Django itself only does that
    after the whole `migrate` finishes).
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for dotted in sorted(perms):
            app_label, codename = dotted.split(".", 1)
            perm = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if perm is not None:
                wanted.append(perm)
        group.permissions.add(*wanted)
