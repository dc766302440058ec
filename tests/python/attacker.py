"""An attacker of our own, independent of the disclosure ledger's code: it reads what a
build publishes (the long table, the custom areas' members, the catalogue's scopes), writes
down the linear relations between published and withheld counts that `docs/threat-model.md`
lists, and asks HiGHS (through scipy) for the smallest and largest value each withheld count
can take.

Relations used so far (a first part of the threat model's list):

- area sums: an area's count is the sum of its children's, for every column (numerator,
  denominator, residents), indicator, year and mode (residence: buurt, wijk, gemeente,
  region; practice: wijk, gemeente, region); a child without a published value is an
  unknown of the sum, not left out of it;
- custom areas: a custom area's count is the sum of its member buurten's (residence);
- by practice, with the area documents (which say in which buurt each practice lies): a
  wijk's count is the sum over the buurten its practices lie in, and so is a custom area's
  over its member buurten that hold a practice; those buurten's counts by practice are
  shown nowhere (unknowns), and tie wijken and custom areas holding the same practices;
- one count, many places: residents of one area, year and mode in one age and sex scope are
  one number, whichever GP or CBS indicator shows them, as residents or as a CBS
  proportion's numerator or denominator;
- bounds: every count is at least 0; with `use_reasons`, a count labelled `primary-count`
  lies in `1 … min_count − 1`, and one labelled `complementary` or `small-denominator` is 0 or at least
  `min_count` (a disjunction: once the relations rule out one side, the other is a bound,
  and the component is solved again). Builds label every withheld count `small-numbers`,
  which says nothing more; the rules' labels are read for tests that publish them.

With the area documents (`documents`), also what they publish of residents and listed
patients, and the sums between them:

- within an area: the residents of every scope shown (0+, 65+, 18+, one sex) are the sum
  of the age bands wholly inside it, each band the sum of its pyramid's bars (men, women); its listed patients are
  the sum of its coverage bands, and they are the denominator of every GP indicator of all
  ages and both sexes (residence, the coverage's year);
- between areas: each of those counts is the sum of its children's, and of a custom area's
  members', *for every area*: an area whose document shows no coverage (or no context) has
  its counts in the sums as unknowns.

With the national reference rates (`rates`, public: `national_rates`), also a value as a
relation: a GP indicator's expected count at national rates is the sum over its age bands
and sexes of rate × listed patients (its denominators), with the listed patients of each
band split by sex as unknowns; the coverage's bands then tie to the expected counts of
every GP indicator of all ages and both sexes (residence, the coverage's year), and an
area's expected count is the sum of its children's (a withheld one an unknown). The split
by sex is not summed between areas (that would join every area into one programme).

With `standardised` (indicator ids, and `documents`), also their directly standardised rate and its Dobson interval as
relations on the area's events per age band (never published: unknowns): the rate is
`Σ w_b e_b / n_b / W` with the public standard's weights (ESP 2013) and the listed patients
per band `n_b` the coverage shows, and the interval gives its variance
`Σ w_b² e_b / n_b² / W²` (the spread `(value − lower) / (E − L(E))` with Byar's limit, times
√E); the events per band add up to the area's events and are summed between areas. Used
where every band's listed patients are published (residence mode); elsewhere the rate
weighs unknown denominators, which is no linear relation.

With `spread` (rounding), every published count is an unknown within that distance of what
is shown, and the attacker bounds published counts too.

Not yet: the ratio at the region's rates (it weighs unknown listed patients by the region's
unpublished band rates: not linear).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
from scipy import sparse
from scipy.optimize import linprog

COLUMNS = ("numerator", "denominator", "residents")
# Reasons that say a count is not a small non-zero one (those are `primary-count`).
LARGE_OR_ZERO = ("complementary", "small-denominator")


@dataclass(frozen=True)
class Scaled:
    """A part of a relation with a coefficient other than one: `coefficient × cell`."""

    coefficient: float
    cell: tuple


def _terms(total: tuple, parts: list) -> list[tuple[tuple, float]]:
    """A relation's cells with their coefficients in `total − Σ parts = 0`."""
    out = [(total, 1.0)]
    for p in parts:
        out.append((p.cell, -p.coefficient) if isinstance(p, Scaled) else (p, -1.0))
    return out


def national_rates(table: pl.DataFrame, catalogue: dict[str, Any], benchmark: str = "NL01") -> dict[tuple, float]:
    """The national reference rates per person, by (indicator, year, sex, age band), from a
    `benchmark_rates` table (rates per the indicator's multiplier)."""
    multipliers = {ind["id"]: float(ind.get("multiplier", 1)) for ind in catalogue["indicator"]}
    rows = table.filter(pl.col("benchmark") == benchmark).iter_rows(named=True)
    return {
        (r["indicator"], r["year"], r["sex"], r["age_band"]): r["rate"] / multipliers[r["indicator"]]
        for r in rows
    }


@dataclass(frozen=True)
class Interval:
    lower: float
    upper: float

    @property
    def width(self) -> float:
        return self.upper - self.lower


def _key(row: dict[str, Any], column: str, scopes: dict[str, tuple[str, str, str, str | None]]) -> tuple:
    """What a cell counts: residents of every indicator by age and sex scope (a CBS
    proportion's denominator is its scope's residents, its numerator those of its numerator
    ages), else the indicator's own count."""
    source, age, sex, counted = scopes[row["indicator"]]
    residents = ("residents", sex, row["year"], row["mode"], row["area_code"])
    if column == "residents":
        return (*residents, age)
    if source == "cbs" and column == "denominator":
        return (*residents, age)
    if source == "cbs" and column == "numerator":
        return (*residents, counted or age)
    return (column, row["indicator"], row["year"], row["mode"], row["area_code"])


def scopes_of(catalogue: dict[str, Any]) -> dict[str, tuple[str, str, str, str | None]]:
    """Each indicator's source, age scope, sex and numerator ages, as the catalogue gives
    them (the contract's defaults: all ages, both sexes)."""
    return {
        ind["id"]: (ind["source"], ind.get("age", "0+"), ind.get("sex", "all"), ind.get("numerator_age"))
        for ind in catalogue["indicator"]
    }


def audit(
    table: pl.DataFrame,
    catalogue: dict[str, Any],
    custom_members: dict[str, list[str]],
    *,
    documents: dict[str, dict[str, Any]] | None = None,
    targets: set[tuple] | None = None,
    rates: dict[tuple, float] | None = None,
    min_count: float = 10.0,
    use_reasons: bool = False,
    standardised: frozenset[str] = frozenset(),
    spread: float | None = None,
) -> dict[tuple, tuple[Interval, str]]:
    """Every withheld cell's feasible interval and its published reason, by cell key; with
    `targets`, only those cells' (the rest of the withheld cells stay unknowns); with
    `rates` (and `documents`), the expected counts at national rates as relations; with
    `standardised` (and `documents`), those indicators' directly standardised rates and
    their intervals. With `spread`, published counts are rounded: each lies within
    `spread` of what is shown (4 for counts rounded to an adjacent multiple of 5, 2 for the
    nearest), and `targets` may name published counts too (reason `rounded`)."""
    equations, known, withheld = relations(
        table, catalogue, custom_members, documents=documents, rates=rates, standardised=standardised
    )
    ranges: dict[tuple, tuple[float, float]] = {}
    if spread is not None:
        for key in [k for k in known if k[0] != "expected"]:
            value = known.pop(key)
            ranges[key] = (max(0.0, value - spread), value + spread)
    return _solve(equations, known, withheld, min_count, use_reasons, targets, ranges)


def relations(
    table: pl.DataFrame,
    catalogue: dict[str, Any],
    custom_members: dict[str, list[str]],
    *,
    documents: dict[str, dict[str, Any]] | None = None,
    rates: dict[tuple, float] | None = None,
    standardised: frozenset[str] = frozenset(),
) -> tuple[list[tuple[tuple, list]], dict[tuple, float], dict[tuple, str]]:
    """The relations `audit` uses (each `(total, parts)`), the published counts and the
    withheld ones with their reasons."""
    scopes = scopes_of(catalogue)
    known: dict[tuple, float] = {}
    withheld: dict[tuple, str] = {}
    rows = table.select(
        "area_code", "level", "parent_code", "indicator", "year", "mode",
        *COLUMNS, *(f"{c}_withheld" for c in COLUMNS), "expected_national",
    ).to_dicts()
    for row in rows:
        if row["expected_national"] is not None:
            known[_expected(row["indicator"], row["year"], row["mode"], row["area_code"])] = row["expected_national"]
        for column in COLUMNS:
            key = _key(row, column, scopes)
            reason = row[f"{column}_withheld"]
            if reason is not None:
                withheld[key] = reason
            elif row[column] is not None:
                known[key] = float(row[column])

    # Where practices lie (the documents say), for the sums by practice.
    practice_buurten = {
        place["buurt"]
        for document in (documents or {}).values()
        for place in document.get("practices") or []
        if place.get("buurt")
    }
    # Children by parent, per mode; custom areas aside.
    children: dict[str, list[str]] = defaultdict(list)
    levels: dict[str, str] = {}
    for area, level, parent in table.select("area_code", "level", "parent_code").unique().iter_rows():
        levels[area] = level
        if parent is not None and level != "custom":
            children[parent].append(area)
    groups = {
        (row["indicator"], row["year"], row["mode"]) for row in rows
    }
    equations: list[tuple[tuple, list[tuple]]] = []
    for indicator, year, mode in groups:
        row = {"indicator": indicator, "year": year, "mode": mode}
        for column in COLUMNS:
            def key(area: str) -> tuple:
                return _key({**row, "area_code": area}, column, scopes)

            for parent, kids in children.items():
                if mode == "practice":
                    kids = [k for k in kids if levels[k] != "buurt" or k in practice_buurten]
                parts = [key(k) for k in kids]
                if parts and (key(parent) in known or key(parent) in withheld):
                    equations.append((key(parent), parts))
            for custom, members in custom_members.items():
                if mode == "practice":
                    members = [b for b in members if b in practice_buurten]
                if members and (key(custom) in known or key(custom) in withheld):
                    equations.append((key(custom), [key(b) for b in members]))
    if documents is not None:
        areas = {"children": children, "levels": levels, "custom": custom_members}
        equations += _document_relations(documents, scopes, areas, known, withheld, rates or {})
        if standardised:
            equations += _dsr_relations(table, catalogue, areas, known, standardised)
    return equations, known, withheld


def document_cells(document: dict[str, Any]) -> dict[tuple, float | None]:
    """The residents and listed counts an area document shows, by the attacker's key (None
    where it shows none)."""
    code = document["area"]["code"]
    cells: dict[tuple, float | None] = {}
    context = document.get("context")
    if context is not None:
        year = context["year"]
        total = context["residents"]
        cells[("residents", "all", year, "residence", code, "0+")] = total
        share = context["share_65_plus"]
        # The share is published with its counts: 65+ = share × residents (whole).
        aged = round(share * total / 100.0) if share is not None and total is not None else None
        cells[("residents", "all", year, "residence", code, "65+")] = aged
        for bar in context["pyramid"]:
            for sex in ("male", "female"):
                cells[("residents", sex, year, "residence", code, bar["age_band"])] = bar[sex]
    coverage = document.get("coverage")
    if coverage is not None:
        year = coverage["year"]
        cells[("listed", year, "residence", code, "0+")] = coverage["listed"]
        cells[("residents", "all", year, "residence", code, "0+")] = coverage["residents"]
        for band in coverage["by_age_band"]:
            cells[("listed", year, "residence", code, band["age_band"])] = band["listed"]
            cells[("residents", "all", year, "residence", code, band["age_band"])] = band["residents"]
    return cells


def _expected(indicator: str, year: int, mode: str, area: str) -> tuple:
    return ("expected", indicator, year, mode, area)


def _ages(ages: str) -> tuple[int, float]:
    """The first and last age of `A+` or `A-B`."""
    if ages.endswith("+"):
        return int(ages[:-1]), np.inf
    first, last = ages.split("-")
    return int(first), int(last)


def _within(band: str, scope: str) -> bool:
    (first, last), (lowest, highest) = _ages(band), _ages(scope)
    return first >= lowest and last <= highest


def _document_relations(
    documents: dict[str, dict[str, Any]],
    scopes: dict[str, tuple[str, str, str, str | None]],
    areas: dict[str, Any],
    known: dict[tuple, float],
    withheld: dict[tuple, str],
    rates: dict[tuple, float],
) -> list[tuple[tuple, list]]:
    """Reads the documents' counts into `known` and `withheld`, and returns the sums that
    hold between them and the long table's counts, for every area of the hierarchy, and
    with `rates` the expected counts at national rates."""
    residents_years, listed_years, bands = set(), set(), []
    for document in documents.values():
        for key, value in document_cells(document).items():
            if value is None:
                withheld.setdefault(key, "small-numbers")
            else:
                known[key] = float(value)
            if key[0] == "residents":
                residents_years.add(key[2])
            else:
                listed_years.add(key[1])
        for bar in (document.get("context") or {}).get("pyramid", []):
            if bar["age_band"] not in bands:
                bands.append(bar["age_band"])
    for key in known:
        withheld.pop(key, None)
    # Every residents scope (ages and sex) the table or the documents show: the bands within
    # it (an age scope holds the bands wholly inside it: 18+ those from 20).
    scoped = sorted(
        {(k[1], k[5]) for k in [*known, *withheld] if k[0] == "residents" and k[3] == "residence"}
        - {(sex, band) for sex in ("all", "male", "female") for band in bands}
    )
    all_ages = [
        ind for ind, (source, age, sex, _) in scopes.items() if source == "gp" and age == "0+" and sex == "all"
    ]
    codes = sorted(areas["levels"])
    equations: list[tuple[tuple, list[tuple]]] = []
    # Every count, keyed by area: (template, area) -> key.
    templates: list = []
    for year in sorted(residents_years):
        def r(sex: str, age: str, year: int = year):
            return lambda area: ("residents", sex, year, "residence", area, age)

        templates += [r(sex, ages) for sex, ages in scoped]
        templates += [r(sex, band) for band in bands for sex in ("all", "male", "female")]
        for area in codes:
            for sex, ages in scoped:
                inside = [r(sex, b)(area) for b in bands if _within(b, ages)]
                equations.append((r(sex, ages)(area), inside))
            for band in bands:
                equations.append((r("all", band)(area), [r("male", band)(area), r("female", band)(area)]))
    for year in sorted(listed_years):
        def listed(age: str, year: int = year):
            return lambda area: ("listed", year, "residence", area, age)

        def by_sex(sex: str, band: str, year: int = year):
            return lambda area: ("listed", year, "residence", area, band, sex)

        templates += [listed("0+")] + [listed(band) for band in bands]
        # The listed patients by sex stay within their area: their sums between areas
        # would join every area's unknowns into one programme (slow) and add little.
        with_rates = [ind for ind in all_ages if (ind, year, "male", bands[0]) in rates]
        for area in codes:
            equations.append((listed("0+")(area), [listed(b)(area) for b in bands]))
            for ind in all_ages:
                equations.append((("denominator", ind, year, "residence", area), [listed("0+")(area)]))
            if not with_rates:
                continue
            for band in bands:
                equations.append((listed(band)(area), [by_sex("male", band)(area), by_sex("female", band)(area)]))
            for ind in with_rates:
                # A withheld expected count is an unknown of its relation and of its sums.
                terms = [
                    Scaled(rates[(ind, year, sex, band)], by_sex(sex, band)(area))
                    for band in bands
                    for sex in ("male", "female")
                ]
                equations.append((_expected(ind, year, "residence", area), terms))
        for ind in with_rates:
            templates.append(lambda area, ind=ind, year=year: _expected(ind, year, "residence", area))
    for template in templates:
        for parent, kids in areas["children"].items():
            equations.append((template(parent), [template(k) for k in kids]))
        for custom, members in areas["custom"].items():
            equations.append((template(custom), [template(b) for b in members]))
    return equations


# The European Standard Population 2013 by five-year band to 90+ (public).
ESP2013 = dict(
    zip(
        [f"{5 * i}-{5 * i + 4}" for i in range(18)] + ["90+"],
        [5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000, 7000, 6500, 6000, 5500, 5000, 4000, 2500, 1500, 1000],
    )
)


def _byar_lower(events: float, z: float) -> float:
    return events * (1.0 - 1.0 / (9.0 * events) - z / (3.0 * np.sqrt(events))) ** 3


def _dsr_relations(
    table: pl.DataFrame,
    catalogue: dict[str, Any],
    areas: dict[str, Any],
    known: dict[tuple, float],
    indicators: frozenset[str],
) -> list[tuple[tuple, list]]:
    """The published DSRs (residence, all ages and both sexes) and their 95% intervals as
    relations on the events per age band of every area, with the sums of those events within
    and between areas (see the module's text)."""
    total = float(sum(ESP2013.values()))
    multipliers = {ind["id"]: float(ind.get("multiplier", 1)) for ind in catalogue["indicator"]}
    direct = {
        ind["id"]
        for ind in catalogue["indicator"]
        if ind["id"] in indicators
        and ind.get("standardisation") == "direct"
        and ind.get("age", "0+") == "0+"
        and ind.get("sex", "all") == "all"
    }
    rows = table.filter(
        pl.col("indicator").is_in(sorted(direct)) & (pl.col("mode") == "residence")
    ).select("area_code", "indicator", "year", "method", "numerator", "value", "lower_95").to_dicts()
    z = 1.959963984540054
    equations: list[tuple[tuple, list]] = []
    for indicator, year in sorted({(r["indicator"], r["year"]) for r in rows}):
        def events(area: str, band: str, indicator: str = indicator, year: int = year) -> tuple:
            return ("band_events", indicator, year, area, band)

        for area in sorted(areas["levels"]):
            count = ("numerator", indicator, year, "residence", area)
            equations.append((count, [events(area, b) for b in ESP2013]))
            for band in ESP2013:
                if known.get(("listed", year, "residence", area, band)) == 0.0:
                    known[events(area, band)] = 0.0
        for band in ESP2013:
            for parent, kids in areas["children"].items():
                equations.append((events(parent, band), [events(k, band) for k in kids]))
            for custom, members in areas["custom"].items():
                equations.append((events(custom, band), [events(b, band) for b in members]))
        multiplier = multipliers[indicator]
        for r in rows:
            if (r["indicator"], r["year"]) != (indicator, year) or r["method"] != "dsr" or r["value"] is None:
                continue
            area, count = r["area_code"], float(r["numerator"])
            listed = {b: known.get(("listed", year, "residence", area, b)) for b in ESP2013}
            if any(n is None for n in listed.values()):
                continue
            spread = (r["value"] - r["lower_95"]) / (count - _byar_lower(count, z)) / multiplier
            inside = [b for b in ESP2013 if listed[b] > 0]
            value, variance = ("dsr_value", indicator, year, area), ("dsr_variance", indicator, year, area)
            known[value] = r["value"] / multiplier * total
            known[variance] = spread**2 * count * total**2
            equations.append((value, [Scaled(ESP2013[b] / listed[b], events(area, b)) for b in inside]))
            equations.append((variance, [Scaled((ESP2013[b] / listed[b]) ** 2, events(area, b)) for b in inside]))
    return equations


def _solve(
    equations: list[tuple[tuple, list[tuple]]],
    known: dict[tuple, float],
    withheld: dict[tuple, str],
    min_count: float,
    use_reasons: bool,
    targets: set[tuple] | None = None,
    ranges: dict[tuple, tuple[float, float]] | None = None,
) -> dict[tuple, tuple[Interval, str]]:
    ranges = ranges or {}
    # The equations that hold a withheld count, grouped by the unknowns they share.
    parent: dict[tuple, tuple] = {}

    def find(x: tuple) -> tuple:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    kept = []
    for total, parts in equations:
        cells = [c for c, _ in _terms(total, parts)]
        free = [c for c in cells if c not in known]
        # Unknowns are withheld counts, and counts no output shows (a band's listed
        # patients by sex): a relation of unknowns alone can still tie withheld ones.
        if not free:
            continue
        kept.append((total, parts))
        for c in free[1:]:
            parent[find(c)] = find(free[0])
    by_component: dict[tuple, list] = defaultdict(list)
    for total, parts in kept:
        free = next(c for c, _ in _terms(total, parts) if c not in known)
        by_component[find(free)].append((total, parts))

    box: dict[tuple, tuple[float, float | None]] = {}
    for cell in {c for eqs in by_component.values() for t, ps in eqs for c, _ in _terms(t, ps)} | set(withheld):
        if use_reasons and withheld.get(cell) == "primary-count":
            box[cell] = (1.0, min_count - 1.0)
        elif cell in ranges:
            box[cell] = ranges[cell]
        else:
            box[cell] = (0.0, None)

    result: dict[tuple, tuple[Interval, str]] = {}
    for cell, reason in withheld.items():
        if targets is not None and cell not in targets:
            continue
        if find(cell) not in by_component:
            low, high = box[cell]
            result[cell] = (Interval(low, np.inf if high is None else high), reason)
    systems = [
        _system(eqs, known)
        for eqs in by_component.values()
        if any(
            c in withheld or (c in ranges and targets is not None and c in targets)
            for t, ps in eqs
            for c, _ in _terms(t, ps)
        )
    ]
    pending = list(range(len(systems)))
    while pending:
        narrowed = set()
        for s in pending:
            cells, a, b = systems[s]
            bounds = [box[c] for c in cells]
            for c in cells:
                if c not in withheld and c not in ranges:
                    continue
                if targets is not None and c not in targets or targets is None and c not in withheld:
                    continue
                interval = _extremes(cells.index(c), a, b, bounds, c)
                result[c] = (interval, withheld.get(c, "rounded"))
                # Such a count is not a small non-zero one: 0 or at least the
                # threshold. Where the relations rule one side out, the other remains.
                if use_reasons and withheld.get(c) in LARGE_OR_ZERO and box[c] == (0.0, None):
                    if interval.upper < min_count:
                        box[c] = (0.0, 0.0)
                        narrowed.add(s)
                    elif interval.lower > 0:
                        box[c] = (min_count, None)
                        narrowed.add(s)
        pending = sorted(narrowed)
    return result


def _system(eqs: list, known: dict[tuple, float]) -> tuple[list[tuple], sparse.csr_array, np.ndarray]:
    """A component's equations over its unknowns: total − Σ parts = 0 (parts with their
    coefficients), known cells moved right."""
    cells = sorted({c for t, ps in eqs for c, _ in _terms(t, ps) if c not in known})
    index = {c: i for i, c in enumerate(cells)}
    rows, columns, signs = [], [], []
    b = np.zeros(len(eqs))
    for r, (total, parts) in enumerate(eqs):
        for c, sign in _terms(total, parts):
            if c in known:
                b[r] -= sign * known[c]
            else:
                rows.append(r)
                columns.append(index[c])
                signs.append(sign)
    # Repeated entries add up (a cell on both sides of a sum cancels).
    a = sparse.csr_array((signs, (rows, columns)), shape=(len(eqs), len(cells)))
    return cells, a, b


def _extremes(i: int, a: sparse.csr_array, b: np.ndarray, bounds: list, cell: tuple) -> Interval:
    """The smallest and largest value of unknown `i` subject to `a x = b` and the bounds."""
    objective = np.zeros(a.shape[1])
    objective[i] = 1.0
    ends = []
    for direction in (1.0, -1.0):
        found = linprog(direction * objective, A_eq=a, b_eq=b, bounds=bounds, method="highs")
        if found.status == 3:  # unbounded
            ends.append(np.inf)
        else:
            assert found.status == 0, (cell, found.message)
            ends.append(direction * found.fun)
    return Interval(ends[0], ends[1])
