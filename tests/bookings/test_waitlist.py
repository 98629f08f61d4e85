"""The waitlist: joining, offers made by themselves in join order, claiming under the lock,
expiry with two workers, the back office, and bad input."""

import logging
import threading
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import urlencode

import pytest
import time_machine
from django.db import connection
from django.urls import reverse

from bookings import services, waitlist
from bookings.demo import ensure_groups
from bookings.models import (
    Booking,
    BookingPolicy,
    Closure,
    OutboxEmail,
    WaitlistEntry,
    WaitlistOffer,
)
from clinic.logging import RedactSecretsFilter
from tests.factories import NOW, local, make_booking, make_service, make_therapist

pytestmark = pytest.mark.django_db

THURSDAY_10 = local("2026-12-10", "10:00")
JOIN = reverse("bookings:waitlist_join")


def join(service, *, name, therapist=None, weekdays=(3,), parts=("morning",), at=NOW, **extra):
    wishes = waitlist.Wishes(
        service=service,
        therapist=therapist,
        weekdays=list(weekdays),
        parts=list(parts),
        from_date=date(2026, 12, 7),
        until_date=extra.get("until"),
    )
    slug = name.lower().replace(" ", ".")
    return waitlist.waitlist_join(
        wishes=wishes, name=name, email=f"{slug}@example.com", phone="(406) 555-0100", now=at
    )


def three_in_line(service, therapist):
    """Three entries for Thursday mornings, a minute apart, and one for Saturdays only."""
    first = join(service, name="Ann First")
    second = join(service, name="Bo Second", therapist=therapist, at=NOW + timedelta(minutes=1))
    third = join(service, name="Cy Third", at=NOW + timedelta(minutes=2))
    saturday = join(service, name="Sat Urday", weekdays=(5,), at=NOW - timedelta(days=1))
    return first, second, third, saturday


def cancel(booking, capture):
    with capture(execute=True):
        services.booking_cancel(booking=booking, now=NOW)


def test_a_cancellation_is_offered_to_three_entries_in_join_order_and_the_first_claim_books(
    service, therapist, policy, django_capture_on_commit_callbacks, client
):
    booked = make_booking(therapist=therapist, service=service, start=THURSDAY_10)
    first, second, third, saturday = three_in_line(service, therapist)

    cancel(booked, django_capture_on_commit_callbacks)

    offers = list(WaitlistOffer.objects.order_by("entry__joined_at"))
    assert [offer.entry for offer in offers] == [first, second, third]
    assert {offer.start for offer in offers} == {THURSDAY_10}
    assert not saturday.offers.exists()  # the days do not match
    assert offers[0].expires_at == NOW + timedelta(minutes=30)
    emails = OutboxEmail.objects.filter(kind="waitlist_offer")
    assert sorted(emails.values_list("to", flat=True)) == sorted(
        e.email for e in offers_entries(offers)
    )
    assert "Claim it" in emails.first().body
    assert offers[0].token in emails.get(to=first.email).body

    # The second claims first; GET changes nothing.
    page = client.get(offers[1].get_absolute_url())
    assert page.status_code == 200 and "Book this session" in page.content.decode()
    assert not Booking.objects.filter(start=THURSDAY_10).active().exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(offers[1].get_absolute_url())
    booking = Booking.objects.active().get(start=THURSDAY_10)
    assert response.status_code == 302 and response["Location"] == booking.manage_path()
    assert booking.name == "Bo Second" and booking.therapist == therapist
    page = client.get(response["Location"]).content.decode()  # said once: no banner too
    assert page.count("Your session is booked") == 1 and "alert-success" not in page
    second.refresh_from_db()
    assert second.status == WaitlistEntry.Status.BOOKED and second.booking == booking

    # The others are told kindly, and stay on the list.
    for offer in (offers[0], offers[2]):
        offer.refresh_from_db()
        assert offer.status == WaitlistOffer.Status.TAKEN
        for method in (client.get, client.post):
            refused = method(offer.get_absolute_url())
            assert refused.status_code == 409
            assert "someone else claimed this time" in refused.content.decode()
            assert "You are still on the waitlist" in refused.content.decode()
        offer.entry.refresh_from_db()
        assert offer.entry.status == WaitlistEntry.Status.WAITING
    assert Booking.objects.active().filter(start=THURSDAY_10).count() == 1


def offers_entries(offers):
    return [offer.entry for offer in offers]


def test_the_owner_sees_cancellations_and_what_the_waitlist_refilled(
    service, therapist, policy, django_capture_on_commit_callbacks
):
    booked = make_booking(therapist=therapist, service=service, start=THURSDAY_10)
    join(service, name="Ann First")
    cancel(booked, django_capture_on_commit_callbacks)
    waitlist.waitlist_claim(offer=WaitlistOffer.objects.get(), now=NOW)

    figures = waitlist.refill_figures(now=NOW, days=30)

    assert (figures["cancelled"], figures["refilled"], figures["revenue"]) == (
        1,
        1,
        Decimal("95.00"),
    )


def test_a_move_frees_the_old_time_for_the_waitlist(
    service, therapist, policy, django_capture_on_commit_callbacks
):
    booked = make_booking(therapist=therapist, service=service, start=THURSDAY_10)
    entry = join(service, name="Ann First")
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_reschedule(
            booking=booked, start=local("2026-12-11", "14:00"), therapist=therapist, now=NOW
        )
    assert entry.offers.get().start == THURSDAY_10


def test_a_lifted_closure_is_offered_by_the_job(
    service, therapist, policy, django_capture_on_commit_callbacks, client, django_user_model
):
    closure = Closure.objects.create(
        reason="Staff training",
        start=local("2026-12-10", "00:00"),
        end=local("2026-12-11", "00:00"),
    )
    entry = join(service, name="Ann First")
    owner = django_user_model.objects.create_superuser("owner", "owner@example.com", None)
    client.force_login(owner)
    url = reverse("admin:bookings_closure_delete", args=[closure.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"post": "yes"}).status_code == 302
    assert entry.offers.get().start == local("2026-12-10", "09:00")


def test_offers_close_at_the_minimum_notice_and_none_is_made_inside_it(policy):
    soon = NOW + timedelta(minutes=140)  # 120 minutes' notice: 20 minutes left to claim
    assert waitlist.offer_expiry(soon, now=NOW, policy=policy) == NOW + timedelta(minutes=20)
    assert waitlist.offer_expiry(NOW + timedelta(minutes=123), now=NOW, policy=policy) is None


def test_an_expired_offer_is_refused_and_the_sweep_offers_the_next_entry(
    service, therapist, policy, django_capture_on_commit_callbacks, client
):
    policy.waitlist_offers_at_once = 1
    policy.save()
    booked = make_booking(therapist=therapist, service=service, start=THURSDAY_10)
    first, second, _third, _sat = three_in_line(service, therapist)
    cancel(booked, django_capture_on_commit_callbacks)
    offer = first.offers.get()
    assert not second.offers.exists()

    with time_machine.travel(NOW + timedelta(minutes=31), tick=False):
        response = client.post(offer.get_absolute_url())
        assert response.status_code == 410
        assert "has expired" in response.content.decode()
        assert "10:00" in response.content.decode() or "nearest" in response.content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            waitlist.waitlist_sweep(now=NOW + timedelta(minutes=31))
            waitlist.waitlist_sweep(now=NOW + timedelta(minutes=31))
    assert second.offers.get().status == WaitlistOffer.Status.OPEN
    assert WaitlistOffer.objects.count() == 2


def test_a_made_up_form_key_never_leads_to_a_claimed_booking(
    service, therapist, policy, django_capture_on_commit_callbacks, client
):
    """Claims are booked without a form key; a key a stranger sends that is not of the kind
    the booking form writes is ignored, so it can match nobody's booking."""
    booked = make_booking(therapist=therapist, service=service, start=THURSDAY_10)
    first = join(service, name="Ann First")
    cancel(booked, django_capture_on_commit_callbacks)
    offer = first.offers.get()
    claimed = waitlist.waitlist_claim(offer=offer, now=NOW)
    assert claimed.form_key is None

    confirm = f"/book/{service.slug}/confirm/?" + urlencode(
        {"therapist": therapist.slug, "start": local("2026-12-08", "10:00").isoformat()}
    )
    stranger = {
        "name": "Mallory Stranger",
        "email": "mallory@example.com",
        "phone": "(406) 555-0190",
        "notes": "",
        "accept_policy": "on",
        "website": "",
    }
    for key in (f"waitlist-{offer.pk}", f"waitlist:{offer.pk}", claimed.token, "x" * 64):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(confirm, {**stranger, "form_key": key})
        own = Booking.objects.active().get(name="Mallory Stranger")
        assert response.status_code == 302 and response["Location"] == own.manage_path()
        assert own.form_key is None
        services.booking_cancel(booking=own, now=NOW)  # the time free again for the next key


def test_waitlist_links_are_redacted_from_the_log(
    service, therapist, policy, django_capture_on_commit_callbacks, client, caplog
):
    booked = make_booking(therapist=therapist, service=service, start=THURSDAY_10)
    first = join(service, name="Ann First")
    cancel(booked, django_capture_on_commit_callbacks)
    offer = first.offers.get()
    with (
        time_machine.travel(NOW + timedelta(minutes=31), tick=False),
        caplog.at_level(logging.WARNING, logger="django.request"),
    ):
        assert client.get(offer.get_absolute_url()).status_code == 410  # expired: logged
        assert client.post(first.get_absolute_url(), {"x": "1"}).status_code == 400
    logged = [record for record in caplog.records if record.name == "django.request"]
    assert len(logged) == 2
    for record in logged:
        RedactSecretsFilter().filter(record)  # what the console handler does
        message = record.getMessage()
        assert "/waitlist/" in message and "[redacted]" in message
        assert offer.token not in message and first.token not in message


# --- Races: threads, each in its own transaction on its own connection -----------------------


def at_once(*calls) -> Counter:
    barrier = threading.Barrier(len(calls))
    outcomes = []

    def run(call):
        try:
            connection.ensure_connection()
            barrier.wait()
            result = call()
            outcomes.append(f"booked {result.pk}" if isinstance(result, Booking) else str(result))
        except services.BookingError as refused:
            outcomes.append(f"refused: {refused.code}")
        except Exception as error:  # an unexpected error is an outcome the test fails on
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Counter(outcomes)


def freed_thursday(*, entries=1, at_once_count=3):
    BookingPolicy.objects.update_or_create(
        pk=1, defaults={"waitlist_offers_at_once": at_once_count}
    )
    service = make_service()
    therapist = make_therapist(services=[service])
    booked = make_booking(therapist=therapist, service=service, start=THURSDAY_10)
    names = ["Ann First", "Bo Second", "Cy Third"][:entries]
    for number, name in enumerate(names):
        join(service, name=name, at=NOW + timedelta(minutes=number))
    services.booking_cancel(booking=booked, now=NOW)  # committed: the job runs at once
    return service, therapist


@pytest.mark.django_db(transaction=True)
def test_two_claims_of_one_offer_at_the_same_instant_book_once():
    """Fails without the lock (see notes in the README's waitlist section)."""
    freed_thursday()
    offer = WaitlistOffer.objects.get()

    outcomes = at_once(*[lambda: waitlist.waitlist_claim(offer=offer, now=NOW)] * 2)

    booking = Booking.objects.active().get(start=THURSDAY_10)
    assert outcomes == {f"booked {booking.pk}": 2}  # the second tap is shown the same booking
    assert Booking.objects.filter(start=THURSDAY_10).active().count() == 1


@pytest.mark.django_db(transaction=True)
def test_three_entries_claiming_one_time_at_once_get_one_booking():
    freed_thursday(entries=3)
    offers = list(WaitlistOffer.objects.all())
    assert len(offers) == 3

    outcomes = at_once(*[lambda o=o: waitlist.waitlist_claim(offer=o, now=NOW) for o in offers])

    assert sum(outcomes.values()) == 3 and outcomes["refused: taken"] == 2
    assert Booking.objects.filter(start=THURSDAY_10).active().count() == 1
    assert WaitlistEntry.objects.waiting().count() == 2


@pytest.mark.django_db(transaction=True)
def test_an_online_booking_and_a_claim_at_once_book_the_time_once():
    service, therapist = freed_thursday()
    offer = WaitlistOffer.objects.get()

    def online():
        return services.booking_create(
            service=service,
            therapist=therapist,
            start=THURSDAY_10,
            name="Dee Online",
            email="dee@example.com",
            phone="(406) 555-0199",
            now=NOW,
        )

    outcomes = at_once(online, lambda: waitlist.waitlist_claim(offer=offer, now=NOW))

    assert sum(outcomes.values()) == 2
    assert sum(n for outcome, n in outcomes.items() if outcome.startswith("booked")) == 1
    assert Booking.objects.filter(start=THURSDAY_10).active().count() == 1


@pytest.mark.django_db(transaction=True)
def test_expiry_with_two_workers_offers_the_next_entry_once():
    freed_thursday(entries=3, at_once_count=1)
    first = WaitlistEntry.objects.get(name="Ann First")
    later = NOW + timedelta(minutes=31)
    with pytest.raises(waitlist.OfferClosed):
        waitlist.waitlist_claim(offer=first.offers.get(), now=later)

    outcomes = at_once(*[lambda: waitlist.waitlist_sweep(now=later)] * 2)

    assert sum(outcomes.values()) == 2 and not any("Error" in o for o in outcomes)
    second = WaitlistEntry.objects.get(name="Bo Second")
    assert second.offers.count() == 1
    assert WaitlistOffer.objects.open().count() == 1
    assert not WaitlistEntry.objects.get(name="Cy Third").offers.exists()


# --- Joining, the entry page, bad input ------------------------------------------------------


def join_data(**changes):
    data = {
        "service": "sciatica-relief-60",
        "therapist": "any",
        "weekdays": ["0", "5"],
        "parts": ["morning", "evening"],
        "from_date": "2026-12-07",
        "until_date": "",
        "name": "Ruth Andersen",
        "email": "Ruth@Example.com",
        "phone": "(406) 555-0147",
        "website": "",
    }
    data.update(changes)
    return data


def test_joining_is_confirmed_by_email_with_a_link_to_see_change_or_leave(
    client, service, therapist, policy, django_capture_on_commit_callbacks
):
    form = client.get(JOIN, {"service": service.slug, "therapist": "maren", "date": "2026-12-10"})
    assert form.status_code == 200
    page = form.content.decode()
    assert 'value="maren" selected' in page and 'id="id_weekdays_3" checked' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(JOIN, join_data())
    entry = WaitlistEntry.objects.get()
    assert response.status_code == 302 and response["Location"] == entry.get_absolute_url()
    assert (entry.weekdays, entry.parts, entry.email) == (
        "05",
        "morning,evening",
        "ruth@example.com",
    )
    assert len(entry.token) >= 43
    email = OutboxEmail.objects.get(kind="waitlist_joined")
    assert entry.get_absolute_url() in email.body and email.to == "ruth@example.com"

    shown = client.get(entry.get_absolute_url())
    assert shown.status_code == 200 and "You are on the waitlist" in shown.content.decode()
    changed = client.post(
        entry.get_absolute_url(), {**join_data(weekdays=["2"], parts=["afternoon"]), "change": "1"}
    )
    assert changed.status_code == 302
    entry.refresh_from_db()
    assert (entry.weekdays, entry.parts, entry.joined_at) == ("2", "afternoon", NOW)
    client.post(entry.get_absolute_url(), {"leave": "1"})
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.LEFT


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"weekdays": []}, "Please tick at least one day."),
        ({"weekdays": ["9"]}, "valid choice"),
        ({"parts": ["night"]}, "valid choice"),
        ({"parts": []}, "Please tick at least one time of day."),
        ({"from_date": "2026-13-45"}, "YYYY-MM-DD"),
        ({"from_date": "2026-12-01"}, "today or a later day"),
        ({"from_date": "9999-12-31"}, "days ahead"),
        ({"until_date": "2026-12-08", "from_date": "2026-12-09"}, "on or after the first"),
        ({"service": "nope"}, "Please choose a service from the list."),
        ({"therapist": "x" * 5000}, "Please choose a therapist from the list."),
        ({"email": "not-an-email"}, "valid email address"),
        ({"phone": "call me"}, "phone number we can call"),
        ({"name": "   "}, "Please tell us your name."),
        ({"website": "http://spam.example"}, "Please leave this field empty."),
    ],
)
def test_bad_input_on_joining_gets_a_clear_message_and_keeps_what_was_typed(
    client, service, therapist, policy, changes, message
):
    response = client.post(JOIN, join_data(**changes))
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "ruth@example.com" in page.lower() or changes.get("email")
    assert not WaitlistEntry.objects.exists()


def test_a_therapist_who_does_not_offer_the_service_is_refused(client, service, policy):
    make_therapist(services=[service])
    make_therapist(slug="luis", name="Luis Echeverria", services=[])
    response = client.post(JOIN, join_data(therapist="luis"))
    assert response.status_code == 400 and "does not offer" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"service": "nope"},
        {"service": "sciatica-relief-60", "date": "2026-99-99", "therapist": "ghost"},
        {"service": "x" * 3000},
        {"date": "\x00"},
    ],
)
def test_odd_links_to_the_join_page_never_fail(client, service, therapist, query):
    assert client.get(JOIN, query).status_code in {200, 400}


def test_links_are_unguessable_and_bad_ones_answer_404(client, service, therapist, policy):
    for url in (
        reverse("bookings:waitlist_offer", args=["x" * 43]),
        reverse("bookings:waitlist_offer", args=["x" * 500]),
        reverse("bookings:waitlist_entry", args=["nope"]),
    ):
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404


def test_joining_too_often_keeps_what_was_typed(client, service, therapist, policy, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "booking": (1, 60)}
    client.post(JOIN, join_data(email="a@example.com"))
    response = client.post(JOIN, join_data(email="b@example.com"))
    assert response.status_code == 429 and "b@example.com" in response.content.decode()
    assert WaitlistEntry.objects.count() == 1


def test_the_picker_the_lost_race_page_and_my_bookings_link_to_the_waitlist(
    client, service, therapist, policy
):
    picker = client.get(reverse("bookings:book_service", args=[service.slug]))
    assert "Join the waitlist" in picker.content.decode()
    lost = client.get(
        reverse("bookings:confirm", args=[service.slug]),
        {"therapist": "maren", "start": "2026-12-12T10:00-07:00"},  # a Saturday: not working
    )
    assert "Join the waitlist" in lost.content.decode()


def test_an_offer_for_a_time_booked_another_way_gets_the_nearest_free_times(
    client, service, therapist, policy, django_capture_on_commit_callbacks
):
    booked = make_booking(therapist=therapist, service=service, start=THURSDAY_10)
    join(service, name="Ann First")
    cancel(booked, django_capture_on_commit_callbacks)
    make_booking(therapist=therapist, service=service, start=THURSDAY_10)  # the front desk
    offer = WaitlistOffer.objects.get()

    page = client.get(offer.get_absolute_url())
    assert page.status_code == 409 and "The nearest free times" in page.content.decode()
    offer.refresh_from_db()
    assert offer.status == WaitlistOffer.Status.OPEN  # a GET changes nothing
    assert client.post(offer.get_absolute_url()).status_code == 409


# --- The back office --------------------------------------------------------------------------


@pytest.fixture
def desk_and_therapists(service, policy, django_user_model):
    groups = ensure_groups()
    desk = django_user_model.objects.create_user(username="desk", is_staff=True)
    desk.groups.add(groups["Front desk"])
    maren_user = django_user_model.objects.create_user(username="maren", is_staff=True)
    maren_user.groups.add(groups["Therapist"])
    maren = make_therapist(services=[service], user=maren_user)
    luis = make_therapist(slug="luis", name="Luis Echeverria", services=[service])
    return desk, maren_user, maren, luis


def test_the_front_desk_filters_the_waitlist_and_a_therapist_sees_theirs_and_any(
    client, service, desk_and_therapists
):
    desk, maren_user, maren, luis = desk_and_therapists
    join(service, name="Any One")
    join(service, name="For Maren", therapist=maren, weekdays=(5,))
    join(service, name="For Luis", therapist=luis)
    url = reverse("admin:bookings_waitlistentry_changelist")

    client.force_login(desk)
    assert all(n in client.get(url).content.decode() for n in ("Any One", "For Maren", "For Luis"))
    saturday = client.get(url, {"day": "5"}).content.decode()
    assert "For Maren" in saturday and "For Luis" not in saturday
    by_therapist = client.get(url, {"therapist__id__exact": luis.pk}).content.decode()
    assert "For Luis" in by_therapist and "Any One" not in by_therapist
    assert client.get(url, {"service__id__exact": service.pk}).status_code == 200

    client.force_login(maren_user)
    page = client.get(url).content.decode()
    assert "Any One" in page and "For Maren" in page and "For Luis" not in page
    luis_entry = WaitlistEntry.objects.get(name="For Luis")
    change = reverse("admin:bookings_waitlistentry_change", args=[luis_entry.pk])
    assert client.get(change).status_code == 404


def test_the_front_desk_offers_a_specific_free_time_and_sees_the_offer_history(
    client, service, desk_and_therapists, django_capture_on_commit_callbacks
):
    desk, _maren_user, maren, _luis = desk_and_therapists
    entry = join(service, name="Ann First", therapist=maren)
    client.force_login(desk)
    url = reverse("admin:bookings_waitlistentry_offer", args=[entry.pk])
    form = client.get(url)
    assert form.status_code == 200
    value = f"maren|{local('2026-12-08', '14:00').isoformat()}"
    assert value in form.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"slot": value}).status_code == 302
    offer = entry.offers.get()
    assert offer.offered_by == desk and offer.start == local("2026-12-08", "14:00")
    assert OutboxEmail.objects.filter(kind="waitlist_offer", to=entry.email).exists()
    again = client.post(url, {"slot": value})
    assert "already been offered" in again.content.decode()

    change = client.get(reverse("admin:bookings_waitlistentry_change", args=[entry.pk]))
    assert "the waitlist job" not in change.content.decode() and "desk" in change.content.decode()
    assert (
        client.post(url, {"slot": "garbage|x"}).status_code == 200
    )  # not a choice: the form again


def test_the_owner_sees_the_refill_figures_on_the_waitlist(
    client, service, policy, django_user_model
):
    owner = django_user_model.objects.create_superuser("owner", "owner@example.com", None)
    client.force_login(owner)
    page = client.get(reverse("admin:bookings_waitlistentry_changelist")).content.decode()
    assert "Cancelled sessions refilled from the waitlist" in page and "Last 90 days" in page
