from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self):
        from allauth.mfa.signals import authentication_failed, authenticator_removed
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from .mfa import forget_totp_enrolment
        from .middleware import remember_session_start
        from .roles import sync_roles_after_migrate
        from .signin_audit import record_failed_mfa_code, record_failed_sign_in

        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="accounts.sync_roles")
        user_logged_in.connect(remember_session_start, dispatch_uid="accounts.session_start")
        authenticator_removed.connect(forget_totp_enrolment, dispatch_uid="accounts.forget_totp")
        # Refused sign-ins and codes go to the audit trail (accounts.signin_audit).
        user_login_failed.connect(record_failed_sign_in, dispatch_uid="accounts.audit_sign_in")
        authentication_failed.connect(record_failed_mfa_code, dispatch_uid="accounts.audit_mfa")
