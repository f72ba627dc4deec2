"""A funded project is public once its letter is sent, or from the publication date staff set."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0003_letter_templates_and_envelopes_admin"),
    ]

    operations = [
        migrations.AddField(
            model_name="decision",
            name="publication_date",
            field=models.DateField(blank=True, null=True, verbose_name="publication date"),
        ),
    ]
