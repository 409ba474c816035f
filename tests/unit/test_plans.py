"""Plans with progress: importing a file (by line, all or nothing, CSV and Excel), the roll-up
checked against a computation of its own on the city-sized plan of `benchmarks.plans`, weights
given and summed, what is late, who may read and change a plan, links to resolutions and actions
with the progress moves they suggest, and the progress bar's direction on screen."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from bidi import get_display
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from benchmarks.plans import plan_csv
from handlers.plans.render import plan_bar
from models import (
    County,
    Plan,
    PlanNode,
    PlanNodeKind,
    PlanProgressProposal,
    Resolution,
    ResolutionStatus,
    ResponsibleKind,
    Role,
    ScopeKind,
)
from services import actions, plans, resolutions
from services.authz import OPERATOR, Actor, PermissionDenied, load_actor
from services.i18n import Translator
from services.jalali import tehran_today
from services.plans import (
    BEHIND_MARGIN,
    Lateness,
    PlanImportError,
    PlanProblemKind,
    RolledPlan,
    import_plan,
    plan_progress,
    read_plan_file,
)
from services.regions import import_regions, neighbourhood_by_code
from services.roles import grant_role

NOW = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
TODAY = tehran_today(NOW)  # 1405/09/01
TRANSLATOR = Translator()
HEADER = "goal,strategy,policy,project,responsible,weight,start,end,progress\n"
REGIONS = (
    "province,county,neighbourhood,code,kind\n"
    "تهران,شهر ری,دولت‌آباد,1001,urban\n"
    "تهران,شهر ری,روستای کهریزک,1002,rural\n"
)
LEVELS = ("goal", "strategy", "policy", "project")


async def regions(session: AsyncSession) -> dict[str, int]:
    await import_regions(session, REGIONS, actor=OPERATOR, now=NOW)
    n1 = await neighbourhood_by_code(session, "1001")
    n2 = await neighbourhood_by_code(session, "1002")
    assert n1 is not None and n2 is not None
    return {"n1": n1.id, "n2": n2.id, "county": n1.county_id}


async def imported(
    session: AsyncSession, text: str, *, kind: ScopeKind, scope_id: int, actor: Actor = OPERATOR
) -> RolledPlan:
    rows = read_plan_file(text)
    result = await import_plan(
        session,
        TRANSLATOR,
        actor=actor,
        scope_kind=kind,
        scope_id=scope_id,
        title="برنامه",
        rows=rows,
        now=NOW,
    )
    return await plan_progress(session, result.plan_id, TODAY)


def figures_of(tree: RolledPlan) -> dict[tuple[tuple[str, str], ...], tuple[float, float]]:
    """Every node's (progress, weight) by its path of (level, name)."""
    found: dict[tuple[tuple[str, str], ...], tuple[float, float]] = {}
    for top in tree.children:
        for node in top.walk():
            path = tuple((n.kind.value, n.name) for n in tree.path(node.id))
            found[path] = (node.progress, node.weight)
    return found


def independent_figures(text: str) -> tuple[float, dict[tuple[tuple[str, str], ...], tuple[float, float]]]:
    """The plan's progress and every node's (progress, weight), computed from the CSV rows with
    plain dictionaries, without the service's code."""
    children: dict[tuple[tuple[str, str], ...], list[tuple[tuple[str, str], ...]]] = defaultdict(list)
    given: dict[tuple[tuple[str, str], ...], float] = {}
    own: dict[tuple[tuple[str, str], ...], int] = {}
    for row in csv.DictReader(io.StringIO(text)):
        path = tuple((level, row[level]) for level in LEVELS if row[level])
        for depth in range(1, len(path) + 1):
            if path[:depth] not in children[path[: depth - 1]]:
                children[path[: depth - 1]].append(path[:depth])
        if row["weight"]:
            given[path] = float(row["weight"].translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")))
        if path[-1][0] == "project":
            own[path] = int(row["progress"] or 0)
    computed: dict[tuple[tuple[str, str], ...], tuple[float, float]] = {}

    def figures(path: tuple[tuple[str, str], ...]) -> tuple[float, float]:
        if path and path[-1][0] == "project":
            result = (float(own[path]), given.get(path, 1.0))
        else:
            below = [figures(child) for child in children[path]]
            total = sum(weight for _progress, weight in below)
            progress = sum(p * w for p, w in below) / total if total else 0.0
            result = (progress, given.get(path, total))
        if path:
            computed[path] = result
        return result

    return figures(()), computed


async def test_the_city_plan_rolls_up_as_computed_independently(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    text = plan_csv()
    (progress, _weight), expected = independent_figures(text)
    async with session_factory() as session:
        where = await regions(session)
        tree = await imported(session, text, kind=ScopeKind.COUNTY, scope_id=where["county"])
        kinds = await session.execute(select(PlanNode.kind, func.count()).group_by(PlanNode.kind))
        assert dict(kinds.tuples().all()) == {
            PlanNodeKind.GOAL: 8,
            PlanNodeKind.STRATEGY: 29,
            PlanNodeKind.POLICY: 81,
            PlanNodeKind.PROJECT: 270,
        }
    got = figures_of(tree)
    assert set(got) == set(expected)
    for path, (want_progress, want_weight) in expected.items():
        assert got[path][0] == pytest.approx(want_progress, abs=1e-4), path
        assert got[path][1] == pytest.approx(want_weight), path
    assert tree.progress == pytest.approx(progress, abs=1e-4)
    assert tree.projects == 270
    # Skipped levels are there: projects straight under a strategy.
    assert any(len(path) == 3 and path[-1][0] == "project" for path in got)


async def test_a_parent_weighs_the_sum_of_its_children_unless_given(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    text = (
        HEADER + "الف,,,,,1,,,\n"  # goal الف weighs 1, whatever its projects weigh
        "الف,,,پ۱,,3,,,100\n"
        "الف,,,پ۲,,,,,0\n"  # no weight: a project weighs 1
        "ب,راهبرد,,پ۳,,,,,0\n"
        "ب,راهبرد,,پ۴,,,,,0\n"
        "ج,,,,,,,,\n"  # a goal without children weighs 0 and does not pull the plan down
    )
    async with session_factory() as session:
        where = await regions(session)
        tree = await imported(session, text, kind=ScopeKind.NEIGHBOURHOOD, scope_id=where["n1"])
    alef, be, jim = tree.children
    assert (alef.progress, alef.weight, alef.given_weight) == (75.0, 1.0, 1.0)
    assert (be.progress, be.weight, be.given_weight) == (0.0, 2.0, None)
    assert (jim.progress, jim.weight) == (0.0, 0.0)
    # (75 × 1 + 0 × 2) / 3; with الف's weight summed (4) it would be 50.
    assert tree.progress == pytest.approx(25.0)
    assert [child.name for child in alef.children] == ["پ۱", "پ۲"]


async def test_bad_rows_are_named_by_line_and_nothing_is_imported(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    text = (
        HEADER + "الف,,,پ۱,,2,1405/01/01,1405/12/29,40\n"
        "الف,,,پ۲,,دو,1405/13/01,,150\n"  # line 3: weight, start and progress
        "\n"
        ",,,,شهرداری,,,,\n"  # line 5: names no node
        "الف,,,,,,,,50\n"  # line 6: progress on a goal
        "الف,,,پ۳,,,1405/06/01,1405/01/01,\n"  # line 7: ends before it starts
        "الف ,,,پ۱,,,,,\n"  # line 8: repeats line 2 (names match regardless of spaces)
        "الف,,,پ۴,,0,,,\n"  # line 9: a weight must be positive
    )
    with pytest.raises(PlanImportError) as raised:
        read_plan_file(text)
    problems = [(p.line, p.kind, p.field) for p in raised.value.problems]
    assert problems == [
        (3, PlanProblemKind.BAD_DATE, "start"),
        (3, PlanProblemKind.BAD_WEIGHT, "weight"),
        (3, PlanProblemKind.BAD_PROGRESS, "progress"),
        (5, PlanProblemKind.NO_NAME, None),
        (6, PlanProblemKind.PROGRESS_NOT_PROJECT, "progress"),
        (7, PlanProblemKind.END_BEFORE_START, "end"),
        (8, PlanProblemKind.DUPLICATE, None),
        (9, PlanProblemKind.BAD_WEIGHT, "weight"),
    ]
    assert raised.value.problems[6].other == 2
    assert "line 3: start must be a Jalali date" in raised.value.problems[0].describe()
    with pytest.raises(PlanImportError) as missing:
        read_plan_file("goal,project,weight\nالف,پ,1\n")
    assert missing.value.problems[0].kind is PlanProblemKind.MISSING_COLUMNS
    with pytest.raises(PlanImportError) as empty:
        read_plan_file("")
    assert empty.value.problems[0].kind is PlanProblemKind.EMPTY_FILE


async def test_a_failure_while_writing_leaves_nothing(
    session_factory: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = read_plan_file(plan_csv())
    async with session_factory() as session:
        where = await regions(session)

        def broken(*args: Any, **kwargs: Any) -> None:
            raise RuntimeError("the disk is full")

        # The audit entry is written last, after every node: failing there must undo them all.
        monkeypatch.setattr("services.plans.importing.record_audit", broken)
        with pytest.raises(RuntimeError):
            await import_plan(
                session,
                TRANSLATOR,
                actor=OPERATOR,
                scope_kind=ScopeKind.COUNTY,
                scope_id=where["county"],
                title="برنامه",
                rows=rows,
                now=NOW,
            )
        assert await session.scalar(select(func.count()).select_from(Plan)) == 0
        assert await session.scalar(select(func.count()).select_from(PlanNode)) == 0


def test_an_excel_workbook_reads_like_the_csv() -> None:
    from openpyxl import Workbook

    text = plan_csv(goals=2, strategies=3, policies=4, projects=9)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for record in csv.reader(io.StringIO(text)):
        # Numbers as a spreadsheet holds them, blank cells as nothing.
        sheet.append([float(v) if v.replace(".", "").isdigit() else (v or None) for v in record])
    sheet.append(["الف", None, None, "پروژه", None, None, "1405/07/31", None, None])  # Mehr has 30 days
    bad_row = sheet.max_row
    data = io.BytesIO()
    workbook.save(data)
    with pytest.raises(PlanImportError) as raised:
        read_plan_file(data.getvalue(), excel=True)
    assert [(p.line, p.kind) for p in raised.value.problems] == [(bad_row, PlanProblemKind.BAD_DATE)]
    sheet.delete_rows(bad_row)
    data = io.BytesIO()
    workbook.save(data)
    assert read_plan_file(data.getvalue(), excel=True) == read_plan_file(text)
    with pytest.raises(PlanImportError) as unreadable:
        read_plan_file(b"not a workbook", excel=True)
    assert unreadable.value.problems[0].kind is PlanProblemKind.UNREADABLE


def test_what_is_late() -> None:
    end_passed = TODAY - timedelta(days=1)
    assert plans.lateness(99, None, end_passed, TODAY) is Lateness.OVERDUE
    assert plans.lateness(100, None, end_passed, TODAY) is None
    assert plans.lateness(0, None, TODAY, TODAY) is None  # the end day itself is not past
    start, end = TODAY - timedelta(days=100), TODAY + timedelta(days=100)  # half-way: 50 % expected
    assert plans.expected_progress(start, end, TODAY) == 50
    assert plans.lateness(50 - BEHIND_MARGIN - 1, start, end, TODAY) is Lateness.BEHIND
    assert plans.lateness(50 - BEHIND_MARGIN, start, end, TODAY) is None
    assert plans.lateness(0, TODAY + timedelta(days=1), end, TODAY) is None  # not started yet


async def test_late_projects_and_parents_with_dates_are_named(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    text = (
        HEADER + "الف,,,,,,1405/01/01,1405/06/31,\n"  # the goal's own end passed; its projects are at 50 %
        "الف,,,دیرکرد,,,1405/01/01,1405/06/01,0\n"  # overdue
        "الف,,,تمام,,,1405/01/01,1405/06/01,100\n"  # ended, but done
        "ب,,,کند,,,1405/03/01,1405/12/29,10\n"  # behind: about 71 % of its time gone
        "ب,,,روبه‌راه,,,1405/03/01,1405/12/29,60\n"
        "ب,,,بی‌تاریخ,,,,,0\n"
    )
    async with session_factory() as session:
        where = await regions(session)
        tree = await imported(session, text, kind=ScopeKind.NEIGHBOURHOOD, scope_id=where["n1"])
    late = {node.name: node.late for top in tree.children for node in top.walk() if node.late}
    assert late == {"الف": Lateness.OVERDUE, "دیرکرد": Lateness.OVERDUE, "کند": Lateness.BEHIND}
    assert [node.name for node in tree.late()] == ["دیرکرد", "کند"]
    assert (tree.late_projects, tree.children[0].late_projects, tree.children[1].late_projects) == (2, 1, 1)


async def test_responsible_bodies_are_matched_or_kept_as_written(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    from services.council import register_member

    async with session_factory() as session:
        where = await regions(session)
        member = await register_member(
            session,
            actor=OPERATOR,
            neighbourhood_id=where["n1"],
            full_name="مریم احمدی",
            phone="09121234567",
            now=NOW,
        )
        text = (
            HEADER + "الف,,,پ۱,شهرداری,,,,\n"
            "الف,,,پ۲,health,,,,\n"
            "الف,,,پ۳,کمیته بهداشت و درمان,,,,\n"
            "الف,,,پ۴,مريم احمدي,,,,\n"  # Arabic ي: the same name
            "الف,,,پ۵,اداره کل راه و شهرسازی,,,,\n"
        )
        result = await import_plan(
            session,
            TRANSLATOR,
            actor=OPERATOR,
            scope_kind=ScopeKind.NEIGHBOURHOOD,
            scope_id=where["n1"],
            title="برنامهٔ سالانه",
            rows=read_plan_file(text),
            now=NOW,
        )
        nodes = {
            n.name: n
            for n in await session.scalars(select(PlanNode).where(PlanNode.kind == PlanNodeKind.PROJECT))
        }
    assert nodes["پ۱"].responsible_kind is ResponsibleKind.AGENCY and nodes["پ۱"].responsible_agency_id
    assert nodes["پ۲"].responsible_kind is ResponsibleKind.COMMITTEE
    assert nodes["پ۳"].responsible_committee == nodes["پ۲"].responsible_committee
    assert nodes["پ۴"].responsible_member_id == member.id
    assert nodes["پ۵"].responsible_kind is None and nodes["پ۵"].responsible_label == "اداره کل راه و شهرسازی"
    assert result.unmatched_responsible == ((6, "اداره کل راه و شهرسازی"),)


async def people(session: AsyncSession, where: dict[str, int]) -> dict[str, Actor]:
    from services.council import register_member

    async def grant(phone: str, role: Role, kind: ScopeKind, scope: str) -> Actor:
        change = await grant_role(
            session,
            actor=OPERATOR,
            phone=phone,
            role=role,
            scope_kind=kind,
            scope_name_or_code=scope,
            now=NOW,
        )
        return await load_actor(session, change.person_id)

    member = await register_member(
        session, actor=OPERATOR, neighbourhood_id=where["n1"], full_name="عضو", phone="09120000009", now=NOW
    )
    return {
        "province": await grant("09120000002", Role.PROVINCE_OFFICIAL, ScopeKind.PROVINCE, "تهران"),
        "county": await grant("09120000004", Role.COUNTY_OFFICIAL, ScopeKind.COUNTY, "شهر ری"),
        "manager": await grant("09120000006", Role.MANAGER, ScopeKind.NEIGHBOURHOOD, "1001"),
        "manager_elsewhere": await grant("09120000007", Role.MANAGER, ScopeKind.NEIGHBOURHOOD, "1002"),
        "member": await load_actor(session, member.person_id),
    }


async def test_who_reads_and_who_changes_a_plan(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory() as session:
        where = await regions(session)
        who = await people(session, where)
        plan_id = await plans.create_plan(
            session,
            actor=who["manager"],
            scope_kind=ScopeKind.NEIGHBOURHOOD,
            scope_id=where["n1"],
            title="برنامهٔ سالانهٔ محله",
            now=NOW,
        )
        project = await plans.add_plan_node(
            session, actor=who["manager"], plan_id=plan_id, parent_id=None, name="پارک محله", now=NOW
        )
        for reader in ("member", "county", "province", "manager"):
            tree = await plans.plan_tree(session, actor=who[reader], plan_id=plan_id, today=TODAY)
            assert tree.projects == 1
        with pytest.raises(PermissionDenied):
            await plans.plan_tree(session, actor=who["manager_elsewhere"], plan_id=plan_id, today=TODAY)
        with pytest.raises(PermissionDenied):
            await plans.set_project_progress(
                session, actor=who["member"], node_id=project.id, progress=50, now=NOW
            )
        change = await plans.set_project_progress(
            session, actor=who["county"], node_id=project.id, progress=50, now=NOW
        )
        assert (change.before, change.after) == (0, 50)
        # A county's plan is the county officials' (and the province's): not a manager's.
        with pytest.raises(PermissionDenied):
            await plans.create_plan(
                session,
                actor=who["manager"],
                scope_kind=ScopeKind.COUNTY,
                scope_id=where["county"],
                title="برنامهٔ شهرستان",
                now=NOW,
            )
        shelf = await plans.plans_for(session, who["manager"])
        assert [p.id for p in shelf.plans] == [plan_id]
        assert [(s.kind, s.id) for s in shelf.new_plan_scopes] == [(ScopeKind.NEIGHBOURHOOD, where["n1"])]
        assert (await plans.plans_for(session, who["member"])).new_plan_scopes == []
        assert (await plans.plans_for(session, who["manager_elsewhere"])).plans == []
        goal = await plans.add_plan_node(
            session,
            actor=who["manager"],
            plan_id=plan_id,
            parent_id=None,
            name="هدف",
            kind=PlanNodeKind.GOAL,
            now=NOW,
        )
        with pytest.raises(plans.WrongLevel):
            await plans.add_plan_node(
                session,
                actor=who["manager"],
                plan_id=plan_id,
                parent_id=project.id,
                name="زیر پروژه",
                kind=PlanNodeKind.GOAL,
                now=NOW,
            )
        with pytest.raises(plans.NotAProject):
            await plans.set_project_progress(
                session, actor=who["manager"], node_id=goal.id, progress=10, now=NOW
            )


async def _resolution(session: AsyncSession, neighbourhood_id: int) -> int:
    view = await resolutions.add_resolution(
        session,
        TRANSLATOR,
        actor=OPERATOR,
        neighbourhood_id=neighbourhood_id,
        text="لایروبی جوی خیابان اصلی",
        responsible=resolutions.Responsible.of_committee("services"),
        deadline=TODAY + timedelta(days=30),
        now=NOW,
    )
    return int(view.id)


async def linked_project(session: AsyncSession) -> dict[str, Any]:
    """A neighbourhood plan's project linked to two open resolutions and, last, to an action,
    which suggests 33 % (one of three pieces of work done)."""
    where = await regions(session)
    who = await people(session, where)
    manager = who["manager"]
    plan_id = await plans.create_plan(
        session,
        actor=manager,
        scope_kind=ScopeKind.NEIGHBOURHOOD,
        scope_id=where["n1"],
        title="برنامه",
        now=NOW,
    )
    project = await plans.add_plan_node(
        session, actor=manager, plan_id=plan_id, parent_id=None, name="لایروبی جوی‌ها", now=NOW
    )
    first, second = await _resolution(session, where["n1"]), await _resolution(session, where["n1"])
    for resolution_id in (first, second):
        linked = await plans.link_resolution(
            session, actor=manager, node_id=project.id, resolution_id=resolution_id, now=NOW
        )
        assert linked.linked and linked.proposals == []  # open resolutions suggest nothing
    action = await actions.log_action(
        session,
        actor=manager,
        neighbourhood_id=where["n1"],
        title="لایروبی جوی کوچهٔ اول",
        description=None,
        committee=None,
        programme=None,
        done_on=TODAY,
        now=NOW,
    )
    suggested = await plans.link_action(
        session, actor=manager, node_id=project.id, action_id=action.id, now=NOW
    )
    return {
        "where": where,
        "who": who,
        "plan": plan_id,
        "project": project.id,
        "first": first,
        "linked": suggested,
    }


async def test_a_linked_action_suggests_a_move_the_manager_confirms(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        world = await linked_project(session)
        manager, project = world["who"]["manager"], world["project"]
        proposals = world["linked"].proposals
        assert [(p.progress_from, p.progress_to) for p in proposals] == [(0, 33)]
        again = await plans.link_resolution(
            session, actor=manager, node_id=project, resolution_id=world["first"], now=NOW
        )
        assert not again.linked
        with pytest.raises(plans.OutsidePlan):
            elsewhere = await _resolution(session, world["where"]["n2"])
            await plans.link_resolution(
                session, actor=manager, node_id=project, resolution_id=elsewhere, now=NOW
            )
        with pytest.raises(PermissionDenied):
            await plans.confirm_progress(
                session, actor=world["who"]["member"], proposal_id=proposals[0].id, now=NOW
            )
        outcome = await plans.confirm_progress(session, actor=manager, proposal_id=proposals[0].id, now=NOW)
        assert (outcome.accepted, outcome.before, outcome.after) == (True, 0, 33)
        with pytest.raises(plans.ProposalDecided):
            await plans.confirm_progress(session, actor=manager, proposal_id=proposals[0].id, now=NOW)
        assert await session.scalar(select(PlanNode.progress).where(PlanNode.id == project)) == 33


async def test_a_resolution_done_suggests_a_move_the_manager_may_dismiss(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        world = await linked_project(session)
        manager, project, first = world["who"]["manager"], world["project"], world["first"]
        await plans.confirm_progress(
            session, actor=manager, proposal_id=world["linked"].proposals[0].id, now=NOW
        )
        # The hook a resolution's completion runs, in its transaction: two of three pieces done.
        async with session.begin():
            done = await session.get(Resolution, first)
            assert done is not None
            done.status = ResolutionStatus.DONE
            proposals = await plans.propose_progress(session, resolution_id=first, now=NOW)
        assert [(p.node_id, p.progress_from, p.progress_to, p.resolution_id) for p in proposals] == [
            (project, 33, 67, first)
        ]
        waiting = await plans.open_proposals(session, actor=manager, plan_id=world["plan"])
        assert [p.id for p in waiting] == [proposals[0].id]
        view = await plans.project_view(session, actor=world["who"]["member"], node_id=project, today=TODAY)
        assert view.proposal is not None and view.proposal.progress_to == 67
        assert (view.linked_resolutions, view.linked_actions) == (2, 1)
        dismissed = await plans.confirm_progress(
            session, actor=manager, proposal_id=proposals[0].id, accept=False, now=NOW
        )
        assert (dismissed.accepted, dismissed.after) == (False, 33)
        assert await session.scalar(select(PlanNode.progress).where(PlanNode.id == project)) == 33
        assert await session.scalar(select(func.count()).select_from(PlanProgressProposal)) == 2


@pytest.mark.parametrize(("progress", "filled"), [(0, 0), (30, 3), (74, 7), (100, 10)])
def test_a_progress_bar_fills_from_where_the_reader_starts(progress: int, filled: int) -> None:
    translator = Translator()
    empty = 10 - filled
    # In a Persian line, even beside a Latin name, the bar fills from the right...
    line = translator.get("fa", "plan-node-figures", bar=plan_bar(progress, "fa"), progress=progress)
    for text, base in ((line, "R"), (f"Park {line}", "R"), (f"Park {line}", None)):
        visual = str(get_display(text, base_dir=base))
        assert "▱" * empty + "▰" * filled in visual.replace("\u2067", "").replace("\u2069", ""), visual
    # ... and in an English one from the left.
    line = translator.get("en", "plan-node-figures", bar=plan_bar(progress, "en"), progress=progress)
    visual = str(get_display(f"پارک {line}", base_dir="L"))
    assert "▰" * filled + "▱" * empty in visual.replace("\u2066", "").replace("\u2069", ""), visual


def test_dates_are_jalali() -> None:
    rows = read_plan_file(HEADER + "الف,,,پ,,,۱۴۰۵/۰۱/۰۱,1405-12-29,۴۰٪\n")
    assert (rows[0].starts_on, rows[0].ends_on, rows[0].progress) == (
        date(2026, 3, 21),
        date(2027, 3, 20),
        40,
    )


async def test_a_regions_plans_with_their_progress_for_reports_and_digests(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        where = await regions(session)
        county = await imported(session, plan_csv(), kind=ScopeKind.COUNTY, scope_id=where["county"])
        small = HEADER + "الف,,,پ۱,,,,,40\nالف,,,پ۲,,3,1405/01/01,1405/06/01,80\n"
        mine = await imported(session, small, kind=ScopeKind.NEIGHBOURHOOD, scope_id=where["n1"])
        await imported(session, small, kind=ScopeKind.NEIGHBOURHOOD, scope_id=where["n2"])
        own = await plans.scope_plans_progress(session, ScopeKind.COUNTY, where["county"], TODAY)
        assert [(p.plan_id, p.progress, p.projects, p.late_projects) for p in own] == [
            (county.plan_id, county.progress, 270, county.late_projects)
        ]
        within = await plans.scope_plans_progress(
            session, ScopeKind.COUNTY, where["county"], TODAY, within=True
        )
        assert len(within) == 3 and within[-1].plan_id == county.plan_id
        tehran = await session.scalar(select(County.province_id).where(County.id == where["county"]))
        assert tehran is not None
        province = await plans.scope_plans_progress(session, ScopeKind.PROVINCE, tehran, TODAY, within=True)
        assert {p.plan_id for p in province} == {p.plan_id for p in within}
        neighbourhood = await plans.scope_plans_progress(session, ScopeKind.NEIGHBOURHOOD, where["n1"], TODAY)
        assert [(p.plan_id, p.progress, p.late_projects) for p in neighbourhood] == [(mine.plan_id, 70.0, 1)]
