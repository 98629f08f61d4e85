"""Privacy on request: the export holds everything about the people under the signed-in email
and nothing about anyone else; erasure, for the owner alone, leaves no personal data in the
rows and keeps the clinic's books."""

import json
import re
from types import SimpleNamespace

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import models
from django.test import Client as HttpClient

from bookings import privacy, services
from bookings.demo import ensure_groups
from bookings.models import Booking, BookingChange, Client, ErasureRequest, SignInLink
from tests.factories import NOW, local, make_booking, make_therapist

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^\s\"']+(/my/sign-in/[^\s\"'/]+/)")
# What identifies Ruth and her son Leo: none of it may survive erasure.
PERSONAL = [
    "Andersen",
    "ruth@example.com",
    "555-0147",
    "555-0148",
    "555-0177",
    "Left hip",
    "Knee brace",
    "migraine",
    "Snowed in",
    "light pressure",
]
# Dan, who is someone else, and the front desk's login.
OTHERS = ["Dan Okafor", "dan@example.com", "555-0199", "Stiff neck", "Wanda", "Reyes", "frontdesk"]


def book(service, therapist, start, name, email, phone, notes="", capture=None):
    return services.booking_create(
        service=service,
        therapist=therapist,
        start=start,
        name=name,
        email=email,
        phone=phone,
        notes=notes,
        now=NOW,
    )


@pytest.fixture
def clinic(service, therapist, policy, django_user_model, django_capture_on_commit_callbacks):
    """Ruth and her son Leo under one email, with a history of changes; Dan, someone else."""
    groups = ensure_groups()
    desk = django_user_model.objects.create_user(
        username="frontdesk", first_name="Wanda", last_name="Reyes", is_staff=True
    )
    desk.groups.add(groups["Front desk"])
    owner = django_user_model.objects.create_superuser(username="owner", password="x")
    hannah_user = django_user_model.objects.create_user(username="hannah", is_staff=True)
    hannah_user.groups.add(groups["Therapist"])
    make_therapist(slug="hannah", name="Hannah Kowalski", services=[service], user=hannah_user)
    ruth_next = book(
        service, therapist, local("2026-12-08", "10:00"), "Ruth Andersen", "ruth@example.com",
        "(406) 555-0147", notes="Left hip, worse when sitting.",
    )  # fmt: skip
    ruth = ruth_next.client
    ruth.staff_notes = "Prefers light pressure."
    ruth.save()
    ruth_cancelled = book(
        service, therapist, local("2026-12-09", "10:00"), "Ruth Andersen", "ruth@example.com",
        "(406) 555-0177",
    )  # fmt: skip
    services.booking_cancel(booking=ruth_cancelled, now=NOW, reason="Snowed in on the Heights")
    ruth_past = make_booking(
        therapist=therapist,
        service=service,
        client=ruth,
        start=local("2026-12-01", "10:00"),
        status=Booking.Status.COMPLETED,
        notes="Left hip again.",
    )
    leo_next = book(
        service, therapist, local("2026-12-10", "10:00"), "Leo Andersen", "ruth@example.com",
        "(406) 555-0148",
    )  # fmt: skip
    services.booking_set_notes(booking=leo_next, notes="Knee brace, migraine.", by=desk, now=NOW)
    services.booking_set_notes(booking=leo_next, notes="Knee brace.", by=desk, now=NOW)
    dan_next = book(
        service, therapist, local("2026-12-10", "14:00"), "Dan Okafor", "dan@example.com",
        "(406) 555-0199", notes="Stiff neck after a car accident.",
    )  # fmt: skip
    LogEntry.objects.create(
        user=desk,
        content_type=ContentType.objects.get_for_model(Client),
        object_id=str(ruth.pk),
        object_repr=str(ruth),
        action_flag=CHANGE,
        change_message='[{"changed": {"fields": ["Staff notes"]}}]',
    )
    mail.outbox.clear()
    return SimpleNamespace(
        desk=desk,
        owner=owner,
        hannah_user=hannah_user,
        ruth=ruth,
        leo=leo_next.client,
        dan=dan_next.client,
        ours=[ruth_next, ruth_cancelled, ruth_past, leo_next],
        dan_next=dan_next,
    )


def sign_in(client, capture, email="ruth@example.com"):
    with capture(execute=True):
        client.post("/my/", {"email": email})
    message = [m for m in mail.outbox if m.to == [email]][-1]
    assert client.post(LINK.search(message.body).group(1)).status_code == 302
    mail.outbox.clear()


@pytest.fixture
def signed_in(client, clinic, django_capture_on_commit_callbacks):
    sign_in(client, django_capture_on_commit_callbacks)
    return client


# --- Export -----------------------------------------------------------------------------------


def test_every_field_of_clients_and_bookings_is_exported_or_left_out_on_purpose():
    client_fields = {f.name for f in Client._meta.concrete_fields}
    assert client_fields == set(privacy.CLIENT_EXPORT) | set(privacy.CLIENT_NOT_EXPORTED)
    booking_fields = {f.name for f in Booking._meta.concrete_fields}
    exported = {
        "reference", "status", "service", "therapist", "room", "series", "start", "end", "price",
        "name", "email", "phone", "notes", "source", "created_at", "updated_at", "cancelled_at",
        "cancel_reason", "reminded_at",
    }  # fmt: skip
    assert booking_fields == exported | set(privacy.BOOKING_NOT_EXPORTED)


def test_the_export_holds_every_field_held_about_the_people_under_the_email(signed_in, clinic):
    response = signed_in.get("/my/data.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="my-data-2026-12-07.json"'
    data = json.loads(response.content)
    assert data["contact_email"] == "ruth@example.com"
    leo, ruth = data["people"]
    assert ruth == {
        **ruth,
        "name": "Ruth Andersen",
        "contact_email": "ruth@example.com",
        "phone": "(406) 555-0147",
        "staff_notes": "Prefers light pressure.",
    }
    assert ruth["first_booked"].startswith("2026-12-07T08:00:00")
    assert leo["name"] == "Leo Andersen" and leo["phone"] == "(406) 555-0148"
    by_reference = {b["reference"]: b for b in ruth["bookings"] + leo["bookings"]}
    assert set(by_reference) == {b.reference for b in clinic.ours}
    for booking in clinic.ours:
        booking.refresh_from_db()
        exported = by_reference[booking.reference]
        assert exported["start"] == booking.start.astimezone(NOW.tzinfo).isoformat()
        assert exported["end"] == booking.end.astimezone(NOW.tzinfo).isoformat()
        assert exported["service"] == "Sciatica relief massage" and exported["minutes"] == 60
        assert exported["therapist"] == "Maren Ostby"
        assert exported["status"] == booking.get_status_display()
        for key, field in [
            ("attendee_name", "name"),
            ("contact_email", "email"),
            ("phone", "phone"),
            ("notes", "notes"),
            ("cancel_reason", "cancel_reason"),
        ]:
            assert exported[key] == getattr(booking, field), key
        history = [c.action for c in booking.changes.all()]
        assert [c["action"] for c in exported["history"]] == history
    cancelled = next(b for b in by_reference.values() if b["cancel_reason"])
    assert cancelled["cancel_reason"] == "Snowed in on the Heights"
    assert cancelled["cancelled_at"].startswith("2026-12-07T08:00:00")
    assert cancelled["phone"] == "(406) 555-0177" and cancelled["price"] == "95.00"
    leo_history = leo["bookings"][0]["history"]
    assert {"by": "Staff", "action": "Changed the notes (were: “Knee brace, migraine.”)"} in [
        {"by": c["by"], "action": c["action"]} for c in leo_history
    ]
    assert data["requests"]["sign_in_links"][0]["used"].startswith("2026-12-07T08:00:00")


def test_the_export_holds_nothing_about_anyone_else(signed_in, clinic):
    for url in ["/my/data.json", "/my/data/"]:
        text = signed_in.get(url).content.decode()
        assert "Ruth Andersen" in text
        for other in [*OTHERS, clinic.dan_next.reference]:
            assert other not in text, (url, other)
        for booking in clinic.ours:  # the private links' secrets are not in the file
            assert booking.token not in text


def test_the_printable_page_shows_the_same_in_words(signed_in, clinic):
    page = signed_in.get("/my/data/")
    text = page.content.decode()
    assert page.status_code == 200 and page["X-Robots-Tag"] == "noindex, nofollow"
    assert "What Rimrock Massage &amp; Bodywork holds about you" in text
    for shown in [
        ">Ruth Andersen</h2>",
        ">Leo Andersen</h2>",
        "Prefers light pressure.",
        "Left hip, worse when sitting.",
        "Snowed in on the Heights",
        "(406) 555-0177",
        "Tuesday, December 8, 2026 at 10:00 AM MST",
        "$95.00",
        "Changed the notes (were: “Knee brace, migraine.”)",
        "Save as PDF",
    ]:
        assert shown in text, shown
    for booking in clinic.ours:
        assert booking.reference in text


def test_export_and_erasure_need_the_emailed_sign_in(client, clinic):
    client.force_login(clinic.owner)  # even the owner's back-office login is not a sign-in
    for url in ["/my/data.json", "/my/data/", "/my/erasure/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/my/"
    assert client.post("/my/erasure/").status_code == 302
    assert not ErasureRequest.objects.exists()


def test_other_apps_add_their_data_to_the_export_and_the_erasure(monkeypatch, signed_in, clinic):
    erased = []
    section = privacy.PrivacySection(
        key="care",
        title="Clinical record",
        export=lambda people: {p.pk: {"intake": f"intake of {p.pk}"} for p in people},
        erase=lambda *, people, by, now: erased.append(sorted(p.pk for p in people)) or 1,
    )
    monkeypatch.setitem(privacy._SECTIONS, "care", section)
    data = json.loads(signed_in.get("/my/data.json").content)
    assert [p["care"] for p in data["people"]] == [
        {"intake": f"intake of {clinic.leo.pk}"},
        {"intake": f"intake of {clinic.ruth.pk}"},
    ]
    page = signed_in.get("/my/data/").content.decode()
    assert "Clinical record" in page and f"intake of {clinic.ruth.pk}" in page
    erasure = privacy.erasure_request_create(email="ruth@example.com", now=NOW)
    privacy.privacy_erase(erasure=erasure, by=clinic.owner, now=NOW)
    assert erased == [sorted([clinic.ruth.pk, clinic.leo.pk])]


# --- Asking for erasure -----------------------------------------------------------------------


def test_asking_for_erasure_sends_one_request_to_the_owner(
    signed_in, clinic, django_capture_on_commit_callbacks
):
    page = signed_in.get("/my/erasure/").content.decode()
    assert "Ask us to erase your personal data" in page and "Leo Andersen" in page
    assert "You have upcoming sessions" in page
    assert not ErasureRequest.objects.exists()  # asking first changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        done = signed_in.post("/my/erasure/", follow=True)
        signed_in.post("/my/erasure/")
    assert "We have your request" in done.content.decode()
    (erasure,) = ErasureRequest.objects.all()
    assert (erasure.email, erasure.status) == ("ruth@example.com", "pending")
    # The clinic hears of it, by a link to the back office, with nobody named.
    (notice,) = mail.outbox
    assert notice.to == ["hello@rimrockmassage.example"]
    assert f"/admin/bookings/erasurerequest/{erasure.pk}/change/" in notice.body
    assert not any(p in notice.body + notice.subject for p in PERSONAL)
    listed = signed_in.get("/my/").content.decode()
    assert "You asked on Monday, December 7, 2026" in listed
    assert "We already have your request" in signed_in.get("/my/erasure/").content.decode()


# --- Erasure, by the owner --------------------------------------------------------------------


def text_columns(model) -> list[str]:
    return [
        f.attname
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField)
    ]


def texts(model, **filters) -> list[str]:
    rows = model.objects.filter(**filters).values_list(*text_columns(model))
    return [value for row in rows for value in row if value]


def books(bookings) -> list[tuple]:
    return list(
        Booking.objects.filter(pk__in=[b.pk for b in bookings])
        .order_by("pk")
        .values_list("start", "end", "service_id", "therapist_id", "price", "status")
    )


def erase_as_owner(client, clinic):
    erasure = privacy.erasure_request_create(email="ruth@example.com", now=NOW)
    client.force_login(clinic.owner)
    decide = f"/admin/bookings/erasurerequest/{erasure.pk}/decide/"
    change = client.get(f"/admin/bookings/erasurerequest/{erasure.pk}/change/").content.decode()
    assert decide in change and "Review and decide" in change
    page = client.get(decide).content.decode()
    assert "Leo Andersen" in page and "Ruth Andersen" in page and "4 bookings lose" in page
    assert "1 session is still upcoming" not in page and "sessions are still upcoming" in page
    assert Client.objects.filter(erased_at__isnull=True, email="ruth@example.com").count() == 2
    response = client.post(decide, {"decision": "erase"}, follow=True)
    assert "Erased: 2 people, 4 bookings anonymised." in response.content.decode()
    erasure.refresh_from_db()
    return erasure


def test_erasure_leaves_no_personal_data_in_the_rows_and_keeps_the_books(
    client, clinic, django_capture_on_commit_callbacks
):
    sign_in(HttpClient(), django_capture_on_commit_callbacks)  # a used link
    with django_capture_on_commit_callbacks(execute=True):  # and one waiting
        HttpClient().post("/my/", {"email": "ruth@example.com"})
    assert SignInLink.objects.filter(email="ruth@example.com").count() == 2
    kept = books(clinic.ours)
    dan_before = texts(Booking, pk=clinic.dan_next.pk)
    erasure = erase_as_owner(client, clinic)
    people = [clinic.ruth.pk, clinic.leo.pk]
    ours = [b.pk for b in clinic.ours]
    rows = (
        texts(Client, pk__in=people)
        + texts(Booking, pk__in=ours)
        + texts(BookingChange, booking_id__in=ours)
        + texts(LogEntry, object_id__in=[str(pk) for pk in people])
        + texts(ErasureRequest)
        + texts(SignInLink)
    )
    for value in rows:
        for personal in PERSONAL:
            assert personal not in value, (personal, value)
    assert books(clinic.ours) == kept
    assert all(c.erased_at == NOW for c in Client.objects.filter(pk__in=people))
    # The audit trail: a row per booking by the clinic, naming the owner, and the request.
    for booking in clinic.ours:
        last = booking.changes.order_by("pk").last()
        assert (last.actor, last.user, last.action) == (
            "clinic",
            clinic.owner,
            "Personal details erased on the client's request",
        )
    assert (erasure.status, erasure.decided_by, erasure.decided_at) == ("erased", clinic.owner, NOW)
    assert (erasure.people_erased, erasure.bookings_anonymised) == (2, 4)
    # What did not quote anyone stays as it was.
    history = set(
        BookingChange.objects.filter(booking_id__in=ours).values_list("action", flat=True)
    )
    assert {"Booked online", "Cancelled (reason erased)", "Changed the notes (erased)"} <= history
    # Dan is untouched, and the address no longer signs in.
    assert texts(Booking, pk=clinic.dan_next.pk) == dan_before
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        HttpClient().post("/my/", {"email": "ruth@example.com"})
    assert not mail.outbox and not SignInLink.objects.exists()


def test_a_signed_in_browser_sees_nothing_after_erasure(signed_in, clinic):
    erasure = privacy.erasure_request_create(email="ruth@example.com", now=NOW)
    privacy.privacy_erase(erasure=erasure, by=clinic.owner, now=NOW)
    page = signed_in.get("/my/").content.decode()
    assert "We hold no bookings under this address" in page
    assert json.loads(signed_in.get("/my/data.json").content)["people"] == []


def test_the_owner_may_decline_and_nothing_is_erased(client, clinic):
    erasure = privacy.erasure_request_create(email="ruth@example.com", now=NOW)
    client.force_login(clinic.owner)
    decide = f"/admin/bookings/erasurerequest/{erasure.pk}/decide/"
    response = client.post(decide, {"decision": "decline"}, follow=True)
    assert "nothing was erased" in response.content.decode()
    erasure.refresh_from_db()
    assert (erasure.status, erasure.decided_by) == ("declined", clinic.owner)
    assert Client.objects.get(pk=clinic.ruth.pk).name == "Ruth Andersen"
    again = client.post(decide, {"decision": "erase"}, follow=True)
    assert "This request was decided already" in again.content.decode()
    assert Client.objects.get(pk=clinic.ruth.pk).erased_at is None


@pytest.mark.parametrize("role", ["desk", "hannah_user"])
def test_erasure_requests_are_for_the_owner_alone(client, clinic, role):
    user = getattr(clinic, role)
    # Even a group given every permission on the model gets nowhere.
    for group in user.groups.all():
        group.permissions.add(*Permission.objects.filter(codename__endswith="erasurerequest"))
    erasure = privacy.erasure_request_create(email="ruth@example.com", now=NOW)
    client.force_login(user)
    assert "Erasure requests" not in client.get("/admin/").content.decode()
    base = "/admin/bookings/erasurerequest/"
    for url in [base, f"{base}{erasure.pk}/change/", f"{base}{erasure.pk}/decide/"]:
        assert client.get(url).status_code == 403, url
    assert client.post(f"{base}{erasure.pk}/decide/", {"decision": "erase"}).status_code == 403
    with pytest.raises(PermissionDenied):
        privacy.privacy_erase(erasure=erasure, by=user, now=NOW)
    erasure.refresh_from_db()
    assert erasure.status == "pending"
    assert Client.objects.get(pk=clinic.ruth.pk).erased_at is None
    # Nor does a staff login export anyone's data.
    assert client.get("/my/data.json")["Location"] == "/my/"


def test_the_owner_sees_erasure_requests(client, clinic):
    privacy.erasure_request_create(email="ruth@example.com", now=NOW)
    client.force_login(clinic.owner)
    assert "Erasure requests" in client.get("/admin/").content.decode()
    listing = client.get("/admin/bookings/erasurerequest/").content.decode()
    assert "ruth@example.com" in listing and "Waiting for the owner" in listing


@pytest.mark.parametrize(
    ("action", "erased"),
    [
        ("Booked online", "Booked online"),
        ("Marked Completed", "Marked Completed"),
        ("Moved from Tue Dec 8, 2026, 10:00 AM MST to Wed Dec 9, 2026, 2:00 PM MST", None),
        ("Cancelled", "Cancelled"),
        ("Cancelled: Snowed in", "Cancelled (reason erased)"),
        ("Changed the notes (were: “Left hip”)", "Changed the notes (erased)"),
        (
            "Booked with phone (406) 555-0177 (the client record has (406) 555-0147).",
            "Details erased on the client's request",
        ),
        ("Moved from Ruth Andersen to you", "Details erased on the client's request"),
        ("Geändert: Hüfte links", "Details erased on the client's request"),
    ],
)
def test_history_text_keeps_only_what_quotes_nobody(action, erased):
    assert privacy.erased_action(action, {"ruth andersen", "left hip"}) == (erased or action)


def test_their_emails_are_in_the_export_and_erased_with_them(signed_in, clinic):
    from bookings.models import OutboxEmail

    data = json.loads(signed_in.get("/my/data.json").content)
    ruth = next(p for p in data["people"] if p["name"] == "Ruth Andersen")
    assert any(e["subject"].startswith("Booking confirmed") for e in ruth["emails"])
    waiting = OutboxEmail.objects.filter(to="ruth@example.com").first()
    OutboxEmail.objects.filter(pk=waiting.pk).update(status="waiting")
    erasure = privacy.erasure_request_create(email="ruth@example.com", now=NOW)
    privacy.privacy_erase(erasure=erasure, by=clinic.owner, now=NOW)
    held = " ".join(
        f"{e.to} {e.subject} {e.body} {e.html}" for e in OutboxEmail.objects.all()
    ).lower()
    assert "ruth" not in held and "leo andersen" not in held
    waiting.refresh_from_db()
    assert waiting.status == "failed"  # an erased email is never sent


def test_their_waitlist_entries_are_in_the_export_and_erased_with_them(signed_in, clinic):
    from bookings.models import WaitlistEntry

    entry = WaitlistEntry.objects.create(
        service=clinic.ours[0].service,
        weekdays="01",
        parts="morning",
        from_date=NOW.date(),
        name="Ruth Andersen",
        email="ruth@example.com",
        phone="(406) 555-0147",
    )
    data = json.loads(signed_in.get("/my/data.json").content)
    ruth = next(p for p in data["people"] if p["name"] == "Ruth Andersen")
    assert [e["parts_of_day"] for e in ruth["waitlist"]] == ["morning"]
    erasure = privacy.erasure_request_create(email="ruth@example.com", now=NOW)
    privacy.privacy_erase(erasure=erasure, by=clinic.owner, now=NOW)
    entry.refresh_from_db()
    assert (entry.name, entry.email, entry.phone) == ("", "", "")
    assert entry.status == WaitlistEntry.Status.LEFT  # never offered a time again
