"""Uploaded photos (therapists' headshots, the clinic's photos).

An upload is checked by its content, never by its name: Pillow must recognise a JPEG, PNG or
WebP image of a sensible size. It is then turned upright, stripped of every piece of metadata
(EXIF, GPS position, camera, comments) by re-encoding only its pixels, cropped to the shape
the site shows, and saved as WebP with a JPEG fallback at a few widths under MEDIA_ROOT.
"""

from __future__ import annotations

import secrets
from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 50_000_000  # a 50-megapixel photo; larger is refused before it is decoded
MIN_SIDE = 320
FORMATS = {"JPEG", "PNG", "WEBP"}
ENCODINGS = (
    ("webp", "WEBP", {"quality": 80, "method": 4}),
    ("jpeg", "JPEG", {"quality": 82, "optimize": True, "progressive": True}),
)


def _refuse(message: str, code: str, **params) -> ValidationError:
    return ValidationError(message, code=code, params=params)


def open_upload(upload) -> Image.Image:
    """The uploaded photo, upright and fully decoded, or a ValidationError the owner reads."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise _refuse(
            _(
                "This file is %(size)s MB; photos can be up to %(limit)s MB. Please export a "
                "smaller copy (about 2000 pixels wide is plenty)."
            )
            % {"size": f"{upload.size / 1024 / 1024:.1f}", "limit": MAX_UPLOAD_BYTES // 2**20},
            "too_big",
        )
    not_a_photo = _refuse(
        _(
            "This file is not a photo we can use. Please upload a JPEG, PNG or WebP image "
            "(renaming a file does not change what it is)."
        ),
        "not_image",
    )
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            kind, (width, height) = probe.format, probe.size
            if kind not in FORMATS or width * height > MAX_PIXELS:
                raise not_a_photo
            probe.verify()
        upload.seek(0)
        image = Image.open(upload)
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise not_a_photo from None
    image = ImageOps.exif_transpose(image)  # upright before the orientation tag goes
    if min(image.size) < MIN_SIDE:
        raise _refuse(
            _("This photo is %(width)s × %(height)s pixels; please use one at least %(min)s wide.")
            % {"width": image.width, "height": image.height, "min": MIN_SIDE},
            "too_small",
        )
    return image


def _pixels_only(image: Image.Image) -> Image.Image:
    """The picture's pixels on white, in RGB, with no metadata carried along."""
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        flat = Image.new("RGB", image.size, (255, 255, 255))
        flat.paste(image, mask=image.getchannel("A"))
    else:
        flat = image.convert("RGB")
    clean = Image.new("RGB", flat.size)
    clean.paste(flat)
    return clean


def render_set(image: Image.Image, *, folder: str, widths: tuple[int, ...], ratio: float) -> dict:
    """Save `image` cropped to `ratio` (width / height) at each width (never upscaled), as WebP
    and JPEG. Returns the set as stored on the model: its size and each width's two files."""
    clean = _pixels_only(image)
    full_width = min(clean.width, round(clean.height * ratio))
    cropped = ImageOps.fit(clean, (full_width, round(full_width / ratio)), Image.Resampling.LANCZOS)
    stem = f"{folder}/{secrets.token_hex(8)}"
    sources = []
    for width in sorted({min(width, full_width) for width in widths}):
        height = round(width / ratio)
        resized = cropped.resize((width, height), Image.Resampling.LANCZOS)
        files = {}
        for key, kind, options in ENCODINGS:
            buffer = BytesIO()
            resized.save(buffer, kind, **options)
            ext = "jpg" if key == "jpeg" else key
            files[key] = default_storage.save(
                f"{stem}-{width}.{ext}", ContentFile(buffer.getvalue())
            )
        sources.append({"width": width, "height": height, **files})
    return {"width": sources[-1]["width"], "height": sources[-1]["height"], "sources": sources}


def delete_set(image_set: dict) -> None:
    for source in (image_set or {}).get("sources", []):
        for key, _kind, _options in ENCODINGS:
            if source.get(key):
                default_storage.delete(source[key])


def picture_replace(*, picture, image: Image.Image) -> None:
    """Give `picture` (a Headshot or ClinicPhoto) the responsive set of `image` and save it.

    The files it had are deleted once the change is committed, so a failed save keeps them.
    """
    old = picture.image_set
    picture.image_set = render_set(
        image, folder=picture.FOLDER, widths=picture.WIDTHS, ratio=picture.RATIO
    )
    picture.save()
    transaction.on_commit(lambda: delete_set(old))


def picture_delete(*, picture) -> None:
    image_set = picture.image_set
    picture.delete()
    transaction.on_commit(lambda: delete_set(image_set))
