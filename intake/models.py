from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ops.choices import choice_label


class AllegationCategory(models.TextChoices):
    USE_OF_FORCE = "use_of_force", _("Use of force")
    DISCOURTESY = "discourtesy", _("Discourtesy")
    IMPROPER_STOP = "improper_stop", _("Improper stop, search or arrest")
    BIAS = "bias", _("Discrimination or bias")
    NEGLECT_OF_DUTY = "neglect_of_duty", _("Neglect of duty")
    PROPERTY = "property", _("Property or evidence")
    CRIMINAL_MISCONDUCT = "criminal_misconduct", _("Criminal misconduct")
    OTHER = "other", _("Other")


class Submission(models.Model):
    """What a member of the public sent: a complaint or a compliment. Stored in one transaction
    with everything attached; routing happens afterwards, tracked by `routing_state`."""

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("Complaint")
        COMPLIMENT = "compliment", _("Compliment")

    class Channel(models.TextChoices):
        WEB = "web", _("Web form")
        API = "api", _("Partner system")
        PHONE = "phone", _("Phone")
        LETTER = "letter", _("Letter")
        EMAIL = "email", _("Email")
        IN_PERSON = "in_person", _("In person")

    class RoutingState(models.TextChoices):
        PENDING = "pending", _("Pending")  # stored, not yet handed to the broker
        QUEUED = "queued", _("Queued")  # handed to the broker, not yet routed
        DONE = "done", _("Routed")

    class PublicStage(models.TextChoices):
        RECEIVED = "received", _("Received")
        UNDER_REVIEW = "under_review", _("Under review")
        UNDER_INVESTIGATION = "under_investigation", _("Under investigation")
        CLOSED = "closed", _("Closed")

    class ContactMethod(models.TextChoices):
        EMAIL = "email", _("Email")
        PHONE = "phone", _("Phone")
        MAIL = "mail", _("Mail")
        NONE = "none", _("Please do not contact me")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    # Unique (Meta.constraints): looked up whole, never by a prefix.
    tracking_number = models.CharField(_("tracking number"), max_length=20)
    status_token_digest = models.CharField(max_length=64, editable=False)
    # A key the form carries so that a double click or a resent request stores one submission.
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, editable=False)
    # A digest of what was sent under that key, so that the key sent again with different
    # content is told apart from a resend (empty for submissions stored before it was kept).
    idempotency_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    channel = models.CharField(
        _("channel"), max_length=12, choices=Channel.choices, default=Channel.WEB
    )
    language = models.CharField(_("language"), max_length=8, default="en")
    received_at = models.DateTimeField(_("received"), default=timezone.now)

    routing_state = models.CharField(
        max_length=8, choices=RoutingState.choices, default=RoutingState.PENDING
    )
    routing_dispatched_at = models.DateTimeField(null=True, blank=True)
    routing_attempts = models.PositiveIntegerField(default=0)
    routed_at = models.DateTimeField(null=True, blank=True)

    class QuarantineDecision(models.TextChoices):
        RELEASED = "released", _("Released for routing")
        DISCARDED = "discarded", _("Discarded as spam")

    # Suspected spam is stored and numbered like anything else, but not routed until staff
    # release it; a discarded one stays quarantined for good (kept, never routed).
    quarantined = models.BooleanField(_("held as suspected spam"), default=False, db_index=True)
    quarantine_reason = models.CharField(max_length=200, blank=True)
    quarantine_decision = models.CharField(
        max_length=10, choices=QuarantineDecision.choices, blank=True
    )
    quarantine_decided_at = models.DateTimeField(null=True, blank=True)
    quarantine_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # About the person who filed. All optional: anonymous complaints are accepted.
    submitter_name = models.CharField(_("name"), max_length=200, blank=True)
    submitter_email = models.EmailField(_("email"), blank=True)
    submitter_phone = models.CharField(_("phone"), max_length=40, blank=True)
    submitter_address = models.TextField(_("mailing address"), max_length=500, blank=True)
    preferred_contact = models.CharField(
        _("preferred contact"), max_length=8, choices=ContactMethod.choices, blank=True
    )
    on_behalf_of_other = models.BooleanField(_("filed for someone else"), default=False)
    relationship = models.CharField(_("relationship to that person"), max_length=100, blank=True)
    other_person_contact = models.TextField(
        _("that person's name and contact"), max_length=500, blank=True
    )

    # What happened.
    occurred_on = models.DateField(_("date"), null=True, blank=True)
    occurred_time = models.TimeField(_("time"), null=True, blank=True)
    occurred_approximate = models.BooleanField(_("date and time are approximate"), default=False)
    location = models.CharField(_("place"), max_length=300, blank=True)
    service_area = models.ForeignKey(
        "directory.ServiceArea",
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    narrative = models.TextField(_("what happened"), max_length=20000)
    categories = models.JSONField(_("allegation categories"), default=list, blank=True)
    share_publicly = models.BooleanField(_("may be shared publicly"), default=False)
    declaration = models.BooleanField(_("declared true"), default=False)

    # What the public status page shows.
    public_stage = models.CharField(
        max_length=24, choices=PublicStage.choices, default=PublicStage.RECEIVED
    )
    next_step_due = models.DateField(null=True, blank=True)
    public_outcome = models.CharField(max_length=200, blank=True)

    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        # Every index is written again whenever routing changes the row (its state is indexed,
        # so no update is a heap-only one): as few as the reads need. Unique constraints, not
        # unique fields, so that PostgreSQL gets no second, pattern-matching index beside each.
        constraints = [
            models.UniqueConstraint(fields=["tracking_number"], name="submission_tracking_number"),
            models.UniqueConstraint(
                fields=["status_token_digest"], name="submission_status_token_digest"
            ),
            models.UniqueConstraint(fields=["idempotency_key"], name="submission_idempotency_key"),
        ]
        indexes = [
            models.Index(fields=["routing_state", "routing_dispatched_at"]),
            # The annual summary counts every complaint of a period by the date received, its
            # channel and service area: with these columns in the index PostgreSQL reads them
            # from it (an index-only scan) instead of from the wide rows, which hold the
            # account and contact details. Elsewhere it is a plain index on the date.
            models.Index(
                fields=["received_at"],
                include=["id", "channel", "service_area"],
                name="submission_received_cover",
            ),
            # What a routing drain and the sweeper read, oldest first: the few submissions
            # waiting among the many routed. Only they are in it; the index on the state kept
            # an entry for every version of every row routed until a vacuum, and a drain read
            # them all (4,800 after a bench run of as many submissions).
            models.Index(
                fields=["received_at"],
                condition=models.Q(routing_state__in=["pending", "queued"], quarantined=False),
                name="submission_waiting",
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_number

    # Read from the enumeration (ops/choices.py): every queue alert names it twice.
    def get_kind_display(self) -> str:
        return choice_label(Submission.Kind, self.kind)


# The stage the public status page shows for each status of a complaint's case
# (cases.models.Case.Status). It lives beside the stages so that the status page can read a
# case's history from the audit trail without the cases room; cases/workflow.py uses it too.
PUBLIC_STAGE_OF_CASE_STATUS = {
    "received": Submission.PublicStage.RECEIVED,
    "triage": Submission.PublicStage.UNDER_REVIEW,
    "assigned": Submission.PublicStage.UNDER_REVIEW,
    "investigating": Submission.PublicStage.UNDER_INVESTIGATION,
    "findings_submitted": Submission.PublicStage.UNDER_INVESTIGATION,
    "approved": Submission.PublicStage.UNDER_INVESTIGATION,
    "closed": Submission.PublicStage.CLOSED,
    "mediated": Submission.PublicStage.CLOSED,
    "referred": Submission.PublicStage.CLOSED,
    "merged": Submission.PublicStage.CLOSED,
}


class NarrativeLetters(models.Model):
    """An account's letters and digits, upper-case and run together, for the case search's
    trigram index (intake.selectors.account_letters_hold). Written by PostgreSQL alone: its
    triggers (intake migration 0010) write the row when a submission is stored and again only
    when its account changes (retention's anonymising). Kept beside the submission, not in it:
    every write of a submission's row that is not heap-only (routing's, a status's) gave each
    of its indexes a new entry, the trigram index's hundreds of them, and computed the letters
    again. Empty elsewhere, where the search reads the accounts themselves."""

    submission = models.OneToOneField(
        Submission, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    letters = models.TextField()

    def __str__(self) -> str:
        return f"letters of submission {self.submission_id}"


class TrackingCounter(models.Model):
    """The last tracking number given, per kind and year. Rows are locked while a number is
    taken, so concurrent submissions get consecutive, never repeated, numbers."""

    kind = models.CharField(max_length=12, choices=Submission.Kind.choices)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "year"], name="one_counter_per_kind_year")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}: {self.last}"


class InvolvedEmployee(models.Model):
    """An employee as the submitter described them, and who the roster says it is."""

    class MatchState(models.TextChoices):
        UNMATCHED = "unmatched", _("Not yet matched")
        MATCHED = "matched", _("Matched")  # confident automatic match
        UNCERTAIN = "uncertain", _("Needs confirmation")
        CONFIRMED = "confirmed", _("Confirmed by staff")
        NOT_FOUND = "not_found", _("Not found in roster")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="employees")
    name = models.CharField(_("name"), max_length=200, blank=True)
    badge = models.CharField(_("badge or DSN number"), max_length=20, blank=True)
    car_number = models.CharField(_("car number"), max_length=20, blank=True)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    employee = models.ForeignKey(
        "directory.Employee",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mentions",
    )
    match_state = models.CharField(
        max_length=10, choices=MatchState.choices, default=MatchState.UNMATCHED
    )
    match_confidence = models.FloatField(null=True, blank=True)
    match_candidates = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name or self.badge or self.car_number or str(_("unnamed employee"))

    @property
    def label(self) -> str:
        """How staff name the person: by rank, name and DSN once the roster knows who it is,
        otherwise by what the submitter gave. (Load `employee` with select_related.)"""
        employee = self.employee
        if employee is not None:
            name = " ".join(filter(None, [employee.rank, employee.first_name, employee.last_name]))
            return _("%(name)s, DSN %(dsn)s") % {"name": name, "dsn": employee.dsn}
        if self.name:
            return self.name
        if self.badge:
            return _("badge %(number)s") % {"number": self.badge}
        if self.car_number:
            return _("car %(number)s") % {"number": self.car_number}
        return str(_("unnamed employee"))

    @property
    def described(self) -> str:
        """What the submitter gave, in one line: name, badge, car number and description."""
        parts = [
            self.name,
            _("badge %(number)s") % {"number": self.badge} if self.badge else "",
            _("car %(number)s") % {"number": self.car_number} if self.car_number else "",
            self.description,
        ]
        return " · ".join(str(part) for part in parts if part)


class Witness(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="witnesses")
    name = models.CharField(_("name"), max_length=200, blank=True)
    contact = models.CharField(_("how to reach them"), max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = _("witnesses")

    def __str__(self) -> str:
        return self.name or self.contact


def attachment_storage():
    return storages["attachments"]


class Attachment(models.Model):
    """Evidence a submitter uploaded. Stored under a server-made name in private storage."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="attachments")
    # What staff preview and anyone else gets: for a picture, the copy without its metadata.
    file = models.FileField(storage=attachment_storage, upload_to="%Y/%m/")
    # The file exactly as received, kept when `file` is a cleaned copy: the investigator may
    # need what cleaning removes (a photo's time and place). Downloaded only, and audited.
    original_file = models.FileField(
        storage=attachment_storage, upload_to="originals/%Y/%m/", blank=True
    )
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(_("SHA-256 as received"), max_length=64)
    # Active content found in a document (JavaScript, embedded files, …), flagged to staff.
    active_content = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class Message(models.Model):
    """The thread on a status link: lets an anonymous complainant and an investigator talk
    without the complainant revealing who they are."""

    class Author(models.TextChoices):
        SUBMITTER = "submitter", _("You")
        STAFF = "staff", _("Professional Standards")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="messages")
    author = models.CharField(max_length=10, choices=Author.choices)
    staff_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_author_display()}, {self.created_at:%Y-%m-%d %H:%M}"


class PartnerApiKey(models.Model):
    """A key a partner system (a city's 311, a kiosk) sends to the JSON intake API. Only a digest
    of the key is stored; the key itself is shown once, when it is made."""

    name = models.CharField(_("partner"), max_length=100)
    prefix = models.CharField(max_length=12, unique=True, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner API key")
        verbose_name_plural = _("partner API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
