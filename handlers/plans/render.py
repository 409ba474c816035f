"""How plans look in the chat: the shelf of plans, a page of a plan's tree (its top level or a
node's children, at most `PAGE_SIZE` a page, each with its progress bar and what is late), a
project's card, and the lists of late projects and of proposed progress moves; each as the text
and the buttons of one message, redrawn in place as a person moves through the tree.

A progress bar is isolated in the reader's direction (RLI…PDI in Persian, LRI…PDI in English),
so that whatever stands beside it — a Latin project name, a number — it fills from the start of
the line's reading: from the right in Persian, from the left in English."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup

from handlers.keyboards import keyboard
from handlers.plans.keyboards import (
    PlanActionList,
    PlanActionPick,
    PlanAddProject,
    PlanCard,
    PlanDecide,
    PlanLinkList,
    PlanLinkPick,
    PlanList,
    PlanNew,
    PlanOpen,
    PlanSetProgress,
    PlanShelfPage,
)
from models.plans import PlanNodeKind
from services.i18n import BoundTranslator
from services.jalali import format_jalali_date
from services.persian import PDI, to_persian_digits
from services.plans import (
    ActionChoices,
    Lateness,
    LinkChoices,
    PlanShelf,
    ProjectView,
    ProposalView,
    RolledNode,
    RolledPlan,
    ScopeChoice,
    expected_progress,
)

PAGE_SIZE = 10
BAR_CELLS = 10
# How much of a name a button, a page's line and its path show (a card shows it whole), so
# that ten long names stay well within a message (4,096 characters).
BUTTON_NAME = 40
LINE_NAME = 120
PATH_NAME = 40
ICONS = {
    PlanNodeKind.GOAL: "🎯",
    PlanNodeKind.STRATEGY: "🧭",
    PlanNodeKind.POLICY: "📐",
    PlanNodeKind.PROJECT: "🔹",
}
_RLI, _LRI = "\u2067", "\u2066"
Rows = list[list[tuple[str, str]]]


def plan_bar(progress: float, locale: str) -> str:
    """▰▰▰▱▱▱▱▱▱▱ for 30 %, isolated in the reader's direction."""
    filled = max(0, min(BAR_CELLS, round(progress / 100 * BAR_CELLS)))
    bar = "▰" * filled + "▱" * (BAR_CELLS - filled)
    return f"{_RLI if locale == 'fa' else _LRI}{bar}{PDI}"


def percent(progress: float) -> int:
    return round(progress)


def weight_text(weight: float, locale: str) -> str:
    """A weight as people write it: «۲٫۵» in Persian, "2.5" in English."""
    text = f"{weight:.2f}".rstrip("0").rstrip(".")
    return to_persian_digits(text).replace(".", "٫") if locale == "fa" else text


def page_count(items: int) -> int:
    return max(1, -(-items // PAGE_SIZE))


def scope_label(t: BoundTranslator, scope: ScopeChoice) -> str:
    return t(f"plan-scope-{scope.kind.value}", name=scope.name)


def short(name: str, limit: int) -> str:
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


def _label(t: BoundTranslator, index: int, icon: str, name: str) -> str:
    return t("plan-node-line", index=index, icon=icon, name=short(name, BUTTON_NAME))


def _paging(
    t: BoundTranslator, page: int, pages: int, at: Callable[[int], CallbackData]
) -> list[tuple[str, str]]:
    """The previous and next page buttons there are; `at(n)` is the button data of page n."""
    row = []
    if page > 0:
        row.append((t("plan-button-prev"), at(page - 1).pack()))
    if page + 1 < pages:
        row.append((t("plan-button-next"), at(page + 1).pack()))
    return row


def render_shelf(t: BoundTranslator, shelf: PlanShelf, page: int) -> tuple[str, InlineKeyboardMarkup]:
    """The plans a person sees, a page of them, and a button to start one where they keep plans."""
    rows: Rows = []
    if not shelf.plans:
        text = t("plan-none-keeper" if shelf.new_plan_scopes else "plan-none")
    else:
        pages = page_count(len(shelf.plans))
        page = min(max(page, 0), pages - 1)
        lines = [t("plan-shelf-title", page=page + 1, pages=pages)]
        for index, plan in enumerate(
            shelf.plans[page * PAGE_SIZE : (page + 1) * PAGE_SIZE], start=page * PAGE_SIZE + 1
        ):
            title, where = short(plan.title, LINE_NAME), scope_label(t, plan.scope)
            lines.append(t("plan-shelf-line", index=index, title=title, scope=where))
            rows.append([(_label(t, index, "📋", plan.title), PlanOpen(plan_id=plan.id).pack())])
        rows.append(_paging(t, page, pages, lambda n: PlanShelfPage(page=n)))
        text = "\n".join(lines)
    for scope in shelf.new_plan_scopes:
        label = t("plan-button-new", scope=scope_label(t, scope))
        rows.append([(label, PlanNew(kind=scope.kind.value, scope_id=scope.id).pack())])
    return text, keyboard(rows)


def _late_mark(t: BoundTranslator, node: RolledNode) -> str:
    if node.is_project:
        return t(f"plan-node-{node.late.value}") if node.late else ""
    return t("plan-node-late-count", count=node.late_projects) if node.late_projects else ""


def _child_lines(t: BoundTranslator, index: int, node: RolledNode) -> list[str]:
    figures = t("plan-node-figures", bar=plan_bar(node.progress, t.locale), progress=percent(node.progress))
    mark = _late_mark(t, node)
    return [
        t("plan-node-line", index=index, icon=ICONS[node.kind], name=short(node.name, LINE_NAME)),
        f"    {figures}  {mark}".rstrip(),
    ]


def _open(tree: RolledPlan, node: RolledNode) -> str:
    """Where a node's button leads: a project's card, or the node's children."""
    if node.is_project:
        return PlanCard(node_id=node.id).pack()
    return PlanOpen(plan_id=tree.plan_id, node_id=node.id).pack()


def _up(tree: RolledPlan, node: RolledNode, index: int) -> str:
    """Back to the page of the node's parent where the node stands."""
    return PlanOpen(plan_id=tree.plan_id, node_id=node.parent_id or 0, page=index // PAGE_SIZE).pack()


def _index(tree: RolledPlan, node: RolledNode) -> int:
    siblings = tree.node(node.parent_id).children if node.parent_id is not None else tree.children
    return siblings.index(node)


def _heading(t: BoundTranslator, tree: RolledPlan, node: RolledNode | None) -> list[str]:
    lines = [
        t("plan-header", title=tree.title),
        t(
            "plan-summary",
            bar=plan_bar(tree.progress, t.locale),
            progress=percent(tree.progress),
            projects=tree.projects,
            late=tree.late_projects,
        ),
    ]
    if node is not None:
        path = t("plan-path-separator").join(
            f"{ICONS[n.kind]} {short(n.name, PATH_NAME)}" for n in tree.path(node.id)
        )
        lines.append(t("plan-path", path=path))
        lines.append(
            t("plan-node-figures", bar=plan_bar(node.progress, t.locale), progress=percent(node.progress))
        )
    return lines


def _tools(
    t: BoundTranslator, tree: RolledPlan, node: RolledNode | None, *, editable: bool, proposals: int
) -> list[tuple[str, str]]:
    """Up, add a project, the late list and the proposals (for whoever keeps the plan)."""
    row = []
    if node is not None:
        row.append((t("plan-button-up"), _up(tree, node, _index(tree, node))))
    if editable:
        row.append(
            (
                t("plan-button-add"),
                PlanAddProject(plan_id=tree.plan_id, parent_id=node.id if node else 0).pack(),
            )
        )
    if tree.late_projects:
        row.append(
            (
                t("plan-button-late", count=tree.late_projects),
                PlanList(plan_id=tree.plan_id, what="late").pack(),
            )
        )
    if editable and proposals:
        row.append(
            (
                t("plan-button-proposed", count=proposals),
                PlanList(plan_id=tree.plan_id, what="proposed").pack(),
            )
        )
    return row


def render_tree_page(
    t: BoundTranslator, tree: RolledPlan, node_id: int, page: int, *, editable: bool, proposals: int = 0
) -> tuple[str, InlineKeyboardMarkup]:
    """A page of the plan's top level (`node_id` 0) or of a node's children."""
    node = tree.node(node_id) if node_id else None
    children = node.children if node is not None else tree.children
    pages = page_count(len(children))
    page = min(max(page, 0), pages - 1)
    lines = [*_heading(t, tree, node), ""]
    rows: Rows = []
    shown = children[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    for index, child in enumerate(shown, start=page * PAGE_SIZE + 1):
        lines += _child_lines(t, index, child)
        rows.append([(_label(t, index, ICONS[child.kind], child.name), _open(tree, child))])
    if not shown:
        lines.append(t("plan-empty"))
    if pages > 1:
        lines.append(t("plan-page", page=page + 1, pages=pages))
    rows.append(_paging(t, page, pages, lambda n: PlanOpen(plan_id=tree.plan_id, node_id=node_id, page=n)))
    rows.append(_tools(t, tree, node, editable=editable, proposals=proposals))
    return "\n".join(lines), keyboard(rows)


def _responsible(t: BoundTranslator, view: ProjectView) -> str | None:
    if view.committee is not None:
        return t(f"committee-{view.committee.value}")
    if view.agency is not None:
        return view.agency[0] if t.locale == "fa" else view.agency[1]
    return view.member or view.node.responsible_label


def _schedule_lines(t: BoundTranslator, node: RolledNode, today_expected: float | None) -> list[str]:
    lines = []
    if node.starts_on is not None and node.ends_on is not None:
        start, end = format_jalali_date(node.starts_on, t.locale), format_jalali_date(node.ends_on, t.locale)
        lines.append(t("plan-card-dates", start=start, end=end))
    elif node.ends_on is not None:
        lines.append(t("plan-card-end", date=format_jalali_date(node.ends_on, t.locale)))
    if node.late is Lateness.OVERDUE and node.ends_on is not None:
        lines.append(t("plan-card-overdue", date=format_jalali_date(node.ends_on, t.locale)))
    elif node.late is Lateness.BEHIND and today_expected is not None:
        lines.append(t("plan-card-behind", expected=round(today_expected)))
    return lines


def _proposal_line(t: BoundTranslator, proposal: ProposalView) -> str:
    if proposal.resolution_id is not None:
        key, cause = "plan-card-proposal-resolution", proposal.resolution_id
    else:
        key, cause = "plan-card-proposal-action", proposal.action_id or 0
    return t(key, id=cause, **{"from": proposal.progress_from, "to": proposal.progress_to})


def render_card(
    t: BoundTranslator, view: ProjectView, today: date, *, editable: bool
) -> tuple[str, InlineKeyboardMarkup]:
    """A project's card with its buttons: set progress and decide a proposed move (for whoever
    keeps the plan), and back to its place in the tree."""
    node = view.node
    lines = [
        t("plan-card-title", icon=ICONS[node.kind], kind=t(f"plan-kind-{node.kind.value}"), name=node.name)
    ]
    if view.path:
        lines.append(t("plan-path", path=t("plan-path-separator").join(view.path)))
    lines.append(
        t("plan-card-progress", bar=plan_bar(node.progress, t.locale), progress=percent(node.progress))
    )
    if who := _responsible(t, view):
        lines.append(t("plan-card-responsible", who=who))
    expected = None
    if node.starts_on is not None and node.ends_on is not None:
        expected = expected_progress(node.starts_on, node.ends_on, today)
    lines += _schedule_lines(t, node, expected)
    lines.append(t("plan-card-weight", weight=weight_text(node.weight, t.locale)))
    if view.linked_resolutions or view.linked_actions:
        lines.append(t("plan-card-links", resolutions=view.linked_resolutions, actions=view.linked_actions))
    rows: Rows = []
    if view.proposal is not None:
        lines.append(_proposal_line(t, view.proposal))
        if editable:
            rows.append(
                [
                    (
                        t("plan-button-accept", progress=view.proposal.progress_to),
                        PlanDecide(proposal_id=view.proposal.id, accept=True).pack(),
                    ),
                    (t("plan-button-dismiss"), PlanDecide(proposal_id=view.proposal.id, accept=False).pack()),
                ]
            )
    if editable and node.is_project:
        rows.append([(t("plan-button-progress"), PlanSetProgress(node_id=node.id).pack())])
        rows.append(
            [
                (t("plan-button-link"), PlanLinkList(node_id=node.id).pack()),
                (t("plan-button-link-action"), PlanActionList(node_id=node.id).pack()),
            ]
        )
    back = PlanOpen(plan_id=view.plan_id, node_id=node.parent_id or 0, page=view.index // PAGE_SIZE)
    rows.append([(t("plan-button-up"), back.pack())])
    return "\n".join(lines), keyboard(rows)


def render_late(t: BoundTranslator, tree: RolledPlan, page: int) -> tuple[str, InlineKeyboardMarkup]:
    """A page of the plan's late projects, each a button to its card."""
    late = tree.late()
    pages = page_count(len(late))
    page = min(max(page, 0), pages - 1)
    lines = [t("plan-late-title", title=tree.title, count=len(late))]
    rows: Rows = []
    for index, node in enumerate(late[page * PAGE_SIZE : (page + 1) * PAGE_SIZE], start=page * PAGE_SIZE + 1):
        lines += _child_lines(t, index, node)
        rows.append([(_label(t, index, ICONS[node.kind], node.name), PlanCard(node_id=node.id).pack())])
    if not late:
        lines.append(t("plan-late-none"))
    if pages > 1:
        lines.append(t("plan-page", page=page + 1, pages=pages))
    rows.append(_paging(t, page, pages, lambda n: PlanList(plan_id=tree.plan_id, what="late", page=n)))
    rows.append([(t("plan-button-up"), PlanOpen(plan_id=tree.plan_id).pack())])
    return "\n".join(lines), keyboard(rows)


def render_proposed(
    t: BoundTranslator, tree: RolledPlan, proposals: list[ProposalView], page: int
) -> tuple[str, InlineKeyboardMarkup]:
    """A page of the plan's proposed progress moves, each a button to its project's card."""
    pages = page_count(len(proposals))
    page = min(max(page, 0), pages - 1)
    lines = [t("plan-proposed-title", title=tree.title, count=len(proposals))]
    rows: Rows = []
    for index, proposal in enumerate(
        proposals[page * PAGE_SIZE : (page + 1) * PAGE_SIZE], start=page * PAGE_SIZE + 1
    ):
        moves = {"from": proposal.progress_from, "to": proposal.progress_to}
        lines.append(t("plan-proposed-line", index=index, name=short(proposal.project, LINE_NAME), **moves))
        rows.append([(_label(t, index, "📬", proposal.project), PlanCard(node_id=proposal.node_id).pack())])
    if not proposals:
        lines.append(t("plan-proposed-none"))
    if pages > 1:
        lines.append(t("plan-page", page=page + 1, pages=pages))
    rows.append(_paging(t, page, pages, lambda n: PlanList(plan_id=tree.plan_id, what="proposed", page=n)))
    rows.append([(t("plan-button-up"), PlanOpen(plan_id=tree.plan_id).pack())])
    return "\n".join(lines), keyboard(rows)


def render_link_choices(
    t: BoundTranslator, choices: LinkChoices, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    """A page of the resolutions the project could be linked to, each a button that links it;
    back to the project's card."""
    pages = page_count(choices.total)
    lines = [t("plan-link-title", name=short(choices.name, LINE_NAME), count=choices.total)]
    if not choices.resolutions:
        lines.append(t("plan-link-none"))
    rows: Rows = []
    for resolution in choices.resolutions:
        key = "plan-link-done" if resolution.done else "plan-link-open"
        label = t(key, id=resolution.id, text=short(resolution.text, BUTTON_NAME))
        rows.append([(label, PlanLinkPick(node_id=choices.node_id, resolution_id=resolution.id).pack())])
    if pages > 1:
        lines.append(t("plan-page", page=page + 1, pages=pages))
    rows.append(_paging(t, page, pages, lambda n: PlanLinkList(node_id=choices.node_id, page=n)))
    rows.append([(t("plan-button-back-card"), PlanCard(node_id=choices.node_id).pack())])
    return "\n".join(lines), keyboard(rows)


def render_action_choices(
    t: BoundTranslator, choices: ActionChoices, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    """A page of the actions the project could be linked to, each a button that links it; back to
    the project's card."""
    pages = page_count(choices.total)
    lines = [t("plan-action-link-title", name=short(choices.name, LINE_NAME), count=choices.total)]
    if not choices.actions:
        lines.append(t("plan-action-link-none"))
    rows: Rows = []
    for action in choices.actions:
        when = format_jalali_date(action.done_on, t.locale)
        label = t("plan-action-link-item", title=short(action.title, BUTTON_NAME), date=when)
        rows.append([(label, PlanActionPick(node_id=choices.node_id, action_id=action.id).pack())])
    if pages > 1:
        lines.append(t("plan-page", page=page + 1, pages=pages))
    rows.append(_paging(t, page, pages, lambda n: PlanActionList(node_id=choices.node_id, page=n)))
    rows.append([(t("plan-button-back-card"), PlanCard(node_id=choices.node_id).pack())])
    return "\n".join(lines), keyboard(rows)
