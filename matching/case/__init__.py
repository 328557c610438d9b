"""Case: the intervention plan, its placements and the readiness check (pure domain).

``model`` is the plan as frozen dataclasses (safety screen, intervention, lead, team,
logistics); ``codec`` turns a case into JSON and back with every problem reported;
``permissions`` is who may do what in a case (one role x action table, one ``require``, the
redaction of what a role may not see); ``changes`` says which parts a save changed, for the
audit log; ``pipeline`` is one placement's stages (called, availability, insurance, hold,
intake); ``readiness`` is the small pure rules and their verdict; ``letters`` the offline
letter review. Nothing here touches the store: saving, loading and sharing a case are
:mod:`matching.records` (``cases``, ``members``, ``sharing``), which builds on this layer.

The model, codec and permission names are re-exported here, so ``from matching.case import
Case, case_to_json`` works.
"""

from matching.case.codec import EXPORT_FORMAT, EXPORT_SCHEMA_VERSION, case_from_json, case_to_json
from matching.case.model import (
    DEFAULT_AVERAGE_SPEED_MPH,
    DEFAULT_SUBSTANCE,
    DEFAULT_TIME_ZONE,
    LETTER_STATUSES,
    MAX_ALIAS_LENGTH,
    Case,
    CaseError,
    CaseFormatError,
    Intervention,
    Lead,
    Logistics,
    SafetyScreen,
    TeamMember,
    check_time_zone,
)
from matching.case.permissions import (
    ACTIONS,
    CASE_ROLES,
    INSURER_HIDDEN,
    PERMISSIONS,
    Action,
    CaseRole,
    allowed,
    redact,
)

__all__ = [
    "ACTIONS",
    "CASE_ROLES",
    "INSURER_HIDDEN",
    "PERMISSIONS",
    "Action",
    "CaseRole",
    "allowed",
    "redact",
    "DEFAULT_AVERAGE_SPEED_MPH",
    "DEFAULT_SUBSTANCE",
    "DEFAULT_TIME_ZONE",
    "EXPORT_FORMAT",
    "EXPORT_SCHEMA_VERSION",
    "LETTER_STATUSES",
    "MAX_ALIAS_LENGTH",
    "Case",
    "CaseError",
    "CaseFormatError",
    "Intervention",
    "Lead",
    "Logistics",
    "SafetyScreen",
    "TeamMember",
    "case_from_json",
    "case_to_json",
    "check_time_zone",
]
