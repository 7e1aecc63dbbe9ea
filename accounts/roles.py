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
        "reviews.open_review_queue",
        "sites.view_any_site",
    },
    SELECTING_OFFICIAL: {
        "accounts.open_staff_area",
        "applications.review_application",
        "applications.view_all_applications",
        "applications.assign_reviewers",
        "applications.decide_application",
        "applications.override_screening",
        "reviews.open_review_queue",
        "reviews.release_decisions",
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
        # The Django admin: look up and deactivate accounts, correct jurisdictions.
        "accounts.view_user",
        "accounts.change_user",
        "accounts.view_jurisdiction",
        "accounts.add_jurisdiction",
        "accounts.change_jurisdiction",
        "applications.view_all_applications",
        "applications.manage_cycles",
        "applications.assign_reviewers",
        "applications.reverse_decision",
        "reviews.open_review_queue",
        "sites.view_any_site",
        "sites.manage_sites",
        "engagements.log_engagement",
        "engagements.log_engagement_any_site",
        "reports.request_program_reports",
        "reports.configure_reports",
        "outcomes.manage_outcomes",
        # The operations page: stuck reports, import jobs, scheduled jobs (issue 15).
        "operations.view_operations",
        "notifications.view_mail_log",
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
    attach_role_permissions(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def attach_role_permissions(Group, Permission) -> None:
    """Idempotently create each role group and add the declared permissions that exist."""
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


def sync_roles_after_migrate(sender, apps=None, **kwargs) -> None:
    """post_migrate receiver: keep the groups after `migrate` and after `flush`.

    `flush` (run after every transactional test, and by operators) empties the
    tables the data migrations filled; Django re-creates permissions through
    post_migrate, so the groups are re-created the same way. Acts once, on the
    signal of the last app with models, when every app's permissions exist.
    """
    from django.apps import apps as global_apps

    apps = apps or global_apps  # `flush` sends no registry; `migrate` sends the migrated state
    # Same order as django.core.management.sql.emit_post_migrate_signal.
    with_models = [c for c in global_apps.get_app_configs() if c.models_module is not None]
    if not with_models or sender.label != with_models[-1].label:
        return
    attach_role_permissions(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))
