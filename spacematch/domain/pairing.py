"""District-wide pairing: the set of project–space pairings with the highest total score.

A space hosts at most one project at any hour, but projects whose weekly hours do not
overlap may share it: an empty room on Tuesday nights is still empty. The plan is an exact
integer programme over sparse candidate lists (each project's top-k spaces from the index):

    maximise   Σ score(p, s) · x(p, s)
    subject to Σ_s x(p, s) ≤ 1                 for every project p
               Σ_{p ∋ t} x(p, s) ≤ 1           for every space s and half-hour slot t
               x(p, s) ∈ {0, 1}

Slot constraints are reduced to the distinct maximal sets of candidate projects that are
active together in some slot, so a space wanted by projects at different times costs no
constraint at all. Solved with HiGHS (``scipy.optimize.milp``).

Fairness rules. ``priority`` multiplies a project's scores in the objective. ``min_share``
asks each group (district) to pair at least ``ceil(share × n)`` of its n projects that have
candidates. A share no plan can give:

1. A group that cannot reach its share even alone (the most of its projects that can be
   paired at once, all other projects left out, is below the share) loses the rule.
2. If the other groups cannot all reach their shares together (they compete for the same
   spaces at the same hours), the plan leaves as few projects short of the shares as
   possible, summed over those groups, and among such plans has the highest weighted score.

``Plan.warnings`` names every group the plan leaves short, and by how much. The rules'
cost, ``fairness_cost``, is the best total without any rule minus the plan's total.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from .schedule import SLOT_WORDS
from .vocabulary import Text


@dataclass(frozen=True)
class Candidate:
    project: int  # project key (e.g. database id)
    space: int
    score: float


@dataclass
class Plan:
    pairings: list[Candidate]
    total: float
    unmatched: dict[int, str]  # project -> reason
    shared_spaces: dict[int, list[int]] = field(default_factory=dict)  # space -> projects
    fairness_cost: float = 0.0  # total score given up for the fairness rule
    status: str = "optimal"
    # Plain sentences for the person reading the plan, e.g. a fairness rule that could not
    # be met and was dropped (each a Text: English, with its Korean; reasons too).
    warnings: list[str] = field(default_factory=list)


def _unpack(mask: np.ndarray) -> np.ndarray:
    """(n, SLOT_WORDS) uint64 masks as an (n, SLOT_WORDS * 64) bool array."""
    raw = np.ascontiguousarray(mask, dtype=np.uint64).astype(">u8").view(np.uint8)
    return np.unpackbits(raw.reshape(len(mask), SLOT_WORDS, 8), axis=2)[:, :, ::-1].reshape(
        len(mask), -1).astype(bool)


def _space_conflicts(edge_ids: np.ndarray, slots: np.ndarray) -> list[np.ndarray]:
    """Maximal sets (of edge ids) of one space's candidates that are active in a same slot."""
    if len(edge_ids) < 2:
        return []
    active = _unpack(slots)  # candidates x slots
    cols = np.unique(active[:, active.sum(axis=0) >= 2], axis=1)
    if cols.shape[1] == 0:
        return []
    # drop a slot-set contained in another one
    inter = cols.T.astype(np.int32) @ cols.astype(np.int32)
    size = np.diag(inter)
    keep = [j for j in range(cols.shape[1])
            if not any(inter[j, k] == size[j] and (size[k] > size[j] or k < j and
                                                   size[k] == size[j])
                       for k in range(cols.shape[1]) if k != j)]
    return [edge_ids[cols[:, j]] for j in keep]




NO_CANDIDATE = Text("no space passes its hard constraints", "필수 조건을 모두 충족하는 공간 없음")
TIME_LIMIT_STATUS = Text("time limit reached: the best plan found, possibly not optimal",
                         "제한 시간 도달: 찾은 것 중 가장 좋은 계획이며 최적이 아닐 수 있음")


@dataclass(frozen=True)
class _Rule:
    """One group's minimum share, as a count of its projects with candidates."""

    group: str
    share: float
    wanting: int
    need: int
    edges: np.ndarray  # candidate ids of the group's projects


def plan_pairings(candidates: list[Candidate], project_slots: dict[int, np.ndarray],
                  projects: list[int] | None = None, *, priority: dict[int, float] | None = None,
                  min_share: dict[str, float] | None = None,
                  group_of: dict[int, str] | None = None,
                  group_names: dict[str, str] | None = None,
                  no_candidate_reason: dict[int, str] | None = None,
                  time_limit: float = 60.0) -> Plan:
    """The optimal plan for ``candidates``.

    ``priority`` multiplies a project's scores in the objective (e.g. 1.2 for projects serving
    vulnerable people); ``min_share`` asks, per group (``group_of[project]``, e.g. district),
    that at least that share of its projects with candidates be paired (see the module
    docstring for shares no plan can meet). ``group_names`` names groups in sentences
    (default "district <key>"). The plan reports the unweighted total and what the rules
    cost against the best plan without them.
    """
    _check_rules(priority, min_share)
    projects = sorted(set(projects or []) | {c.project for c in candidates})
    no_candidates = no_candidate_reason or {}
    if not candidates:
        return Plan([], 0.0, {p: no_candidates.get(p, NO_CANDIDATE) for p in projects})
    deadline = time.monotonic() + time_limit
    proj = np.array([c.project for c in candidates])
    space = np.array([c.space for c in candidates])
    score = np.array([c.score for c in candidates], dtype=np.float64)
    weight = score * np.array([(priority or {}).get(p, 1.0) for p in proj.tolist()])
    packing = _packing(proj, space, project_slots)
    edges_of = _group(proj)
    fill = (candidates, project_slots, edges_of)
    base, proven = _best(score, packing, [], deadline)
    base = _fill_free_slots(np.zeros(len(candidates), bool) if base is None else base, *fill)
    rules = _rules(proj, min_share, group_of)
    # a group that cannot reach its share even alone loses the rule before the real solve
    # each check may use only its share of half the time left, so together they leave the
    # real solve at least half of it
    most = {r.group: _most_paired(r, packing, deadline, 0.5 / len(rules)) for r in rules}
    reachable = [r for r in rules if most[r.group][0] >= r.need]
    ruled = bool(reachable) or bool(np.any(weight != score))
    picked = base
    if ruled:
        found, ruled_proven = _best(weight, packing, reachable, deadline)
        picked = base if found is None else _fill_free_slots(found, *fill)
        proven = proven and ruled_proven
    chosen = sorted((candidates[i] for i in np.flatnonzero(picked)),
                    key=lambda c: (c.project, c.space))
    plan = Plan(chosen, float(score[picked].sum()), {},
                status="optimal" if proven else TIME_LIMIT_STATUS)
    base_total = float(score[base].sum())
    if ruled:
        plan.fairness_cost = max(0.0, round(base_total - plan.total, 9))
    if not proven:
        plan.warnings.append(Text(
            f"The solver reached its time limit of {time_limit:g} s; the plan below is the "
            "best it found and may not be optimal.",
            f"계산이 제한 시간 {time_limit:g}초에 도달했습니다. 아래 계획은 찾은 것 중 가장 좋은 "
            "계획이며 최적이 아닐 수 있습니다."))
    by_space: dict[int, list[Candidate]] = {}
    for c in chosen:
        by_space.setdefault(c.space, []).append(c)
    plan.shared_spaces = {s: sorted(c.project for c in cs) for s, cs in by_space.items()
                          if len(cs) > 1}

    def name(g: str) -> str:
        return (group_names or {}).get(g, Text(f"district {g}", f"구 {g}"))

    paired = {r.group: int(picked[r.edges].sum()) for r in rules}
    plan.warnings += [_short_share_warning(r, paired[r.group], *most[r.group], proven,
                                           name(r.group))
                      for r in rules if paired[r.group] < r.need]
    binding = {name(r.group): r.group for r in rules if paired[r.group] == r.need}
    base_chosen = {int(proj[i]) for i in np.flatnonzero(base)}
    rules_cost = plan.total < base_total - 1e-9
    for p in projects:
        if p in edges_of and not picked[edges_of[p]].any():
            who = sorted({q.project for i in edges_of[p] for q in by_space.get(int(space[i]), [])
                          if np.any(project_slots[q.project] & project_slots[p])})
            plan.unmatched[p] = _unpaired_reason(p, len(edges_of[p]), who, p in base_chosen,
                                                 rules_cost, priority or {}, group_of or {},
                                                 binding)
        elif p not in edges_of:
            plan.unmatched[p] = no_candidates.get(p, NO_CANDIDATE)
    return plan


def _unpaired_reason(p: int, n: int, who: list[int], paired_without_rules: bool,
                     rules_cost: bool, priority: dict[int, float], group_of: dict[int, str],
                     binding: dict[str, str]) -> Text:
    """Why project ``p``, whose ``n`` candidate spaces all went to projects ``who`` at the
    same hours, is left out: the rules (if it is paired in the plan without them), or score."""
    taken = _spaces_taken(n)
    if paired_without_rules:
        favoured = [q for q in who if priority.get(q, 1.0) > priority.get(p, 1.0)]
        parts = ([Text(f"projects with a higher priority ({_ids(favoured)})",
                       f"우선순위가 더 높은 프로젝트({_ids(favoured)})")] if favoured else []) + [
            Text(f"projects needed for the minimum share of {name} ({_ids(qs)})",
                 f"{_ko(name)}의 최소 비율에 필요한 프로젝트({_ids(qs)})")
            for name, g in sorted(binding.items())
            if (qs := [q for q in who if group_of.get(q) == g])]
        if parts:
            head = Text(f"all {n} of its candidate spaces went at the same hours to "
                        f"{' and '.join(parts)}",
                        f"후보 공간 {n}곳이 모두 같은 시간에 "
                        f"{' 및 '.join(p.ko for p in parts)}에 배정됨")
        else:
            head = Text(f"{taken} at the same hours (projects {_ids(who)}) in a plan "
                        "the fairness rules rearranged",
                        f"공정성 규칙이 조정한 계획에서 같은 시간에 {taken.ko} "
                        f"(프로젝트 {_ids(who)})")
        return Text(f"{head}; without the fairness rules it would be paired",
                    f"{head.ko}; 공정성 규칙이 없으면 매칭됨")
    if rules_cost:
        return Text(f"{taken} at the same hours (projects {_ids(who)}); even without "
                    "the fairness rules, pairings that score more in total would take them",
                    f"같은 시간에 {taken.ko} (프로젝트 {_ids(who)}); 공정성 규칙이 없어도 "
                    "총점이 더 높은 매칭이 차지함")
    return Text(f"all {n} of its candidate spaces went to pairings that score more in total "
                f"at the same hours (projects {_ids(who)})",
                f"후보 공간 {n}곳이 모두 같은 시간에 총점이 더 높은 매칭에 배정됨 "
                f"(프로젝트 {_ids(who)})")


def _ko(name: str) -> str:
    """A group's name in Korean, where it has one."""
    return getattr(name, "ko", None) or str(name)


def _check_rules(priority: dict[int, float] | None, min_share: dict[str, float] | None) -> None:
    """Reject rules the programme cannot mean (the web layer says so per field first)."""
    for p, v in (priority or {}).items():
        if not math.isfinite(v) or v <= 0:
            raise ValueError(f"priority for project {p} must be a finite number above 0, "
                             f"not {v!r}")
    for g, v in (min_share or {}).items():
        if not 0.0 <= v <= 1.0:  # also refuses NaN
            raise ValueError(f"minimum share for group {g} must be between 0 and 1, not {v!r}")


def _rules(proj: np.ndarray, min_share: dict[str, float] | None,
           group_of: dict[int, str] | None) -> list[_Rule]:
    if not min_share or not group_of:
        return []
    edge_group = np.array([group_of.get(p) for p in proj.tolist()], dtype=object)
    rules = []
    for g, share in sorted(min_share.items()):
        edges = np.flatnonzero(edge_group == g)
        wanting = len(set(proj[edges].tolist()))
        # the epsilon keeps 0.3 × 10 = 3.0000000000000004 from asking for 4
        need = math.ceil(share * wanting - 1e-9)
        if need > 0:
            rules.append(_Rule(g, share, wanting, need, edges))
    return rules


def _packing(proj: np.ndarray, space: np.ndarray,
             project_slots: dict[int, np.ndarray]) -> sparse.csr_array:
    """Rows of candidate ids of which at most one may be chosen."""
    rows: list[int] = []
    cols: list[int] = []
    r = 0
    for edges in _group(proj).values():  # one space per project
        rows += [r] * len(edges)
        cols += list(edges)
        r += 1
    for edges in _group(space).values():  # no two projects in one space at one hour
        slots = np.stack([project_slots[proj[e]] for e in edges])
        for conflict in _space_conflicts(np.asarray(edges), slots):
            rows += [r] * len(conflict)
            cols += list(conflict)
            r += 1
    return sparse.csr_array((np.ones(len(rows)), (rows, cols)), shape=(r, len(proj)))


def _best(weight: np.ndarray, packing: sparse.csr_array, rules: list[_Rule],
          deadline: float) -> tuple[np.ndarray | None, bool]:
    """Chosen candidates (bool mask) of highest weight, and whether that is proven optimal.

    With rules, a shortfall s(g) ≥ 0 per group: Σ_{e ∈ g} x(e) + s(g) ≥ need(g). First the
    least total shortfall, then the best plan falling no further short. If the first step
    cannot be settled within half the time left, the rules go.
    """
    n, m = len(weight), packing.shape[0]
    if not rules:
        x, proven = _milp(-weight, packing, np.full(m, -np.inf), np.ones(m), deadline)
        return (None if x is None else x > 0.5), proven
    k = len(rules)
    need = np.array([r.need for r in rules], dtype=np.float64)
    rows = [j for j, r in enumerate(rules) for _ in range(len(r.edges) + 1)]
    cols = [c for j, r in enumerate(rules) for c in (*r.edges.tolist(), n + j)]
    a = sparse.vstack([sparse.hstack([packing, sparse.csr_array((m, k))]),
                       sparse.csr_array((np.ones(len(rows)), (rows, cols)), shape=(k, n + k))])
    lower = np.concatenate([np.full(m, -np.inf), need])
    upper = np.concatenate([np.ones(m), np.full(k, np.inf)])
    # shortfalls need not be integer: with integer x the least one is
    kinds = np.concatenate([np.ones(n), np.zeros(k)])
    top = np.concatenate([np.ones(n), need])
    s1, proven = _milp(np.concatenate([np.zeros(n), np.ones(k)]), a.tocsr(), lower, upper,
                       deadline, kinds, top, budget=0.5)
    if s1 is None or not proven:
        return _best(weight, packing, [], deadline)[0], False
    cap = sparse.csr_array((np.ones(k), (np.zeros(k, int), np.arange(n, n + k))),
                           shape=(1, n + k))
    # shortfalls are whole numbers, so + 0.5 allows no more than the least, whatever the
    # solver's tolerance
    x, proven = _milp(np.concatenate([-weight, np.zeros(k)]), sparse.vstack([a, cap]).tocsr(),
                      np.append(lower, -np.inf), np.append(upper, round(s1[n:].sum()) + 0.5),
                      deadline, kinds, top)
    return (None if x is None else x[:n] > 0.5), proven


def _most_paired(rule: _Rule, packing: sparse.csr_array, deadline: float,
                 budget: float) -> tuple[int, bool]:
    """How many of the group's projects can be paired at once, ignoring all other projects
    (and whether that is proven the most)."""
    sub = packing[:, rule.edges]
    x, proven = _milp(-np.ones(len(rule.edges)), sub, np.full(sub.shape[0], -np.inf),
                      np.ones(sub.shape[0]), deadline, budget=budget)
    return (0 if x is None else int((x > 0.5).sum())), proven


def _milp(c: np.ndarray, a: sparse.csr_array, lower: np.ndarray, upper: np.ndarray,
          deadline: float, integrality: np.ndarray | None = None, top: np.ndarray | None = None,
          budget: float = 1.0) -> tuple[np.ndarray | None, bool]:
    """Minimise c·x over x in [0, top] (binary unless ``integrality`` says otherwise);
    ``budget`` is the share of the time left it may use."""
    res = milp(c, integrality=np.ones(len(c)) if integrality is None else integrality,
               bounds=Bounds(0, 1 if top is None else top),
               constraints=LinearConstraint(a, lower, upper),
               options={"time_limit": max((deadline - time.monotonic()) * budget, 0.1),
                        "mip_rel_gap": 0.0})
    return res.x, res.status == 0


def _fill_free_slots(picked: np.ndarray, candidates: list[Candidate],
                     project_slots: dict[int, np.ndarray], edges_of: dict) -> np.ndarray:
    """Add unpaired projects to candidate spaces still free at their hours.

    Adding a pairing never breaks a rule and never lowers the score, so this only changes
    plans where the solver left a zero-score pairing out, or stopped at its time limit; it
    makes "all its candidate spaces are taken" true of every unpaired project.
    """
    picked = picked.copy()
    busy: dict[int, list[np.ndarray]] = {}
    for i in np.flatnonzero(picked):
        busy.setdefault(candidates[i].space, []).append(project_slots[candidates[i].project])
    for p, edges in edges_of.items():
        if picked[edges].any():
            continue
        for i in sorted(edges, key=lambda e: (-candidates[e].score, candidates[e].space)):
            mine = project_slots[p]
            if not any(np.any(mine & other) for other in busy.get(candidates[i].space, [])):
                picked[i] = True
                busy.setdefault(candidates[i].space, []).append(mine)
                break
    return picked


def _short_share_warning(rule: _Rule, paired: int, most: int, most_proven: bool,
                         proven: bool, name: str) -> Text:
    """Why ``rule``'s group is left short: it cannot reach its share at all, or not together
    with the other groups' shares."""
    nouns = "project" if rule.wanting == 1 else "projects"
    text = (f"The rule 'at least {rule.share * 100:g} % of each district's projects paired' "
            f"cannot be met in {name}")
    ko_name, ko_rule = _ko(name), f"'각 구 프로젝트의 최소 {rule.share * 100:g}% 매칭' 규칙을"
    ko_count = (f"후보가 있는 프로젝트 {rule.wanting}개 중 {paired}개 매칭"
                f"(규칙은 {rule.need}개 요구)")
    if most_proven and most < rule.need:
        return Text(
            f"{text}: at most {most} of its {rule.wanting} {nouns} with candidates can be "
            f"paired at once (the rule asks for {rule.need}). The plan below is made "
            f"without that rule for {name}.",
            f"{ko_rule} {ko_name}에서 충족할 수 없습니다: 후보가 있는 프로젝트 {rule.wanting}개 "
            f"중 동시에 최대 {most}개만 매칭할 수 있습니다(규칙은 {rule.need}개 요구). 아래 "
            f"계획은 {ko_name}에 그 규칙을 적용하지 않고 만들었습니다.")
    if not most_proven and most < rule.need:
        return Text(
            f"{text}: whether it can be met could not be settled within the time limit, "
            f"so the plan below is made without that rule for {name} ({paired} of its "
            f"{rule.wanting} {nouns} with candidates are paired; the rule asks for "
            f"{rule.need}).",
            f"{ko_rule} {ko_name}에서 충족할 수 없습니다: 제한 시간 안에 충족 가능 여부를 "
            f"확인하지 못해 아래 계획은 {ko_name}에 그 규칙을 적용하지 않고 만들었습니다"
            f"({ko_count}).")
    if not proven:
        return Text(
            f"{text} within the time limit: {paired} of its {rule.wanting} {nouns} with "
            f"candidates are paired (the rule asks for {rule.need}).",
            f"{ko_rule} 제한 시간 안에 {ko_name}에서 충족하지 못했습니다: {ko_count}.")
    return Text(
        f"{text} together with the other districts' shares, as they compete for the same "
        f"spaces at the same hours: {paired} of its {rule.wanting} {nouns} with candidates "
        f"are paired (the rule asks for {rule.need}). The plan below leaves as few projects "
        "short of the districts' shares as the spaces allow.",
        f"{ko_rule} 다른 구의 비율과 함께 {ko_name}에서 충족할 수 없습니다. 같은 시간에 같은 "
        f"공간을 두고 경쟁하기 때문입니다: {ko_count}. 아래 계획은 공간이 허락하는 한 구별 "
        "비율에 못 미치는 프로젝트가 가장 적도록 만들었습니다.")


def _spaces_taken(n: int) -> Text:
    if n == 1:
        return Text("its only candidate space is taken", "유일한 후보 공간이 이미 배정됨")
    return Text(f"all {n} of its candidate spaces are taken", f"후보 공간 {n}곳이 모두 배정됨")


def _ids(projects: list[int]) -> str:
    return f"{', '.join(map(str, projects[:5]))}{'…' if len(projects) > 5 else ''}"


def _group(keys: np.ndarray) -> dict:
    order = np.argsort(keys, kind="stable")
    groups: dict = {}
    for i in order:
        groups.setdefault(keys[i].item(), []).append(int(i))
    return groups
