"""The "Can export bookings" permission (CSV export of bookings in the admin).

A data migration because the permission is not declared in Booking.Meta.permissions yet; it
is created idempotently, so declaring it there later changes nothing in the database.
"""

from django.db import migrations

CODENAME = "export_booking"


def create(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    alias = schema_editor.connection.alias
    content_type, _ = ContentType.objects.db_manager(alias).get_or_create(
        app_label="bookings", model="booking"
    )
    Permission.objects.db_manager(alias).get_or_create(
        content_type=content_type, codename=CODENAME, defaults={"name": "Can export bookings"}
    )


def remove(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.db_manager(schema_editor.connection.alias).filter(
        content_type__app_label="bookings", codename=CODENAME
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0002_booking_no_overlap"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create, remove)]
