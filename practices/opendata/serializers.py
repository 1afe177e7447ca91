"""The API's representation of each published record: its own fields, its
addresses (page, API, version permalink), and its relations as short summaries
with their addresses. A relation to a record that is not published is null or left
out, never shown. Every field has a description, which the OpenAPI schema carries.
"""

from functools import cached_property

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .. import languages
from ..links import Addresses
from ..models import Status
from ..site import absolute
from ..versions import KINDS, version_url
from . import package

ID_HELP = "The record's number in the database; stable, but prefer the slug."
SLUG_HELP = "The record's identifier, as in its page address; stable."


class BuildsAddresses:
    """A field or serializer whose addresses are built for the one response it
    serves (DRF copies a serializer's fields for each one): links.Addresses."""

    @cached_property
    def addresses(self):
        return Addresses()


class AddressesField(BuildsAddresses, serializers.Field):
    pass


@extend_schema_field(OpenApiTypes.URI)
class PageUrlField(AddressesField):
    """The address of the record's page on the site."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "The address of the record's page.")
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        route = getattr(value, "page_route", None)
        if route is None:  # a page of its own making (a quotation's anchor)
            return absolute(value.get_absolute_url())
        return self.addresses(route, value.slug)


@extend_schema_field(OpenApiTypes.URI)
class ApiUrlField(AddressesField):
    """The address of the record in this API."""

    def __init__(self, route, lookup="slug", **kwargs):
        self.route = route
        self.lookup = lookup
        kwargs.setdefault("help_text", "The address of the record in this API.")
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        return self.addresses(f"api:{self.route}", getattr(value, self.lookup))


@extend_schema_field(OpenApiTypes.URI)
class TagPageUrlField(PageUrlField):
    def to_representation(self, value):
        return self.addresses("practices:tag-detail", value.slug)


@extend_schema_field(OpenApiTypes.STR)
class LanguageField(serializers.Field):
    """The language field `name` is given in: the one asked for (?lang=) where a
    curator translated it, else en, the original."""

    def __init__(self, name, **kwargs):
        self.text_field = name
        kwargs.setdefault(
            "help_text", f"The language of {name}: en (the original), fr or es."
        )
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        return languages.language_of(value, self.text_field)


class Summary(BuildsAddresses, serializers.Serializer):
    """A related record in short (its slug, title or name, page and API
    addresses); null when it is not published.

    The fields describe it for the schema; the answer is built as a dict
    directly. A list of fifty practices holds some four hundred summaries (each
    one's place, tags, sources and initiatives), and walking each one's four
    fields through DRF's machinery was much of the API list's time
    (bench/README.md, eighth round).
    """

    named_by = "title"  # the attribute given with the slug
    route = None  # the API's
    page_route = None  # the page's, for records without one of their own (tags)

    def to_representation(self, instance):
        if getattr(instance, "status", Status.PUBLISHED) != Status.PUBLISHED:
            return None
        slug = instance.slug
        return {
            "slug": slug,
            self.named_by: getattr(instance, self.named_by),
            "url": self.addresses(self.page_route or instance.page_route, slug),
            "api_url": self.addresses(f"api:{self.route}", slug),
        }


def summary(name, route, label):
    """A summary serializer class: slug, its title or name, page and API URLs."""
    fields = {
        "slug": serializers.CharField(read_only=True, help_text=SLUG_HELP),
        label: serializers.CharField(read_only=True, help_text=f"Its {label}."),
        "url": PageUrlField(),
        "api_url": ApiUrlField(route),
        "named_by": label,
        "route": route,
    }
    return type(name, (Summary,), fields)


JurisdictionSummary = summary("JurisdictionSummary", "jurisdiction-detail", "name")
OrganizationSummary = summary("OrganizationSummary", "organization-detail", "name")
SourceSummary = summary("SourceSummary", "source-detail", "title")
InitiativeSummary = summary("InitiativeSummary", "initiative-detail", "title")
PracticeSummary = summary("PracticeSummary", "practice-detail", "title")
FindingSummary = summary("FindingSummary", "finding-detail", "title")


class TagSummary(Summary):
    named_by = "name"
    route = "tag-detail"
    page_route = "practices:tag-detail"

    slug = serializers.CharField(read_only=True, help_text="The tag's identifier.")
    name = serializers.CharField(read_only=True, help_text="The tag as shown.")
    url = TagPageUrlField(help_text="The page listing what carries the tag.")
    api_url = ApiUrlField("tag-detail")


class CitationSerializer(serializers.Serializer):
    """A source cited by a record, with the section cited."""

    source = SourceSummary(read_only=True, help_text="The source cited.")
    locator = serializers.CharField(
        read_only=True, help_text="The section of the source it comes from."
    )

    def to_representation(self, instance):
        # Built directly, as a Summary is.
        return {
            "source": self.fields["source"].to_representation(instance.source),
            "locator": instance.locator,
        }


class RecordSerializer(serializers.Serializer):
    """What every published record has."""

    id = serializers.IntegerField(read_only=True, help_text=ID_HELP)
    slug = serializers.CharField(read_only=True, help_text=SLUG_HELP)
    url = PageUrlField()
    created = serializers.DateTimeField(
        read_only=True, help_text="When the record was created (ISO 8601, UTC)."
    )
    updated = serializers.DateTimeField(
        read_only=True, help_text="When the record last changed (ISO 8601, UTC)."
    )
    published_at = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text="When the record was first published (ISO 8601, UTC).",
    )


class VersionedSerializer(RecordSerializer):
    """A citable record: its current version number and that version's permalink."""

    kind_key = None

    version = serializers.IntegerField(
        read_only=True,
        source="version_number",
        help_text="The current version number (published versions counted from "
        "1); 0 for a record loaded without history, which has no permalink yet.",
    )
    version_url = serializers.SerializerMethodField(
        help_text="The permanent address of the current version, to cite; null "
        "when there is none yet."
    )

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_version_url(self, obj):
        number = getattr(obj, "version_number", 0) or 0
        if not number:
            return None
        return absolute(version_url(KINDS[self.kind_key], obj.slug, number))


class FigureSerializer(serializers.Serializer):
    label = serializers.CharField(read_only=True, help_text="What is counted.")
    qualifier = serializers.CharField(
        read_only=True,
        help_text="A word the source puts before the number "
        "(“about”, “more than”), or empty.",
    )
    value = serializers.DecimalField(
        max_digits=16,
        decimal_places=2,
        coerce_to_string=False,
        read_only=True,
        help_text="The number, as a JSON number.",
    )
    value_max = serializers.DecimalField(
        max_digits=16,
        decimal_places=2,
        coerce_to_string=False,
        read_only=True,
        allow_null=True,
        help_text="The upper end of a range, or null.",
    )
    unit = serializers.CharField(read_only=True, help_text="The unit, or empty.")
    year = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="The year it refers to, or null."
    )


def _described(table, name, field_class=serializers.CharField, **extra):
    """A field whose description is the data package's for the same column."""
    if field_class is not serializers.CharField:
        extra["allow_null"] = True
    return field_class(
        read_only=True, help_text=package.description(table, name), **extra
    )


def _jurisdiction():
    return JurisdictionSummary(
        read_only=True,
        allow_null=True,
        help_text="Its jurisdiction (country, state or city); null if not published.",
    )


def _tags():
    return TagSummary(
        many=True, read_only=True, source="shown_tags", help_text="Its tags."
    )


def _citations(source="citations"):
    return CitationSerializer(
        many=True,
        read_only=True,
        source=source,
        help_text="The published sources it is drawn from, in citation order.",
    )


class PracticeSerializer(VersionedSerializer):
    kind_key = "practice"
    api_url = ApiUrlField("practice-detail")
    title = _described("practices", "title")
    title_lang = LanguageField("title")
    theme = _described("practices", "theme")
    recommendation = _described("practices", "recommendation")
    recommendation_lang = LanguageField("recommendation")
    discussion = _described("practices", "discussion")
    discussion_lang = LanguageField("discussion")
    position = _described("practices", "position", serializers.IntegerField)
    jurisdiction = _jurisdiction()
    initiatives = InitiativeSummary(
        many=True,
        read_only=True,
        source="published_initiatives",
        help_text="The published initiatives that illustrate it.",
    )
    tags = _tags()
    sources = _citations()


class InitiativeSerializer(VersionedSerializer):
    kind_key = "initiative"
    api_url = ApiUrlField("initiative-detail")
    title = _described("initiatives", "title")
    title_lang = LanguageField("title")
    kind = _described("initiatives", "kind")
    role = _described("initiatives", "role")
    theme = serializers.CharField(
        read_only=True,
        help_text="Its own theme, for an initiative that illustrates no practice; "
        "otherwise usually empty (it takes its practices' themes).",
    )
    start_year = _described("initiatives", "start_year", serializers.IntegerField)
    summary = _described("initiatives", "summary")
    summary_lang = LanguageField("summary")
    description = _described("initiatives", "description")
    description_lang = LanguageField("description")
    jurisdiction = _jurisdiction()
    part_of = InitiativeSummary(
        read_only=True, allow_null=True, help_text="The larger initiative, if any."
    )
    lead_organizations = OrganizationSummary(
        many=True,
        read_only=True,
        source="published_leads",
        help_text="The published organizations that lead it.",
    )
    practices = PracticeSummary(
        many=True,
        read_only=True,
        source="published_practices",
        help_text="The published best practices it illustrates.",
    )
    tags = _tags()
    sources = _citations()


class JurisdictionSerializer(VersionedSerializer):
    kind_key = "jurisdiction"
    api_url = ApiUrlField("jurisdiction-detail")
    name = _described("jurisdictions", "name")
    kind = _described("jurisdictions", "kind")
    iso_code = _described("jurisdictions", "iso_code")
    description = _described("jurisdictions", "description")
    description_lang = LanguageField("description")
    parent = JurisdictionSummary(
        read_only=True, allow_null=True, help_text="The jurisdiction it lies in."
    )
    practice_count = serializers.IntegerField(
        read_only=True,
        help_text="Published best practices in it and everywhere below it.",
    )
    initiative_count = serializers.IntegerField(
        read_only=True, help_text="Published initiatives in it and everywhere below it."
    )
    finding_count = serializers.IntegerField(
        read_only=True, help_text="Published findings in it and everywhere below it."
    )


class FindingSerializer(VersionedSerializer):
    kind_key = "finding"
    api_url = ApiUrlField("finding-detail")
    # Described once, in the data package (package.TABLES), which the data
    # dictionary on /data/ also shows.
    title = _described("findings", "title")
    title_lang = LanguageField("title")
    kind = _described("findings", "kind")
    basis = _described("findings", "basis")
    statement = _described("findings", "statement")
    statement_lang = LanguageField("statement")
    claimant = _described("findings", "claimant")
    period_start = _described("findings", "period_start", serializers.IntegerField)
    period_end = _described("findings", "period_end", serializers.IntegerField)
    period_text = _described("findings", "period_text")
    locator = _described("findings", "locator")
    jurisdiction = _jurisdiction()
    initiative = InitiativeSummary(
        read_only=True, allow_null=True, help_text="The initiative it is about, if any."
    )
    source = SourceSummary(read_only=True, allow_null=True, help_text="Its source.")
    figures = FigureSerializer(
        many=True, read_only=True, help_text="Its numbers, as numbers."
    )


class SourceSerializer(RecordSerializer):
    api_url = ApiUrlField("source-detail")
    title = _described("sources", "title")
    kind = _described("sources", "kind")
    authors = _described("sources", "authors")
    year = _described("sources", "year", serializers.IntegerField)
    date_text = _described("sources", "date_text")
    publisher = _described("sources", "publisher")
    isbn = _described("sources", "isbn")
    source_url = _described("sources", "source_url", source="url")
    url = PageUrlField()
    locator = _described("sources", "locator")
    description = serializers.CharField(read_only=True, help_text="Markdown.")
    description_lang = LanguageField("description")
    organization = OrganizationSummary(
        read_only=True, allow_null=True, help_text="The organization that produced it."
    )
    reported_in = SourceSummary(
        read_only=True, allow_null=True, help_text="The work it is reported in."
    )


class OrganizationSerializer(RecordSerializer):
    api_url = ApiUrlField("organization-detail")
    name = _described("organizations", "name")
    kind = _described("organizations", "kind")
    description = serializers.CharField(read_only=True, help_text="Markdown.")
    description_lang = LanguageField("description")
    website = _described("organizations", "website")
    jurisdiction = _jurisdiction()


class QuotationSerializer(RecordSerializer):
    api_url = ApiUrlField("quotation-detail")
    text = serializers.CharField(read_only=True, help_text="The words as quoted.")
    speaker = serializers.CharField(
        read_only=True, help_text="Who said it, as the source describes them."
    )
    context = serializers.CharField(
        read_only=True, help_text="How the source introduces it."
    )
    context_lang = LanguageField("context")
    locator = serializers.CharField(read_only=True, help_text="The section.")
    jurisdiction = _jurisdiction()
    initiative = InitiativeSummary(
        read_only=True, allow_null=True, help_text="The initiative it is about, if any."
    )
    source = SourceSummary(read_only=True, allow_null=True, help_text="Its source.")


class TagSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True, help_text=ID_HELP)
    slug = serializers.CharField(read_only=True, help_text="The tag's identifier.")
    name = serializers.CharField(read_only=True, help_text="The tag as shown.")
    url = TagPageUrlField(help_text="The page listing what carries the tag.")
    api_url = ApiUrlField("tag-detail")
    practice_count = serializers.IntegerField(
        read_only=True, help_text="Published best practices carrying it."
    )
    initiative_count = serializers.IntegerField(
        read_only=True, help_text="Published initiatives carrying it."
    )
