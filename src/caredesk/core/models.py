"""Core tables: the audit trail, its chain head, and worker heartbeats."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Created/updated times, and a version that guards against lost updates."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        help_text=_("Incremented on every change; edits must name the version they started from."),
    )

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One append-only entry of the audit trail.

    The database refuses UPDATE and DELETE on this table (triggers created in
    migration 0002). `seal` is an HMAC over the event's content and the seal of
    the event before it, so `caredesk audit verify` finds any event that was
    changed, removed or inserted.
    """

    seq = models.BigIntegerField(_("sequence"), unique=True)
    at = models.DateTimeField(_("time"), db_index=True)
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True, db_index=True)
    actor_username = models.CharField(_("actor"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("object type"), max_length=80, blank=True, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    site_id = models.BigIntegerField(_("site id"), null=True, blank=True, db_index=True)
    client_address = models.CharField(_("client address"), max_length=64, blank=True)
    channel = models.CharField(_("channel"), max_length=12, blank=True)
    # Canonical JSON text, sealed as stored (no re-encoding by the database).
    before = models.TextField(_("before"), blank=True, default="{}")
    after = models.TextField(_("after"), blank=True, default="{}")
    prev_seal = models.CharField(max_length=64)
    seal = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="core_audit_object_idx")]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    # Events are read by site: the site they concern.
    scope_site_path = "site_id"
    scope_unit_path = ""

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class AuditChainHead(models.Model):
    """The last sequence number and seal, so a removed last event is detected.

    One row (pk=1), locked FOR UPDATE while an event is appended, which also
    serialises appends so the chain has no forks.
    """

    last_seq = models.BigIntegerField(default=0)
    last_seal = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"audit chain head #{self.last_seq}"


class WorkerHeartbeat(models.Model):
    """Written by every `caredesk worker` process; /healthz reads it."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255)
    pid = models.IntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"worker {self.worker_id} on {self.hostname} (pid {self.pid})"


class PeriodicJob(models.Model):
    """When each periodic job is next due. Workers claim a run with a
    compare-and-set on `next_run_at`, so it is enqueued once however many
    workers are running."""

    name = models.CharField(max_length=120, unique=True)
    next_run_at = models.DateTimeField()
    last_enqueued_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} next at {self.next_run_at:%Y-%m-%d %H:%M}"


class Notification(models.Model):
    """An in-app message to one person (an expiring credential, a late dose...).

    `dedupe_key` makes raising idempotent: the same alert for the same person
    is stored once, however many workers or retries try to raise it.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=60, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    site_id = models.BigIntegerField(_("site id"), null=True, blank=True)
    dedupe_key = models.CharField(max_length=200)
    created_at = models.DateTimeField(_("created"), db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    # Notifications are personal: nobody else's role reaches them.
    scope_site_path = "site_id"
    scope_unit_path = ""

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["recipient", "dedupe_key"], name="core_notification_once")]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}: {self.title}"
