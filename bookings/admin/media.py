"""Photos in the back office: a therapist's headshot (on the therapist's page) and the
clinic's photos (the owner). Uploads are checked, cleaned and resized by `bookings.images`."""

from django import forms
from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .. import images
from ..models import ClinicPhoto, Headshot

UPLOAD_HELP = _(
    "A JPEG, PNG or WebP photo up to %(limit)d MB and at least %(min)d pixels wide. Location "
    "and camera details are removed, and smaller copies are made for phones."
) % {"limit": images.MAX_UPLOAD_BYTES // 2**20, "min": images.MIN_SIDE}


class PictureForm(forms.ModelForm):
    """A photo's description and, on adding or replacing, the file."""

    upload = forms.FileField(label=_("photo"), required=False, help_text=UPLOAD_HELP)

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload:
            self.image = images.open_upload(upload)
        elif not self.instance.has_image:
            raise forms.ValidationError(_("Please choose a photo to upload."), code="required")
        return upload


def _preview(obj):
    if obj is None or not obj.has_image:
        return _("No photo yet.")
    return format_html(
        '<img src="{}" alt="{}" width="{}" height="{}" class="photo-preview">',
        obj.src,
        obj.alt,
        160,
        round(160 * obj.height / obj.width),
    )


def _store(form):
    """The form's object, saved with the uploaded photo's sizes when one came."""
    obj = form.save(commit=False)
    image = getattr(form, "image", None)
    if image is not None:
        images.picture_replace(picture=obj, image=image)
    else:
        obj.save()
    return obj


class HeadshotFormSet(BaseInlineFormSet):
    def save_new(self, form, commit=True):
        form.instance.therapist = self.instance
        return _store(form)

    def save_existing(self, form, obj, commit=True):
        return _store(form)

    def delete_existing(self, obj, commit=True):
        images.picture_delete(picture=obj)


class HeadshotInline(admin.StackedInline):
    model = Headshot
    form = PictureForm
    formset = HeadshotFormSet
    fields = ["preview", "upload", "alt"]
    readonly_fields = ["preview"]
    max_num = 1
    extra = 1
    verbose_name = _("headshot for the website")
    verbose_name_plural = _("headshot for the website")

    @admin.display(description=_("now"))
    def preview(self, obj):
        return _preview(obj)


@admin.register(ClinicPhoto)
class ClinicPhotoAdmin(admin.ModelAdmin):
    form = PictureForm
    list_display = ["thumbnail", "__str__", "place", "room", "on_home_page", "active", "order"]
    list_display_links = ["thumbnail", "__str__"]
    list_editable = ["on_home_page", "active", "order"]
    list_filter = ["place", "active", "on_home_page"]
    fields = ["preview", "upload", "alt", "caption", "place", "room", "on_home_page", "active"]
    readonly_fields = ["preview"]

    @admin.display(description=_("photo"))
    def thumbnail(self, obj):
        return _preview(obj)

    @admin.display(description=_("now"))
    def preview(self, obj):
        return _preview(obj)

    def save_model(self, request, obj, form, change):
        _store(form)

    def delete_model(self, request, obj):
        images.picture_delete(picture=obj)

    def delete_queryset(self, request, queryset):
        for photo in queryset:
            images.picture_delete(picture=photo)
