"""The sitemap: every published detail page with its last change. Addresses use
the site's public address (practices/site.py)."""

from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

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

    def location(self, item):
        return reverse(item)


SITEMAPS = {
    "pages": PageSitemap,
    "practices": _sitemap(BestPractice),
    "initiatives": _sitemap(Initiative),
    "jurisdictions": _sitemap(Jurisdiction),
    "findings": _sitemap(Finding),
    "sources": _sitemap(Source),
    "organizations": _sitemap(Organization),
}
