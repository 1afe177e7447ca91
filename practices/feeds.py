"""Atom feeds of new and updated best practices: all, per tag, per jurisdiction
(with everything within it). Only published practices appear."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from taggit.models import Tag

from .models import BestPractice, Jurisdiction
from .selectors import within
from .site import absolute

LIMIT = 50


class PracticeFeed(Feed):
    feed_type = Atom1Feed

    def title(self, obj=None):
        return _("New and updated best practices · %(site)s") % {
            "site": settings.SITE_NAME
        }

    # Absolute links on the public address (practices/site.py), not on whatever
    # host Django's syndication framework would take from the request.
    def link(self, obj=None):
        return absolute(reverse("practices:practice-list"))

    def feed_url(self, obj=None):
        return absolute(reverse("practices:feed-practices"))

    def item_link(self, item):
        return absolute(item.get_absolute_url())

    def subtitle(self, obj=None):
        return _(
            "Best practices recommended by published sources, newest changes first."
        )

    def author_name(self, obj=None):
        return settings.SITE_NAME

    def practices(self, obj):
        return BestPractice.objects.published()

    def items(self, obj=None):
        return (
            self.practices(obj)
            .select_related("jurisdiction")
            .order_by("-updated", "pk")[:LIMIT]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        theme = item.get_theme_display()
        words = Truncator(item.recommendation).words(60)
        return _("%(theme)s, %(place)s. Recommended by its source: %(words)s") % {
            "theme": theme,
            "place": item.jurisdiction.name,
            "words": words,
        }

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated

    def item_categories(self, item):
        return [item.get_theme_display()]


class TagPracticeFeed(PracticeFeed):
    def get_object(self, request, slug):
        tag = get_object_or_404(Tag, slug=slug)
        if not BestPractice.objects.published().filter(tags__slug=tag.slug).exists():
            # Like the tag page: a tag only on drafts stays unknown.
            raise Http404(_("No published practice carries this tag."))
        return tag

    def title(self, obj=None):
        return _("Best practices tagged “%(tag)s” · %(site)s") % {
            "tag": obj.name,
            "site": settings.SITE_NAME,
        }

    def link(self, obj=None):
        return absolute(reverse("practices:tag-detail", kwargs={"slug": obj.slug}))

    def feed_url(self, obj=None):
        return absolute(reverse("practices:feed-tag", kwargs={"slug": obj.slug}))

    def practices(self, obj):
        return BestPractice.objects.published().filter(tags__slug=obj.slug)


class JurisdictionPracticeFeed(PracticeFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Jurisdiction.objects.published(), slug=slug)

    def title(self, obj=None):
        return _("Best practices from %(place)s · %(site)s") % {
            "place": obj.name,
            "site": settings.SITE_NAME,
        }

    def link(self, obj=None):
        return absolute(obj.get_absolute_url())

    def feed_url(self, obj=None):
        return absolute(
            reverse("practices:feed-jurisdiction", kwargs={"slug": obj.slug})
        )

    def practices(self, obj):
        return BestPractice.objects.published().filter(within(obj))
