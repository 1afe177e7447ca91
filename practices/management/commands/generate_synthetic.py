"""Fill a database with synthetic content at scale, for benchmarks and load tests.

Every record it makes is marked: slugs start with `synthetic-`, titles and names with
"[Synthetic]", and each one cites the Source "Synthetic data — not real". It writes
only to the database (never to fixtures/) and `--clear` removes only what it made.
"""

import random
import sys
import time
from datetime import timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag, TaggedItem

from practices.models import (
    BestPractice,
    Finding,
    FindingFigure,
    Initiative,
    InitiativeSource,
    Jurisdiction,
    Organization,
    PracticeSource,
    Quotation,
    Source,
    Status,
    TaggedInitiative,
    TaggedPractice,
    Theme,
)

PREFIX = "synthetic-"
MARK = "[Synthetic]"
SOURCE_SLUG = "synthetic-data-not-real"
SOURCE_TITLE = "Synthetic data — not real"

# One record in DRAFT_EVERY is a draft, so visibility filters have work to do.
DRAFT_EVERY = 20

SYLLABLES = (
    "ar bel cor dan el fen gar hal ir jor kal len mor nor os pel quin ras sel tor "
    "ul val wen yor zan bra cla dro fri glo kra lum mira nesa orin pola rika sava "
    "tela umbra vika"
).split()
CITY_PREFIXES = ["", "", "", "Port ", "New ", "San ", "North ", "East ", "Lake "]
CITY_SUFFIXES = ["", "", "ville", "burg", "ton", "haven", "stad", "field", "mouth"]
STATE_WORDS = ["Province", "State", "Region", "County", "Territory"]

TAG_ADJECTIVES = (
    "online victim-centred cross-border community police judicial labour digital "
    "youth migrant survivor-led regional national municipal financial"
).split()
TAG_NOUNS = (
    "outreach screening shelters hotlines training prosecution data-sharing "
    "awareness exit-programmes demand-reduction task-forces legal-aid "
    "case-management interviewing identification referral compensation "
    "supply-chains inspections partnerships evaluation funding"
).split()

ACTIONS = {
    Theme.PREVENTION: [
        "Fund awareness campaigns aimed at",
        "Reduce demand by targeting",
        "Train frontline staff to recognise",
        "Audit supply chains for",
        "Run school programmes about",
    ],
    Theme.PROTECTION: [
        "Provide safe shelter for",
        "Guarantee legal aid to",
        "Offer exit programmes to",
        "Give long-term residence permits to",
        "Fund specialised counselling for",
    ],
    Theme.PROSECUTION: [
        "Create specialised police units for",
        "Train prosecutors to build cases about",
        "Make it an offence to profit from",
        "Use financial investigation against",
        "Protect witnesses in cases involving",
    ],
    Theme.PARTNERSHIP: [
        "Form a multi-agency task force on",
        "Share data across borders about",
        "Bring non-governmental organizations into work on",
        "Set up a national rapporteur to monitor",
        "Coordinate federal and local work on",
    ],
}
OBJECTS = [
    "sexual exploitation of women and girls",
    "forced labour in agriculture",
    "trafficking through online advertising",
    "domestic servitude",
    "exploitation of migrant workers",
    "trafficking of children",
    "organized crime groups recruiting victims",
    "debt bondage in construction",
]
QUALIFIERS = [
    "with dedicated, multi-year funding.",
    "and evaluate the results independently.",
    "in every region, not only the capital.",
    "with survivors involved in the design.",
    "and report the figures every year.",
    "working closely with local shelters.",
]
DISCUSSION = [
    "The synthetic source reports that the approach was tried in several places.",
    "Officials quoted in the synthetic source describe early results as promising.",
    "The synthetic source notes that funding was the main obstacle.",
    "Critics cited in the synthetic source question whether the effect lasts.",
    "The synthetic source attributes the change to better coordination.",
    "Police in the synthetic source say victims came forward more often.",
    "The synthetic source gives no independent evaluation of the figures.",
    "According to the synthetic source, the hotline received more calls each year.",
]
UNITS = ["victims identified", "cases", "calls a month", "percent", "convictions"]


def unapplied_migrations(connection):
    """The migrations not yet applied to `connection` (all of them on an empty one)."""
    executor = MigrationExecutor(connection)
    return executor.migration_plan(executor.loader.graph.leaf_nodes())


class Progress:
    """A one-line progress report on stderr, redrawn at most a few times a second."""

    def __init__(self, stream, label, total, enabled):
        self.stream, self.label, self.total, self.enabled = (
            stream,
            label,
            total,
            enabled,
        )
        self.start = self.last = time.monotonic()
        self.done = 0

    def advance(self, n):
        self.done += n
        now = time.monotonic()
        if self.enabled and (now - self.last > 0.2 or self.done >= self.total):
            self.last = now
            pct = 100 * self.done // max(self.total, 1)
            self.stream.write(
                f"\r{self.label}: {self.done:,}/{self.total:,} ({pct}%) "
                f"{now - self.start:.1f} s"
            )
            self.stream.flush()

    def close(self):
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()


class Command(BaseCommand):
    help = (
        "Fill the database with synthetic jurisdictions, organizations, sources, "
        "initiatives, best practices, findings and tags, all marked as synthetic. "
        "--clear removes them again and touches nothing else."
    )

    def add_arguments(self, parser):
        parser.add_argument("--practices", type=int, default=100_000)
        parser.add_argument("--jurisdictions", type=int, default=1_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--batch-size", type=int, default=2_000)
        parser.add_argument(
            "--clear",
            action="store_true",
            help="Delete every synthetic record (and nothing else), then stop.",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, **options):
        self.db = options["database"]
        connection = connections[self.db]
        if unapplied_migrations(connection):
            raise CommandError(
                f"The database '{connection.settings_dict['NAME']}' has unapplied "
                "migrations (or none at all); run `manage.py migrate` first."
            )
        self.verbosity = options["verbosity"]
        if options["clear"]:
            with transaction.atomic(using=self.db):
                deleted = self.clear()
            self.stdout.write(f"Deleted {deleted:,} synthetic rows.")
            return
        if options["practices"] < 1 or options["jurisdictions"] < 3:
            raise CommandError(
                "Use --practices 1 or more and --jurisdictions 3 or more."
            )
        if Source.objects.using(self.db).filter(slug=SOURCE_SLUG).exists():
            raise CommandError(
                "The database already has synthetic data; run with --clear first."
            )
        self.rng = random.Random(options["seed"])
        self.batch_size = max(options["batch_size"], 1)
        self.now = timezone.now()
        started = time.monotonic()
        with transaction.atomic(using=self.db):
            counts = self.generate(options["practices"], options["jurisdictions"])
        summary = ", ".join(f"{n:,} {name}" for name, n in counts.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {summary} in {time.monotonic() - started:.1f} s."
            )
        )

    # Generation -----------------------------------------------------------------

    def progress(self, label, total):
        return Progress(sys.stderr, label, total, self.verbosity >= 1)

    def publishing(self, i):
        """Status fields for the i-th record of a kind: published, or a draft."""
        if i % DRAFT_EVERY == DRAFT_EVERY - 1:
            return {"status": Status.DRAFT, "published_at": None}
        age = timedelta(
            days=self.rng.randrange(3 * 365), minutes=self.rng.randrange(1440)
        )
        return {"status": Status.PUBLISHED, "published_at": self.now - age}

    def bulk(self, model, objs):
        return model.objects.using(self.db).bulk_create(
            objs, batch_size=self.batch_size
        )

    def place_name(self):
        name = "".join(
            self.rng.choice(SYLLABLES) for _ in range(self.rng.randint(2, 3))
        )
        return name.capitalize()

    def generate(self, n_practices, n_jurisdictions):
        rng = self.rng
        source = Source.objects.using(self.db).create(
            title=SOURCE_TITLE,
            slug=SOURCE_SLUG,
            kind=Source.Kind.REPORT,
            description="Generated by `manage.py generate_synthetic` for benchmarks. "
            "Nothing that cites this source is real.",
            status=Status.PUBLISHED,
        )
        jurisdictions = self.make_jurisdictions(n_jurisdictions)
        countries = [j for j in jurisdictions if j.kind == Jurisdiction.Kind.COUNTRY]
        j_ids = [j.pk for j in jurisdictions]
        tag_ids = self.make_tags()
        # Popular tags are common and rare ones rare, as in real tagging.
        tag_weights = [1 / (rank + 1) ** 0.8 for rank in range(len(tag_ids))]

        organizations = self.bulk(
            Organization,
            [
                Organization(
                    name=f"{MARK} {self.place_name()} "
                    f"{rng.choice(['Foundation', 'Police', 'Institute', 'Ministry'])}",
                    slug=f"{PREFIX}organization-{i}",
                    kind=rng.choice(Organization.Kind.values),
                    jurisdiction=rng.choice(countries),
                    **self.publishing(i),
                )
                for i in range(max(n_practices // 50, 5))
            ],
        )
        sources = self.bulk(
            Source,
            [
                Source(
                    title=f"{MARK} {rng.choice(['Study', 'Audit', 'Report'])} on "
                    f"{rng.choice(OBJECTS)} ({i})",
                    slug=f"{PREFIX}source-{i}",
                    kind=rng.choice([Source.Kind.STUDY, Source.Kind.AUDIT]),
                    organization=rng.choice(organizations),
                    year=rng.randint(1995, 2024),
                    reported_in=source,
                    locator="Synthetic data",
                    **self.publishing(i),
                )
                for i in range(max(n_practices // 20, 5))
            ],
        )
        source_ids = [s.pk for s in sources]
        initiative_ids = self.make_initiatives(
            max(n_practices // 5, 5), j_ids, organizations, source, tag_ids, tag_weights
        )
        self.make_practices(
            n_practices, j_ids, source, source_ids, initiative_ids, tag_ids, tag_weights
        )
        n_findings, n_figures = self.make_findings(
            max(n_practices // 2, 5), jurisdictions, initiative_ids, source
        )
        return {
            "jurisdictions": len(jurisdictions),
            "organizations": len(organizations),
            "sources": len(sources) + 1,
            "initiatives": len(initiative_ids),
            "best practices": n_practices,
            "findings": n_findings,
            "figures": n_figures,
            "tags": len(tag_ids),
        }

    def make_jurisdictions(self, total):
        """Countries > states > cities with their materialized paths.

        bulk_create skips the post_save signal that keeps `path`, so each level's
        paths are computed here from its parent's, once the level has its keys.
        """
        rng = self.rng
        n_countries = max(1, total // 20)
        n_states = max(1, total // 5)
        n_cities = max(0, total - n_countries - n_states)
        levels = [
            (Jurisdiction.Kind.COUNTRY, n_countries),
            (Jurisdiction.Kind.STATE, n_states),
            (Jurisdiction.Kind.CITY, n_cities),
        ]
        made, parents, seq = [], [None], 0
        for kind, count in levels:
            level = []
            for i in range(count):
                parent = parents[i % len(parents)] if kind != "country" else None
                base = self.place_name()
                if kind == Jurisdiction.Kind.STATE:
                    base = f"{base} {rng.choice(STATE_WORDS)}"
                elif kind == Jurisdiction.Kind.CITY:
                    base = (
                        f"{rng.choice(CITY_PREFIXES)}{base}{rng.choice(CITY_SUFFIXES)}"
                    )
                seq += 1
                level.append(
                    Jurisdiction(
                        name=f"{MARK} {base}",
                        slug=f"{PREFIX}{slugify(base)}-{seq}",
                        kind=kind,
                        parent=parent,
                        description=f"A synthetic {kind} made for benchmarks.",
                        status=Status.PUBLISHED,
                        published_at=self.now,
                    )
                )
            self.bulk(Jurisdiction, level)
            for j in level:
                j.path = f"{j.parent.path if j.parent else '/'}{j.pk}/"
            Jurisdiction.objects.using(self.db).bulk_update(
                level, ["path"], batch_size=self.batch_size
            )
            made.extend(level)
            parents = level
        return made

    def make_tags(self):
        names = [
            f"{a} {n.replace('-', ' ')}" for a in TAG_ADJECTIVES for n in TAG_NOUNS
        ]
        tags = self.bulk(
            Tag,
            [
                Tag(name=f"{MARK} {name}", slug=f"{PREFIX}{slugify(name)}")
                for name in names
            ],
        )
        return [t.pk for t in tags]

    def pick_tags(self, tag_ids, weights, low, high):
        k = self.rng.randint(low, high)
        picked = set()
        while len(picked) < k:
            picked.update(self.rng.choices(tag_ids, weights=weights, k=k - len(picked)))
        return picked

    def make_initiatives(self, total, j_ids, organizations, source, tag_ids, weights):
        rng = self.rng
        progress = self.progress("initiatives", total)
        ids = []
        lead = Initiative.lead_organizations.through
        for start in range(0, total, self.batch_size):
            batch = []
            for i in range(start, min(total, start + self.batch_size)):
                obj = rng.choice(OBJECTS)
                kind = rng.choice(Initiative.Kind.values)
                batch.append(
                    Initiative(
                        title=f"{MARK} {kind.replace('-', ' ').capitalize()} on "
                        f"{obj} {i}",
                        slug=f"{PREFIX}initiative-{i}",
                        kind=kind,
                        role=Initiative.Role.CAUTIONARY
                        if i % 25 == 3
                        else Initiative.Role.EXAMPLE,
                        jurisdiction_id=rng.choice(j_ids),
                        start_year=rng.choice([None, rng.randint(1990, 2024)]),
                        summary=f"According to the synthetic source, this initiative "
                        f"works on {obj}.",
                        description=" ".join(rng.sample(DISCUSSION, 3)),
                        **self.publishing(i),
                    )
                )
            self.bulk(Initiative, batch)
            self.bulk(
                InitiativeSource,
                [
                    InitiativeSource(initiative=x, source=source, locator="Synthetic")
                    for x in batch
                ],
            )
            self.bulk(
                lead,
                [
                    lead(
                        initiative_id=x.pk, organization_id=rng.choice(organizations).pk
                    )
                    for x in batch
                ],
            )
            self.bulk(
                TaggedInitiative,
                [
                    TaggedInitiative(content_object_id=x.pk, tag_id=t)
                    for x in batch
                    for t in self.pick_tags(tag_ids, weights, 1, 3)
                ],
            )
            ids.extend(x.pk for x in batch)
            progress.advance(len(batch))
        progress.close()
        return ids

    def make_practices(
        self, total, j_ids, source, source_ids, initiative_ids, tag_ids, weights
    ):
        rng = self.rng
        progress = self.progress("best practices", total)
        linked = BestPractice.initiatives.through
        themes = Theme.values
        for start in range(0, total, self.batch_size):
            batch = []
            for i in range(start, min(total, start + self.batch_size)):
                theme = themes[i % len(themes)]
                action, obj = rng.choice(ACTIONS[theme]), rng.choice(OBJECTS)
                recommendation = f"{action} {obj} {rng.choice(QUALIFIERS)}"
                paragraphs = [
                    " ".join(rng.sample(DISCUSSION, rng.randint(2, 4)))
                    for _ in range(rng.randint(1, 3))
                ]
                batch.append(
                    BestPractice(
                        title=f"{MARK} {action} {obj}"[:190].rstrip() + f" {i}",
                        slug=f"{PREFIX}practice-{i}",
                        recommendation=recommendation,
                        theme=theme,
                        jurisdiction_id=rng.choice(j_ids),
                        position=i % 12 + 1,
                        discussion="\n\n".join(paragraphs),
                        **self.publishing(i),
                    )
                )
            self.bulk(BestPractice, batch)
            self.bulk(
                PracticeSource,
                [
                    PracticeSource(
                        practice_id=p.pk, source_id=s, locator="Synthetic data"
                    )
                    for p in batch
                    for s in (source.pk, rng.choice(source_ids))
                ],
            )
            self.bulk(
                TaggedPractice,
                [
                    TaggedPractice(content_object_id=p.pk, tag_id=t)
                    for p in batch
                    for t in self.pick_tags(tag_ids, weights, 2, 5)
                ],
            )
            self.bulk(
                linked,
                [
                    linked(bestpractice_id=p.pk, initiative_id=x)
                    for p in batch
                    for x in set(rng.sample(initiative_ids, rng.choice([0, 1, 1, 2])))
                ],
            )
            progress.advance(len(batch))
        progress.close()

    def make_findings(self, total, jurisdictions, initiative_ids, source):
        rng = self.rng
        progress = self.progress("findings", total)
        n_figures = 0
        for start in range(0, total, self.batch_size):
            batch = []
            for i in range(start, min(total, start + self.batch_size)):
                place = rng.choice(jurisdictions)
                first = rng.randint(1995, 2020)
                batch.append(
                    Finding(
                        title=f"{MARK} Figures for {place.name[len(MARK) + 1 :]} {i}",
                        slug=f"{PREFIX}finding-{i}",
                        kind=rng.choice([Finding.Kind.COUNT, Finding.Kind.CHANGE]),
                        statement=f"The synthetic source reports {rng.randint(5, 900)} "
                        f"{rng.choice(UNITS)} in {place.name[len(MARK) + 1 :]}.",
                        jurisdiction=place,
                        initiative_id=rng.choice(initiative_ids)
                        if rng.random() < 0.5
                        else None,
                        source=source,
                        locator="Synthetic data",
                        period_start=first,
                        period_end=first + rng.randint(0, 4),
                        **self.publishing(i),
                    )
                )
            self.bulk(Finding, batch)
            figures = []
            for f in batch:
                unit = rng.choice(UNITS)
                for position in range(rng.randint(1, 3)):
                    value = Decimal(rng.randint(1, 5000))
                    figures.append(
                        FindingFigure(
                            finding_id=f.pk,
                            position=position,
                            label=f"{f.jurisdiction.name[len(MARK) + 1 :]}, "
                            f"{f.period_start + position}",
                            value=value,
                            value_max=value + rng.randint(1, 50)
                            if rng.random() < 0.1
                            else None,
                            unit=unit,
                            year=f.period_start + position,
                        )
                    )
            self.bulk(FindingFigure, figures)
            n_figures += len(figures)
            progress.advance(len(batch))
        progress.close()
        return total, n_figures

    # Clearing -------------------------------------------------------------------

    def delete_where(self, model, **lookups):
        """DELETE without loading rows or sending signals (so no history is written
        for 100,000 rows on the way out); returns the number of rows deleted."""
        qs = model._base_manager.using(self.db).filter(**lookups).values("pk")
        sql, params = qs.query.sql_with_params()
        connection = connections[self.db]
        qn = connection.ops.quote_name
        table, pk = model._meta.db_table, model._meta.pk.column
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {qn(table)} WHERE {qn(pk)} IN ({sql})", params)
            return cursor.rowcount

    def clear(self):
        p = PREFIX
        deleted = 0
        # History first: it keeps ids, not foreign keys, so it is found through the
        # live rows about to go.
        deleted += self.delete_where(
            FindingFigure.history.model,
            finding_id__in=Finding.objects.filter(slug__startswith=p).values("pk"),
        )
        for model in [
            Finding,
            BestPractice,
            Initiative,
            Quotation,
            Source,
            Organization,
            Jurisdiction,
        ]:
            deleted += self.delete_where(model.history.model, slug__startswith=p)
        steps = [
            (FindingFigure, {"finding__slug__startswith": p}),
            (Finding, {"slug__startswith": p}),
            (TaggedPractice, {"content_object__slug__startswith": p}),
            (TaggedPractice, {"tag__slug__startswith": p}),
            (TaggedInitiative, {"content_object__slug__startswith": p}),
            (TaggedInitiative, {"tag__slug__startswith": p}),
            (TaggedItem, {"tag__slug__startswith": p}),
            (PracticeSource, {"practice__slug__startswith": p}),
            (PracticeSource, {"source__slug__startswith": p}),
            (BestPractice.initiatives.through, {"bestpractice__slug__startswith": p}),
            (BestPractice.initiatives.through, {"initiative__slug__startswith": p}),
            (BestPractice, {"slug__startswith": p}),
            (InitiativeSource, {"initiative__slug__startswith": p}),
            (InitiativeSource, {"source__slug__startswith": p}),
            (
                Initiative.lead_organizations.through,
                {"initiative__slug__startswith": p},
            ),
            (
                Initiative.lead_organizations.through,
                {"organization__slug__startswith": p},
            ),
            (Initiative, {"slug__startswith": p}),
            (Quotation, {"slug__startswith": p}),
            (Source, {"slug__startswith": p}),
            (Organization, {"slug__startswith": p}),
            (Jurisdiction, {"slug__startswith": p}),
            (Tag, {"slug__startswith": p}),
        ]
        for model, lookups in steps:
            deleted += self.delete_where(model, **lookups)
        return deleted
