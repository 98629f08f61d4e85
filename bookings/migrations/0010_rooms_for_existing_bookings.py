"""Every active booking occupies a room: existing bookings are placed in treatment rooms.

A clinic upgrading with bookings on its books gets as many rooms ("Treatment room 1", ...) as
it had sessions at the same moment, and each active booking a room in which nothing else
overlaps (first free room, in time order). Rename the rooms and set their features in the
admin afterwards. A clinic without bookings starts with no rooms: rooms constrain booking
from the moment the owner adds the first one.

On PostgreSQL a second exclusion constraint then makes two active bookings in one room
impossible, as `booking_no_overlap` does for a therapist.
"""

from django.db import migrations

CREATE = """
ALTER TABLE bookings_booking ADD CONSTRAINT booking_room_no_overlap
    EXCLUDE USING gist (
        room_id WITH =,
        tstzrange(start, blocked_until, '[)') WITH &&
    ) WHERE (status <> 'cancelled' AND room_id IS NOT NULL);
"""
DROP = "ALTER TABLE bookings_booking DROP CONSTRAINT IF EXISTS booking_room_no_overlap;"


def place_bookings(apps, schema_editor):
    Booking = apps.get_model("bookings", "Booking")
    Room = apps.get_model("bookings", "Room")
    active = Booking.objects.exclude(status="cancelled").filter(room__isnull=True)
    rooms: list[list] = []  # [room, blocked until]
    for booking in active.order_by("start", "pk").iterator():
        free = next((pair for pair in rooms if pair[1] <= booking.start), None)
        if free is None:
            number = len(rooms) + 1
            room = Room.objects.create(
                name=f"Treatment room {number}", slug=f"treatment-room-{number}", order=number
            )
            free = [room, booking.blocked_until]
            rooms.append(free)
        booking.room = free[0]
        booking.save(update_fields=["room"])
        free[1] = booking.blocked_until


def create_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("bookings", "0009_rooms")]

    operations = [
        migrations.RunPython(place_bookings, migrations.RunPython.noop),
        migrations.RunPython(create_constraint, drop_constraint),
    ]
