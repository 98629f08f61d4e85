"""Treatment rooms: a session needs a free therapist and a free, suitable room."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .querysets import RoomQuerySet
from .schedules import Period


class RoomFeature(models.Model):
    """Something a room has that a service may need, e.g. "face cradle table"."""

    name = models.CharField(_("name"), max_length=80, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("room feature")
        verbose_name_plural = _("room features")

    def __str__(self):
        return self.name


class Room(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    features = models.ManyToManyField(
        RoomFeature,
        related_name="rooms",
        blank=True,
        verbose_name=_("features"),
        help_text=_("Services that need a feature are booked only in rooms that have it."),
    )
    active = models.BooleanField(
        _("in use"), default=True, help_text=_("Untick to stop booking sessions in this room.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = RoomQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("treatment room")
        verbose_name_plural = _("treatment rooms")

    def __str__(self):
        return self.name


class RoomClosure(Period):
    """A room out of use (maintenance, painting): no session is booked in it meanwhile."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="closures")
    reason = models.CharField(_("reason"), max_length=200, help_text=_("E.g. new flooring."))

    class Meta(Period.Meta):
        verbose_name = _("room closure")
        verbose_name_plural = _("room closures")

    def __str__(self):
        return f"{self.room}: {self.span()}"
