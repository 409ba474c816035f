"""SQLAlchemy models, the engine/session factory and repositories."""

from models.base import Base
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
    "Account",
    "Base",
    "County",
    "FsmRecord",
    "Neighbourhood",
    "NeighbourhoodKind",
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
