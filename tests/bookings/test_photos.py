"""Photos in the back office: a therapist's headshot and the clinic's photos, as the owner and
a therapist upload them, and as visitors then see them."""

import html
import io
import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image

from bookings.demo import ensure_groups
from bookings.models import ClinicPhoto, Headshot
from tests.factories import make_service, make_therapist

pytestmark = pytest.mark.django_db

GPS = {
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (45.0, 47.0, 2.0),
    ExifTags.GPS.GPSLongitudeRef: "W",
    ExifTags.GPS.GPSLongitude: (108.0, 30.0, 17.0),
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def maren(django_user_model):
    groups = ensure_groups()
    user = django_user_model.objects.create_user(username="maren", is_staff=True)
    user.groups.add(groups["Therapist"])
    return make_therapist(slug="maren-ostby", services=[make_service()], user=user)


@pytest.fixture
def owner(client):
    user = get_user_model().objects.create_superuser("owner", "owner@example.com", "x")
    client.force_login(user)
    return user


def png(width=900, height=700) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (11, 93, 91)).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneCo"
    exif[ExifTags.Base.Model] = "Pocket 12"
    exif[ExifTags.IFD.GPSInfo] = GPS
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 1600), (200, 120, 90)).save(buffer, "JPEG", exif=exif)
    data = buffer.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # it has GPS
    return data


def noise_png(megabytes: int) -> bytes:
    """A PNG that does not compress: random pixels, over `megabytes` MB."""
    side = int((megabytes * 1024 * 1024 / 3) ** 0.5) + 10
    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=0)
    return buffer.getvalue()


def form_data(response) -> dict:
    """What the browser would post back from an admin change page, untouched."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms.append(inline.formset.management_form)
        forms.extend(inline.formset.forms)
    for form in forms:
        for bound in form:
            value = bound.value()
            if value is None or value is False or bound.name == "upload":
                continue
            value = "on" if value is True else value
            data[bound.html_name] = (
                [str(v) for v in value] if isinstance(value, list | tuple) else str(value)
            )
    return data


def upload_headshot(client, therapist, content: bytes, name: str, alt="Maren in the Rimrock room"):
    url = reverse("admin:bookings_therapist_change", args=[therapist.pk])
    data = form_data(client.get(url))
    data.update({"headshot-0-alt": alt, "headshot-0-upload": SimpleUploadedFile(name, content)})
    return client.post(url, data)


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def stored_files(media: Path) -> list[Path]:
    return sorted(path for path in media.rglob("*") if path.is_file())


def test_a_therapist_uploads_a_png_headshot_shown_as_webp_and_jpeg_at_three_widths(
    client, maren, media, django_capture_on_commit_callbacks
):
    client.force_login(maren.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload_headshot(client, maren, png(900, 700), "me.png")
    assert response.status_code == 302, page_text(response)[:3000]

    headshot = Headshot.objects.get(therapist=maren)
    assert [s["width"] for s in headshot.image_set["sources"]] == [160, 320, 480]
    assert (headshot.width, headshot.height) == (480, 480)  # cropped square, never upscaled
    files = stored_files(media)
    assert sorted(path.suffix for path in files) == [".jpg"] * 3 + [".webp"] * 3
    for path in files:
        with Image.open(path) as image:
            assert image.format in {"JPEG", "WEBP"}
            assert image.width in {160, 320, 480} and image.width == image.height

    page = page_text(client.get(maren.get_absolute_url()))
    assert '<source type="image/webp" srcset="/media/photos/team/' in page
    assert "-160.webp 160w" in page and "-480.webp 480w" in page
    assert 'width="480" height="480" alt="Maren in the Rimrock room"' in page
    # The booking step's therapist choice shows the face too.
    assert "-320.jpg 320w" in page_text(client.get("/book/sciatica-relief-60/"))


def test_a_jpeg_with_gps_is_stored_without_any_metadata(client, owner, maren, media):
    response = upload_headshot(client, maren, jpeg_with_gps(), "IMG_2041.JPG")
    assert response.status_code == 302, page_text(response)[:3000]

    files = stored_files(media)
    assert len(files) == 6
    for path in files:
        raw = path.read_bytes()
        assert b"Exif" not in raw and b"PhoneCo" not in raw and b"Pocket 12" not in raw
        with Image.open(path) as image:
            assert not image.getexif()
            assert "exif" not in image.info
    # The portrait photo was cropped to the middle square, from its full width.
    assert Headshot.objects.get().image_set["sources"][-1]["width"] == 480


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (
            b"%PDF-1.4 definitely not a photo",
            "headshot.jpg",
            "This file is not a photo we can use. Please upload a JPEG, PNG or WebP image",
        ),
        (png(900, 700)[:200], "cut-short.png", "This file is not a photo we can use."),
        (png(200, 150), "tiny.png", "This photo is 200 × 150 pixels; please use one at least 320"),
    ],
    ids=["not-an-image-named-jpg", "broken-png", "too-small"],
)
def test_a_file_that_is_not_a_usable_photo_is_refused_with_a_clear_message(
    client, owner, maren, media, content, name, message
):
    response = upload_headshot(client, maren, content, name)
    assert response.status_code == 200  # the form again, with the error
    assert message in page_text(response)
    assert not Headshot.objects.exists()
    assert stored_files(media) == []


def test_an_oversize_file_is_refused_with_its_size_and_the_limit(client, owner, maren, media):
    response = upload_headshot(client, maren, noise_png(9), "huge.png")
    text = page_text(response)
    assert "photos can be up to 8 MB" in text and "This file is 9." in text
    assert not Headshot.objects.exists()
    assert stored_files(media) == []


def test_alt_text_is_required(client, owner, maren, media):
    response = upload_headshot(client, maren, png(), "me.png", alt="")
    assert response.status_code == 200
    assert "This field is required." in page_text(response)
    assert not Headshot.objects.exists()


def test_replacing_a_headshot_deletes_the_old_files(
    client, owner, maren, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload_headshot(client, maren, png(), "first.png")
    first = set(stored_files(media))
    with django_capture_on_commit_callbacks(execute=True):
        response = upload_headshot(client, maren, png(1000, 1000), "second.png")
    assert response.status_code == 302
    second = set(stored_files(media))
    assert len(second) == 6 and not first & second


def test_without_a_photo_a_therapist_gets_an_avatar_with_initials(client, maren):
    page = page_text(client.get(maren.get_absolute_url()))
    assert 'class="face face-avatar"' in page and ">MO</text>" in page


def test_the_owner_adds_a_clinic_photo_shown_on_the_home_and_visit_pages(
    client, owner, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:bookings_clinicphoto_add"),
            {
                "upload": SimpleUploadedFile("front.png", png(2000, 1400)),
                "alt": "The green door of the clinic on Montana Avenue",
                "caption": "Our front door",
                "place": ClinicPhoto.Place.OUTSIDE,
                "on_home_page": "on",
                "active": "on",
            },
        )
    assert response.status_code == 302, page_text(response)[:3000]
    photo = ClinicPhoto.objects.get()
    assert [s["width"] for s in photo.image_set["sources"]] == [480, 960, 1440]
    assert (photo.width, photo.height) == (1440, 960)
    client.logout()
    for url in ["/", "/visit/"]:
        page = page_text(client.get(url))
        assert 'alt="The green door of the clinic on Montana Avenue"' in page
        assert "-1440.webp 1440w" in page and 'width="1440" height="960"' in page


def test_a_therapist_cannot_add_clinic_photos(client, maren):
    client.force_login(maren.user)
    assert client.get(reverse("admin:bookings_clinicphoto_add")).status_code == 403
