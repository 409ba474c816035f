"""How a plan's progress adds up, computed in memory from its nodes (one query loads them all;
a city's 388 nodes are nothing to add up):

* a project's progress is its own (0–100) and its weight the one given, else 1;
* a goal's, strategy's or policy's progress is the weighted mean of its children's, and its
  weight the one given, else the sum of its children's weights (so a goal of many projects
  counts for more than a goal of few, unless the plan says otherwise); one without children
  weighs 0 unless given, and stands at 0 %;
* the plan's progress is the weighted mean of its top-level nodes, by the same rule.

What is late (`lateness`), for a project by its own progress and for a parent with dates by its
rolled-up one: its end date has passed (in Tehran) and it is not at 100 %, or it is behind the
straight line from 0 % at its start to 100 % at its end by more than `BEHIND_MARGIN` points.
The margin leaves room for the way work really goes (slow starts, reports typed in steps of 25 %):
a project half-way through its time at 30 % or more is not called late; at 29 % it is.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from models.plans import PlanNode, PlanNodeKind
from models.resolutions import ResponsibleKind
from services.plans.errors import UnknownPlanNode

__all__ = [
    "BEHIND_MARGIN",
    "PROJECT_WEIGHT",
    "Lateness",
    "RolledNode",
    "RolledPlan",
    "expected_progress",
    "lateness",
    "roll_up",
]

# Percentage points behind the linear schedule before a node counts as late.
BEHIND_MARGIN = 20
# A project's weight when the plan gives none.
PROJECT_WEIGHT = 1.0
# Rolled-up figures are kept to this many decimals, so that a parent of projects all at 100 %
# is at 100, not 99.99999999999999.
_DECIMALS = 6


class Lateness(enum.StrEnum):
    # The end date has passed and it is not done.
    OVERDUE = "overdue"
    # Behind the linear schedule by more than BEHIND_MARGIN points.
    BEHIND = "behind"


def expected_progress(starts_on: date, ends_on: date, today: date) -> float:
    """Where the straight line from 0 % at the start to 100 % at the end stands today."""
    if today <= starts_on:
        return 0.0
    if today >= ends_on:
        return 100.0
    return 100.0 * (today - starts_on).days / (ends_on - starts_on).days


def lateness(progress: float, starts_on: date | None, ends_on: date | None, today: date) -> Lateness | None:
    """Whether a node with this progress and these dates is late today, and how."""
    if progress >= 100 or ends_on is None:
        return None
    if today > ends_on:
        return Lateness.OVERDUE
    if starts_on is not None and starts_on < ends_on:
        if progress < expected_progress(starts_on, ends_on, today) - BEHIND_MARGIN:
            return Lateness.BEHIND
    return None


@dataclass
class RolledNode:
    """A node with its rolled-up figures and its children (in plan order)."""

    id: int
    parent_id: int | None
    kind: PlanNodeKind
    name: str
    given_weight: float | None
    weight: float
    progress: float
    starts_on: date | None
    ends_on: date | None
    responsible_kind: ResponsibleKind | None
    responsible_label: str | None
    late: Lateness | None = None
    # In its subtree, itself included.
    projects: int = 0
    late_projects: int = 0
    children: list[RolledNode] = field(default_factory=list)

    @property
    def is_project(self) -> bool:
        return self.kind is PlanNodeKind.PROJECT

    def walk(self) -> Iterator[RolledNode]:
        """This node and everything under it, depth first, in plan order."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class RolledPlan:
    """A plan's tree with every node's rolled-up progress and what is late."""

    plan_id: int
    title: str
    progress: float
    children: list[RolledNode]
    by_id: dict[int, RolledNode]
    projects: int
    late_projects: int

    def node(self, node_id: int) -> RolledNode:
        """The node with this id in this plan; raises `UnknownPlanNode`."""
        try:
            return self.by_id[node_id]
        except KeyError:
            raise UnknownPlanNode(node_id) from None

    def path(self, node_id: int) -> list[RolledNode]:
        """The node's ancestors from the top, the node last."""
        path = [self.node(node_id)]
        while path[0].parent_id is not None:
            path.insert(0, self.by_id[path[0].parent_id])
        return path

    def late(self) -> list[RolledNode]:
        """The late projects, in plan order."""
        return [node for top in self.children for node in top.walk() if node.is_project and node.late]


def _mean(children: list[RolledNode]) -> tuple[float, float]:
    """The weighted mean progress of `children` and their total weight (0 % when it is 0)."""
    total = sum(child.weight for child in children)
    if total <= 0:
        return 0.0, 0.0
    return round(sum(child.weight * child.progress for child in children) / total, _DECIMALS), total


def _finish(node: RolledNode, today: date) -> None:
    """Fill in a node's figures once its children's are known."""
    if node.is_project:
        node.weight = node.given_weight if node.given_weight is not None else PROJECT_WEIGHT
    else:
        node.progress, total = _mean(node.children)
        node.weight = node.given_weight if node.given_weight is not None else total
    node.late = lateness(node.progress, node.starts_on, node.ends_on, today)
    node.projects = sum(child.projects for child in node.children) + node.is_project
    node.late_projects = sum(child.late_projects for child in node.children) + (
        node.is_project and node.late is not None
    )


def _rolled(node: PlanNode) -> RolledNode:
    return RolledNode(
        id=node.id,
        parent_id=node.parent_id,
        kind=node.kind,
        name=node.name,
        given_weight=node.weight,
        weight=0.0,
        progress=float(node.progress or 0) if node.kind is PlanNodeKind.PROJECT else 0.0,
        starts_on=node.starts_on,
        ends_on=node.ends_on,
        responsible_kind=node.responsible_kind,
        responsible_label=node.responsible_label,
    )


def roll_up(plan_id: int, title: str, nodes: Iterable[PlanNode], today: date) -> RolledPlan:
    """The plan's tree from all its nodes (any order), every figure rolled up."""
    ordered = sorted(nodes, key=lambda n: (n.position, n.id))
    by_id = {node.id: _rolled(node) for node in ordered}
    roots: list[RolledNode] = []
    for node in ordered:
        rolled = by_id[node.id]
        parent = by_id.get(node.parent_id) if node.parent_id is not None else None
        (parent.children if parent is not None else roots).append(rolled)
    # Children before parents: deepest first (a plan is at most four levels deep).
    for rolled in sorted(by_id.values(), key=lambda r: -_depth(r, by_id)):
        _finish(rolled, today)
    progress, _total = _mean(roots)
    return RolledPlan(
        plan_id=plan_id,
        title=title,
        progress=progress,
        children=roots,
        by_id=by_id,
        projects=sum(root.projects for root in roots),
        late_projects=sum(root.late_projects for root in roots),
    )


def _depth(node: RolledNode, by_id: dict[int, RolledNode]) -> int:
    depth = 0
    while node.parent_id is not None and node.parent_id in by_id:
        node, depth = by_id[node.parent_id], depth + 1
    return depth
