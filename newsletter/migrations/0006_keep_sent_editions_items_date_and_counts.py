"""Segment renders become the copy kept as sent: items, date sent, recipients.

Renders of editions sent before this keep ``items`` empty (NULL): what their pages said then
is gone, so the archive goes on showing the live pages for them. Their date and counts are
recovered from the edition and its delivery rows.
"""
from django.db import migrations, models
from django.db.models import Count, Q


def stamp_sent_renders(apps, schema_editor):
    SegmentRender = apps.get_model("newsletter", "SegmentRender")
    Delivery = apps.get_model("newsletter", "Delivery")
    for render in SegmentRender.objects.filter(edition__status="sent").select_related("edition"):
        counts = Delivery.objects.filter(edition_id=render.edition_id, segment_key=render.key).aggregate(
            total=Count("pk"), sent=Count("pk", filter=Q(status="sent"))
        )
        SegmentRender.objects.filter(pk=render.pk).update(
            sent_at=render.edition.sent_at, recipients_count=counts["total"], sent_count=counts["sent"]
        )


class Migration(migrations.Migration):

    dependencies = [
        ('newsletter', '0005_consent_detail_staff_sources_and_newsletter_role'),
    ]

    operations = [
        migrations.AddField(
            model_name='segmentrender',
            name='items',
            field=models.JSONField(blank=True, null=True, verbose_name='elementi inviati'),
        ),
        migrations.AddField(
            model_name='segmentrender',
            name='recipients_count',
            field=models.PositiveIntegerField(default=0, verbose_name='destinatari'),
        ),
        migrations.AddField(
            model_name='segmentrender',
            name='sent_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='inviata il'),
        ),
        migrations.AddField(
            model_name='segmentrender',
            name='sent_count',
            field=models.PositiveIntegerField(default=0, verbose_name='inviati'),
        ),
        migrations.RunPython(stamp_sent_renders, migrations.RunPython.noop),
    ]
