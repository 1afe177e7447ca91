"""Load the fixtures into an empty database; never touch one that has content."""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from practices.models import (
    BestPractice,
    Finding,
    Initiative,
    Jurisdiction,
    Organization,
    Quotation,
    Source,
)

CONTENT_MODELS = [
    Jurisdiction,
    Organization,
    Source,
    Initiative,
    BestPractice,
    Finding,
    Quotation,
]


class Command(BaseCommand):
    help = (
        "Load fixtures/*.json into an empty database and record a first revision of "
        "each record. A database that already has content is left exactly as it is."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fixtures-dir", default=str(Path(settings.BASE_DIR) / "fixtures")
        )

    def handle(self, *args, fixtures_dir, **options):
        existing = {
            m._meta.verbose_name_plural: m.objects.count() for m in CONTENT_MODELS
        }
        if any(existing.values()):
            summary = ", ".join(f"{n} {name}" for name, n in existing.items() if n)
            self.stdout.write(
                f"The database already has content ({summary}); nothing was loaded, "
                "so every curator's edit is left as it is."
            )
            return
        files = sorted(str(p) for p in Path(fixtures_dir).glob("*.json"))
        with transaction.atomic():
            call_command("loaddata", *files, verbosity=0)
            # loaddata saves raw, so no history is recorded; give every record its
            # first version, which versioned permalinks and restores start from.
            call_command("populate_history", auto=True, verbosity=0)
        counts = ", ".join(
            f"{m.objects.count()} {m._meta.verbose_name_plural}" for m in CONTENT_MODELS
        )
        self.stdout.write(self.style.SUCCESS(f"Loaded {counts}."))
