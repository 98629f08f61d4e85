"""The outbox in the back office: every email, and "send again" for the ones that failed.

Registered from BookingsConfig.ready(). The front desk and the owner see it (their role has
the permissions); therapists do not, since emails carry every client's details. Nobody here
sees the private links in them: a booking's link and its health form's key open what only the
client may open (the health form's answers among them), so they are shown redacted.
"""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from clinic.logging import redact

from .models import OutboxEmail
from .outbox import emails_send_again


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    list_display = ["subject", "to", "status", "attempts", "created_at", "when_sent", "last_error"]
    list_filter = ["status", "created_at"]
    search_fields = ["to", "subject", "booking__reference"]
    date_hierarchy = "created_at"
    list_select_related = ["booking"]
    actions = ["send_again"]
    fields = [
        "subject",
        "to",
        "booking",
        "status",
        "attempts",
        "created_at",
        "claimed_at",
        "next_attempt_at",
        "sent_at",
        "last_error",
        "text",
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the record of what was sent is kept

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    @admin.display(description=_("text"))
    def text(self, email):
        if email.private:
            return _("Not shown: it carries a sign-in link, which only its addressee may use.")
        return redact(email.body)

    @admin.display(description=_("sent"), ordering="sent_at")
    def when_sent(self, email):
        return email.sent_at or "—"

    @admin.action(description=_("Send again"), permissions=["change"])
    def send_again(self, request, queryset):
        count = emails_send_again(emails=queryset, now=timezone.now())
        skipped = queryset.count() - count
        if count:
            self.message_user(
                request,
                ngettext(
                    "%d email is on its way again.", "%d emails are on their way again.", count
                )
                % count,
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%d email was left alone: only failed emails are sent again.",
                    "%d emails were left alone: only failed emails are sent again.",
                    skipped,
                )
                % skipped,
                messages.WARNING,
            )
