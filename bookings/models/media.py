"""Photos on the website: a therapist's headshot and the clinic's own photos.

Each holds a responsive set made by `bookings.images` (WebP and JPEG at a few widths, no
metadata); the upload itself is never kept.
"""

from django.core.files.storage import default_storage
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .catalogue import Therapist
from .rooms import Room


class Picture(models.Model):
    """What a photo shows (its alt text, required) and its stored sizes."""

    FOLDER = "photos"
    WIDTHS: tuple[int, ...] = (480, 960, 1440)
    RATIO = 3 / 2

    alt = models.CharField(
        _("description (alt text)"),
        max_length=200,
        help_text=_(
            "What the photo shows, for people who cannot see it, e.g. “Maren smiling in the "
            "Rimrock room”. Required."
        ),
    )
    image_set = models.JSONField(default=dict, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(condition=~Q(alt=""), name="%(class)s_alt_required"),
        ]

    @property
    def width(self) -> int:
        return self.image_set.get("width", 0)

    @property
    def height(self) -> int:
        return self.image_set.get("height", 0)

    @property
    def has_image(self) -> bool:
        return bool(self.image_set.get("sources"))

    def srcset(self, key: str) -> str:
        return ", ".join(
            f"{default_storage.url(source[key])} {source['width']}w"
            for source in self.image_set.get("sources", [])
        )

    @property
    def webp_srcset(self) -> str:
        return self.srcset("webp")

    @property
    def jpeg_srcset(self) -> str:
        return self.srcset("jpeg")

    @property
    def src(self) -> str:
        """The JPEG of the middle width: what a browser without srcset shows."""
        sources = self.image_set.get("sources", [])
        return default_storage.url(sources[len(sources) // 2]["jpeg"]) if sources else ""


class Headshot(Picture):
    FOLDER = "photos/team"
    WIDTHS = (160, 320, 480)
    RATIO = 1.0

    therapist = models.OneToOneField(
        Therapist, on_delete=models.CASCADE, related_name="headshot", verbose_name=_("therapist")
    )

    class Meta(Picture.Meta):
        verbose_name = _("headshot")
        verbose_name_plural = _("headshots")

    def __str__(self):
        return str(self.therapist)


class ClinicPhoto(Picture):
    class Place(models.TextChoices):
        OUTSIDE = "outside", _("The building and entrance")
        RECEPTION = "reception", _("Reception and waiting area")
        ROOM = "room", _("A treatment room")

    place = models.CharField(_("what it shows"), max_length=12, choices=Place.choices)
    room = models.ForeignKey(
        Room,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="photos",
        verbose_name=_("room"),
        help_text=_("For a photo of a treatment room: which one."),
    )
    caption = models.CharField(
        _("caption"), max_length=160, blank=True, help_text=_("Shown under the photo. Optional.")
    )
    on_home_page = models.BooleanField(
        _("on the home page"),
        default=False,
        help_text=_("Every active photo is on the visit page."),
    )
    active = models.BooleanField(_("shown on the website"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta(Picture.Meta):
        ordering = ["order", "pk"]
        verbose_name = _("clinic photo")
        verbose_name_plural = _("clinic photos")

    def __str__(self):
        return self.caption or self.alt
