"""Errors shared by the council's modules: members and invitations both seat people, so both can
find a seat taken or a committee unknown."""

from __future__ import annotations

from models.council import CommitteeKey, CouncilPosition

__all__ = ["AlreadyMember", "CouncilError", "HeadSeatTaken", "PositionTaken", "UnknownCommittee"]


class CouncilError(ValueError):
    """A council request that cannot be carried out as asked."""


class HeadSeatTaken(CouncilError):
    """The committee already has a head in this neighbourhood."""

    def __init__(self, committee: CommitteeKey, holder_name: str | None) -> None:
        super().__init__(f"the {committee.value} committee already has a head ({holder_name})")
        self.committee, self.holder_name = committee, holder_name


class PositionTaken(CouncilError):
    """The council already has a chair (or secretary)."""

    def __init__(self, position: CouncilPosition, holder_name: str | None) -> None:
        super().__init__(f"the council already has a {position.value} ({holder_name})")
        self.position, self.holder_name = position, holder_name


class AlreadyMember(CouncilError):
    """The person is already an active member of this council."""

    def __init__(self, member_id: int) -> None:
        super().__init__(f"already a member (member {member_id})")
        self.member_id = member_id


class UnknownCommittee(CouncilError):
    """Not one of the committee keys."""
