"""Verified reviews: the request email after a completed session, the review through its
private link, and the owner's moderation, as clients and the owner see them."""

import html
import itertools
import re
import threading
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from bookings.models import Booking, Review, ReviewOptOut, ReviewRequest
from bookings.reviews import reviews_request_send, reviews_set_status
from tests.factories import NOW, make_booking, make_client, make_service, make_therapist

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic(policy):
    service = make_service()
    maren = make_therapist(slug="maren-ostby", services=[service])
    return service, maren


_slots = itertools.count()


def completed(clinic, *, days_ago=4, client=None, status=Booking.Status.COMPLETED):
    """A session `days_ago` days back, two hours after the previous one made (so that no two
    sessions of the therapist overlap)."""
    service, therapist = clinic
    return make_booking(
        therapist=therapist,
        service=service,
        client=client or make_client(name="Ruth Andersen"),
        start=NOW - timedelta(days=days_ago) + timedelta(hours=2 * (next(_slots) % 8)),
        status=status,
    )


def send(capture, now=NOW) -> int:
    with capture(execute=True):
        return reviews_request_send(now=now)


def link(message, kind="review") -> str:
    pattern = r"/reviews/[^/\s]+/unsubscribe/" if kind == "unsubscribe" else r"/reviews/[^/\s]+/"
    return re.search(pattern, message.body).group(0)


def text(response) -> str:
    """The page as a reader sees it: no tags, single spaces."""
    words = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(html.unescape(words).split())


def test_a_few_days_after_a_completed_session_the_client_is_asked_once(
    clinic, django_capture_on_commit_callbacks
):
    session = completed(clinic, days_ago=4)
    completed(clinic, days_ago=1, client=make_client(name="Too Soon"))
    completed(clinic, days_ago=30, client=make_client(name="Long Ago"))
    completed(clinic, days_ago=5, client=make_client(name="Did Not Come"), status="no_show")

    assert send(django_capture_on_commit_callbacks) == 1
    assert send(django_capture_on_commit_callbacks) == 0  # run again: nothing more

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [session.email]
    assert message.subject == "How was your session with Maren?"
    assert "Hello Ruth Andersen," in message.body
    assert link(message) == reverse("bookings:review", args=[session.review_request.token])
    assert "No more requests like this one:" in message.body and link(message, "unsubscribe")


def test_once_per_client_in_ninety_days(clinic, django_capture_on_commit_callbacks):
    ruth = make_client(name="Ruth Andersen")
    completed(clinic, days_ago=4, client=ruth)
    assert send(django_capture_on_commit_callbacks) == 1

    second = completed(clinic, days_ago=-30, client=ruth)  # her next session, a month on
    assert send(django_capture_on_commit_callbacks, NOW + timedelta(days=35)) == 0
    second.start = NOW + timedelta(days=88)  # and one three months on
    second.set_times(second.start)
    second.save()
    assert send(django_capture_on_commit_callbacks, NOW + timedelta(days=92)) == 1
    assert len(mail.outbox) == 2


def test_an_address_that_unsubscribed_is_never_asked_again(
    client, clinic, django_capture_on_commit_callbacks
):
    ruth = make_client(name="Ruth Andersen", email="ruth@example.com")
    completed(clinic, days_ago=4, client=ruth)
    send(django_capture_on_commit_callbacks)
    url = link(mail.outbox[0], "unsubscribe")

    page = client.get(url)  # a mail scanner following the link changes nothing
    assert "Stop review requests?" in text(page) and not ReviewOptOut.objects.exists()
    response = client.post(url)
    assert response.status_code == 302
    assert "We will not ask ruth@example.com for reviews again" in text(client.get(url))

    family = make_client(name="Leo Andersen", email="Ruth@Example.com")  # the same inbox
    completed(clinic, days_ago=4, client=family)
    assert send(django_capture_on_commit_callbacks) == 0


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_request_exactly_once(policy):
    """Fails without the client row lock on PostgreSQL: both runs would ask the same client."""
    service = make_service()
    therapist = make_therapist(services=[service])
    for number in range(6):
        make_booking(
            therapist=therapist,
            service=service,
            client=make_client(name=f"Client {number}"),
            start=NOW - timedelta(days=4, hours=2 * number),
            status=Booking.Status.COMPLETED,
        )
    runs = 4
    barrier = threading.Barrier(runs)
    sent, errors = [], []

    def run():
        try:
            connection.ensure_connection()
            barrier.wait()
            sent.append(reviews_request_send(now=NOW))
        except Exception as error:  # reported below
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    assert sum(sent) == 6
    assert ReviewRequest.objects.count() == 6
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        Booking.objects.values_list("email", flat=True)
    )


def test_the_command_sends_the_requests(clinic, django_capture_on_commit_callbacks, capsys):
    completed(clinic, days_ago=4)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_review_requests")
    assert "Review requests sent: 1" in capsys.readouterr().out
    assert len(mail.outbox) == 1


def test_the_workers_send_the_requests_as_a_periodic_job(
    clinic, settings, django_capture_on_commit_callbacks
):
    from bookings.tasks import send_review_requests

    path, seconds = settings.PERIODIC_JOBS["review-requests"]
    assert path == "bookings.tasks.send_review_requests" and seconds <= 3600
    completed(clinic, days_ago=4)
    with django_capture_on_commit_callbacks(execute=True):
        send_review_requests.enqueue()
    assert len(mail.outbox) == 1


@pytest.fixture
def asked(clinic, django_capture_on_commit_callbacks):
    session = completed(clinic, days_ago=4)
    send(django_capture_on_commit_callbacks)
    return session, link(mail.outbox[0])


def test_the_private_link_takes_one_review_shown_once_the_owner_publishes_it(client, asked):
    session, url = asked
    form = client.get(url)
    assert form.status_code == 200 and "How was your session?" in text(form)
    assert form["X-Robots-Tag"] == "noindex, nofollow"
    assert not Review.objects.exists()  # opening the link changes nothing

    response = client.post(url, {"rating": "5", "comment": "My leg has stopped aching."})
    assert response.status_code == 302 and response["Location"] == url
    assert "Thank you for your review" in text(client.get(url))
    review = Review.objects.get()
    assert (review.booking, review.therapist, review.rating) == (session, session.therapist, 5)
    assert review.display_name == "Ruth A." and review.status == Review.Status.PENDING

    therapist_page = session.therapist.get_absolute_url()
    assert "My leg has stopped aching." not in text(client.get(therapist_page))
    reviews_set_status(reviews=Review.objects.all(), status=Review.Status.PUBLISHED, now=NOW)
    page = text(client.get(therapist_page))
    assert "My leg has stopped aching." in page and "Ruth A." in page
    assert "Andersen" not in page

    again = client.post(url, {"rating": "1", "comment": "A second go."})
    assert again.status_code == 200 and "Thank you for your review" in text(again)
    assert Review.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"rating": "7", "comment": "Great"}, "Please choose a rating from 1 to 5."),
        ({"rating": "five", "comment": "Great"}, "Please choose a rating from 1 to 5."),
        ({"rating": "0", "comment": "Great"}, "Please choose a rating from 1 to 5."),
        ({"rating": "4", "comment": "   "}, "Please write a few words about your visit."),
        ({"rating": "4", "comment": "x" * 2001}, "Please keep it under 2000 characters."),
    ],
)
def test_a_tampered_or_incomplete_review_is_explained_and_saves_nothing(
    client, asked, data, message
):
    _session, url = asked
    response = client.post(url, data)
    assert response.status_code == 400
    assert message in text(response)
    assert not Review.objects.exists()


def test_a_review_without_a_completed_session_is_impossible(
    client, clinic, django_capture_on_commit_callbacks
):
    upcoming = completed(clinic, days_ago=-2, status=Booking.Status.CONFIRMED)
    # Made up, guessed or cut short: a friendly page, never an error.
    for url in ["/reviews/made-up-token/", "/reviews/" + "x" * 80 + "/"]:
        response = client.post(url, {"rating": "5", "comment": "Fake"})
        assert response.status_code == 404
        assert "This review link does not work" in text(response)
    # A link to someone else's session cannot be pointed at another booking.
    session = completed(clinic, days_ago=4)
    send(django_capture_on_commit_callbacks)
    url = link(mail.outbox[0])
    response = client.post(
        url, {"rating": "5", "comment": "Mine", "booking": upcoming.pk, "therapist": 999}
    )
    assert Review.objects.get().booking == session
    # A session marked no-show after the email went out can no longer be reviewed.
    Review.objects.all().delete()
    Booking.objects.filter(pk=session.pk).update(status=Booking.Status.NO_SHOW)
    response = client.post(url, {"rating": "5", "comment": "Was I there?"})
    assert response.status_code == 409
    assert "This session is not marked as completed" in text(response)
    assert not Review.objects.exists()


def test_a_link_expires_after_sixty_days(client, asked):
    _session, url = asked
    ReviewRequest.objects.update(sent_at=NOW - timedelta(days=61))
    response = client.post(url, {"rating": "5", "comment": "Late"})
    assert response.status_code == 409 and "This review link has expired" in text(response)
    assert not Review.objects.exists()


def make_review(clinic, *, rating, name, status=Review.Status.PUBLISHED):
    session = completed(clinic, client=make_client(name=name))
    request = ReviewRequest.objects.create(booking=session, client=session.client, sent_at=NOW)
    return Review.objects.create(
        request=request,
        booking=session,
        therapist=session.therapist,
        rating=rating,
        comment=f"Review by {name}",
        display_name=name.split()[0],
        status=status,
        created_at=NOW,
    )


def test_moderation_hides_a_review_everywhere_with_its_count_and_average(client, clinic):
    five = make_review(clinic, rating=5, name="Ada Lind")
    make_review(clinic, rating=4, name="Bo Kerr")
    three = make_review(clinic, rating=3, name="Cy Dunn", status=Review.Status.PENDING)
    therapist_page = clinic[1].get_absolute_url()

    for url in ["/", therapist_page, "/therapists/"]:
        page = text(client.get(url))
        assert "Review by Cy Dunn" not in page  # waiting for the owner
    home = text(client.get("/"))
    assert "4.5 from 2 verified reviews" in home and "Review by Ada Lind" in home
    assert "4.5 from 2 verified reviews" in text(client.get(therapist_page))

    owner = get_user_model().objects.create_superuser("owner", "owner@example.com", "x")
    staff = client.__class__()
    staff.force_login(owner)
    changelist = reverse("admin:bookings_review_changelist")
    staff.post(changelist, {"action": "hide", "_selected_action": [five.pk]})
    staff.post(changelist, {"action": "publish", "_selected_action": [three.pk]})

    for url in ["/", therapist_page]:
        page = text(client.get(url))  # cached pages are refreshed at once
        assert "Review by Ada Lind" not in page and "Review by Cy Dunn" in page
        assert "3.5 from 2 verified reviews" in page
    assert "2 reviews" in text(client.get("/therapists/"))


def test_the_owner_replies_under_a_published_review(client, clinic):
    review = make_review(clinic, rating=4, name="Ada Lind")
    owner = get_user_model().objects.create_superuser("owner", "owner@example.com", "x")
    staff = client.__class__()
    staff.force_login(owner)
    url = reverse("admin:bookings_review_change", args=[review.pk])
    response = staff.post(
        url,
        {"display_name": "Ada L.", "status": "published", "reply": "Thank you, Ada!"},
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.replied_at is not None
    page = text(client.get(clinic[1].get_absolute_url()))
    assert "Reply from Rimrock Massage & Bodywork" in page and "Thank you, Ada!" in page
    assert "Ada L." in page


def test_a_therapist_reads_only_their_own_reviews(client, clinic, django_user_model):
    from bookings.demo import ensure_groups

    mine = make_review(clinic, rating=5, name="Ada Lind")
    service, _maren = clinic
    luis = make_therapist(slug="luis", name="Luis Echeverria", services=[service])
    theirs = make_review((service, luis), rating=4, name="Bo Kerr")
    user = django_user_model.objects.create_user(username="maren", is_staff=True)
    user.groups.add(ensure_groups()["Therapist"])
    clinic[1].user = user
    clinic[1].save()
    client.force_login(user)
    changelist = text(client.get(reverse("admin:bookings_review_changelist")))
    assert "Review by Ada Lind" in changelist and "Review by Bo Kerr" not in changelist
    url = reverse("admin:bookings_review_change", args=[theirs.pk])
    assert client.get(url).status_code == 404
    assert client.post(
        reverse("admin:bookings_review_changelist"),
        {"action": "publish", "_selected_action": [mine.pk]},
    ).status_code in {200, 403}


def test_a_clients_reviews_are_in_their_data_export_and_go_with_erasure(client, clinic):
    from bookings.privacy import sections

    review = make_review(clinic, rating=5, name="Ada Lind")
    (section,) = [s for s in sections() if s.key == "reviews"]
    person = review.booking.client
    exported = section.export([person])[person.pk]
    assert exported[0]["comment"] == "Review by Ada Lind" and exported[0]["rating"] == 5
    assert "Review by Ada Lind" in text(client.get("/"))

    owner = get_user_model().objects.create_superuser("owner", "owner@example.com", "x")
    assert section.erase(people=[person], by=owner, now=NOW) == 1
    review.refresh_from_db()
    assert (review.comment, review.display_name, review.status) == ("", "", "hidden")
    assert "Review by Ada Lind" not in text(client.get("/"))
