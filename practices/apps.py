from django.apps import AppConfig


class PracticesConfig(AppConfig):
    name = "practices"
    verbose_name = "Knowledge base"

    def ready(self):
        from django.apps import apps

        from . import signals, signals_cache, site  # noqa: F401

        # Curators see taggit's admin section as "Tags", not "TAGGIT"; renaming
        # here avoids replacing taggit's entry in INSTALLED_APPS.
        apps.get_app_config("taggit").verbose_name = "Tags"
