"""Create a curator: a staff account in the Curators group, with no other rights."""

import getpass
import os
import sys

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

GROUP = "Curators"
PASSWORD_ENV = "KB_CURATOR_PASSWORD"


class Command(BaseCommand):
    # create_editor makes the same kind of account in the Editors group.
    group_name = GROUP
    role = "curator"
    help = (
        "Create a curator account (staff, in the Curators group). The password comes "
        f"from --password, else the {PASSWORD_ENV} environment variable, else a prompt."
        " An existing user is made a curator; their password is only changed when "
        "one is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--password", default=None)

    def handle(self, *args, username, email, password, **options):
        try:
            group = Group.objects.get(name=self.group_name)
        except Group.DoesNotExist:
            raise CommandError(
                f"The {self.group_name} group does not exist; run `manage.py "
                "migrate` first."
            ) from None
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        password = password or os.environ.get(PASSWORD_ENV) or None
        if password is None and user is None:
            password = self.prompt_password()
        candidate = user or User(username=username, email=email)
        if password is not None:
            try:
                password_validation.validate_password(password, candidate)
            except ValidationError as error:
                raise CommandError(
                    "Password refused: " + " ".join(error.messages)
                ) from None

        with transaction.atomic():
            created = user is None
            user = candidate
            if email:
                user.email = email
            user.is_staff = True
            user.is_active = True
            if password is not None:
                user.set_password(password)
            user.save()
            user.groups.add(group)
        verb = "Created" if created else "Updated"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {self.role} “{username}” (staff, in {self.group_name})."
            )
        )

    def prompt_password(self):
        if not sys.stdin.isatty():
            raise CommandError(
                f"No password: pass --password or set {PASSWORD_ENV} when not "
                "running interactively."
            )
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        return first
