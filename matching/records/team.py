"""Team mode's people and organisations: who is asking (:class:`Actor`).

Every function of the records and case layers that reads or writes shared data takes the
``actor`` it acts for. Local mode has one person in one organisation (:data:`LOCAL`), the
default everywhere, so a laptop works as before; on a team server every call names the
signed-in person, and what they get is filtered by their organisation (directories, call
reports, shortlists) or their case membership (cases, placements, letters, contact logs).
A call that forgets its actor acts as the local person, who belongs to no team case: it
sees nothing of the team's, rather than everything.
"""

from __future__ import annotations

from dataclasses import dataclass

from matching.records.store import LOCAL_EMAIL, LOCAL_ORG_ID, LOCAL_USER_ID


@dataclass(frozen=True, kw_only=True, slots=True)
class Actor:
    """The person a call acts for: their user id, sign-in e-mail and organisation."""

    user_id: int
    email: str
    org_id: int
    display_name: str = ""

    @property
    def is_local(self) -> bool:
        """Return whether this is the single person of local mode."""
        return self.user_id == LOCAL_USER_ID


LOCAL = Actor(user_id=LOCAL_USER_ID, email=LOCAL_EMAIL, org_id=LOCAL_ORG_ID, display_name="You")
