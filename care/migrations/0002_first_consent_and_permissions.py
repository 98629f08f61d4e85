"""Consent text version 1, and the health-record permissions for the staff groups.

Therapists may view health forms (which ones is Intake.objects.visible_to's business); the
front desk and therapists may view the forms' states before sessions. Groups that do not
exist yet are left alone (the demo creates them with these permissions).
"""

from django.db import migrations

from care.consent import FIRST_CONSENT_TEXT

GRANTS = {
    "Therapist": [("intake", "view_intake", "Can view health form"),
                  ("sessionintake", "view_sessionintake",
                   "Can view health form before a session")],
    "Front desk": [("sessionintake", "view_sessionintake",
                    "Can view health form before a session")],
}


def forward(apps, schema_editor):
    alias = schema_editor.connection.alias
    ConsentText = apps.get_model("care", "ConsentText")
    if not ConsentText.objects.using(alias).exists():
        ConsentText.objects.using(alias).create(version=1, text=FIRST_CONSENT_TEXT)
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for group_name, grants in GRANTS.items():
        group = Group.objects.using(alias).filter(name=group_name).first()
        if group is None:
            continue
        for model, codename, name in grants:
            content_type, _ = ContentType.objects.db_manager(alias).get_or_create(
                app_label="care", model=model
            )
            permission, _ = Permission.objects.db_manager(alias).get_or_create(
                content_type=content_type, codename=codename, defaults={"name": name}
            )
            group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("care", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
