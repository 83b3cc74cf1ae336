"""API and service shapes of the census: Create / Update / Read."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Schema
from pydantic import Field

from caredesk.census.models import CodeStatus, FlagKind, IsolationType, MovementKind, Sex, StayStatus

# --- patients -------------------------------------------------------------------------


class PatientCreate(Schema):
    site_id: int
    mrn: str = Field(min_length=1, max_length=40, description="Medical record number, unique within the site.")
    wristband_id: str = Field(default="", max_length=40, description="Default: the MRN.")
    family_name: str = Field(min_length=1, max_length=100)
    given_name: str = Field(min_length=1, max_length=100)
    birth_date: date
    sex: Sex = Sex.UNKNOWN
    language: str = Field(default="", max_length=40)
    interpreter_needed: bool = False
    allergies: str = ""
    no_known_allergies: bool = False
    code_status: CodeStatus = CodeStatus.UNKNOWN
    insurance_payer: str = Field(default="", max_length=120)


class PatientUpdate(Schema):
    """Only the fields given change. Identity and payer need census.admit;
    allergies, code status and language need census.score_acuity."""

    version: int
    mrn: str | None = Field(default=None, min_length=1, max_length=40)
    wristband_id: str | None = Field(default=None, min_length=1, max_length=40)
    family_name: str | None = Field(default=None, min_length=1, max_length=100)
    given_name: str | None = Field(default=None, min_length=1, max_length=100)
    birth_date: date | None = None
    sex: Sex | None = None
    language: str | None = Field(default=None, max_length=40)
    interpreter_needed: bool | None = None
    allergies: str | None = None
    no_known_allergies: bool | None = None
    code_status: CodeStatus | None = None
    insurance_payer: str | None = Field(default=None, max_length=120)


class PatientRead(Schema):
    id: int
    site_id: int
    mrn: str
    wristband_id: str
    family_name: str
    given_name: str
    birth_date: date
    age: int = Field(description="Whole years, today in the site's time zone.")
    sex: Sex
    language: str
    interpreter_needed: bool
    allergies: str
    no_known_allergies: bool
    code_status: CodeStatus
    insurance_payer: str
    current_stay_id: int | None
    version: int


# --- stays and movements ------------------------------------------------------------------


class StayAdmit(Schema):
    patient_id: int
    unit_id: int
    bed_id: int | None = Field(default=None, description="A free, active bed of that unit; empty: no bed yet.")
    admitted_at: datetime | None = Field(default=None, description="Default: now.")
    reason: str = Field(default="", max_length=200)
    attending: str = Field(default="", max_length=120)


class StayTransfer(Schema):
    version: int
    unit_id: int | None = Field(default=None, description="Another unit of the same site; empty: the same unit.")
    bed_id: int | None = Field(default=None, description="A free bed of the destination unit.")
    at: datetime | None = Field(default=None, description="Default: now.")
    note: str = Field(default="", max_length=300)


class StayDischarge(Schema):
    version: int
    disposition: str = Field(min_length=1, max_length=120, description="Where the patient goes: home, SNF...")
    at: datetime | None = Field(default=None, description="Default: now.")
    note: str = Field(default="", max_length=300)


class StayRead(Schema):
    id: int
    patient_id: int
    patient_name: str
    mrn: str
    unit_id: int
    unit_name: str
    bed_id: int | None
    bed: str = Field(description="Room and bed, e.g. 201-A; empty without a bed.")
    status: StayStatus
    admitted_at: datetime
    discharged_at: datetime | None
    reason: str
    attending: str
    discharge_disposition: str
    version: int


class MovementRead(Schema):
    id: int
    stay_id: int
    kind: MovementKind
    at: datetime
    from_unit_id: int | None
    to_unit_id: int | None
    from_bed_id: int | None
    to_bed_id: int | None
    note: str


class StayDetailRead(StayRead):
    movements: list[MovementRead]


# --- acuity --------------------------------------------------------------------------------


class AcuityItem(Schema):
    code: str = Field(min_length=1, max_length=40)
    label: str = Field(min_length=1, max_length=200)
    points: int = Field(ge=0, le=100)


class AcuityLevel(Schema):
    level: int = Field(ge=1, le=20)
    label: str = Field(min_length=1, max_length=80)
    min_points: int = Field(default=0, ge=0, le=10000, description="Checklist points from which this level applies.")
    points: int | None = Field(
        default=None, ge=0, le=10000, description="Workload points when the level is chosen directly; default: level."
    )


class AcuityScaleCreate(Schema):
    site_id: int
    code: str = Field(min_length=1, max_length=40, pattern=r"^[-a-zA-Z0-9_]+$")
    name: str = Field(min_length=1, max_length=120)
    description: str = ""
    citation: str = Field(default="", max_length=300)
    items: list[AcuityItem] = Field(default_factory=list, description="Empty: a scale of levels chosen directly.")
    levels: list[AcuityLevel] | None = Field(default=None, description="Default: four levels, 1 to 4.")


class AcuityScaleUpdate(Schema):
    version: int
    name: str | None = Field(default=None, min_length=1, max_length=120)
    description: str | None = None
    citation: str | None = Field(default=None, max_length=300)
    items: list[AcuityItem] | None = None
    levels: list[AcuityLevel] | None = None
    is_active: bool | None = None


class AcuityScaleRead(Schema):
    id: int
    site_id: int | None
    code: str
    name: str
    description: str
    citation: str
    kind: str = Field(description="checklist or levels")
    items: list[AcuityItem]
    levels: list[AcuityLevel]
    is_active: bool
    version: int


class ShiftRef(Schema):
    day: date = Field(description="The local date the shift started on.")
    label: str = Field(min_length=1, max_length=40, description="e.g. Day, Night.")


class AcuityScoreCreate(Schema):
    scale_id: int
    items: list[str] = Field(default_factory=list, description="Codes of the checklist items ticked.")
    level: int | None = Field(default=None, description="For a scale of levels: the level chosen.")
    shift: ShiftRef | None = Field(default=None, description="Default: the unit's current care shift.")
    note: str = Field(default="", max_length=300)


class AcuityScoreRead(Schema):
    id: int
    stay_id: int
    scale_id: int
    scale_name: str
    shift_date: date
    shift_label: str
    items: list[str]
    points: int
    level: int
    level_label: str
    note: str
    scored_at: datetime
    scored_by: str


# --- flags and family contacts ------------------------------------------------------------


class FlagRaise(Schema):
    kind: FlagKind
    isolation_type: IsolationType = IsolationType.NONE
    note: str = Field(default="", max_length=300)
    care_plan: str = Field(default="", description="How staff should approach the patient (required for 'difficult').")


class FlagClear(Schema):
    version: int
    note: str = Field(default="", max_length=300)


class FlagRead(Schema):
    id: int
    stay_id: int
    kind: FlagKind
    label: str
    isolation_type: str
    note: str
    care_plan: str
    raised_at: datetime
    raised_by: str
    cleared_at: datetime | None
    active: bool
    version: int


class ContactCreate(Schema):
    name: str = Field(min_length=1, max_length=120)
    relationship: str = Field(min_length=1, max_length=60)
    phone: str = Field(default="", max_length=40)
    email: str = Field(default="", max_length=254)
    is_primary: bool = False
    may_receive_information: bool = Field(default=False, description="The patient agreed (HIPAA).")
    note: str = Field(default="", max_length=300)


class ContactUpdate(Schema):
    version: int
    name: str | None = Field(default=None, min_length=1, max_length=120)
    relationship: str | None = Field(default=None, min_length=1, max_length=60)
    phone: str | None = Field(default=None, max_length=40)
    email: str | None = Field(default=None, max_length=254)
    is_primary: bool | None = None
    may_receive_information: bool | None = None
    note: str | None = Field(default=None, max_length=300)


class ContactDeactivate(Schema):
    version: int


class ContactRead(Schema):
    id: int
    patient_id: int
    name: str
    relationship: str
    phone: str
    email: str
    is_primary: bool
    may_receive_information: bool
    note: str
    is_active: bool
    version: int


# --- the unit board ------------------------------------------------------------------------


class BoardFlag(Schema):
    kind: FlagKind
    label: str
    isolation_type: str


class BoardRowRead(Schema):
    bed_id: int | None
    room: str
    bed: str
    stay_id: int | None
    patient_id: int | None
    patient_name: str
    mrn: str
    age: int | None
    sex: str
    code_status: str
    allergies: str
    acuity_level: int | None
    acuity_points: int | None
    acuity_label: str
    flags: list[BoardFlag]
    nurse_id: int | None
    nurse_name: str


class CensusBoardRead(Schema):
    unit_id: int
    unit_name: str
    at: datetime
    beds: int
    occupied: int
    rows: list[BoardRowRead]
