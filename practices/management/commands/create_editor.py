"""Create an editor: a staff account in the Editors group, who may also approve and
publish curators' work. Same options as create_curator."""

from .create_curator import PASSWORD_ENV
from .create_curator import Command as CuratorCommand


class Command(CuratorCommand):
    group_name = "Editors"
    role = "editor"
    help = (
        "Create an editor account (staff, in the Editors group: curators' rights, "
        "and approving, publishing, requesting changes, unpublishing and "
        "withdrawing versions). The password comes from --password, else the "
        f"{PASSWORD_ENV} environment variable, else a prompt."
    )
