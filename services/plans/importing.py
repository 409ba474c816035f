"""Importing a plan from its checked rows (`services.plans.parsing.read_plan_file`) in one
transaction: the plan, every node level by level (a parent's id is known before its children
are written: four flushes for the deepest plan) and the audit entry, or nothing at all.

A row's responsible body is matched, regardless of spelling details, against the committees (by
key or name, in Persian or English), the executive agencies (by key or name) and, in a
neighbourhood's plan, the names of its active council members; one that matches none (a
province department, say) is kept as written, and the import says on which lines."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.council import Agency, CommitteeKey, CouncilMember
from models.identity import Person, ScopeKind
from models.plans import Plan, PlanNode, PlanNodeKind
from models.resolutions import ResponsibleKind
from services.authz import Actor, record_audit
from services.errors import TextTooLong, TextTooShort
from services.i18n import SUPPORTED_LOCALES, Translator
from services.persian import fold_for_search
from services.plans.access import require_plan_editor
from services.plans.parsing import PlanRow, clean_node_name
from services.uow import committing

__all__ = [
    "MAX_TITLE_LENGTH",
    "MIN_TITLE_LENGTH",
    "ImportedPlan",
    "Responsible",
    "clean_plan_title",
    "import_plan",
    "responsible_index",
]

MIN_TITLE_LENGTH = 3
MAX_TITLE_LENGTH = 200

Key = tuple[tuple[PlanNodeKind, str], ...]


@dataclass(frozen=True)
class Responsible:
    """Who answers for a node, as a resolution stores it (the label is the name as written)."""

    kind: ResponsibleKind | None
    committee: CommitteeKey | None = None
    agency_id: int | None = None
    member_id: int | None = None


@dataclass(frozen=True)
class ImportedPlan:
    plan_id: int
    nodes: int
    projects: int
    # (line, responsible as written) for the rows whose responsible body matched nothing known.
    unmatched_responsible: tuple[tuple[int, str], ...]


@dataclass
class _Spec:
    key: Key
    kind: PlanNodeKind
    name: str
    position: int
    row: PlanRow | None = None
    children: int = 0
    node: PlanNode | None = field(default=None, repr=False)


def clean_plan_title(text: str | None) -> str:
    """A plan's title as stored; raises `TextTooShort` / `TextTooLong`."""
    title = clean_node_name(text)
    if len(title) < MIN_TITLE_LENGTH:
        raise TextTooShort("title", MIN_TITLE_LENGTH)
    if len(title) > MAX_TITLE_LENGTH:
        raise TextTooLong("title", len(title), MAX_TITLE_LENGTH)
    return title


async def responsible_index(
    session: AsyncSession, translator: Translator, kind: ScopeKind, scope_id: int
) -> dict[str, Responsible]:
    """Every name a responsible body may be written as, folded, with what it stands for."""
    index: dict[str, Responsible] = {}
    for committee in CommitteeKey:
        match = Responsible(ResponsibleKind.COMMITTEE, committee=committee)
        names = [committee.value] + [
            translator.get(loc, f"committee-{committee.value}") for loc in SUPPORTED_LOCALES
        ]
        for name in names:
            index[fold_for_search(name)] = match
            index[fold_for_search(f"کمیته {name}")] = match
    for agency in await session.scalars(select(Agency)):
        for name in (agency.key, agency.name_fa, agency.name_en):
            index[fold_for_search(name)] = Responsible(ResponsibleKind.AGENCY, agency_id=agency.id)
    if kind == ScopeKind.NEIGHBOURHOOD:
        members = await session.execute(
            select(CouncilMember.id, Person.full_name)
            .join(Person, Person.id == CouncilMember.person_id)
            .where(CouncilMember.neighbourhood_id == scope_id, CouncilMember.active.is_(True))
        )
        named: dict[str, list[int]] = {}
        for member_id, full_name in members.tuples():
            named.setdefault(fold_for_search(full_name or ""), []).append(member_id)
        for folded, member_ids in named.items():
            if folded and len(member_ids) == 1:  # two members of one name: neither is matched
                index[folded] = Responsible(ResponsibleKind.MEMBER, member_id=member_ids[0])
    return index


def _specs(rows: Sequence[PlanRow]) -> list[_Spec]:
    """Every node the rows name, ancestors before descendants, with its place among its siblings."""
    specs: dict[Key, _Spec] = {}
    roots = 0
    for row in rows:
        key = row.key
        for depth in range(1, len(key) + 1):
            prefix = key[:depth]
            if prefix not in specs:
                parent = specs.get(prefix[:-1])
                if parent is None:
                    position, roots = roots, roots + 1
                else:
                    position, parent.children = parent.children, parent.children + 1
                kind, name = row.path[depth - 1]
                specs[prefix] = _Spec(prefix, kind, name, position)
        specs[key].row = row
    return list(specs.values())


def _progress(spec: _Spec) -> int | None:
    """A project's progress as the file gives it (0 when blank); None for the other levels."""
    if spec.kind is not PlanNodeKind.PROJECT:
        return None
    return (spec.row.progress or 0) if spec.row is not None else 0


def _node(
    spec: _Spec, plan_id: int, parent_id: int | None, who: Responsible | None, now: datetime
) -> PlanNode:
    row = spec.row
    return PlanNode(
        plan_id=plan_id,
        parent_id=parent_id,
        kind=spec.kind,
        position=spec.position,
        name=spec.name,
        weight=row.weight if row else None,
        responsible_kind=who.kind if who else None,
        responsible_committee=who.committee if who else None,
        responsible_agency_id=who.agency_id if who else None,
        responsible_member_id=who.member_id if who else None,
        responsible_label=row.responsible if row else None,
        starts_on=row.starts_on if row else None,
        ends_on=row.ends_on if row else None,
        progress=_progress(spec),
        updated_at=now,
    )


async def _write_nodes(
    session: AsyncSession, plan_id: int, specs: list[_Spec], index: dict[str, Responsible], now: datetime
) -> list[tuple[int, str]]:
    """Insert the nodes level by level; returns the (line, name) of unmatched responsible bodies."""
    by_key = {spec.key: spec for spec in specs}
    unmatched: list[tuple[int, str]] = []
    for depth in range(1, max((len(s.key) for s in specs), default=0) + 1):
        level = [spec for spec in specs if len(spec.key) == depth]
        for spec in level:
            parent = by_key[spec.key[:-1]].node if depth > 1 else None
            label = spec.row.responsible if spec.row else None
            who = index.get(fold_for_search(label)) if label else None
            if label and who is None and spec.row is not None:
                unmatched.append((spec.row.line, label))
            spec.node = _node(spec, plan_id, parent.id if parent else None, who, now)
        session.add_all(spec.node for spec in level if spec.node is not None)
        await session.flush()
    return sorted(unmatched)


async def import_plan(
    session: AsyncSession,
    translator: Translator,
    *,
    actor: Actor,
    scope_kind: ScopeKind,
    scope_id: int,
    title: str,
    rows: Sequence[PlanRow],
    now: datetime,
) -> ImportedPlan:
    """A new plan of the scope from the checked rows of a file, all of it or nothing; the actor
    must keep the scope's plans (`require_plan_editor`)."""
    cleaned = clean_plan_title(title)
    async with committing(session):
        await require_plan_editor(session, actor, scope_kind, scope_id, "plan.import")
        index = await responsible_index(session, translator, scope_kind, scope_id)
        plan = Plan(
            scope_kind=scope_kind,
            scope_id=scope_id,
            title=cleaned,
            created_at=now,
            created_by_person_id=actor.person_id,
        )
        session.add(plan)
        await session.flush()
        specs = _specs(rows)
        unmatched = await _write_nodes(session, plan.id, specs, index, now)
        projects = sum(spec.kind is PlanNodeKind.PROJECT for spec in specs)
        record_audit(
            session,
            actor,
            action="plan.import",
            target_type="plan",
            target_id=plan.id,
            details={"title": cleaned, "nodes": len(specs), "projects": projects},
            now=now,
        )
    return ImportedPlan(plan.id, len(specs), projects, tuple(unmatched))
