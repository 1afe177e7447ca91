# Placeholder: filled in by the work that owns it.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("practices", "0002_curators_group")]

    operations = []
