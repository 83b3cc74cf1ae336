"""API and service shapes of escalation: Create / Update / Read."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field

from caredesk.escalation.models import AlertKind, AlertStatus, DraftStatus, EventType, NccMerpCategory, Severity


class RecipientRead(Schema):
    user_id: int
    name: str
    level: int
    notified_at: datetime


class AlertRead(Schema):
    id: int
    site_id: int
    unit_id: int
    unit_name: str
    stay_id: int
    patient_name: str
    bed: str
    kind: AlertKind
    source_type: str
    source_id: int
    title: str
    detail: str
    severity: Severity
    due_at: datetime
    raised_at: datetime
    level: int
    escalate_at: datetime | None
    status: AlertStatus
    acknowledged_at: datetime | None
    acknowledged_by_id: int | None
    acknowledgement_note: str
    resolved_at: datetime | None
    resolved_by_id: int | None
    resolution_note: str
    recipients: list[RecipientRead]
    version: int


class AlertAcknowledge(Schema):
    note: str = Field(max_length=2000, description="What you did about it (required).")


class AlertResolve(Schema):
    note: str = Field(max_length=2000, description="How it was resolved (required).")


class IncidentDraftCreate(Schema):
    """Start an incident report from an alert, or from a scheduled dose. With
    both, the alert is used."""

    alert_id: int | None = None
    dose_id: int | None = None
    ncc_merp_category: NccMerpCategory | None = Field(
        default=None, description="Default: C for a medication event (an omission is C or more)."
    )
    description: str | None = Field(default=None, max_length=5000, description="Default: prefilled from the source.")


class IncidentDraftUpdate(Schema):
    version: int
    ncc_merp_category: NccMerpCategory | None = None
    description: str | None = Field(default=None, min_length=1, max_length=5000)
    occurred_at: datetime | None = None


class IncidentDraftRead(Schema):
    id: int
    site_id: int
    unit_id: int
    stay_id: int
    patient_name: str
    alert_id: int | None
    source_type: str
    source_id: int | None
    event_type: EventType
    is_omission: bool
    ncc_merp_category: str
    description: str
    occurred_at: datetime
    reported_by_id: int
    reported_by: str
    status: DraftStatus
    created_at: datetime
    version: int


class EscalationPolicyRead(Schema):
    site_id: int
    critical_delay_minutes: int
    standard_delay_minutes: int
    leadership_delay_minutes: int | None
    send_email: bool
    version: int


class EscalationPolicyUpdate(Schema):
    version: int
    critical_delay_minutes: int | None = Field(default=None, ge=1, le=240)
    standard_delay_minutes: int | None = Field(default=None, ge=1, le=240)
    leadership_delay_minutes: int | None = Field(
        default=None, ge=1, le=1440, description="Minutes more before site leadership."
    )
    no_leadership_level: bool = Field(default=False, description="True: alerts stop at the charge nurse.")
    send_email: bool | None = None
