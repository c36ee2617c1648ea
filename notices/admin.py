"""Notices in the admin: delivery facts only. The person who filed is not shown here to anyone
(their email, name and mailing address, and the provider's messages, which quote the address):
case staff see them in the workspace, where every case is checked against who may see it; the
administrator, who has no case role, does not see them at all."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import DeliveryEvent, Notice, PaperLetter
from .services import SUBMITTER_KINDS

HIDDEN = _("(the person who filed; see the case)")


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["submission", "kind", "recipient", "state", "attempts", "created_at"]
    list_filter = ["state", "kind"]
    list_select_related = ["submission"]
    # Never the recipient's address: a search by it would tell who has filed.
    search_fields = ["submission__tracking_number", "provider_message_id"]
    # The context carries what the email says (allegations, messages): case content.
    fields = [
        "submission",
        "kind",
        "occasion",
        "recipient",
        "employee",
        "language",
        "state",
        "provider_message_id",
        "attempts",
        "error",
        "created_at",
        "dispatched_at",
        "sent_at",
        "delivered_at",
        "bounced_at",
        "acknowledged_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("recipient"))
    def recipient(self, notice: Notice) -> str:
        if notice.kind in SUBMITTER_KINDS:
            return str(HIDDEN)
        return f"{notice.recipient_name} <{notice.recipient_email}>"

    @admin.display(description=_("last error"))
    def error(self, notice: Notice) -> str:
        if notice.kind in SUBMITTER_KINDS and notice.last_error:
            return str(_("(hidden: it may quote the address)"))
        return notice.last_error

    def has_add_permission(self, request):
        return False


@admin.register(DeliveryEvent)
class DeliveryEventAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "event_type", "notice"]
    list_filter = ["event_type"]
    list_select_related = ["notice"]
    # The recipient and the provider's description (which quotes the address) are left out.
    fields = ["occurred_at", "event_type", "notice", "message_id", "event_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PaperLetter)
class PaperLetterAdmin(admin.ModelAdmin):
    list_display = ["submission", "notice", "state", "created_at", "posted_at"]
    list_filter = ["state"]
    list_select_related = ["submission", "notice"]
    # The mailing address is on the letters page, for the queue's members (/staff/letters/).
    fields = ["submission", "notice", "state", "created_at", "posted_at", "posted_by"]
    readonly_fields = ["notice", "submission", "created_at", "posted_at", "posted_by"]

    def has_add_permission(self, request):
        return False
