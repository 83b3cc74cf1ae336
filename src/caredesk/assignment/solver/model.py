"""Input and output dataclasses of the nurse-patient assignment optimiser.

Everything here is plain data: the ``assignment`` app converts the nurses on a
care shift and the unit's patients to an :class:`AssignmentProblem`, calls
:func:`caredesk.assignment.solver.solve`, stores the :class:`AssignmentResult`
and, when the coordinator changes an assignment by hand, calls
:func:`caredesk.assignment.solver.check_assignment` to warn about broken rules.

Ids are the app's integer primary keys (nurse = staff member, patient = stay);
the solver never interprets them.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Nurse:
    """A nurse on the shift.

    ``max_patients`` is the ratio cap of the unit's rule pack for this nurse
    (e.g. 2 in an ICU at 1:2, 5 on a med-surg unit at 1:5).  A charge nurse
    (``is_charge``) takes at most ``charge_max_patients`` when it is given
    (often fewer, or 0 when the charge nurse takes no patient).
    """

    id: int
    max_patients: int
    skills: frozenset[str] = frozenset()
    is_charge: bool = False
    charge_max_patients: int | None = None
    #: Shown in explanations (e.g. "A. Martin"); the id is used when empty.
    name: str = ""

    @property
    def cap(self) -> int:
        """The hard number of patients this nurse may take on the shift."""
        if self.is_charge and self.charge_max_patients is not None:
            return max(0, self.charge_max_patients)
        return max(0, self.max_patients)

    @property
    def label(self) -> str:
        return self.name or f"nurse {self.id}"


@dataclass(frozen=True)
class Patient:
    """A patient of the unit (one occupied bed).

    ``acuity`` is the patient's workload in points (>= 1, e.g. 1 = stable,
    4 = very heavy).  ``room_position`` is the room's index along the corridor
    (neighbouring rooms differ by 1; the two beds of a room share it) and
    ``room`` its label.  ``previous_nurse_id`` is the nurse who had the patient
    on the last shift (from the assignment history).  A ``one_to_one`` patient
    (1:1 observation) is the only patient of their nurse.
    """

    id: int
    acuity: int
    room_position: int
    room: str = ""
    required_skills: frozenset[str] = frozenset()
    previous_nurse_id: int | None = None
    one_to_one: bool = False
    #: Shown in explanations (e.g. "bed 12A"); the room and id are used when empty.
    name: str = ""

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        return f"patient {self.id}" + (f" (room {self.room})" if self.room else "")


@dataclass(frozen=True)
class Pin:
    """The coordinator's decision: this patient goes to this nurse (hard)."""

    patient_id: int
    nurse_id: int


@dataclass(frozen=True)
class Forbid:
    """This patient must not go to this nurse (hard), e.g. a known conflict."""

    patient_id: int
    nurse_id: int


#: Default weights, documented in docs/decisions/0007-assignment-solver.md.
DEFAULT_BALANCE = 10
DEFAULT_CONTINUITY = 15
DEFAULT_SPREAD = 2


@dataclass(frozen=True)
class Weights:
    """Costs of the soft terms (all integers >= 0).

    - ``balance``: per acuity point by which a nurse's workload falls outside
      their fair share (the unit's acuity split in proportion to the nurses'
      caps, rounded down / up).
    - ``continuity``: per patient who does not keep the nurse of the last shift
      although that nurse is on this shift (the reward for continuity,
      written as a cost so that the objective is >= 0).
    - ``spread``: per room step by which a patient lies outside their nurse's
      home zone along the corridor (zones: contiguous runs of beds sized by
      the nurses' caps, placed to follow last shift's assignment; see
      :func:`caredesk.assignment.solver.zone_plan`).
    - ``span`` (off by default): per room step between the first and last
      room of each nurse's patients, the exact measure of a spread-out
      assignment.  It makes the model much harder to prove optimal (the
      40-bed benchmark is not proven in 60 s with it), hence the zone term.
    - ``skill_mismatch``: ``None`` makes skills hard (a patient needing a skill
      only goes to a nurse who has it); an integer makes them soft, costing
      that much per patient given to a nurse without a required skill.

    With the defaults, keeping a patient with their nurse is worth 1.5 acuity
    points of imbalance or 7.5 room steps outside the zone.
    """

    balance: int = DEFAULT_BALANCE
    continuity: int = DEFAULT_CONTINUITY
    spread: int = DEFAULT_SPREAD
    skill_mismatch: int | None = None
    span: int = 0


@dataclass
class AssignmentProblem:
    nurses: list[Nurse]
    patients: list[Patient]
    pins: list[Pin] = field(default_factory=list)
    forbids: list[Forbid] = field(default_factory=list)
    weights: Weights = field(default_factory=Weights)
    #: Words for the ratio in explanations, e.g. "ICU ratio 1:2".
    ratio_label: str = ""
    #: A skill that no nurse on the shift holds cannot be met by anyone: when
    #: True (default) it is waived for the patients needing it, who are then
    #: assigned like the others, and an explanation says so (check_assignment
    #: reports it as ``skill_unavailable``).  When False the problem is
    #: infeasible and explained.
    waive_unavailable_skills: bool = True
    name: str = ""


@dataclass(frozen=True)
class Progress:
    objective: int
    bound: int
    elapsed: float


ProgressCallback = Callable[[Progress], None]


@dataclass(frozen=True)
class SolveOptions:
    time_limit_s: float = 10.0
    workers: int = 2
    seed: int = 0
    progress: ProgressCallback | None = None
    #: Starting assignment (patient id -> nurse id), e.g. the current one,
    #: given to CP-SAT as a hint (and returned if CP-SAT finds nothing in time).
    hint: dict[int, int] | None = None
    log: bool = False


class Status(enum.StrEnum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    UNKNOWN = "unknown"


@dataclass
class AssignmentResult:
    status: Status
    #: patient id -> nurse id (every patient when a solution was found, else empty).
    assignment: dict[int, int]
    #: Sum of ``terms`` (None when there is no assignment).
    objective: int | None
    #: Proven lower bound on the objective (== objective when optimal).
    bound: int | None
    #: Weighted cost of each term: balance, continuity, spread, skill_mismatch, span.
    terms: dict[str, int]
    #: nurse id -> acuity points (every nurse, 0 when no patient).
    workload: dict[int, int]
    #: nurse id -> number of patients.
    patients_per_nurse: dict[int, int]
    seconds: float
    #: Plain-words explanations (why infeasible, waived skills, ...).
    explanations: list[str] = field(default_factory=list)
    #: Unweighted quantities behind ``terms``: points outside the fair share,
    #: continuity breaks, room steps, skill mismatches.
    counts: dict[str, int] = field(default_factory=dict)
    #: nurse id -> (low, high) fair share of acuity points.
    fair_share: dict[int, tuple[int, int]] = field(default_factory=dict)
    #: nurse id -> (first, last) room position of the nurse's home zone.
    zones: dict[int, tuple[int, int]] = field(default_factory=dict)
    #: nurse id -> last minus first room position of their patients (shown only).
    span: dict[int, int] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)

    @property
    def optimal(self) -> bool:
        return self.status is Status.OPTIMAL
