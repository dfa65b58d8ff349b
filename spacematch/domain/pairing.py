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
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from .schedule import SLOT_WORDS


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


def plan_pairings(candidates: list[Candidate], project_slots: dict[int, np.ndarray],
                  projects: list[int] | None = None, *, priority: dict[int, float] | None = None,
                  min_share: dict[str, float] | None = None,
                  group_of: dict[int, str] | None = None,
                  no_candidate_reason: dict[int, str] | None = None,
                  time_limit: float = 60.0) -> Plan:
    """The optimal plan for ``candidates``.

    ``priority`` multiplies a project's scores in the objective (e.g. 1.2 for projects serving
    vulnerable people); ``min_share`` asks, per group (``group_of[project]``, e.g. district),
    that at least that share of its projects with candidates be paired. The plan reports the
    unweighted total and what the rules cost against the plan without them.
    """
    projects = sorted(set(projects or []) | {c.project for c in candidates})
    if not candidates:
        return Plan([], 0.0, {p: (no_candidate_reason or {}).get(
            p, "no space passes its hard constraints") for p in projects})
    base = _solve(candidates, project_slots, None, None, None, time_limit)
    plan = base
    if priority or min_share:
        plan = _solve(candidates, project_slots, priority, min_share, group_of, time_limit)
        plan.fairness_cost = round(base.total - plan.total, 9)
    chosen = {c.project for c in plan.pairings}
    by_space: dict[int, list[Candidate]] = {}
    for c in plan.pairings:
        by_space.setdefault(c.space, []).append(c)
    plan.shared_spaces = {s: sorted(c.project for c in cs) for s, cs in by_space.items()
                          if len(cs) > 1}
    has_candidates = {c.project for c in candidates}
    for p in projects:
        if p in chosen:
            continue
        if p not in has_candidates:
            plan.unmatched[p] = (no_candidate_reason or {}).get(
                p, "no space passes its hard constraints")
            continue
        mine = [c for c in candidates if c.project == p]
        taken = [c for c in mine if c.space in by_space]
        if len(taken) == len(mine):
            who = sorted({q.project for c in taken for q in by_space[c.space]})
            plan.unmatched[p] = (f"all {len(mine)} of its candidate spaces went to pairings that "
                                 f"score more in total at the same hours (projects "
                                 f"{', '.join(map(str, who[:5]))}{'…' if len(who) > 5 else ''})")
        else:
            plan.unmatched[p] = ("pairing it would lower the district's total score: its "
                                 "candidates serve other projects better")
    return plan


def _solve(candidates, project_slots, priority, min_share, group_of, time_limit) -> Plan:
    n = len(candidates)
    proj = np.array([c.project for c in candidates])
    space = np.array([c.space for c in candidates])
    score = np.array([c.score for c in candidates], dtype=np.float64)
    weight = score * np.array([(priority or {}).get(p, 1.0) for p in proj])
    rows, cols, lower, upper = [], [], [], []
    r = 0
    for edges in _group(proj).values():  # one space per project
        rows += [r] * len(edges)
        cols += list(edges)
        lower.append(-np.inf)
        upper.append(1.0)
        r += 1
    for edges in _group(space).values():  # no two projects in one space at one hour
        slots = np.stack([project_slots[proj[e]] for e in edges])
        for conflict in _space_conflicts(np.asarray(edges), slots):
            rows += [r] * len(conflict)
            cols += list(conflict)
            lower.append(-np.inf)
            upper.append(1.0)
            r += 1
    if min_share and group_of:
        for g, share in min_share.items():
            members = [i for i in range(n) if group_of.get(proj[i]) == g]
            wanting = len({proj[i] for i in members})
            need = int(np.ceil(share * wanting - 1e-9))
            if need > 0:
                rows += [r] * len(members)
                cols += members
                lower.append(float(need))
                upper.append(np.inf)
                r += 1
    a = sparse.csr_array((np.ones(len(rows)), (rows, cols)), shape=(r, n))
    res = milp(-weight, integrality=np.ones(n), bounds=Bounds(0, 1),
               constraints=LinearConstraint(a, lower, upper),
               options={"time_limit": time_limit, "mip_rel_gap": 0.0})
    if res.x is None:
        return Plan([], 0.0, {}, status=f"no plan: {res.message}")
    picked = np.flatnonzero(res.x > 0.5)
    chosen = sorted((candidates[i] for i in picked), key=lambda c: (c.project, c.space))
    return Plan(chosen, float(score[picked].sum()), {},
                status="optimal" if res.status == 0 else res.message)


def _group(keys: np.ndarray) -> dict:
    order = np.argsort(keys, kind="stable")
    groups: dict = {}
    for i in order:
        groups.setdefault(keys[i].item(), []).append(int(i))
    return groups
