"""The write clock of the content index (external versions of every write, issue 22) and the
version each applied outbox row was written with. The clock's row is created on first use."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('search', '0003_italian_unaccent_config'),
    ]

    operations = [
        migrations.CreateModel(
            name='IndexWriteClock',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('value', models.BigIntegerField(default=0, verbose_name='ultima versione')),
            ],
            options={
                'verbose_name': "orologio delle scritture nell'indice",
                'verbose_name_plural': "orologio delle scritture nell'indice",
            },
        ),
        migrations.AddField(
            model_name='outboxentry',
            name='index_version',
            field=models.BigIntegerField(blank=True, null=True, verbose_name="versione nell'indice"),
        ),
    ]
