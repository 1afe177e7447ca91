from django.apps import AppConfig


class PracticesConfig(AppConfig):
    name = "practices"
    verbose_name = "Knowledge base"

    def ready(self):
        from . import signals  # noqa: F401
