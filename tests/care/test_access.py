"""Who reads health answers (Intake.objects.visible_to, per role), every read logged, and the
answers kept out of the front desk's pages, exports, feeds, caches, logs and error pages."""

import html
import logging

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client as HttpClient
from django.test import RequestFactory
from django.urls import reverse
from django.views.debug import ExceptionReporter

from bookings.models import Booking
from care import views as care_views
from care.models import Intake, IntakeAccess
from tests.care.support import ANSWERS, SECRETS, fill_in, post_step, text
from tests.factories import local, make_booking

pytestmark = pytest.mark.django_db


@pytest.fixture
def ruths_form(client, clinic):
    fill_in(
        client,
        clinic.ruth_next,
        history__blood_thinners="yes",
        history__medications="Albuterol inhaler",
    )
    return Intake.objects.submitted().get(client=clinic.ruth)


def sheet_url(intake, booking=None):
    url = reverse("admin:care_intake_change", args=[intake.pk])
    return url + (f"?booking={booking.pk}" if booking else "")


def assert_no_answers(page: str, where: str):
    for secret in SECRETS:
        assert secret not in page, f"{secret!r} on {where}"


# --- The rule, once: Intake.objects.visible_to ------------------------------------------------


def test_who_reads_a_form_per_role(clinic, ruths_form, django_user_model):
    def readers_of(user):
        return list(Intake.objects.visible_to(user))

    assert readers_of(clinic.owner) == [ruths_form]
    assert readers_of(clinic.maren_user) == [ruths_form]  # Ruth is booked with Maren
    assert readers_of(clinic.hannah_user) == []  # Hannah treats Dan, not Ruth
    assert readers_of(clinic.desk) == []  # the front desk: states only
    inactive = django_user_model.objects.create_user("gone", is_staff=True, is_active=False)
    assert readers_of(inactive) == []
    outsider = django_user_model.objects.create_user("visitor")
    assert readers_of(outsider) == []


def test_a_past_booking_lets_a_therapist_read_a_cancelled_one_does_not(clinic, ruths_form):
    make_booking(
        therapist=clinic.luis,
        service=clinic.sciatica,
        client=clinic.ruth,
        start=local("2026-11-30", "10:00"),
        status=Booking.Status.COMPLETED,
    )
    make_booking(
        therapist=clinic.hannah,
        service=clinic.sciatica,
        client=clinic.ruth,
        start=local("2026-12-10", "10:00"),
        status=Booking.Status.CANCELLED,
    )
    assert list(Intake.objects.visible_to(clinic.luis_user)) == [ruths_form]
    assert list(Intake.objects.visible_to(clinic.hannah_user)) == []


# --- The admin: 404 outside the rule, every read logged ---------------------------------------


def test_a_therapist_with_no_booking_of_that_person_gets_404(client, clinic, ruths_form):
    client.force_login(clinic.hannah_user)
    assert client.get(sheet_url(ruths_form)).status_code == 404
    assert client.get(sheet_url(ruths_form, clinic.ruth_next)).status_code == 404
    listing = client.get(reverse("admin:care_intake_changelist"))
    assert listing.status_code == 403 or "Ruth Andersen" not in text(listing)
    assert not IntakeAccess.objects.exists()


def test_each_read_makes_one_access_log_row(client, clinic, ruths_form):
    client.force_login(clinic.maren_user)
    page = text(client.get(sheet_url(ruths_form, clinic.ruth_next)))
    assert "Albuterol inhaler" in page
    client.get(sheet_url(ruths_form))

    rows = list(IntakeAccess.objects.order_by("pk"))
    assert [(r.user, r.intake, r.booking) for r in rows] == [
        (clinic.maren_user, ruths_form, clinic.ruth_next),
        (clinic.maren_user, ruths_form, None),
    ]
    # Lists, the booking's page and the review list read no answers: no rows.
    client.get(reverse("admin:care_intake_changelist"))
    client.get(reverse("admin:bookings_booking_change", args=[clinic.ruth_next.pk]))
    client.get(reverse("admin:care_sessionintake_changelist"))
    assert IntakeAccess.objects.count() == 2


def test_the_owner_lists_the_reads_and_nobody_else_does(client, clinic, ruths_form):
    client.force_login(clinic.maren_user)
    client.get(sheet_url(ruths_form))
    log = reverse("admin:care_intakeaccess_changelist")
    assert client.get(log).status_code == 403

    client.force_login(clinic.owner)
    page = text(client.get(log))
    assert "maren" in page and "Ruth Andersen" in page
    sheet = text(client.get(sheet_url(ruths_form)))
    assert "Who has read this form" in sheet
    client.force_login(clinic.desk)
    assert client.get(log).status_code == 403


def test_the_front_desk_sees_no_answer_anywhere_in_the_admin(client, clinic, ruths_form):
    client.force_login(clinic.desk)
    pages = {
        "booking": reverse("admin:bookings_booking_change", args=[clinic.ruth_next.pk]),
        "bookings": reverse("admin:bookings_booking_changelist"),
        "agenda": reverse("admin:bookings_booking_agenda") + "?date=2026-12-09",
        "client": reverse("admin:bookings_client_change", args=[clinic.ruth.pk]),
        "reviews": reverse("admin:care_sessionintake_changelist"),
        "index": reverse("admin:index"),
        "forms": reverse("admin:care_intake_changelist"),
        "form": sheet_url(ruths_form, clinic.ruth_next),
        "form history": reverse("admin:care_intake_history", args=[ruths_form.pk]),
        "reads": reverse("admin:care_intakeaccess_changelist"),
    }
    seen = {}
    for name, url in pages.items():
        response = client.get(url)
        seen[name] = response.status_code
        assert_no_answers(text(response), name)
        assert "blood thinners" not in text(response).lower()
    assert seen["booking"] == seen["agenda"] == seen["reviews"] == 200
    assert seen["form"] == 404 and seen["forms"] in {403, 404}
    assert "Needs review" in text(client.get(pages["booking"]))
    assert "Health form: needs review" in text(client.get(pages["agenda"]))
    assert not IntakeAccess.objects.exists()


def test_the_therapists_booking_page_links_to_the_form(client, clinic, ruths_form):
    client.force_login(clinic.maren_user)
    page = text(client.get(reverse("admin:bookings_booking_change", args=[clinic.ruth_next.pk])))
    assert "Read and review the health form" in page
    assert sheet_url(ruths_form, clinic.ruth_next).replace("&", "&amp;") in page.replace(
        "&", "&amp;"
    )
    assert_no_answers(page, "booking page")


# --- Nowhere else: exports, feeds, caches, logs, error pages ----------------------------------


def test_no_answer_in_the_csv_export_or_the_calendar_feed(client, clinic, ruths_form):
    client.force_login(clinic.owner)
    export = client.get(
        reverse("admin:bookings_booking_export"), {"start": "2026-12-01", "end": "2026-12-31"}
    )
    assert export.status_code == 200
    assert_no_answers(export.content.decode(), "CSV export")
    feed = HttpClient().get(reverse("bookings:therapist_feed", args=[clinic.maren.calendar_token]))
    assert feed.status_code == 200
    assert_no_answers(feed.content.decode(), "calendar feed")


def test_no_answer_in_any_cache(client, clinic, ruths_form):
    client.force_login(clinic.maren_user)
    client.get(sheet_url(ruths_form))
    anonymous = HttpClient()
    anonymous.get(clinic.ruth_next.manage_path())
    anonymous.get(reverse("care:step", args=[clinic.ruth_next.token, "pain"]))
    for alias in ["default", "ratelimit"]:
        stored = repr(dict(caches[alias]._cache))
        assert_no_answers(stored, f"cache {alias}")


def test_no_answer_in_logs_or_sql_logs(client, clinic, caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django.db.backends")
    connection.force_debug_cursor = True  # the SQL with its parameters, as DEBUG logs it
    try:
        post_step(client, clinic.ruth_next, "pain", pain_now="12")  # an error page, logged
        fill_in(client, clinic.ruth_next)
        client.force_login(clinic.owner)
        client.get(sheet_url(Intake.objects.get()))
    finally:
        connection.force_debug_cursor = False
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "care_intake" in logged  # the SQL was logged: with ciphertext only
    assert_no_answers(logged, "logs")


def test_no_answer_on_error_pages_or_error_reports(client, clinic, settings, monkeypatch):
    """A crash while saving: the 500 page says sorry; the report for the admins (what
    Django's mail_admins sends) hides the POST and the views' and services' variables."""
    settings.DEBUG = False

    def broken(self, *args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(Intake, "save", broken)
    client.raise_request_exception = False
    page = post_step(client, clinic.ruth_next, "pain")
    assert page.status_code == 500
    assert_no_answers(text(page), "500 page")

    request = RequestFactory().post(
        reverse("care:step", args=[clinic.ruth_next.token, "pain"]), ANSWERS["pain"]
    )
    with pytest.raises(RuntimeError) as crash:
        care_views.step(request, token=clinic.ruth_next.token, step="pain")
    report = ExceptionReporter(request, crash.type, crash.value, crash.tb).get_traceback_html()
    assert "the disk is full" in report and "intake_save_step" in report
    assert_no_answers(html.unescape(report), "error report")


@pytest.mark.parametrize("bad", ["²", "٣", "9" * 30, "-1", "1e3"])
def test_an_id_that_is_no_number_is_a_404_on_every_health_page(client, clinic, ruths_form, bad):
    intake = Intake.objects.submitted().get()
    client.force_login(clinic.owner)
    for url in [
        f"/admin/care/intake/{bad}/change/",
        f"/admin/care/treatmentnote/{bad}/change/",
        f"/admin/care/sessionintake/{bad}/change/",
    ]:
        assert client.get(url).status_code == 404, url
    page = client.get(sheet_url(intake) + f"?booking={bad}")
    assert page.status_code == 200 and "Ruth Andersen" in text(page)  # no session: the form
