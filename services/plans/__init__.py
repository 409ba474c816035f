"""Plans with progress (برنامه‌ها): a province's, county's or neighbourhood's plan of goals →
strategies → policies → projects (any level may be skipped), each project with a responsible
body, a weight, Jalali start and end and its progress; progress rolls up as weighted means, and
what is late is named. Plans are imported from a CSV or an Excel file (all of it or nothing),
read in the chat with `/plan`, edited there for the small cases, and their projects linked to
the resolutions and actions that carry them out, whose completion suggests progress moves that
the manager confirms.

The package, by part: `parsing` (reading and checking a file, by line), `importing` (writing a
plan in one transaction), `rollup` (the figures and what is late, in memory), `reading` (what
people see, and what reports and digests need), `editing` (changes in the chat), `linking`
(links and proposed progress moves), `notices` (the proposals queued to the plan's keepers),
`access` (who may read and keep a plan) and `errors`.
"""

from __future__ import annotations

from services.plans.access import (
    PLAN_SCOPES,
    load_plan,
    may_edit_plan,
    require_plan_editor,
    require_plan_reader,
)
from services.plans.editing import (
    MIN_NAME_LENGTH,
    NewNode,
    ProgressChange,
    add_plan_node,
    clean_plan_node_name,
    create_plan,
    set_project_progress,
)
from services.plans.errors import (
    NotAProject,
    OutsidePlan,
    PlanImportError,
    PlanProblemKind,
    PlanRowProblem,
    ProposalDecided,
    UnknownPlan,
    UnknownPlanNode,
    UnknownProposal,
    WrongLevel,
)
from services.plans.importing import (
    MAX_TITLE_LENGTH,
    MIN_TITLE_LENGTH,
    ImportedPlan,
    Responsible,
    clean_plan_title,
    import_plan,
)
from services.plans.linking import (
    ActionChoices,
    LinkableAction,
    LinkableResolution,
    LinkChoices,
    LinkResult,
    ProposalOutcome,
    confirm_progress,
    link_action,
    link_resolution,
    linkable_actions,
    linkable_resolutions,
    open_proposals,
    propose_progress,
    proposed_progress,
)
from services.plans.notices import DECIDE_PREFIX, decide_buttons, plan_keepers, propose_and_tell, tell_keepers
from services.plans.parsing import MAX_NAME_LENGTH, PLAN_COLUMNS, PlanRow, parse_weight, read_plan_file
from services.plans.reading import (
    PlanProgress,
    PlanShelf,
    PlansTally,
    PlanSummary,
    ProjectView,
    ProposalView,
    ScopeChoice,
    plan_progress,
    plan_tree,
    plans_for,
    project_view,
    scope_plans_progress,
    tally,
    tree_as_json,
    whole_percent,
)
from services.plans.rollup import (
    BEHIND_MARGIN,
    PROJECT_WEIGHT,
    Lateness,
    RolledNode,
    RolledPlan,
    expected_progress,
    lateness,
    roll_up,
)
from services.resolutions.errors import InvalidProgress
from services.resolutions.rules import parse_progress

__all__ = [
    "BEHIND_MARGIN",
    "DECIDE_PREFIX",
    "MAX_NAME_LENGTH",
    "MAX_TITLE_LENGTH",
    "MIN_NAME_LENGTH",
    "MIN_TITLE_LENGTH",
    "PLAN_COLUMNS",
    "PLAN_SCOPES",
    "PROJECT_WEIGHT",
    "ActionChoices",
    "ImportedPlan",
    "InvalidProgress",
    "Lateness",
    "LinkChoices",
    "LinkResult",
    "LinkableAction",
    "LinkableResolution",
    "NewNode",
    "NotAProject",
    "OutsidePlan",
    "PlanImportError",
    "PlanProblemKind",
    "PlanProgress",
    "PlanRow",
    "PlanRowProblem",
    "PlanShelf",
    "PlanSummary",
    "PlansTally",
    "ProgressChange",
    "ProjectView",
    "ProposalDecided",
    "ProposalOutcome",
    "ProposalView",
    "Responsible",
    "RolledNode",
    "RolledPlan",
    "ScopeChoice",
    "UnknownPlan",
    "UnknownPlanNode",
    "UnknownProposal",
    "WrongLevel",
    "add_plan_node",
    "clean_plan_node_name",
    "clean_plan_title",
    "confirm_progress",
    "create_plan",
    "decide_buttons",
    "expected_progress",
    "import_plan",
    "lateness",
    "link_action",
    "link_resolution",
    "linkable_actions",
    "linkable_resolutions",
    "load_plan",
    "may_edit_plan",
    "open_proposals",
    "parse_progress",
    "parse_weight",
    "plan_keepers",
    "plan_progress",
    "plan_tree",
    "plans_for",
    "project_view",
    "propose_and_tell",
    "propose_progress",
    "proposed_progress",
    "read_plan_file",
    "require_plan_editor",
    "require_plan_reader",
    "roll_up",
    "scope_plans_progress",
    "set_project_progress",
    "tally",
    "tell_keepers",
    "tree_as_json",
    "whole_percent",
]
