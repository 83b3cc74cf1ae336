from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "caredesk.core"
    label = "core"
    verbose_name = "CareDesk core"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from caredesk.core import dbguard, permissions

        # Each app declares its permissions in <app>/permissions.py; load them
        # all so the registry is complete before the first request.
        permissions.autodiscover()
        connection_created.connect(dbguard.register_sqlite_functions, dispatch_uid="caredesk_sqlite_guard")
