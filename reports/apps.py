from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports"

    def ready(self):
        # Each app declares the reports about its own data in <app>/report_kinds (module or package).
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("report_kinds")
