"""What the plan services refuse: a file with bad rows (each problem with its line number, and
nothing imported), a plan, node or proposal that does not exist, progress set on a node that is
not a project, a resolution or action from outside the plan's region, a proposal decided
already."""

from __future__ import annotations

import enum
from dataclasses import dataclass

__all__ = [
    "NotAProject",
    "OutsidePlan",
    "PlanImportError",
    "PlanProblemKind",
    "PlanRowProblem",
    "ProposalDecided",
    "UnknownPlan",
    "UnknownPlanNode",
    "UnknownProposal",
    "WrongLevel",
]


class PlanProblemKind(enum.StrEnum):
    UNREADABLE = "unreadable"
    EMPTY_FILE = "empty_file"
    MISSING_COLUMNS = "missing_columns"
    FIELD_COUNT = "field_count"
    NO_NAME = "no_name"
    TOO_LONG = "too_long"
    BAD_WEIGHT = "bad_weight"
    BAD_DATE = "bad_date"
    END_BEFORE_START = "end_before_start"
    BAD_PROGRESS = "bad_progress"
    PROGRESS_NOT_PROJECT = "progress_not_project"
    DUPLICATE = "duplicate"


@dataclass(frozen=True)
class PlanRowProblem:
    """What is wrong with one line of the file (line 1 is the header; in a workbook, the row)."""

    line: int
    kind: PlanProblemKind
    field: str | None = None
    value: str | None = None
    # The earlier line that defined the same node.
    other: int | None = None

    def describe(self) -> str:
        """A one-line English description, for the operator's command line."""
        text = {
            PlanProblemKind.UNREADABLE: f"the file cannot be read: {self.value}",
            PlanProblemKind.EMPTY_FILE: "the file is empty (expected the header "
            "goal,strategy,policy,project,responsible,weight,start,end,progress)",
            PlanProblemKind.MISSING_COLUMNS: f"header lacks the column(s) {self.value}",
            PlanProblemKind.FIELD_COUNT: f"expected the header's number of fields, found {self.value}",
            PlanProblemKind.NO_NAME: "none of goal, strategy, policy, project is given",
            PlanProblemKind.TOO_LONG: f"{self.field} is too long",
            PlanProblemKind.BAD_WEIGHT: f"weight must be a positive number, not {self.value!r}",
            PlanProblemKind.BAD_DATE: f"{self.field} must be a Jalali date YYYY/MM/DD, not {self.value!r}",
            PlanProblemKind.END_BEFORE_START: "end is before start",
            PlanProblemKind.BAD_PROGRESS: f"progress must be a whole number from 0 to 100, not {self.value!r}",
            PlanProblemKind.PROGRESS_NOT_PROJECT: "progress is for projects (this row names no project)",
            PlanProblemKind.DUPLICATE: f"{self.value} repeats line {self.other}",
        }[self.kind]
        return f"line {self.line}: {text}"


class PlanImportError(ValueError):
    """The file has bad rows; nothing was imported."""

    def __init__(self, problems: list[PlanRowProblem]) -> None:
        super().__init__("; ".join(p.describe() for p in problems))
        self.problems = problems


class UnknownPlan(LookupError):
    def __init__(self, plan_id: int) -> None:
        super().__init__(f"no plan {plan_id}")
        self.plan_id = plan_id


class UnknownPlanNode(LookupError):
    def __init__(self, node_id: int) -> None:
        super().__init__(f"no plan node {node_id}")
        self.node_id = node_id


class UnknownProposal(LookupError):
    def __init__(self, proposal_id: int) -> None:
        super().__init__(f"no progress proposal {proposal_id}")
        self.proposal_id = proposal_id


class NotAProject(ValueError):
    """Progress is kept by projects; a goal's, strategy's or policy's is rolled up."""

    def __init__(self, node_id: int) -> None:
        super().__init__(f"plan node {node_id} is not a project")
        self.node_id = node_id


class WrongLevel(ValueError):
    """A node added under a parent of its own level or a lower one (a goal under a project)."""


class OutsidePlan(ValueError):
    """A resolution or action of a neighbourhood outside the plan's region."""


class ProposalDecided(ValueError):
    """The proposal was confirmed or dismissed already (a second tap, or someone else)."""
