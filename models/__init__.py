"""SQLAlchemy models, the engine/session factory and repositories."""

from models.base import Base
from models.council import (
    STANDING_COMMITTEES,
    Agency,
    AuditEntry,
    CommitteeKey,
    CommitteeMembership,
    CouncilMember,
    CouncilPosition,
    Invitation,
    Liaison,
    NeighbourhoodProfile,
)
from models.identity import (
    Account,
    County,
    Neighbourhood,
    NeighbourhoodKind,
    Person,
    Platform,
    Province,
    Role,
    RoleAssignment,
    ScopeKind,
)
from models.plumbing import FsmRecord, OutboxMessage, OutboxStatus, ProcessedUpdate

__all__ = [
    "STANDING_COMMITTEES",
    "Account",
    "Agency",
    "AuditEntry",
    "Base",
    "CommitteeKey",
    "CommitteeMembership",
    "CouncilMember",
    "CouncilPosition",
    "County",
    "FsmRecord",
    "Invitation",
    "Liaison",
    "Neighbourhood",
    "NeighbourhoodKind",
    "NeighbourhoodProfile",
    "OutboxMessage",
    "OutboxStatus",
    "Person",
    "Platform",
    "ProcessedUpdate",
    "Province",
    "Role",
    "RoleAssignment",
    "ScopeKind",
]
