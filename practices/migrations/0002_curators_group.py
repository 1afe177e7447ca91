"""The Curators group, with the least privileges curators need.

Content: add, change and view on every content model and on tags; delete too, which
the admin narrows to drafts (a published record can never be deleted). Nothing on
users, groups or permissions.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Curators"

# Records curators edit directly; delete is granted but limited to drafts by the admin.
CONTENT = [
    "jurisdiction",
    "organization",
    "source",
    "initiative",
    "bestpractice",
    "finding",
    "quotation",
]
# Rows edited inside a parent's form (inlines, tag links): removing one is an edit
# of the parent, so curators may delete them.
OWNED = [
    "findingfigure",
    "initiativesource",
    "practicesource",
    "taggedinitiative",
    "taggedpractice",
]


def codenames():
    wanted = []
    for model in CONTENT + OWNED:
        wanted += [("practices", f"{action}_{model}") for action in ("add", "change", "view", "delete")]
    wanted += [("taggit", f"{action}_tag") for action in ("add", "change", "view")]
    return wanted


def create_curators(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate); create
    # them now so this migration can hand them out on a fresh database.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    wanted = codenames()
    permissions = []
    for app_label, codename in wanted:
        permissions.append(
            Permission.objects.get(
                content_type__app_label=app_label, codename=codename
            )
        )
    group.permissions.set(permissions)


def remove_curators(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        (
            "taggit",
            "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx",
        ),
    ]

    operations = [migrations.RunPython(create_curators, remove_curators)]
