"""Case: the intervention plan, its placements and the readiness check.

``model`` is the plan as frozen dataclasses (safety screen, intervention, lead, team,
logistics); ``codec`` turns a case into JSON and back with every problem reported;
``repository`` saves and loads cases in the store under an optimistic version check, for the
person who asks (``access``: roles, permissions, redaction, the team and its invitations;
``rows`` the stored form; ``changes`` what a save changed, for the audit log);
``pipeline`` is one placement's stages (called, availability, insurance, hold, intake);
``readiness`` is the small pure rules and their verdict; ``letters`` the offline letter
review. Case builds on records (the store) and the directory columns.

The model, codec and repository names are re-exported here, so ``from matching.case import
Case, save_case`` works.
"""

from matching.case.access import (
    ACTIONS,
    CASE_ROLES,
    INSURER_HIDDEN,
    PERMISSIONS,
    Action,
    CaseRole,
    Invitation,
    Member,
    allowed,
    invite,
    list_invitations,
    list_members,
    redact,
    remove_member,
    revoke_invitation,
    role_in_case,
    save_own_letter,
    set_member_role,
)
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
from matching.case.repository import (
    CaseSummary,
    count_cases,
    create_case,
    delete_case,
    import_case,
    list_cases,
    load_case,
    save_case,
)

__all__ = [
    "ACTIONS",
    "CASE_ROLES",
    "INSURER_HIDDEN",
    "PERMISSIONS",
    "Action",
    "CaseRole",
    "Invitation",
    "Member",
    "allowed",
    "invite",
    "list_invitations",
    "list_members",
    "redact",
    "remove_member",
    "revoke_invitation",
    "role_in_case",
    "save_own_letter",
    "set_member_role",
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
    "CaseSummary",
    "Intervention",
    "Lead",
    "Logistics",
    "SafetyScreen",
    "TeamMember",
    "case_from_json",
    "case_to_json",
    "check_time_zone",
    "count_cases",
    "create_case",
    "delete_case",
    "import_case",
    "list_cases",
    "load_case",
    "save_case",
]
