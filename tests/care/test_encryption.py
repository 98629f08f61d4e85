"""Answers are encrypted at rest; keys rotate; production refuses to run without a key."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection, transaction

from care.crypto import Hidden
from care.models import Intake, IntakeReview
from care.services import keys_rotate
from tests.care.support import SECRETS, fill_in
from tests.conftest import TEST_CARE_KEY

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
NEW_KEY = Fernet.generate_key().decode()


def raw_rows() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT answers, flags FROM care_intake")
        intakes = cursor.fetchall()
        cursor.execute("SELECT note FROM care_intakereview")
        return intakes + cursor.fetchall()


@pytest.fixture
def two_forms(client, clinic):
    fill_in(client, clinic.ruth_next, history__recent_injury="yes")
    fill_in(client, clinic.dan_next, consent__full_name="Dan Okafor")
    IntakeReview.objects.create(
        intake=Intake.objects.get(client=clinic.ruth),
        outcome="modified",
        note="Keep off the sprained left ankle entirely.",
        by=clinic.maren_user,
        at=clinic.ruth_next.start,
    )


def test_a_query_of_the_columns_finds_no_plain_text_answer(two_forms):
    rows = raw_rows()
    assert len(rows) == 3
    stored = " ".join(str(value) for row in rows for value in row)
    for secret in [*SECRETS, "Ruth Andersen", "recent_injury", "sprained", "1971-05-14"]:
        assert secret not in stored
    for row in rows:
        for value in row:
            assert value.startswith("gAAAAA")  # a Fernet token
            assert Fernet(TEST_CARE_KEY.encode()).decrypt(value.encode())


def test_answers_read_back_and_hide_in_their_repr(two_forms, clinic):
    intake = Intake.objects.get(client=clinic.ruth)
    assert intake.answers["history"]["medications"] == "Albuterol inhaler"
    assert intake.flags == ["recent_injury"]
    assert isinstance(intake.answers, Hidden)
    assert "Albuterol" not in repr(intake.answers) and "Albuterol" not in repr(intake)
    assert "ankle" not in repr(IntakeReview.objects.get().note)


def test_rotation_re_encrypts_every_row_and_old_keys_decrypt_until_removed(
    two_forms, clinic, settings, capsys
):
    before = raw_rows()
    settings.CARE_ENCRYPTION_KEYS = [NEW_KEY, TEST_CARE_KEY]
    # The old key still reads everything before the rotation.
    assert Intake.objects.get(client=clinic.ruth).answers["pain"]["better"] == "Swimming laps"

    call_command("care_rotate_keys")
    assert "Rows re-encrypted with the newest key: 3" in capsys.readouterr().out

    after = raw_rows()
    assert all(
        a != b
        for old, new in zip(before, after, strict=True)
        for a, b in zip(old, new, strict=True)
    )
    for row in after:
        for value in row:
            Fernet(NEW_KEY.encode()).decrypt(value.encode())
            with pytest.raises(InvalidToken):
                Fernet(TEST_CARE_KEY.encode()).decrypt(value.encode())
    settings.CARE_ENCRYPTION_KEYS = [NEW_KEY]  # the old key removed: still readable
    assert Intake.objects.get(client=clinic.dan).answers["consent"]["full_name"] == "Dan Okafor"
    assert IntakeReview.objects.get().note == "Keep off the sprained left ankle entirely."


def test_a_row_under_a_removed_key_is_unreadable(two_forms, settings):
    settings.CARE_ENCRYPTION_KEYS = [NEW_KEY]
    with pytest.raises(InvalidToken):
        list(Intake.objects.all())
    assert keys_rotate.__doc__  # rotation needs the old key: put it back and rotate first


def test_no_key_means_nothing_is_stored(client, clinic, settings):
    settings.CARE_ENCRYPTION_KEYS = []
    with (
        pytest.raises(ImproperlyConfigured, match="CARE_ENCRYPTION_KEYS is not set"),
        transaction.atomic(),
    ):
        Intake.objects.create(client=clinic.ruth, answers={"about": {}})
    assert not Intake.objects.exists()


def test_dumpdata_carries_no_answer(two_forms, capsys):
    call_command("dumpdata", "care.intake", "care.intakereview")
    dumped = capsys.readouterr().out
    assert json.loads(dumped) and "<encrypted>" in dumped
    for secret in SECRETS:
        assert secret not in dumped


def _check(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "k3y-" + "Zq8#xV2!pL9@mN4$" * 4,
            "DJANGO_ALLOWED_HOSTS": "www.rimrockmassage.example",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_fails_in_production_without_a_key():
    result = _check("--deploy")
    assert result.returncode != 0
    assert "care.E001" in result.stdout + result.stderr


def test_a_key_that_is_not_a_fernet_key_fails_every_check():
    result = _check(CARE_ENCRYPTION_KEYS=f"{NEW_KEY},not-a-key")
    assert result.returncode != 0
    assert "care.E002" in result.stderr and "key number 2" in result.stderr


def test_the_development_key_file_is_made_once_and_only_for_debug_runs(tmp_path, settings):
    settings.CARE_DEV_KEY_FILE = tmp_path / ".care-key"
    settings.DEBUG = True
    call_command("care_new_key", "--dev-file")
    key = settings.CARE_DEV_KEY_FILE.read_text().strip()
    Fernet(key.encode())
    call_command("care_new_key", "--dev-file")
    assert settings.CARE_DEV_KEY_FILE.read_text().strip() == key  # kept
    assert settings.CARE_DEV_KEY_FILE.stat().st_mode & 0o077 == 0
    settings.DEBUG = False
    with pytest.raises(Exception, match="DEBUG runs only"):
        call_command("care_new_key", "--dev-file")


def test_the_key_file_is_ignored_by_git():
    result = subprocess.run(
        ["git", "check-ignore", ".care-key"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.stdout.strip() == ".care-key"
