"""Periodic jobs: queued once per period whatever the number of workers; the heartbeat."""

from datetime import timedelta

import pytest
from django.core import mail
from django_tasks_db.models import DBTaskResult

from bookings import jobs
from tests.factories import NOW, local, make_booking

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.PERIODIC_JOBS = {
        "heartbeat": ("bookings.tasks.heartbeat", 60),
        "reminders": ("bookings.tasks.send_due_reminders", 300),
    }
    jobs.periodic_jobs_prepare()


def queued() -> list[str]:
    return sorted(row.task_path.rsplit(".", 1)[1] for row in DBTaskResult.objects.all())


def test_each_period_queues_each_job_once_however_many_clocks_tick(queue):
    for _ in range(3):  # three workers' clocks in the same minute
        jobs.periodic_jobs_enqueue(now=NOW)
    assert queued() == ["heartbeat", "send_due_reminders"]
    jobs.periodic_jobs_enqueue(now=NOW + timedelta(seconds=61))
    assert queued() == ["heartbeat", "heartbeat", "send_due_reminders"]
    jobs.periodic_jobs_enqueue(now=NOW + timedelta(minutes=5))
    assert queued().count("send_due_reminders") == 2


def test_the_health_of_the_worker_comes_from_its_heartbeat(queue):
    assert jobs.worker_health(now=NOW) == "never"
    jobs.job_finished("heartbeat", now=NOW)
    assert jobs.worker_health(now=NOW + timedelta(minutes=1)) == "ok"
    assert jobs.worker_health(now=NOW + timedelta(minutes=4)) == "late"


def test_the_clock_survives_a_database_error(queue, monkeypatch, caplog):
    from django.db import DatabaseError

    def broken(**kwargs):
        raise DatabaseError("server closed the connection")

    monkeypatch.setattr(jobs, "periodic_jobs_enqueue", broken)
    clock = jobs.Clock(tick=1)
    clock.tick_once()
    clock.tick_once()
    assert caplog.text.count("Periodic jobs not queued") == 1  # once per outage


def test_the_cron_command_only_queues_the_reminder_job(queue, policy, therapist, service):
    from django.core.management import call_command

    make_booking(therapist=therapist, service=service, start=local("2026-12-08", "07:30"))
    call_command("send_reminders")
    assert queued() == ["send_due_reminders"] and mail.outbox == []
