"""The health form as a client fills it in: steps, going back, drafts, errors, consent,
updates after 12 months or a change in health, and where it is offered."""

import html
import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from bookings import reminders
from bookings import services as booking_services
from care import links
from care import questions as q
from care.models import ConsentText, Intake
from care.services import health_form
from tests.care.support import ANSWERS, fill_in, post_step, step_url, text, visible_text
from tests.factories import NOW, local, make_booking

pytestmark = pytest.mark.django_db


def start_url(booking):
    return reverse("care:start", args=[booking.token])


def submitted(client_row):
    return Intake.objects.submitted().filter(client=client_row)


def test_the_whole_form_in_six_steps_submits_with_its_consent_and_form_versions(client, clinic):
    booking = clinic.ruth_next
    page = client.get(start_url(booking))
    assert page.status_code == 200
    assert "Start my health form" in text(page)

    response = fill_in(client, booking)

    assert response["Location"] == reverse("care:received", args=[booking.token])
    intake = submitted(clinic.ruth).get()
    assert intake.consent == ConsentText.current() and intake.consent.version == 1
    assert intake.form_version == q.FORM_VERSION
    assert intake.submitted_at == NOW
    assert intake.answers["pain"]["pain_now"] == 6
    assert intake.answers["pain"]["regions"] == ["lower_back", "left_leg"]
    assert intake.answers["preferences"]["chaperone"] is True
    assert intake.answers["consent"]["full_name"] == "Ruth Andersen"
    assert intake.flags == [] and not intake.flagged
    assert not Intake.objects.drafts().exists()
    received = client.get(response["Location"])
    assert "Your health form: received" in visible_text(received)
    assert health_form(booking).state == "received"


def test_each_step_is_a_titled_fieldset_form_with_every_field_labelled(client, clinic):
    for number, (step, title) in enumerate(q.STEPS, start=1):
        page = text(client.get(step_url(clinic.ruth_next, step)))
        assert f"<h1>{title}</h1>" in page
        assert f"step {number} of 6" in page
        assert "<fieldset" in page and "<legend" in page
        ids = set(re.findall(r'<input[^>]+id="(id_[^"]+)"', page))
        ids |= set(re.findall(r'<textarea[^>]+id="(id_[^"]+)"', page))
        for control in ids - {"id_consent_version"}:
            assert f'for="{control}"' in page, (step, control)


def test_going_back_keeps_what_was_typed_even_unfinished(client, clinic):
    booking = clinic.ruth_next
    post_step(client, booking, "about")
    # Half of step 2, with a mistake, then Back: saved as typed, without complaint.
    response = post_step(
        client, booking, "pain", action="back", pain_now="11", worse="Long drives to Bozeman"
    )
    assert response.status_code == 302
    assert response["Location"] == step_url(booking, "about")

    about = text(client.get(step_url(booking, "about")))
    assert 'value="Alex Brennan"' in about and 'value="1971-05-14"' in about
    pain = text(client.get(step_url(booking, "pain")))
    assert 'value="11"' in pain and "Long drives to Bozeman" in pain


def test_a_draft_is_resumed_from_the_emailed_link(client, clinic):
    booking = clinic.ruth_next
    post_step(client, booking, "about")
    post_step(client, booking, "pain")

    # Later, another browser: the booking page offers to finish, the form opens at step 3.
    other = type(client)()
    manage = visible_text(other.get(booking.manage_path()))
    assert "Your health form: missing" in manage and "Finish my health form" in manage
    start = text(other.get(start_url(booking)))
    assert "Continue my health form" in start
    assert f'href="{step_url(booking, "history")}"' in start
    assert "Swimming laps" in text(other.get(step_url(booking, "pain")))
    draft = Intake.objects.drafts().get(client=clinic.ruth)
    assert draft.steps_saved == 2 and draft.answers["about"]["emergency_name"] == "Alex Brennan"


@pytest.mark.parametrize(
    ("step", "change", "message", "kept"),
    [
        (
            "about",
            {"date_of_birth": "2031-02-03"},
            "Your date of birth can't be in the future",
            'value="2031-02-03"',
        ),
        ("pain", {"pain_now": "11"}, "Please choose a number from 0 (no pain) to 10", 'value="11"'),
        ("consent", {"full_name": ""}, "Please type your full name to sign the form.", "checked"),
        ("consent", {"agree": None}, "Please tick the box to give your consent.", "2026-12-07"),
        ("history", {"pregnant": "yes"}, "Please tell us which trimester you are in.", "Albuterol"),
        ("history", {"fever": None}, "Please answer yes or no.", "Mild asthma"),
    ],
)
def test_bad_input_is_explained_next_to_its_field_and_nothing_is_lost(
    client, clinic, step, change, message, kept
):
    booking = clinic.ruth_next
    for earlier in q.STEP_NAMES[: q.STEP_NAMES.index(step)]:
        post_step(client, booking, earlier)

    response = post_step(client, booking, step, **change)

    assert response.status_code == 400
    page = text(response)
    assert message in page
    assert 'role="alert"' in page and "autofocus" in page  # the summary, announced and focused
    assert 'aria-invalid="true"' in page
    assert kept in page
    assert not submitted(clinic.ruth).exists()
    # The field's error is tied to it and linked from the summary.
    field = next(iter(change))
    assert f'href="#id_{field}' in page or (field == "pregnant" and 'href="#id_trimester' in page)


def test_unanswered_yes_no_questions_are_named_and_their_errors_sit_under_them(client, clinic):
    booking = clinic.ruth_next
    for earlier in ("about", "pain"):
        post_step(client, booking, earlier)

    page = text(post_step(client, booking, "history", blood_clots=None, fever=None))

    summary = re.search(r'class="alert alert-danger error-summary".*?</ul>', page, re.S).group(0)
    lines = re.findall(r'<a href="#(id_\w+)">([^<]+)</a>', summary)
    assert lines == [
        (f"id_{code}_0", f"{q.FLAGS[code].question} Please answer yes or no.")
        for code in ("blood_clots", "fever")
    ]
    for code in ("blood_clots", "fever"):
        question = re.search(rf'<div id="div_id_{code}".*?</fieldset>', page, re.S).group(0)
        # The question, then its error (shown: not hidden as a radio's sibling), then the
        # answers: not squeezed in beside the last one.
        assert re.search(
            rf'</legend>\s*<div id="id_{code}_error" class="invalid-feedback d-block">'
            r"<p[^>]*><strong>Please answer yes or no.</strong></p></div>\s*"
            r'<div class="care-yes-no-answers">\s*<div class="form-check">\s*<input type="radio"',
            question,
        ), question


def test_the_date_of_birth_hint_matches_the_browsers_date_control(client, clinic):
    """The control shows the browser's own order (mm/dd/yyyy in the US): the hint and the
    error give no year-month-day pattern to copy, and a date typed as the hint reads (where
    a browser shows a plain text box) is taken."""
    booking = clinic.ruth_next
    response = client.get(step_url(booking, "about"))
    assert 'type="date"' in text(response)
    page = visible_text(response)
    assert "For example, April 23, 1978." in page
    assert not re.search(r"\d{4}-\d{2}-\d{2}|year-month-day", page)
    wrong = visible_text(post_step(client, booking, "about", date_of_birth="23.04.1978"))
    assert "month, day and year, for example April 23, 1978" in wrong
    assert not re.search(r"\d{4}-\d{2}-\d{2}|year-month-day", wrong)
    assert post_step(client, booking, "about", date_of_birth="April 23, 1978").status_code == 302


def test_a_get_never_changes_anything(client, clinic):
    for step in q.STEP_NAMES:
        client.get(step_url(clinic.ruth_next, step))
    client.get(start_url(clinic.ruth_next))
    client.get(reverse("care:received", args=[clinic.ruth_next.token]))
    assert not Intake.objects.exists()


def test_the_last_step_sends_back_to_an_unfinished_step_with_its_errors(client, clinic):
    booking = clinic.ruth_next
    post_step(client, booking, "about")
    post_step(client, booking, "pain", action="back", pain_now="")  # left unfinished

    # Straight to the consent step (its link is not shown yet, but a client may guess it).
    response = post_step(client, booking, "consent")

    assert response.status_code == 400
    page = text(response)
    assert "<h1>Where it hurts</h1>" in page
    assert "Please finish this step first" in page
    assert "Please give your pain now as a number from 0 to 10." in page
    assert not submitted(clinic.ruth).exists()


def test_a_consent_text_changed_while_filling_in_must_be_agreed_again(client, clinic):
    booking = clinic.ruth_next
    for step in q.STEP_NAMES[:-1]:
        post_step(client, booking, step)
    ConsentText.objects.create(text="A new consent text.\n\nWith two paragraphs.")

    response = post_step(client, booking, "consent", consent_version="1")

    assert response.status_code == 400
    page = text(response)
    assert "We have updated our consent text" in page
    assert "A new consent text." in page and 'name="consent_version" value="2"' in page
    fill_in(client, booking, consent__consent_version="2")
    assert submitted(clinic.ruth).get().consent.version == 2


def test_a_second_click_on_send_submits_once(client, clinic):
    booking = clinic.ruth_next
    fill_in(client, booking)
    again = post_step(client, booking, "consent")
    assert again.status_code == 302
    assert submitted(clinic.ruth).count() == 1


def test_a_returning_client_is_current_for_12_months_then_updates_prefilled(client, clinic):
    fill_in(client, clinic.ruth_next)
    within = make_booking(
        therapist=clinic.maren,
        service=clinic.sciatica,
        client=clinic.ruth,
        start=NOW + timedelta(days=300),
    )
    later = make_booking(
        therapist=clinic.maren,
        service=clinic.sciatica,
        client=clinic.ruth,
        start=NOW + timedelta(days=380),
    )
    assert health_form(within).state == "received"
    assert health_form(later).state == "missing" and health_form(later).out_of_date

    # From the later booking's email: the form is out of date, and the update starts from
    # the last answers; consent is given again.
    emailed = links.emailed_form_url(later).removeprefix("http://127.0.0.1:8000")
    assert "more than 12 months before this session" in visible_text(client.get(emailed))
    key = {"k": links.mailbox_key(later)}
    about = text(client.get(step_url(later, "about"), key))
    assert 'value="Alex Brennan"' in about
    consent = text(client.get(step_url(later, "consent"), key))
    assert 'value="Ruth Andersen"' not in consent
    with time_machine.travel(NOW + timedelta(days=370), tick=False):
        fill_in(client, later, key=key, consent__signed_on=str((NOW + timedelta(days=370)).date()))
    assert submitted(clinic.ruth).count() == 2
    assert health_form(later).state == "received"


def test_my_health_has_changed_updates_the_form_prefilled(client, clinic):
    booking = clinic.ruth_next
    fill_in(client, booking)
    page = visible_text(client.get(booking.manage_path()))
    assert "Your health form: received" in page
    assert "My health has changed: update my form" in page

    pain = text(client.get(step_url(booking, "pain")))
    assert "Swimming laps" in pain  # prefilled from the form on file
    fill_in(client, booking, history__recent_injury="yes")

    assert submitted(clinic.ruth).count() == 2
    assert health_form(booking).state == "needs_review"


def test_the_booking_page_offers_the_form_at_once_after_a_first_booking(client, clinic):
    response = client.post(
        reverse("bookings:confirm", args=[clinic.sciatica.slug])
        + f"?therapist=maren&start={local('2026-12-10', '10:00').isoformat()}",
        {
            "name": "Nora Whitfield",
            "email": "nora@example.com",
            "phone": "(406) 555-0177",
            "accept_policy": "on",
        },
        follow=True,
    )
    page = visible_text(response)
    assert "Your session is booked" in page
    assert "Your health form: missing" in page
    assert "Fill in my health form" in page


def test_the_booking_page_asks_for_the_form_online_not_early_at_the_desk(client, clinic):
    """For a service without its own "what to expect": the form online before the first
    visit (linked to the box that holds it), then a few minutes early on the day."""
    clinic.sciatica.what_to_expect = ""
    clinic.sciatica.save()
    page = text(client.get(clinic.ruth_next.manage_path()))
    expect = visible_text(client.get(clinic.ruth_next.manage_path())).split("What to bring")[1]
    assert expect.startswith(
        " and expect Before your first visit, please fill in your health form online (about "
        "5 minutes). On the day, arrive a few minutes early to settle in"
    )
    assert '<a href="#health-form">your health form</a>' in page and 'id="health-form"' in page
    assert "10 minutes early" not in page


def test_confirmation_and_reminder_emails_link_to_the_form(
    clinic, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_services.booking_create(
            service=clinic.sciatica,
            therapist=clinic.maren,
            start=local("2026-12-10", "10:00"),
            name="Nora Whitfield",
            email="nora@example.com",
            phone="(406) 555-0177",
            now=NOW,
        )
    link = links.emailed_form_url(booking)
    assert link.startswith("http://127.0.0.1:8000/bookings/") and "?k=" in link
    confirmation = next(m for m in mail.outbox if m.to == ["nora@example.com"])
    assert "please fill in our health form" in confirmation.body and link in confirmation.body
    assert f'href="{link}"' in html.unescape(confirmation.alternatives[0][0])
    # The form is filled in online beforehand, not at the desk: a few minutes early is enough.
    for body in (confirmation.body, html.unescape(confirmation.alternatives[0][0])):
        assert body.index(link) < body.index("please arrive a few minutes early to settle in")
        assert "10 minutes early" not in body

    mail.outbox.clear()
    with (
        time_machine.travel(local("2026-12-09", "12:00"), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        reminders.reminders_send(now=local("2026-12-09", "12:00"))
    reminder = next(m for m in mail.outbox if m.to == ["nora@example.com"])
    assert reminder.subject.startswith("Reminder") and link in reminder.body


def test_a_cancelled_booking_offers_no_form(client, clinic):
    booking = clinic.ruth_next
    booking.status = booking.Status.CANCELLED
    booking.save()
    assert "there is no form to fill in" in text(client.get(start_url(booking)))
    response = post_step(client, booking, "about")
    assert response.status_code == 302 and not Intake.objects.exists()


def test_unknown_links_and_steps_are_not_found(client, clinic):
    assert client.get("/bookings/not-a-real-token-at-all/health-form/").status_code == 404
    assert client.get(step_url(clinic.ruth_next, "payment")).status_code == 404
    assert client.get(f"/bookings/{'x' * 80}/health-form/").status_code == 404


def test_form_pages_are_never_cached_or_indexed(client, clinic):
    for url in [start_url(clinic.ruth_next), step_url(clinic.ruth_next, "history")]:
        response = client.get(url)
        assert "no-store" in response["Cache-Control"]
        assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_answers_as_stored_match_what_the_steps_ask(client, clinic):
    fill_in(client, clinic.ruth_next)
    answers = submitted(clinic.ruth).get().answers
    assert set(answers) == set(q.STEP_NAMES)
    assert set(answers["history"]) == {f.code for f in q.CONTRAINDICATIONS} | {
        "trimester",
        "conditions",
        "medications",
    }
    assert answers["about"]["date_of_birth"] == ANSWERS["about"]["date_of_birth"]


def test_a_care_plans_one_email_links_to_the_form(clinic, django_capture_on_commit_callbacks):
    from bookings import notifications
    from bookings.models import Series

    series = Series.objects.create(client=clinic.ruth, every_weeks=2)
    for day in ["2026-12-10", "2026-12-24"]:
        booking = make_booking(
            therapist=clinic.maren, service=clinic.sciatica, client=clinic.ruth,
            start=local(day, "10:00"),
        )  # fmt: skip
        booking.series = series
        booking.save()
    with django_capture_on_commit_callbacks(execute=True):
        notifications.series_created(series)
    (message,) = [m for m in mail.outbox if m.to == ["ruth@example.com"]]
    first = series.bookings.order_by("start").first()
    assert "please fill in our health form" in message.body
    assert links.emailed_form_url(first) in message.body
    assert links.emailed_form_url(first) in html.unescape(message.alternatives[0][0])
