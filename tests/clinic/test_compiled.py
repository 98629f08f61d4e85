"""Queries compiled once (clinic/compiled.py): the same rows as the queryset, with its types."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models import OuterRef, Subquery

from bookings.models import Booking, OutboxEmail, Service
from clinic.compiled import CompiledQuery, fields_of, instance
from tests.factories import local, make_booking

pytestmark = pytest.mark.django_db

FIELDS = ("id", "token", "start", "price", "status", "service__name", "service__price")


def by_token(token):
    return Booking.objects.filter(token=token).values_list(*FIELDS)


@pytest.fixture
def bookings(policy, service, therapist):
    return [
        make_booking(therapist=therapist, service=service, start=local("2026-12-09", hour))
        for hour in ("10:00", "12:00")
    ]


def test_rows_are_the_querysets_with_its_types(bookings):
    query = CompiledQuery(by_token, str)
    for booking in bookings:
        assert query.rows(booking.token) == list(by_token(booking.token))
    row = query.first(bookings[0].token)
    assert row[2] == bookings[0].start and row[2].tzinfo is not None  # an aware datetime
    assert isinstance(row[6], Decimal)
    assert query.first("no-such-token") is None


def test_each_placeholder_takes_its_value_and_the_sql_is_written_once(
    bookings, django_assert_num_queries
):
    def build(pk, status):
        return Booking.objects.filter(pk=pk, status=status).values_list("token")

    query = CompiledQuery(build, int, str)
    query.rows(bookings[0].pk, "confirmed")
    sql = query._compiled.copy()
    assert query.rows(bookings[1].pk, "confirmed") == [(bookings[1].token,)]
    assert query.rows(bookings[1].pk, "cancelled") == []
    assert query._compiled == sql
    with django_assert_num_queries(1):
        query.rows(bookings[0].pk, "confirmed")


def test_annotations_come_after_the_fields_in_their_order(bookings):
    booking = bookings[0]
    OutboxEmail.objects.create(
        booking=booking, kind="client_booking", to=booking.email, subject="Booked", body="."
    )
    newest = OutboxEmail.objects.filter(booking=OuterRef("pk")).values("status")[:1]

    def build(token):
        return (
            Booking.objects.filter(token=token)
            .annotate(email_status=Subquery(newest))
            .values_list("token", "start", "email_status")
        )

    query = CompiledQuery(build, str)
    assert query.first(booking.token) == build(booking.token).first()
    assert query.first(booking.token)[2] == "waiting"
    assert query.first(bookings[1].token) == (bookings[1].token, bookings[1].start, None)


def test_a_value_of_the_wrong_type_is_refused(bookings):
    query = CompiledQuery(by_token, str)
    with pytest.raises(TypeError):
        query.rows(bookings[0].pk)


def test_a_placeholder_that_does_not_reach_the_sql_as_it_is_is_refused(bookings):
    # A lookup that rewrites its value ("%ruth%") would bind the placeholder as written.
    # A date placeholder would be adapted on its way into the SQL: not a plain value.
    query = CompiledQuery(
        lambda name: Booking.objects.filter(name__icontains=name).values_list("pk"), str
    )
    with pytest.raises(ImproperlyConfigured):
        query.rows("ruth")
    twice = CompiledQuery(
        lambda token: (
            Booking.objects.filter(token=token).exclude(reference=token).values_list("pk")
        ),
        str,
    )
    with pytest.raises(ImproperlyConfigured):
        twice.rows("x")


def test_only_values_list_querysets_compile(bookings):
    query = CompiledQuery(lambda token: Booking.objects.filter(token=token), str)
    with pytest.raises(ImproperlyConfigured):
        query.rows(bookings[0].token)


def test_an_instance_defers_what_it_was_not_given(bookings, django_assert_num_queries):
    fields = fields_of(Booking, {"id", "token", "start"})
    assert fields == ("id", "token", "start")
    booking = instance(Booking, fields, (bookings[0].pk, bookings[0].token, bookings[0].start))
    assert booking.get_deferred_fields() >= {"reference", "status", "notes"}
    with django_assert_num_queries(1):
        assert booking.reference == bookings[0].reference
    assert fields_of(Booking, exclude={"notes"}) == tuple(
        f.attname for f in Booking._meta.concrete_fields if f.attname != "notes"
    )


def test_another_value_gives_another_row(bookings):
    query = CompiledQuery(by_token, str)
    first, second = (query.first(b.token) for b in bookings)
    assert second[2] - first[2] == timedelta(hours=2)


def test_constants_are_written_into_the_statement_and_placeholders_stay_parameters(bookings):
    """The booking's status (a constant of the queryset) is a literal; the token (the
    placeholder) is still a parameter, so a quote in it is only ever data."""
    from django.db import connection

    query = CompiledQuery(
        lambda token: Booking.objects.filter(
            token=token, status=Booking.Status.CONFIRMED, service__name__contains="100%"
        ).values_list("id"),
        str,
    )
    assert query.rows(bookings[0].token) == []  # no service is named so
    Service.objects.filter(pk=bookings[0].service_id).update(name="Sciatica: 100% relief")
    assert query.rows(bookings[0].token) == [(bookings[0].pk,)]
    sql, params, slots, _, _ = query._compiled["default", connection.vendor]
    assert "'confirmed'" in sql and "100" in sql
    assert len(params) == 1 and slots == (0,)
    assert query.rows("x' OR '1'='1") == []
    other = CompiledQuery(
        lambda token: Booking.objects.filter(token=token, status="confirmed").values_list("id"),
        str,
    )
    assert other.rows(bookings[1].token) == [(bookings[1].pk,)]
