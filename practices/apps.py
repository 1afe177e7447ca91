from django.apps import AppConfig


class PracticesConfig(AppConfig):
    name = "practices"
    verbose_name = "Knowledge base"

    def ready(self):
        from . import signals, signals_cache, site  # noqa: F401
