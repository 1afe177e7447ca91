"""The knowledge base's content: jurisdictions, organizations, sources, initiatives,
best practices, findings (with their figures) and quotations."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from modeltranslation.manager import get_translatable_fields_for_model
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from .links import slug_url


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("In review")
    PUBLISHED = "published", _("Published")


class Theme(models.TextChoices):
    """The anti-trafficking field's 4P framework."""

    PREVENTION = "prevention", _("Prevention")
    PROTECTION = "protection", _("Protection")
    PROSECUTION = "prosecution", _("Prosecution")
    PARTNERSHIP = "partnership", _("Partnership")


class Basis(models.TextChoices):
    """The type of support behind a finding: who measured or judged what. The
    public rubric (/about/basis/) defines each and says how curators assign it."""

    EVALUATION = "evaluation", _("Evaluation of outcomes")
    AUDIT = "audit", _("Audit or inspection")
    RESEARCH = "research", _("Research study")
    OFFICIAL = "official", _("Official statistics or an official's estimate")
    PROGRAMME = "programme", _("The programme's own figures")
    POLL = "poll", _("Opinion poll")
    AUTHOR = "author", _("The author's assessment")
    TESTIMONY = "testimony", _("Testimony")


class TimeStampedModel(models.Model):
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        abstract = True


# Where a queryset prefetches each record's tags as a plain list
# (selectors.tags_listed).
TAG_LIST = "tag_list"


class ShowsItsTags:
    """For a tagged model: `shown_tags()`, what pages, exports and the API read."""

    def shown_tags(self):
        """Its tags: the list its queryset prefetched (`TAG_LIST`), else from the
        database. Prefetched into the tag manager instead, Django asks
        django-taggit for a queryset per record only to hold the rows
        (bench/README.md, seventh round)."""
        listed = getattr(self, TAG_LIST, None)
        return self.tags.all() if listed is None else listed


class PublishableQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def update(self, **kwargs):
        # modeltranslation would write `title=` to the active language's column
        # alone (`title_en`); it is the original: write it to `title`, which the
        # search triggers and the history read, and to `title_en` alike.
        originals = [
            name
            for name in kwargs
            if name in (get_translatable_fields_for_model(self.model) or ())
        ]
        if not originals:
            return super().update(**kwargs)
        english = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
        kwargs |= {f"{name}_{english}": kwargs[name] for name in originals}
        return models.QuerySet.update(self.rewrite(False), **kwargs)


class Publishable(TimeStampedModel):
    """Content that goes through the editorial workflow before it is public."""

    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        help_text="Only published records appear on public pages, feeds and exports.",
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_reviewed = models.DateField(
        null=True,
        blank=True,
        help_text="When a curator last checked this record against its sources.",
    )
    # Incremented on every save; the admin refuses a save based on an older revision.
    revision = models.PositiveIntegerField(default=1, editable=False)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    # The route of the record's page (its slug the one argument), which the API's
    # summaries read too (links.Addresses); a model whose page is built otherwise
    # overrides get_absolute_url.
    page_route = None

    @property
    def is_published(self):
        return self.status == Status.PUBLISHED

    def get_absolute_url(self):
        return slug_url(self.page_route, self.slug)

    def save(self, *args, **kwargs):
        if self.status == Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        # A translated field's own column (`title`, beside `title_en`, `title_fr`…)
        # is written as the field reads in the active language: saved in English,
        # it always holds the English original, which the search triggers index
        # and the history shows, whatever language the curator's page was in.
        with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
            super().save(*args, **kwargs)


YEAR_VALIDATORS = [MinValueValidator(1800), MaxValueValidator(2100)]


def search_vector_field():
    """The record's weighted full-text vector, stored so that search ranks without
    recomputing it. On PostgreSQL a trigger (migrations 0004, 0016) fills it on every
    insert and update, whatever writes the row; elsewhere it stays empty. Not
    serialized (dumps and fixtures leave it out) and not kept in history."""
    return SearchVectorField(null=True, editable=False, serialize=False)


class Jurisdiction(Publishable):
    class Kind(models.TextChoices):
        COUNTRY = "country", _("Country")
        STATE = "state", _("State or province")
        CITY = "city", _("City")
        REGION = "region", _("Region")

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    iso_code = models.CharField(
        "ISO 3166 code",
        max_length=6,
        blank=True,
        help_text="ISO 3166-1 alpha-2 for a country (SE), ISO 3166-2 for a subdivision "
        "(US-MA, AU-VIC). Leave empty where none exists (most cities).",
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="The jurisdiction this one lies in: the state of a city, the country "
        "of a state.",
    )
    # "/<pk of country>/<pk of state>/<pk>/": lets a country's page and filters take
    # in everything below it with one indexed prefix match. Kept by signals.
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    alternate_names = models.CharField(
        max_length=500,
        blank=True,
        help_text="Other names the place is known by, separated by commas (Gothenburg "
        "for Göteborg): search finds the place and its records under these too.",
    )
    description = models.TextField(blank=True, help_text="Markdown.")

    # `history`: registered in translation.py, once the translated fields exist.

    class Meta:
        ordering = ["name"]
        # The practice list's default order starts with the jurisdiction's name.
        indexes = [models.Index(fields=["name"], name="jurisdiction_name")]
        constraints = [
            models.UniqueConstraint(
                fields=["iso_code"],
                condition=~Q(iso_code=""),
                name="jurisdiction_iso_code_unique",
            ),
        ]

    def __str__(self):
        return self.name

    page_route = "practices:jurisdiction-detail"

    def compute_path(self):
        prefix = self.parent.path if self.parent_id else "/"
        return f"{prefix}{self.pk}/"

    def descendants_and_self(self):
        return Jurisdiction.objects.filter(path__startswith=self.path)

    def ancestors(self):
        ids = [int(part) for part in self.path.strip("/").split("/") if part]
        by_id = Jurisdiction.objects.in_bulk(ids)
        return [by_id[i] for i in ids if i != self.pk and i in by_id]

    @property
    def country(self):
        ancestors = self.ancestors()
        return ancestors[0] if ancestors else self


class Organization(Publishable):
    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("Government body")
        LAW_ENFORCEMENT = "law-enforcement", _("Police or law enforcement")
        NGO = "ngo", _("Non-governmental organization")
        RESEARCH = "research", _("University or research institute")
        LEGISLATURE = "legislature", _("Legislature or intergovernmental body")
        OTHER = "other", _("Other")

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organizations",
    )
    description = models.TextField(blank=True, help_text="Markdown.")
    website = models.URLField(blank=True)

    # `history`: registered in translation.py, once the translated fields exist.

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    page_route = "practices:organization-detail"


class Source(Publishable):
    """A bibliographic record: a book, or a study, audit, poll or statement that a book
    reports (then `reported_in` points to the book and `locator` says where)."""

    class Kind(models.TextChoices):
        BOOK = "book", _("Book")
        STUDY = "study", _("Study")
        AUDIT = "audit", _("Audit or inspection")
        REPORT = "report", _("Report")
        POLL = "poll", _("Opinion poll")
        RESEARCH = "research", _("Research programme")
        STATEMENT = "statement", _("Statement")
        LAW = "law", _("Law")
        WEBPAGE = "webpage", _("Web page")

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    authors = models.CharField(
        max_length=300,
        blank=True,
        help_text="Personal authors, 'Last, First' separated by ';'. Leave empty when "
        "unknown or when the author is an organization.",
    )
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sources",
        help_text="The organization that produced it, where the text names one.",
    )
    year = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=YEAR_VALIDATORS
    )
    date_text = models.CharField(
        max_length=100,
        blank=True,
        help_text="A date as the text gives it: 'July 2008'.",
    )
    publisher = models.CharField(max_length=200, blank=True)
    isbn = models.CharField("ISBN", max_length=20, blank=True)
    url = models.URLField("URL", blank=True)
    language = models.CharField(max_length=10, default="en")
    reported_in = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reported_sources",
        help_text="The work in which we read about this source (we cite it as reported "
        "there).",
    )
    locator = models.CharField(
        max_length=200,
        blank=True,
        help_text="Where in the reporting work: a chapter or section heading.",
    )
    description = models.TextField(blank=True, help_text="Markdown.")
    search_vector = search_vector_field()

    # `history`: registered in translation.py, once the translated fields exist.

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    page_route = "practices:source-detail"


class TaggedInitiative(TaggedItemBase):
    content_object = models.ForeignKey("Initiative", on_delete=models.CASCADE)

    class Meta:
        # A tag once per record: facets count rows without DISTINCT, through this
        # (tag, record) index alone.
        constraints = [
            models.UniqueConstraint(
                fields=["tag", "content_object"], name="taggedinitiative_unique"
            )
        ]


class TaggedPractice(TaggedItemBase):
    content_object = models.ForeignKey("BestPractice", on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tag", "content_object"], name="taggedpractice_unique"
            )
        ]


def theme_rule(theme, via=""):
    """The one rule for the theme an initiative, and with it its findings, counts
    under: the themes of the published practices it illustrates; or, when it
    illustrates none, its own theme (Initiative.theme). `via` is the lookup from
    the queried model to the initiative ("initiative__" for findings).

    It joins the practices, so a row may match more than once: filter by it through
    `in_theme`, which keeps each row once."""
    practice_themed = Q(
        **{
            f"{via}practices__theme": theme,
            f"{via}practices__status": Status.PUBLISHED,
        }
    )
    own_theme = Q(**{f"{via}theme": theme}) & ~Q(
        **{f"{via}practices__status": Status.PUBLISHED}
    )
    return practice_themed | own_theme


class InitiativeQuerySet(PublishableQuerySet):
    def in_theme(self, theme):
        """Initiatives that count under a theme (`theme_rule`). The rule is tested
        on this queryset's own rows, so a narrowed queryset (one country's) is
        cheap to test."""
        return self.filter(pk__in=self.filter(theme_rule(theme)).values("pk"))


class Initiative(ShowsItsTags, Publishable):
    """A concrete programme, law, police unit or process, campaign, hotline or
    operation, run in a jurisdiction."""

    class Kind(models.TextChoices):
        PROGRAMME = "programme", _("Programme")
        LAW = "law", _("Law")
        POLICE = "police", _("Police unit or process")
        TASK_FORCE = "task-force", _("Task force")
        CAMPAIGN = "campaign", _("Campaign")
        HOTLINE = "hotline", _("Hotline")
        OPERATION = "operation", _("Operation")
        ACTION_PLAN = "action-plan", _("National action plan")
        OUTREACH = "outreach", _("Community outreach")

    class Role(models.TextChoices):
        EXAMPLE = "example", _("Example to learn from")
        CAUTIONARY = "cautionary", _("Contrasting or cautionary example")

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    role = models.CharField(
        max_length=10,
        choices=Role.choices,
        default=Role.EXAMPLE,
        help_text="Cautionary examples are shown as contrasts and never as best "
        "practice.",
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="initiatives"
    )
    lead_organizations = models.ManyToManyField(
        Organization, blank=True, related_name="initiatives"
    )
    part_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="parts",
        help_text="The larger initiative this one belongs to, such as a national "
        "action plan.",
    )
    start_year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=YEAR_VALIDATORS,
        help_text="Only where the source gives it.",
    )
    theme = models.CharField(
        max_length=12,
        choices=Theme.choices,
        blank=True,
        help_text="For an initiative that illustrates no practice: the theme its "
        "findings count under. Otherwise its practices' themes are used.",
    )
    summary = models.CharField(max_length=300, help_text="One sentence, attributed.")
    description = models.TextField(blank=True, help_text="Markdown.")
    sources = models.ManyToManyField(
        Source, through="InitiativeSource", related_name="initiatives"
    )
    tags = TaggableManager(through=TaggedInitiative, blank=True)
    search_vector = search_vector_field()

    objects = InitiativeQuerySet.as_manager()
    # `history`: registered in translation.py, once the translated fields exist.

    class Meta:
        ordering = ["title"]
        indexes = [
            models.Index(fields=["status", "-updated"], name="initiative_pub_upd")
        ]

    def __str__(self):
        return self.title

    page_route = "practices:initiative-detail"


class BestPractice(ShowsItsTags, Publishable):
    """One recommendation from a source's list of best practices."""

    title = models.CharField(max_length=200, help_text="A short label for lists.")
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)
    recommendation = models.TextField(
        help_text="The recommendation in the source's own words."
    )
    theme = models.CharField(max_length=12, choices=Theme.choices)
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        on_delete=models.PROTECT,
        related_name="practices",
        help_text="Where the practice comes from.",
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Its place in the source's list."
    )
    initiatives = models.ManyToManyField(
        Initiative,
        blank=True,
        related_name="practices",
        help_text="Initiatives that illustrate the practice.",
    )
    discussion = models.TextField(blank=True, help_text="Markdown.")
    sources = models.ManyToManyField(
        Source, through="PracticeSource", related_name="practices"
    )
    tags = TaggableManager(through=TaggedPractice, blank=True)
    search_vector = search_vector_field()

    # `history`: registered in translation.py, once the translated fields exist.

    class Meta:
        ordering = ["jurisdiction__name", "position", "title"]
        verbose_name = "best practice"
        indexes = [
            models.Index(fields=["status", "-updated"], name="practice_pub_upd"),
            models.Index(fields=["status", "theme"], name="practice_pub_theme"),
            # Sorting by title, and the related practices that share one tag.
            models.Index(fields=["status", "title"], name="practice_pub_title"),
            # A country's published practices, read from the index alone (no heap
            # page per practice): the filtered list's page, count and facets each
            # start from them, and the API picks a filtered page by slug
            # (PostgreSQL keeps the slug in the index; SQLite has no INCLUDE).
            models.Index(
                fields=["jurisdiction", "status", "id"],
                include=["slug"],
                name="practice_place_pub",
            ),
        ]

    def __str__(self):
        return self.title

    page_route = "practices:practice-detail"


class Citation(models.Model):
    """Where in a source a record is drawn from."""

    locator = models.CharField(
        max_length=200, blank=True, help_text="Chapter or section heading."
    )

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.source} ({self.locator})" if self.locator else str(self.source)


class InitiativeSource(Citation):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE)
    source = models.ForeignKey(Source, on_delete=models.PROTECT)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "source", "locator"],
                name="initiativesource_unique",
            )
        ]


class PracticeSource(Citation):
    practice = models.ForeignKey(BestPractice, on_delete=models.CASCADE)
    source = models.ForeignKey(Source, on_delete=models.PROTECT)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "source", "locator"], name="practicesource_unique"
            )
        ]


class FindingQuerySet(PublishableQuerySet):
    def in_theme(self, theme):
        """Findings that count under a theme: those of initiatives that count under
        it (`theme_rule`), so that comparisons and the gap map never drop
        evidence."""
        themed = self.filter(theme_rule(theme, via="initiative__"))
        return self.filter(pk__in=themed.values("pk"))


class Finding(Publishable):
    """A figure or evaluative statement, attributed to its source."""

    class Kind(models.TextChoices):
        COUNT = "count", _("Count")
        CHANGE = "change", _("Change over time (before and after)")
        COMPARISON = "comparison", _("Comparison between places")
        SHARE = "share", _("Share or percentage")
        ESTIMATE = "estimate", _("Estimate")
        STUDY = "study", _("Study result")
        POLL = "poll", _("Poll")
        ASSESSMENT = "assessment", _("Evaluative statement")

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    statement = models.TextField(
        help_text="What the source reports, close to its words; numbers exactly as "
        "written."
    )
    basis = models.CharField(
        "type of support",
        max_length=12,
        choices=Basis.choices,
        blank=True,
        db_index=True,
        help_text="Who measured or judged what: see the rubric at /about/basis/.",
    )
    claimant = models.CharField(
        max_length=300,
        blank=True,
        help_text="Whose claim or estimate this is, when not the source's author: "
        "'the head of Sweden's national human trafficking unit'.",
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="findings"
    )
    initiative = models.ForeignKey(
        Initiative,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="findings",
    )
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="findings"
    )
    locator = models.CharField(
        max_length=200, blank=True, help_text="Chapter or section heading."
    )
    period_start = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=YEAR_VALIDATORS
    )
    period_end = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=YEAR_VALIDATORS
    )
    period_text = models.CharField(
        max_length=100, blank=True, help_text="The period as the text gives it."
    )
    search_vector = search_vector_field()

    objects = FindingQuerySet.as_manager()
    # `history`: registered in translation.py, once the translated fields exist.

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_start__lte=models.F("period_end")),
                name="finding_period_ordered",
            )
        ]
        indexes = [models.Index(fields=["status", "-updated"], name="finding_pub_upd")]

    def __str__(self):
        return self.title

    page_route = "practices:finding-detail"


class FindingFigure(models.Model):
    """One number of a finding: a before or after value, one place of a comparison,
    a share. A range ('between 105 and 130') has `value` and `value_max`."""

    finding = models.ForeignKey(
        Finding, on_delete=models.CASCADE, related_name="figures"
    )
    position = models.PositiveSmallIntegerField(default=0)
    label = models.CharField(
        max_length=200, help_text="What the number counts: 'Stockholm, 1998'."
    )
    qualifier = models.CharField(
        max_length=30,
        blank=True,
        help_text="As the text qualifies the number: 'over', 'more than'.",
    )
    value = models.DecimalField(max_digits=16, decimal_places=2)
    value_max = models.DecimalField(
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Upper end, when the text gives a range.",
    )
    unit = models.CharField(
        max_length=100, help_text="'women', 'percent', 'calls a month'."
    )
    year = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=YEAR_VALIDATORS
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="figures",
        help_text="The place the number is about, when it differs from the finding's.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["finding", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value_max__isnull=True)
                | Q(value_max__gte=models.F("value")),
                name="figure_range_ordered",
            )
        ]

    def __str__(self):
        return f"{self.label}: {self.value}"


class Quotation(Publishable):
    """Words attributed to a named or described speaker."""

    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)
    text = models.TextField(help_text="The words exactly as quoted.")
    speaker_name = models.CharField(max_length=200, blank=True)
    speaker_description = models.CharField(
        max_length=300,
        help_text="Who the speaker is, as the source describes them: 'deputy prime "
        "minister of Sweden', 'one Swedish police officer'.",
    )
    context = models.TextField(
        blank=True, help_text="How the source introduces the quotation."
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="quotations",
    )
    initiative = models.ForeignKey(
        Initiative,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="quotations",
    )
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="quotations"
    )
    locator = models.CharField(max_length=200, blank=True)

    # `history`: registered in translation.py, once the translated fields exist.

    class Meta:
        ordering = ["speaker_name", "slug"]

    def __str__(self):
        speaker = self.speaker_name or self.speaker_description
        words = self.text.split()
        return f"{speaker}: “{' '.join(words[:8])}{'…' if len(words) > 8 else ''}”"

    @property
    def speaker(self):
        if self.speaker_name:
            return f"{self.speaker_name}, {self.speaker_description}"
        return self.speaker_description

    def get_absolute_url(self):
        target = self.initiative or self.jurisdiction
        base = target.get_absolute_url() if target else self.source.get_absolute_url()
        return f"{base}#quote-{self.slug}"


class ContentGeneration(models.Model):
    """One row: a counter bumped in the same transaction as every content save.

    The page cache (practices/cache.py) compares it with the generation token it
    keeps in Redis, so a save whose invalidation could not reach Redis (Redis was
    down) still retires every page rendered before it once Redis is back, even
    if the process that saved has exited since. Changed only through
    `QuerySet.update()`, which sends no signal, so it never counts as content.
    """

    counter = models.PositiveBigIntegerField(default=0)
    # The counter's value at the last change that may alter the counts over
    # everything published (facets, totals, the gap map): a save that only
    # rewrites a record's text leaves it, so those counts survive it.
    counts_counter = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = "content generation"


# --- The editorial workflow: review comments, pending changes, withdrawn versions ---


class RecordLink(models.Model):
    """Points at one content record of any model (the workflow's rows are the same
    for practices, initiatives, sources…)."""

    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveIntegerField()

    class Meta:
        abstract = True


class ReviewComment(RecordLink):
    """One step of a record's review, with who took it and what they said: kept
    with the record's history (the history page lists them)."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted for review")
        CHANGES_REQUESTED = "changes", _("Changes requested")
        APPROVED = "approved", _("Approved and published")
        DISCARDED = "discarded", _("Pending changes discarded")
        UNPUBLISHED = "unpublished", _("Unpublished")
        WITHDRAWN = "withdrawn", _("Version withdrawn")

    action = models.CharField(max_length=12, choices=Action.choices)
    text = models.TextField("comment", blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        permissions = [
            (
                "publish_content",
                "Can approve and publish content, request changes, unpublish and "
                "withdraw versions",
            )
        ]

    def __str__(self):
        return f"{self.get_action_display()} by {self.author or 'someone'}"


class PendingChange(RecordLink):
    """An edit of a published record that is not public yet: the edit form's data
    as submitted (fields, tags, inline rows), applied when an editor publishes it.
    The live row stays untouched until then."""

    data = models.JSONField(help_text="The edit form's submitted data, field by list.")
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    edited_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    revision = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="The record's revision this change was saved at: publishing or "
        "discarding it is refused once a newer edit has replaced it.",
    )

    class Meta:
        ordering = ["-edited_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                name="pendingchange_one_per_rec",
            )
        ]

    def __str__(self):
        return f"Pending change of {self.content_type} {self.object_id}"


class WithdrawnVersion(RecordLink):
    """A public version an editor withdrew: its permalink then says so, when and
    why, instead of showing the text (citations don't silently break)."""

    history_id = models.PositiveIntegerField(
        help_text="The historical row the version is read from."
    )
    reason = models.TextField()
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-withdrawn_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "history_id"],
                name="withdrawnversion_unique",
            )
        ]

    def __str__(self):
        return f"Withdrawn version (history row {self.history_id})"


# Suggestions and the import log live in their own module; importing them here is
# what registers them with the app.
from .curation_models import ImportRecord, Suggestion  # noqa: E402, F401
