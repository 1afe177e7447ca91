"""Delete readers' e-mail addresses from suggestions older than
KB_SUGGESTION_EMAIL_DAYS days. Run it daily (cron or a systemd timer)."""

from django.core.management.base import BaseCommand

from practices.suggestions import suggestion_email_days, suggestion_emails_purge


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        deleted = suggestion_emails_purge()
        self.stdout.write(
            f"Deleted {deleted} e-mail address(es) from suggestions older than "
            f"{suggestion_email_days()} days."
        )
