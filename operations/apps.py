from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "operations"
    verbose_name = "Operations"

    def ready(self):
        from django.core.signals import request_finished

        from psp_portal.logs import clear_request_id

        # The request id stays bound until Django has written its own lines for the
        # request (e.g. "Not Found"), then is cleared here.
        request_finished.connect(clear_request_id, dispatch_uid="psp-clear-request-id")
