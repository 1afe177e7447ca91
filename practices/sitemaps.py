"""The sitemap: every published detail page with its last change. Addresses use
the site's public address (practices/site.py).

One section per kind and language ("practices" in English, "practices-fr", …),
each entry listing the page in every language and the unprefixed English one as
x-default (hreflang alternates, the same set from each language's entry). Django's
own `i18n = True` mixes the languages within a section and materialises every
item of it on each request, which costs too much at 100,000 records.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from django.utils import translation

from .models import (
    BestPractice,
    Finding,
    Initiative,
    Jurisdiction,
    Organization,
    Source,
)
from .site import site_url


class _SiteSitemap(Sitemap):
    # The language of this section's pages.
    language = settings.LANGUAGE_CODE

    def path(self, item):
        return item.get_absolute_url()

    def location(self, item):
        with translation.override(self.language):
            return self.path(item)

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        origin = f"{self.get_protocol(protocol)}://{self.get_domain(site)}"
        for url in urls:
            alternates = {}
            for code, _name in settings.LANGUAGES:
                with translation.override(code):
                    alternates[code] = origin + self.path(url["item"])
            alternates["x-default"] = alternates[settings.LANGUAGE_CODE]
            url["alternates"] = [
                {"lang_code": code, "location": location}
                for code, location in alternates.items()
            ]
        return urls

    def get_domain(self, site=None):
        return urlsplit(site_url()).netloc

    def get_protocol(self, protocol=None):
        return urlsplit(site_url()).scheme or "https"


class RecordSitemap(_SiteSitemap):
    model = None

    def items(self):
        # Only the columns the sitemap reads; ordered so pages are stable.
        return (
            self.model.objects.published().only("pk", "slug", "updated").order_by("pk")
        )

    def lastmod(self, obj):
        return obj.updated


def _sitemap(model_):
    return type(f"{model_.__name__}Sitemap", (RecordSitemap,), {"model": model_})


class PageSitemap(_SiteSitemap):
    def items(self):
        return [
            "practices:home",
            "practices:about",
            "practices:about-basis",
            "practices:about-data",
            "practices:practice-list",
            "practices:initiative-list",
            "practices:jurisdiction-list",
            "practices:finding-list",
            "practices:source-list",
            "practices:tag-list",
            "practices:gaps",
        ]

    def path(self, item):
        return reverse(item)


_SECTIONS = {
    "pages": PageSitemap,
    "practices": _sitemap(BestPractice),
    "initiatives": _sitemap(Initiative),
    "jurisdictions": _sitemap(Jurisdiction),
    "findings": _sitemap(Finding),
    "sources": _sitemap(Source),
    "organizations": _sitemap(Organization),
}


def _in_language(section, code):
    return type(f"{section.__name__}_{code}", (section,), {"language": code})


SITEMAPS = {
    name if code == settings.LANGUAGE_CODE else f"{name}-{code}": _in_language(
        section, code
    )
    for code, _name in settings.LANGUAGES
    for name, section in _SECTIONS.items()
}
