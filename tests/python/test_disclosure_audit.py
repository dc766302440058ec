"""Disclosure control against the linear-programming audit of `docs/threat-model.md`, run by
an attacker of our own (`attacker.py`, scipy's HiGHS) on what the demo build publishes.

The attacker must be sound (every withheld count's true value lies in the interval it
derives) and not blind (given more published counts, it pins withheld ones). With the
build's own audit (`lp_audit`, on by default) the relations leave every withheld count as
protected as the threat model requires, in the long table and in the area documents, and the published reasons (one rule family for every
withheld count) add nothing to them; with it turned off (a loosening), they do not.

Which withheld counts need protection is known to the data owner, not to the attacker: a
true value from 1 to 9 (a small count), or the numerator of a small denominator (the owner's
audit, `Profiles.withheld()`)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import polars as pl
import pytest
import wijkprofiel
import json

from attacker import COLUMNS, _key, _terms, audit, document_cells, national_rates, relations, scopes_of

ROOT = Path(__file__).resolve().parents[2]
YEAR = 2024


K = 10.0


def weak(found: dict, truth: dict, small_denominators: set) -> list:
    """The withheld counts less protected than the threat model requires: a small count's
    interval must hold 0 and the threshold, a small denominator's numerator's be as wide as
    the threshold (complementary counts need no protection of their own)."""
    return [
        cell
        for cell, (interval, _) in found.items()
        if (0 < truth[cell] < K and (interval.lower > 1e-6 or interval.upper < K - 1e-6))
        or (cell in small_denominators and interval.width < K - 1e-6)
    ]


def small_denominators(profiles) -> set:
    """The attacker's keys of the numerators withheld for a small denominator, from the
    owner's audit: GP events, and residents as a CBS proportion's numerator (by residence)."""
    keys = set()
    rows = profiles.withheld().filter(pl.col("reason") == "small-denominator")
    for row in rows.iter_rows(named=True):
        if row["count"] == "events":
            keys.add(("numerator", row["indicator"], row["year"], row["mode"], row["area_code"]))
        else:
            assert row["count"] == "residents", row
            age, sex = row["scope"].split()
            keys.add(("residents", sex, row["year"], "residence", row["area_code"], age))
    return keys


def in_documents(cell: tuple) -> bool:
    """Whether a cell is one only the area documents show: listed patients, or residents by
    age band (a pyramid's bar or a coverage band)."""
    return cell[0] == "listed" or (cell[0] == "residents" and cell[-1] not in ("0+", "65+"))


def documents(profiles) -> dict[str, dict]:
    """Every area document a build publishes, by area code."""
    return {code: json.loads(profiles.area(code).to_json()) for code in profiles.areas}


@pytest.fixture(scope="module")
def setting():
    region = wijkprofiel.load()
    catalogue = tomllib.loads((ROOT / "data" / "demo" / "catalogue.toml").read_text())
    members: dict[str, list[str]] = {}
    for row in region.custom_areas().filter(pl.col("member")).iter_rows(named=True):
        members.setdefault(row["id"], []).append(row["buurt"])
    # Single subtractions only: the audit turned off, which is a loosening.
    single = {"lp_audit": False, "allow_loosening": True}
    built = wijkprofiel.build(region, years=[YEAR], disclosure=single)
    published = built.table()
    off = {"enabled": False, "allow_loosening": True}
    truth_table = wijkprofiel.build(region, years=[YEAR], disclosure=off).table()
    scopes = scopes_of(catalogue)
    truth = {}
    for row in truth_table.to_dicts():
        for column in COLUMNS:
            if row[column] is not None:
                truth[_key(row, column, scopes)] = row[column]
    truth_documents = documents(wijkprofiel.build(region, years=[YEAR], disclosure=off))
    for document in truth_documents.values():
        for key, value in document_cells(document).items():
            if value is not None:
                truth[key] = value
    return published, truth_table, catalogue, members, truth, small_denominators(built), built


@pytest.mark.parametrize("use_reasons", [False, True])
def test_the_attacker_is_sound(setting, use_reasons):
    published, _, catalogue, members, truth, _, _ = setting
    found = audit(published, catalogue, members, use_reasons=use_reasons)
    assert len(found) > 300
    for cell, (interval, _) in found.items():
        assert interval.lower - 1e-6 <= truth[cell] <= interval.upper + 1e-6, cell


def test_the_attacker_pins_small_counts_once_the_other_withheld_counts_are_shown(setting):
    published, truth_table, catalogue, members, truth, _, _ = setting
    # Publish every withheld count that is not small (0 or at least the threshold): one
    # subtraction then gives small ones away.
    shown = published
    for column in COLUMNS:
        small = (truth_table[column] > 0) & (truth_table[column] < K)
        flag = pl.col(f"{column}_withheld").is_not_null() & ~small
        shown = shown.with_columns(
            pl.when(flag).then(truth_table[column]).otherwise(pl.col(column)).alias(column),
            pl.when(flag).then(None).otherwise(pl.col(f"{column}_withheld")).alias(f"{column}_withheld"),
        )
    found = audit(shown, catalogue, members)
    pinned = [c for c, (i, _) in found.items() if i.width < 0.5 and 0 < truth[c] < K]
    assert len(pinned) > 20, len(pinned)
    for cell in pinned:
        interval, _ = found[cell]
        assert abs(interval.lower - truth[cell]) < 1e-6


@pytest.fixture(scope="module")
def audited(setting):
    """The 2024 build with its defaults (the linear-programming audit on), and the
    attacker's findings."""
    _, _, catalogue, members, truth, _, _ = setting
    region = wijkprofiel.load()
    profiles = wijkprofiel.build(region, years=[YEAR])
    return profiles, audit(profiles.table(), catalogue, members), truth, small_denominators(profiles)


def test_without_the_audit_the_relations_alone_bound_small_counts(setting):
    published, _, catalogue, members, truth, small, _ = setting
    assert len(weak(audit(published, catalogue, members), truth, small)) > 10


def test_with_the_audit_no_withheld_count_is_less_protected_than_required(audited):
    profiles, found, truth, small = audited
    protection = profiles.summary["protection"]
    assert protection["unprotected"] == [] and protection["added"] > 50, protection
    assert protection["narrowest"] >= K
    assert len(found) > 300
    for cell, (interval, _) in found.items():
        assert interval.lower - 1e-6 <= truth[cell] <= interval.upper + 1e-6, cell
    assert weak(found, truth, small) == []


def test_the_published_reasons_do_not_narrow_what_the_audit_protects(audited, setting):
    profiles, _, truth, small = audited
    _, truth_table, catalogue, members, _, _, _ = setting
    table = profiles.table()
    # The attacker knows the published reasons (docs/threat-model.md): one rule family for
    # every withheld count, so that no reason tells a small count from another.
    flags = pl.concat([table[f"{c}_withheld"].drop_nulls() for c in COLUMNS])
    assert set(flags) == {"small-numbers"}
    suppressed = table.filter(pl.col("status") == "suppressed")
    assert suppressed["status_reason"].n_unique() == 1
    found = audit(table, catalogue, members, use_reasons=True)
    assert weak(found, truth, small) == []
    # Labelled with their rules instead (as before issue 25: a small count `primary-count`,
    # others `complementary`), the same counts are given away by the labels.
    assert truth_table["area_code"].equals(table["area_code"])
    labelled = table
    for column in COLUMNS:
        small_count = truth_table[column].is_between(1, K - 1)
        labelled = labelled.with_columns(
            pl.when(pl.col(f"{column}_withheld").is_null())
            .then(None)
            .when(small_count)
            .then(pl.lit("primary-count"))
            .otherwise(pl.lit("complementary"))
            .alias(f"{column}_withheld")
        )
    given_away = weak(audit(labelled, catalogue, members, use_reasons=True), truth, small)
    assert len(given_away) > 100, len(given_away)


def rates_of(catalogue: dict) -> dict:
    """The demo's national reference rates, which the attacker knows (they are public)."""
    table = pl.read_csv(ROOT / "data" / "demo" / "benchmark_rates.csv", comment_prefix="#")
    return national_rates(table, catalogue)


def test_the_documents_give_no_withheld_count_away(audited, setting):
    """The area documents add residents by age band and sex (pyramids), listed patients by
    age band (coverage), and the sums between them and the long table's counts, for every
    area: a buurt nobody in it is listed for shows no coverage, yet its bands are in its
    wijk's (the attacker takes them as unknowns). The expected counts at national rates
    weigh the listed patients of each band and sex with the public rates."""
    profiles, _, truth, small = audited
    _, _, catalogue, members, _, _, single = setting
    rates = rates_of(catalogue)
    # Those the owner must protect: small counts, and numerators of small denominators.
    targets = {cell for cell, value in truth.items() if 0 < value < K} | small
    found = audit(
        profiles.table(), catalogue, members, documents=documents(profiles), targets=targets, rates=rates
    )
    shown_there = [cell for cell in found if in_documents(cell)]
    assert len(found) > 1000 and len(shown_there) > 500, (len(found), len(shown_there))
    for cell, (interval, _) in found.items():
        assert interval.lower - 1e-6 <= truth[cell] <= interval.upper + 1e-6, cell
    assert weak(found, truth, small) == []
    # Not blind: without the build's audit, the documents give away counts of both kinds.
    targets = {cell for cell, value in truth.items() if 0 < value < K} | small_denominators(single)
    given_away = weak(
        audit(single.table(), catalogue, members, documents=documents(single), targets=targets, rates=rates),
        truth,
        small_denominators(single),
    )
    assert len([c for c in given_away if in_documents(c)]) > 50, given_away


def test_expected_counts_are_withheld_where_they_would_give_a_count_away(audited, setting):
    """An expected count at national rates is a sum of listed patients per band and sex,
    each weighed by a public rate: where a band's count is withheld, the expected counts of
    the area's indicators would pin it. The build withholds such expected counts (and the
    ratios and excess built on them); published again, they give counts away."""
    profiles, _, truth, small = audited
    _, truth_table, catalogue, members, _, _, _ = setting
    rates = rates_of(catalogue)
    table = profiles.table()
    withheld_expected = table.filter(
        pl.col("expected_national").is_null() & pl.col("numerator").is_not_null() & (pl.col("source") == "gp")
    )
    assert withheld_expected.height > 0
    assert withheld_expected["isr_national_value"].null_count() == withheld_expected.height
    # The excess then comes from the value, as for figures without national rates: it does
    # not give the expected count back.
    keys = ["area_code", "indicator", "year", "mode"]
    truth_expected = truth_table.select(*keys, pl.col("expected_national").alias("true_expected"))
    joined = withheld_expected.join(truth_expected, on=keys)
    assert joined.height == withheld_expected.height
    given_back = (joined["excess"] - (joined["numerator"] - joined["true_expected"])).abs() < 1e-6
    assert not given_back.any()
    targets = {cell for cell, value in truth.items() if 0 < value < K} | small
    restored = table.with_columns(
        pl.when(pl.col("numerator").is_not_null())
        .then(truth_table["expected_national"])
        .otherwise(pl.col("expected_national"))
        .alias("expected_national")
    )
    given_away = weak(
        audit(restored, catalogue, members, documents=documents(profiles), targets=targets, rates=rates),
        truth,
        small,
    )
    assert len([c for c in given_away if c[0] == "listed"]) > 10, given_away


@pytest.fixture(scope="module")
def standardised(audited, setting):
    """The attacker's intervals for the heart-failure and COPD counts the owner must
    protect (the two indicators whose rates the build's audit withholds a count for), from
    the documents' relations alone (`plain`) and with the indicators' directly standardised
    rates and their intervals as relations on their events per age band (`rated`): on the
    build with single subtractions only (`off`) and on the default build (`on`)."""
    profiles, _, truth, small = audited
    _, _, catalogue, members, _, small_off, unaudited = setting
    indicators = frozenset({"gp_hartfalen", "gp_copd"})

    def intervals(build, small: set, rates: bool) -> dict:
        targets = {
            cell
            for cell, value in truth.items()
            if cell[0] == "numerator" and cell[1] in indicators and (0 < value < K or cell in small)
        }
        relations = indicators if rates else frozenset()
        docs = documents(build)
        return audit(build.table(), catalogue, members, documents=docs, targets=targets, standardised=relations)

    off = intervals(unaudited, small_off, False), intervals(unaudited, small_off, True)
    return off, intervals(profiles, small, True), truth, small


def test_standardised_rates_are_relations_the_attacker_uses_soundly(standardised):
    """A DSR is a weighted sum of the area's events per age band (weights: the public
    standard over the published listed patients per band) and its Dobson interval gives the
    variance, another such sum: true events satisfy both (sound), and they narrow what the
    sums alone allow (not blind)."""
    (plain, rated), on, truth, _ = standardised
    assert len(rated) > 10 and rated.keys() == plain.keys() and len(on) > 10
    for cell, (interval, _) in [*rated.items(), *on.items()]:
        assert interval.lower - 1e-6 <= truth[cell] <= interval.upper + 1e-6, cell
    narrowed = [c for c in rated if rated[c][0].width < plain[c][0].width - 1.0]
    assert narrowed, "the rates narrow no interval"


def test_standardised_rates_give_no_withheld_count_away(standardised):
    """The build's audit holds the rates as relations too (`rates.rs`): no heart-failure or
    COPD count it withholds is narrowed below its protection by them, where a wijk's rate
    once bounded a buurt's events in the one band its listed patients are in (BU99080204)."""
    _, rated, truth, small = standardised
    assert weak(rated, truth, small) == []


def monitor_intervals(published, truth, parents: dict) -> dict:
    """The interval an attacker derives for each respondent count the monitor table
    withholds, by linear programming over the sums between its groups (all = male + female
    = 18–64 + 65+) and areas (a parent's = the sum of its children's), where those sums hold
    (every respondent known by buurt), for each indicator and round."""
    import numpy as np
    from scipy.optimize import linprog

    groups = [("all", None), ("male", None), ("female", None), ("all", "18-64"), ("all", "65+")]
    key = ["area_code", "sex", "age_group"]
    out = {}
    for (indicator, year), cells in published.group_by(["indicator", "year"]):
        shown = {tuple(r[k] for k in key): r["respondents"] for r in cells.iter_rows(named=True)}
        true = truth.filter((pl.col("indicator") == indicator) & (pl.col("year") == year))
        value = {tuple(r[k] for k in key): r["respondents"] or 0.0 for r in true.iter_rows(named=True)}
        cells_ = sorted(shown, key=str)
        at = {c: i for i, c in enumerate(cells_)}
        rows = []
        areas = {c[0] for c in cells_}
        sums = [((a, "all", None), [(a, "male", None), (a, "female", None)]) for a in areas]
        sums += [((a, "all", None), [(a, "all", "18-64"), (a, "all", "65+")]) for a in areas]
        children: dict[str, list[str]] = {}
        for a in sorted(areas):
            if parents.get(a) in areas:
                children.setdefault(parents[a], []).append(a)
        sums += [((p, *g), [(c, *g) for c in ch]) for p, ch in children.items() for g in groups]
        for total, parts in sums:
            if total in at and all(p in at for p in parts):
                if abs(value[total] - sum(value[p] for p in parts)) < 1e-9:
                    row = np.zeros(len(cells_))
                    row[at[total]] = 1.0
                    for p in parts:
                        row[at[p]] -= 1.0
                    rows.append(row)
        if not rows:
            continue
        a_eq = np.array(rows)
        bounds = [(shown[c], shown[c]) if shown[c] is not None else (0, None) for c in cells_]
        for c in cells_:
            if shown[c] is not None:
                continue
            objective = np.zeros(len(cells_))
            objective[at[c]] = 1.0
            low = linprog(objective, A_eq=a_eq, b_eq=np.zeros(len(rows)), bounds=bounds)
            high = linprog(-objective, A_eq=a_eq, b_eq=np.zeros(len(rows)), bounds=bounds)
            # Unbounded above: no relation caps it.
            upper = -high.fun if high.status == 0 else float("inf")
            out[(indicator, year, *c)] = (low.fun, upper, value[c])
    return out


def test_the_monitor_table_gives_no_withheld_respondent_count_away(setting):
    # The respondents of each group (sex, age group) are counts of the ledger like any
    # other: none below the threshold is published, and none withheld is narrowed below
    # its protection through the sums between groups and areas (an area without rows has
    # no respondents: zero). Not blind: with single subtractions only, some are.
    region = wijkprofiel.load()
    built = setting[-1]
    parents = dict(zip(*built.table().select("area_code", "parent_code").unique().to_dict().values()))
    roker = (pl.col("indicator") == "ggd_roker") & (pl.col("year") == YEAR)
    off = {"enabled": False, "allow_loosening": True}
    truth = wijkprofiel.build(region, years=[YEAR], disclosure=off).monitor().filter(roker)

    def narrow(disclosure: dict) -> tuple[list, int]:
        published = wijkprofiel.build(region, years=[YEAR], disclosure=disclosure).monitor()
        shown = published["respondents"].drop_nulls()
        assert not ((shown > 0) & (shown < K)).any(), "a small count is published"
        found = monitor_intervals(published.filter(roker), truth, parents)
        # Sound: every true count lies in its interval.
        assert all(low - 1e-6 <= v <= high + 1e-6 for low, high, v in found.values())
        small = {c: i for c, i in found.items() if 0 < i[2] < K}
        return [c for c, (low, high, _) in small.items() if low > 1e-6 or high < K - 1e-6], len(small)

    weak, small = narrow({})
    assert small > 50 and not weak, f"{len(weak)} of {small} small counts bounded: {weak[:5]}"
    weak, _ = narrow({"lp_audit": False, "allow_loosening": True})
    assert weak, "single subtractions alone leave some bounded"


def test_by_practice_the_attacker_ties_wijken_and_custom_areas_through_where_practices_lie():
    """The attacker's sums by practice (not blind, and sound): a wijk counts its practices'
    patients, which lie in two buurten; a custom area holds one buurt, another the other;
    published, the wijk's 53 and one custom area's 50 give the other's 3 away, once the
    documents say where the practices lie, and not before."""
    catalogue = {"indicator": [{"id": "gp_x", "source": "gp"}]}
    areas = [
        ("GM01", "gemeente", None), ("WK01", "wijk", "GM01"),
        ("BU01", "buurt", "WK01"), ("BU02", "buurt", "WK01"), ("BU03", "buurt", "WK01"),
        ("CA01", "custom", "GM01"), ("CA02", "custom", "GM01"),
    ]
    counts = {"GM01": 53.0, "WK01": 53.0, "CA01": None, "CA02": 50.0}
    rows = [
        {
            "area_code": code, "level": level, "parent_code": parent, "indicator": "gp_x",
            "year": YEAR, "mode": "practice", "numerator": counts[code], "denominator": None,
            "residents": None, "numerator_withheld": None if counts[code] is not None else "small-numbers",
            "denominator_withheld": None, "residents_withheld": None, "expected_national": None,
        }
        for code, level, parent in areas
        if code in counts
    ]
    # Every area appears in the table (the hierarchy), the buurten with residence rows.
    rows += [
        {**rows[0], "area_code": code, "level": level, "parent_code": parent, "mode": "residence",
         "numerator": 1.0, "numerator_withheld": None}
        for code, level, parent in areas
        if code not in counts
    ]
    table = pl.DataFrame(rows, schema_overrides={"year": pl.Int32}, infer_schema_length=None)
    members = {"CA01": ["BU01"], "CA02": ["BU02", "BU03"]}
    practices = {
        "BU01": [{"id": "HA1", "buurt": "BU01"}],
        "BU02": [{"id": "HA2", "buurt": "BU02"}],
    }
    documents = {code: {"area": {"code": code}, "practices": practices.get(code, [])} for code, _, _ in areas}
    cell = ("numerator", "gp_x", YEAR, "practice", "CA01")
    blind = audit(table, catalogue, members)[cell][0]
    assert blind.upper == float("inf")
    found = audit(table, catalogue, members, documents=documents)[cell][0]
    assert abs(found.lower - 3.0) < 1e-6 and abs(found.upper - 3.0) < 1e-6


def rounded_targets(table: pl.DataFrame, catalogue: dict, members: dict, most: int = 60) -> dict:
    """Published counts in the sums with the fewest parts (where rounding one by one narrows
    most), with what is shown of each: `most` of them, spread evenly over the key order
    (denominators, numerators, residents)."""
    equations, known, _ = relations(table, catalogue, members)
    cells = {
        c
        for total, parts in equations
        if len(parts) <= 3
        for c, _ in _terms(total, parts)
        if all(c in known for c, _ in _terms(total, parts))
    }
    return _spread_evenly(cells, known, most)


def _spread_evenly(cells: set, known: dict, most: int) -> dict:
    """`most` of the cells, spread evenly over their key order, with what is shown of each."""
    ordered = sorted(cells, key=str)
    return {c: known[c] for c in ordered[:: max(1, len(ordered) // most)][:most]}


def _narrowed(found: dict, shown: dict, spread: float) -> list:
    """The published counts whose interval the attacker narrows within `spread` of what
    is shown (at least 0)."""
    return [
        (cell, value, found[cell][0])
        for cell, value in shown.items()
        if found[cell][0].lower > max(0.0, value - spread) + 1e-6
        or found[cell][0].upper < value + spread - 1e-6
    ]


def _nearest(table: pl.DataFrame) -> pl.DataFrame:
    """The table with every count rounded to its nearest multiple of 5 (one by one)."""
    return table.with_columns([((pl.col(c) / 5.0).round() * 5.0).alias(c) for c in COLUMNS])


def test_rounded_counts_are_not_narrowed_below_their_rounding(setting, audited):
    """With `round_to = 5` each published count is one of the two multiples next to it,
    and the rounded counts add up (controlled rounding): the sums narrow none within
    them. Rounded one by one to the nearest multiple, the same sums narrow counts."""
    _, _, catalogue, members, _, _, _ = setting
    region = wijkprofiel.load()
    rounded = wijkprofiel.build(region, years=[YEAR], disclosure={"round_to": 5}).table()
    shown = rounded_targets(rounded, catalogue, members)
    assert len(shown) > 20
    found = audit(rounded, catalogue, members, spread=4.0, targets=set(shown))
    assert all(found[cell][1] == "rounded" for cell in shown)
    assert _narrowed(found, shown, 4.0) == []
    # Not blind: the defaults' counts, each rounded to its nearest multiple of 5.
    profiles, _, _, _ = audited
    nearest = _nearest(profiles.table())
    shown = rounded_targets(nearest, catalogue, members)
    found = audit(nearest, catalogue, members, spread=2.0, targets=set(shown))
    narrowed = _narrowed(found, shown, 2.0)
    assert len(narrowed) > 10, narrowed


def _round_documents(docs: dict, base: float = 5.0) -> dict:
    """The documents with every count rounded to its nearest multiple (one by one)."""
    near = lambda v: None if v is None else round(v / base) * base  # noqa: E731
    out = json.loads(json.dumps(docs))
    for doc in out.values():
        context = doc.get("context")
        if context:
            context["residents"] = near(context["residents"])
            for bar in context["pyramid"]:
                bar["male"], bar["female"] = near(bar["male"]), near(bar["female"])
        coverage = doc.get("coverage")
        if coverage:
            coverage["listed"], coverage["residents"] = near(coverage["listed"]), near(coverage["residents"])
            for band in coverage["by_age_band"]:
                band["listed"], band["residents"] = near(band["listed"]), near(band["residents"])
    return out


def _bars_and_bands(table: pl.DataFrame, catalogue: dict, members: dict, docs: dict, most: int = 20) -> dict:
    """Published residents by band and sex and listed patients by band in the documents'
    sums of two parts (a band's men and women), with what is shown of each."""
    equations, known, _ = relations(table, catalogue, members, documents=docs)
    cells = {
        c
        for total, parts in equations
        if len(parts) <= 2 and all(x in known for x, _ in _terms(total, parts))
        for c, _ in _terms(total, parts)
        if c[0] in ("residents", "listed") and c[-1] not in ("0+", "65+")
    }
    return _spread_evenly(cells, known, most)


def test_rounded_pyramids_and_coverage_are_not_narrowed_below_their_rounding(setting, audited):
    """The same over the area documents, where a pyramid ties residents by sex, band and
    area together (a table of three dimensions)."""
    _, _, catalogue, members, _, _, _ = setting
    region = wijkprofiel.load()
    rounded = wijkprofiel.build(region, years=[YEAR], disclosure={"round_to": 5})
    docs = documents(rounded)
    shown = _bars_and_bands(rounded.table(), catalogue, members, docs)
    assert len(shown) >= 15
    found = audit(rounded.table(), catalogue, members, documents=docs, spread=4.0, targets=set(shown))
    assert _narrowed(found, shown, 4.0) == []
    # Not blind: the defaults' documents, each count rounded to its nearest multiple.
    profiles, _, _, _ = audited
    nearest = _nearest(profiles.table())
    docs = _round_documents(documents(profiles))
    shown = _bars_and_bands(nearest, catalogue, members, docs)
    found = audit(nearest, catalogue, members, documents=docs, spread=2.0, targets=set(shown))
    narrowed = _narrowed(found, shown, 2.0)
    # (Which counts rounding to the nearest gives away depends on the demo's shapes: since
    # session 27's organic map, two pyramid bars.)
    assert len(narrowed) >= 2, narrowed
