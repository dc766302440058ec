"""The statistics against independent implementations on randomised inputs.

Oracles: PHStatsMethods (the Python port of the UK public-health methods; test-only),
scipy, statsmodels, numpy, and for the life table a direct transcription of the published
Chiang II / Silcocks formulas. Deterministic methods must agree to a relative difference of
1e-9 (absolute 1e-12 near zero); the tolerance of each comparison is stated where it is
looser, with the reason.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import polars as pl
import pytest
import statsmodels.api as sm
from PHStatsMethods import ph_dsr, ph_ISRate, ph_ISRatio, ph_mean, ph_proportion, ph_quantile, ph_rate
from PHStatsMethods.utils import euro_standard_pop
from PHStatsMethods.utils_funnel import poisson_funnel, sigma_adjustment
from scipy import stats as sps
from scipy.special import gammainc
from statsmodels.stats.contingency_tables import Table
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

from wijkprofiel import StatsInputError, stats

REL = 1e-9
ABS = 1e-12
CASES = 2000


def close(ours, theirs, rel=REL, abs_=ABS):
    ours, theirs = np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float)
    assert ours.shape == theirs.shape
    bad = ~np.isclose(ours, theirs, rtol=rel, atol=abs_, equal_nan=True)
    assert not bad.any(), f"{bad.sum()} differ, e.g. ours {ours[bad][:3]} theirs {theirs[bad][:3]}"


def quiet(f, *args, **kwargs):
    """PHStatsMethods prints and warns (small samples, joins); the oracle's chatter is not
    under test."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return f(*args, **kwargs)


@pytest.fixture
def rng():
    return np.random.default_rng(20261122)


def test_wilson_matches_statsmodels_and_phstatsmethods(rng):
    n = rng.integers(1, 5000, CASES)
    x = np.minimum(n, rng.integers(0, 5000, CASES) * (rng.random(CASES) < 0.9))
    x[:20], x[20:40] = 0, n[20:40]  # the edges x = 0 and x = n
    ours = stats.proportion(pl.Series(x), pl.Series(n))
    for level, label in [(0.95, "95"), (0.998, "99_8")]:
        low, high = proportion_confint(x, n, alpha=1 - level, method="wilson")
        close(ours[f"lower_{label}"], low)
        close(ours[f"upper_{label}"], high)
    theirs = quiet(ph_proportion, pd.DataFrame({"g": range(CASES), "x": x, "n": n}), "x", "n", group_cols="g", confidence=[0.95, 0.998])
    close(ours["lower_99_8"], theirs["lower_99_8_ci"])
    close(ours["upper_95"], theirs["upper_95_ci"])


def test_crude_rate_matches_phstatsmethods_and_scipy(rng):
    x = rng.integers(0, 400, CASES)
    x[:100] = rng.integers(0, 10, 100)  # exact below 10
    n = rng.integers(1, 100_000, CASES)
    ours = stats.rate(pl.Series(x), pl.Series(n), multiplier=100_000)
    # PHStatsMethods' rate raises on x = 0 (byars_upper rejects 0), so zeros go to scipy.
    some = x > 0
    theirs = quiet(ph_rate, pd.DataFrame({"g": np.arange(CASES)[some], "x": x[some], "n": n[some]}), "x", "n", group_cols="g", confidence=[0.95, 0.998])
    for label in ["95", "99_8"]:
        close(ours[f"lower_{label}"].filter(pl.Series(some)), theirs[f"lower_{label}_ci"])
        close(ours[f"upper_{label}"].filter(pl.Series(some)), theirs[f"upper_{label}_ci"])
    zero = ~some
    close(ours["upper_95"].filter(pl.Series(zero)), sps.chi2.ppf(0.975, 2) / 2 / n[zero] * 100_000)
    assert (ours["lower_95"].filter(pl.Series(zero)) == 0).all()


def test_mean_matches_scipy_and_phstatsmethods(rng):
    rows = []
    for g in range(300):
        values = rng.normal(50, 10, rng.integers(2, 40))
        ours = stats.mean(values).row(0)
        se = values.std(ddof=1) / math.sqrt(len(values))
        low95, high95 = sps.t.interval(0.95, len(values) - 1, loc=values.mean(), scale=se)
        low998, high998 = sps.t.interval(0.998, len(values) - 1, loc=values.mean(), scale=se)
        close(ours, [values.mean(), low95, high95, low998, high998])
        rows += [(g, v) for v in values]
        if g == 0:
            first = ours
    frame = pd.DataFrame(rows, columns=["g", "v"])
    theirs = quiet(ph_mean, frame, "v", "g", confidence=[0.95, 0.998])
    close(first, theirs.loc[0, ["Value", "lower_95_ci", "upper_95_ci", "lower_99_8_ci", "upper_99_8_ci"]].to_numpy(float))


def esp_frame(rng, areas, small=False):
    esp = euro_standard_pop()
    frame = pd.DataFrame(
        {
            "area": np.repeat([f"A{i}" for i in range(areas)], 19),
            "age_band": np.tile(esp.esp_age_bands, areas),
            "esp": np.tile(esp.euro_standard_pops, areas),
        }
    )
    frame["population"] = rng.integers(1, 3000, len(frame))
    if small:  # about 6 events in all: below the DSR's 10
        frame["events"] = (rng.random(len(frame)) < 0.3).astype(int)
    else:
        frame["events"] = np.minimum(frame["population"], rng.integers(0, 60, len(frame)))
    return frame


def test_dsr_matches_phstatsmethods(rng):
    frame = esp_frame(rng, 150)
    frame = pd.concat([frame, esp_frame(rng, 10, small=True).assign(area=lambda f: "S" + f["area"])])
    ours = stats.dsr(pl.from_pandas(frame.drop(columns="esp")), by="area")
    theirs = quiet(ph_dsr, frame, "events", "population", "esp", group_cols="area", euro_standard_pops=False, confidence=[0.95, 0.998])
    theirs = theirs.set_index("area").loc[ours["area"].to_list()]
    close(ours["events"], theirs["Total Count"])
    close(ours["value"], theirs["Value"])
    for label in ["95", "99_8"]:
        enough = theirs["Total Count"].to_numpy() >= 10
        close(ours[f"lower_{label}"].to_numpy()[enough], theirs[f"lower_{label}_ci"].to_numpy()[enough])
        close(ours[f"upper_{label}"].to_numpy()[enough], theirs[f"upper_{label}_ci"].to_numpy()[enough])
    few = ours.filter(pl.col("events") < 10)
    assert few.height > 0 and few["value"].is_null().all()
    assert few["withheld"].str.contains("fewer than the 10").all()


def test_dsr_with_a_given_standard_matches_by_key_not_position(rng):
    frame = esp_frame(rng, 5).drop(columns="esp")
    dutch = {band: float(w) for band, w in zip(euro_standard_pop().esp_age_bands, rng.integers(100_000, 700_000, 19))}
    shuffled = pl.from_pandas(frame).sample(fraction=1.0, shuffle=True, seed=1)
    ours = stats.dsr(shuffled, by="area", standard=dutch).sort("area")
    ordered = pd.DataFrame(frame).assign(std=lambda f: f["age_band"].map(dutch))
    theirs = quiet(ph_dsr, ordered, "events", "population", "std", group_cols="area", euro_standard_pops=False, confidence=[0.95, 0.998]).sort_values("area")
    close(ours["value"], theirs["Value"])
    close(ours["upper_99_8"], theirs["upper_99_8_ci"])
    with pytest.raises(StatsInputError, match=r"group area=A\d: the age bands do not match standard population `given`: missing 0-64, 65\+; not in the standard 0-4, 5-9"):
        stats.dsr(shuffled, by="area", standard={"0-64": 1.0, "65+": 1.0})


def test_indirect_standardisation_matches_phstatsmethods(rng):
    for _ in range(200):
        k = 19
        ref_n = rng.integers(10_000, 200_000, k).astype(float)
        ref_x = rng.integers(0, 2000, k).astype(float)
        pop = rng.integers(0, 3000, k).astype(float)
        observed = float(rng.integers(0, 80))
        frame = pd.DataFrame({"g": 1, "x": 0.0, "n": pop, "rx": ref_x, "rn": ref_n})
        frame.loc[0, "x"] = observed
        ours = stats.indirect(observed, pop, ref_x, ref_n, multiplier=100_000)
        if observed == 0:
            # PHStatsMethods' Byar/exact functions reject 0 events: scipy's exact limit.
            assert ours["ratio"]["upper_95"][0] == pytest.approx(sps.chi2.ppf(0.975, 2) / 2 / ours["expected"], rel=REL)
            continue
        ratio = quiet(ph_ISRatio, frame, "x", "n", "rx", "rn", group_cols="g", confidence=[0.95, 0.998])
        rate = quiet(ph_ISRate, frame, "x", "n", "rx", "rn", group_cols="g", confidence=[0.95, 0.998])
        close(ours["expected"], ratio["Expected"][0])
        close(ours["ratio"].row(0), ratio.loc[0, ["Value", "lower_95_ci", "upper_95_ci", "lower_99_8_ci", "upper_99_8_ci"]].to_numpy(float))
        close(ours["rate"].row(0), rate.loc[0, ["Value", "lower_95_ci", "upper_95_ci", "lower_99_8_ci", "upper_99_8_ci"]].to_numpy(float))


def test_percentiles_ranks_and_quantiles(rng):
    for _ in range(300):
        values = np.round(rng.normal(0, 5, rng.integers(1, 60)), 1)  # rounding makes ties
        probabilities = rng.random(7)
        close(stats.percentiles(values, probabilities), np.percentile(values, probabilities * 100))
        assert stats.ranks(values) == list(sps.rankdata(values, method="min").astype(int))
        assert stats.ranks(values, highest_first=True) == list(sps.rankdata(-values, method="min").astype(int))
    for _ in range(100):
        values = np.round(rng.normal(0, 5, rng.integers(10, 80)), 1)
        for groups, invert in [(10, True), (5, False)]:
            theirs = quiet(ph_quantile, pd.DataFrame({"v": values}), "v", nquantiles=groups, invert=invert)
            assert stats.quantile_groups(values, groups, highest_first=invert) == list(theirs["quantile"].astype(int))
    assert stats.quantile_groups([1.0, 2.0], 5) is None


def test_funnel_limits_and_significance(rng):
    # Proportions: PHStatsMethods' closed form (sigma_adjustment) for the inverted Wilson.
    for p in rng.random(20):
        sizes = rng.integers(5, 20_000, 50)
        ours = stats.funnel_limits("proportion", sizes, benchmark=p)
        theirs_low = [max(0.0, sigma_adjustment(0.975, n, p, "low", 1)) for n in sizes]
        theirs_high = [min(1.0, sigma_adjustment(0.999, n, p, "high", 1)) for n in sizes]
        close(ours["lower_95"], theirs_low)
        close(ours["upper_99_8"], theirs_high)
    # Ratios: at expected E the lower limit O/E solves P(O + 1, E) = 0.975 (scipy's
    # regularised gamma), the upper P(O, E) = 0.025.
    expected = rng.uniform(0.5, 5000, 300)
    ours = stats.funnel_limits("ratio", expected, confidence=0.95)
    o_low, o_high = ours["lower_95"].to_numpy() * expected, ours["upper_95"].to_numpy() * expected
    positive = o_low > 0
    close(gammainc(o_low[positive] + 1, expected[positive]), np.full(positive.sum(), 0.975))
    close(gammainc(o_high, expected), np.full(len(expected), 0.025))
    # And PHStatsMethods' bisection (precision about 1e-7 on its transformed scale, so 1e-5).
    for obs in [3, 12, 150, 2000]:
        e = poisson_funnel(obs, 0.025, "high")
        assert stats.funnel_limits("ratio", [e], confidence=0.95)["lower_95"][0] * e == pytest.approx(obs, rel=1e-5)
    # Significance as assign_funnel_significance.
    from PHStatsMethods import assign_funnel_significance

    n = rng.integers(20, 3000, 500)
    x = rng.binomial(n, rng.uniform(0.05, 0.4, 500))
    ours = stats.funnel_significance("proportion", x, n, benchmark=x.sum() / n.sum())
    theirs = quiet(assign_funnel_significance, pd.DataFrame({"x": x, "n": n}), "x", "proportion", denom_col="n")
    labels = {"High (0.001)": "higher-99.8", "High (0.025)": "higher-95", "Not significant": "similar", "Low (0.025)": "lower-95", "Low (0.001)": "lower-99.8"}
    assert ours == [labels[s] for s in theirs["significance"]]
    obs = rng.integers(0, 200, 500)
    exp = rng.uniform(1, 200, 500)
    ours = stats.funnel_significance("ratio", obs, exp)
    theirs = quiet(assign_funnel_significance, pd.DataFrame({"o": obs, "e": exp}), "o", "ratio", denom_col="e")
    assert ours == [labels[s] for s in theirs["significance"]]


def test_weighted_trend_matches_statsmodels(rng):
    for _ in range(500):
        t = np.arange(2016, 2021, dtype=float)
        se = rng.uniform(0.2, 3, 5)
        y = 20 + rng.normal(0, 1, 5) * 2 + t * rng.normal(0, 1)
        fit = sm.WLS(y, sm.add_constant(t), weights=1 / se**2).fit(cov_type="fixed scale")
        ours = stats.trend(t, y, se)
        close(ours["slope"], fit.params[1], rel=1e-8)
        close(ours["chi_square"], (fit.params[1] / fit.bse[1]) ** 2, rel=1e-8)
        slopes = [sm.WLS(np.delete(y, i), sm.add_constant(np.delete(t, i)), weights=1 / np.delete(se, i) ** 2).fit().params[1] for i in range(5)]
        stable = all(np.sign(s) == np.sign(fit.params[1]) for s in slopes)
        significant = (fit.params[1] / fit.bse[1]) ** 2 > sps.chi2.ppf(0.998, 1) and stable
        expected = ("increasing" if fit.params[1] > 0 else "decreasing") if significant else "no-significant-change"
        assert ours["direction"] == expected


def test_cochran_armitage_matches_statsmodels(rng):
    for _ in range(500):
        t = np.arange(5, dtype=float)
        n = rng.integers(50, 3000, 5)
        x = rng.binomial(n, np.clip(0.2 + rng.normal(0, 0.02) * t, 0.01, 0.99))
        table = Table(np.column_stack([x, n - x]))
        z = table.test_ordinal_association(row_scores=t, col_scores=np.array([1.0, 0.0])).zscore
        big_n = n.sum()
        # statsmodels uses the hypergeometric variance (N − 1); Cochran–Armitage the binomial (N).
        close(stats.proportion_trend(t, x, n)["chi_square"], z**2 * big_n / (big_n - 1), rel=1e-8)


def test_sii_point_estimate_matches_weighted_regression(rng):
    for _ in range(50):
        k = int(rng.choice([5, 10]))
        population = rng.integers(1000, 50_000, k).astype(float)
        value = np.sort(rng.uniform(10, 40, k))[::-1]
        half = rng.uniform(0.5, 3, k)
        share = population / population.sum()
        midpoint = np.cumsum(share) - share / 2
        fit = sm.WLS(value, sm.add_constant(midpoint), weights=share).fit()
        ours = stats.sii(population, value, value - half, value + half, repetitions=2000, seed=7)
        close(ours["sii"][0], fit.params[1], rel=1e-9)
        close(ours["rii"][0], (fit.params[0] + fit.params[1]) / fit.params[0], rel=1e-9)
    # The simulated interval on the normal scale: normal with variance Σ c²se² (2% of the
    # half-width with 100,000 repetitions).
    design = np.column_stack([np.ones(k), midpoint])
    weights = np.diag(share)
    coefficients = np.linalg.solve(design.T @ weights @ design, design.T @ weights)[1]
    se = half / sps.norm.ppf(0.975)
    sd = math.sqrt(np.sum(coefficients**2 * se**2))
    full = stats.sii(population, value, value - half, value + half)
    assert full["sii_upper"][0] - full["sii"][0] == pytest.approx(sps.norm.ppf(0.975) * sd, rel=0.02)
    assert full["sii"][0] - full["sii_lower"][1] == pytest.approx(sps.norm.ppf(0.999) * sd, rel=0.03)


LIFE_BANDS = ["0-0", "1-4"] + [f"{a}-{a + 4}" for a in range(5, 90, 5)] + ["90+"]


def chiang(deaths, population):
    """Chiang II with Silcocks' last-band variance, transcribed from the published method
    (Fingertips life expectancy calculator / Eayres & Williams 2004)."""
    starts = np.array([0, 1] + list(range(5, 95, 5)), dtype=float)
    m = deaths / population
    n = np.append(np.diff(starts), 2 / m[-1])
    a = np.where(starts == 0, 0.1, 0.5)
    q = np.where(deaths <= population / n / a, m * n / (1 + m * n * (1 - a)), 1.0)
    q[-1] = 1.0
    l = 100_000 * np.concatenate([[1.0], np.cumprod(1 - q)[:-1]])
    d = l - np.append(l[1:], 0)
    big_l = n * (np.append(l[1:], 0) + a * d)
    big_l[-1] = l[-1] / m[-1]
    e = np.cumsum(big_l[::-1])[::-1] / l
    sp = np.where(d == 0, 0, q**2 * (1 - q) / np.where(deaths == 0, 1, deaths))
    w = sp * l**2 * ((1 - a) * n + np.append(e[1:], 0)) ** 2
    w[-1] = (l[-1] / 2) ** 2 * 4 / (deaths[-1] * m[-1] ** 2)
    se = np.sqrt(np.cumsum(w[::-1])[::-1] / l**2)
    return e, se


def test_life_expectancy_matches_the_published_formulas(rng):
    for _ in range(200):
        population = rng.integers(2000, 60_000, 20).astype(float)
        rates = np.exp(np.linspace(-7.5, -1.2, 20)) * rng.uniform(0.7, 1.3, 20)
        deaths = np.maximum(np.round(population * rates), 0)
        deaths[-1] = max(deaths[-1], 1)
        ours = stats.life_expectancy(LIFE_BANDS, deaths, population)
        e, se = chiang(deaths, population)
        shown = ours["value"].is_not_null().to_numpy()
        assert (shown == (2 * 1.959963984540054 * se <= 20)).all()
        close(ours["value"].to_numpy()[shown], e[shown])
        close(ours["upper_99_8"].to_numpy()[shown], (e + sps.norm.ppf(0.999) * se)[shown])
    small = stats.life_expectancy(LIFE_BANDS, np.ones(20), np.full(20, 200.0))
    assert small["value"].is_null().all()
    assert small["withheld"][0] == "population 4000, not above the 5000 the method needs"


def test_empirical_bayes_posteriors_match_scipy(rng):
    exposure = rng.integers(20, 5000, 300).astype(float)
    observed = rng.poisson(exposure * rng.gamma(5, 0.004, 300)).astype(float)
    ours = stats.smooth_rates(observed, exposure)
    # The prior by the method of moments, written out independently.
    mean = observed.sum() / exposure.sum()
    spread = np.sum(exposure * (observed / exposure - mean) ** 2)
    variance = max((spread - (len(observed) - 1) * mean) / (exposure.sum() - np.sum(exposure**2) / exposure.sum()), mean / exposure.sum())
    shape, rate = mean**2 / variance, mean / variance
    close(ours["value"], (shape + observed) / (rate + exposure))
    # Posterior quantiles: 1e-7, because statrs' ln Γ (inside its incomplete gamma and beta
    # functions) carries a relative error of about 1e-10 that grows to 5e-8 in the quantile
    # for posterior shapes near 100. Well inside what a smoothed estimate needs.
    quantile_rel = 1e-7
    close(ours["lower_95"], sps.gamma.ppf(0.025, shape + observed, scale=1 / (rate + exposure)), rel=quantile_rel)
    close(ours["upper_95"], sps.gamma.ppf(0.975, shape + observed, scale=1 / (rate + exposure)), rel=quantile_rel)

    n = rng.integers(10, 500, 300).astype(float)
    x = rng.binomial(n.astype(int), rng.beta(8, 30, 300)).astype(float)
    ours = stats.smooth_proportions(x, n)
    p = x.sum() / n.sum()
    spread = np.sum(n * (x / n - p) ** 2)
    k = len(n)
    variance = max((spread - (k - 1) * p * (1 - p)) / (n.sum() - np.sum(n**2) / n.sum() - (k - 1)), p * (1 - p) / n.sum())
    size = p * (1 - p) / variance - 1
    a, b = p * size + x, (1 - p) * size + n - x
    close(ours["value"], a / (a + b))
    close(ours["lower_95"], sps.beta.ppf(0.025, a, b), rel=quantile_rel)
    close(ours["upper_95"], sps.beta.ppf(0.975, a, b), rel=quantile_rel)


def test_bad_input_raises_named_errors():
    with pytest.raises(StatsInputError, match="row 1: x = 6, n = 5: the numerator must not exceed"):
        stats.proportion([1, 6], [5, 5])
    with pytest.raises(ValueError, match=r"confidence must lie between 0 and 1 \(0.95 for 95%\), not 1.5"):
        stats.rate([1], [10], confidence=1.5)
    with pytest.raises(StatsInputError, match="needs at least 2 values"):
        stats.mean([1.0])
    nulls = stats.proportion(pl.Series([1, None]), pl.Series([5, 5]))
    assert nulls["value"].to_list() == [0.2, None]


def test_compare_judges_as_the_profiles_do():
    import polars as pl

    lower, upper = pl.Series([0.25, 0.10, None]), pl.Series([0.35, 0.30, 0.4])
    outer_low, outer_high = pl.Series([0.26, 0.05, 0.1]), pl.Series([0.34, 0.35, 0.5])
    assert stats.compare(lower, upper, 0.24, polarity="lower-better") == [
        "worse", "similar", "not-available"]
    assert stats.compare(lower, upper, 0.24, lower_outer=outer_low, upper_outer=outer_high,
                         polarity="higher-better") == ["best", "similar", "not-available"]
    assert stats.compare([0.25], [0.35], [0.24], polarity="no-judgement") == ["higher"]
    assert stats.compare([0.25], [0.35], [None], polarity="no-judgement") == ["not-available"]
    assert stats.compare([0.25], [0.35], 0.24, polarity="not-compared") == ["not-compared"]
    with pytest.raises(StatsInputError, match="sideways"):
        stats.compare([0.25], [0.35], 0.24, polarity="sideways")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: stats.trend([1, 2, 3, 4, 5, 6], [1.0] * 5, [0.1] * 5),
            "times, values, standard_errors must be of one length (got times 6, values 5, standard_errors 5)",
        ),
        (lambda: stats.proportion_trend([1, 2, 3], [1, 2], [10, 10, 10]), "times, x, n must be of one length"),
        (lambda: stats.funnel_significance("proportion", [1, 2], [10]), "x, n must be of one length (got x 2, n 1)"),
        (lambda: stats.smooth_rates([1, 2, 3], [100, 100]), "observed, exposure must be of one length"),
        (lambda: stats.sii([1, 2], [1, 2], [0, 1], [2], repetitions=10), "population, value, lower95, upper95"),
        (lambda: stats.sii([1, 2], [1, 2], [0, 1], [2, 3], repetitions=-5), "repetitions must be a whole number of at least 1000, not -5"),
        (lambda: stats.life_expectancy(["0-0"], [1.0, 2.0], [10.0, 20.0]), "bands and deaths must be of one length"),
    ],
)
def test_columns_of_different_lengths_are_an_error_naming_them(call, message):
    # Zipped silently, the longer column's extra values would be dropped: a slope, a χ²
    # and "increasing" from five of six years.
    with pytest.raises(ValueError) as caught:
        call()
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: stats.ranks(["a", 2.0]), "values must be numbers: 'a' at position 0 is not"),
        (lambda: stats.percentiles([1.0, 2.0], [0.5, None]), "probabilities must be numbers: None at position 1 is not"),
        (lambda: stats.quantile_groups("1234", 2), "values must be a sequence of numbers, not str"),
        (lambda: stats.funnel_limits("rate", pl.Series(["1"])), "sizes must be numbers, not a String column"),
        (lambda: stats.trend([1, 2], ["x", 2], [0.1, 0.1]), "values must be numbers: 'x' at position 0 is not"),
    ],
)
def test_values_that_are_no_numbers_are_an_error_naming_the_argument(call, message):
    with pytest.raises(TypeError) as caught:
        call()
    assert str(caught.value) == message


# R's `survey` (Debian r-cran-survey 4.1), recorded by tests/oracles/survey/make.R.
SURVEY = __import__("pathlib").Path(__file__).resolve().parents[1] / "oracles" / "survey"
SURVEY_DESIGNS = {
    "weights_only": {},
    "strata": {"strata": "stratum"},
    "clusters": {"strata": "stratum", "psu": "psu"},
    "clusters_fpc": {"strata": "stratum", "psu": "psu", "fpc": "population"},
    **{
        f"lonely_{option}": {"strata": "stratum_lonely", "psu": "psu", "fpc": "population", "lonely_psu": option}
        for option in ("certainty", "remove", "adjust", "average")
    },
}


@pytest.mark.parametrize("design", list(SURVEY_DESIGNS))
def test_survey_means_by_group_match_r_survey(design):
    from wijkprofiel import stats

    respondents = pl.read_csv(SURVEY / "respondents.csv")
    expected = pl.read_csv(SURVEY / "expected.csv", null_values="NA").with_columns(
        pl.col(pl.String).str.strip_chars()
    ).filter(pl.col("design") == design)
    checked = 0
    for variable in ("lonely", "score"):
        # By sex: each group a domain of the whole design, as svyby (R's subset for "female").
        found = stats.survey_mean(
            respondents, variable, weight="weight", by=["sex"], confidence=0.95, **SURVEY_DESIGNS[design]
        )
        female = found.filter(pl.col("sex") == "female").row(0, named=True)
        want = expected.filter((pl.col("domain") == "female") & (pl.col("variable") == variable)).row(0, named=True)
        for ours, theirs in [("value", "value"), ("se", "se"), ("df", "df"), ("deff", "deff")]:
            assert female[ours] == pytest.approx(float(want[theirs]), rel=1e-12), (variable, ours)
        assert female["effective_n"] == pytest.approx(female["respondents"] / float(want["deff"]), rel=1e-12)
        lower, upper = ("logit_lower", "logit_upper") if variable == "lonely" else ("wald_lower", "wald_upper")
        assert female["lower_95"] == pytest.approx(float(want[lower]), rel=1e-12)
        assert female["upper_95"] == pytest.approx(float(want[upper]), rel=1e-12)
        # A missing value lies in no domain while the design keeps its PSU: R's subset.
        masked = respondents.with_columns(
            pl.when(pl.col("sex") == "female").then(pl.col(variable)).alias(variable)
        )
        only = stats.survey_mean(masked, variable, weight="weight", confidence=0.95, **SURVEY_DESIGNS[design])
        assert only["value"][0] == pytest.approx(float(want["value"]), rel=1e-12)
        assert only["se"][0] == pytest.approx(float(want["se"]), rel=1e-12)
        assert only["respondents"][0] == female["respondents"]
        # The whole sample, one group.
        whole = stats.survey_mean(respondents, variable, weight="weight", confidence=0.95, **SURVEY_DESIGNS[design])
        want = expected.filter((pl.col("domain") == "all") & (pl.col("variable") == variable)).row(0, named=True)
        assert whole["value"][0] == pytest.approx(float(want["value"]), rel=1e-12)
        assert whole["se"][0] == pytest.approx(float(want["se"]), rel=1e-12)
        assert whole["respondents"][0] == respondents.height
        if variable == "lonely":
            # Korn–Graubard (svyciprop(method = "beta")): beta quantiles to 1e-9.
            kg = stats.survey_mean(respondents, variable, weight="weight", confidence=0.95,
                                   interval="korn-graubard", **SURVEY_DESIGNS[design])
            assert kg["lower_95"][0] == pytest.approx(float(want["kg_lower"]), rel=1e-9)
            assert kg["upper_95"][0] == pytest.approx(float(want["kg_upper"]), rel=1e-9)
            # Wilson's score interval on Korn–Graubard's effective sample size (statsmodels).
            wilson = stats.survey_mean(respondents, variable, weight="weight", confidence=0.95,
                                       interval="wilson", **SURVEY_DESIGNS[design])
            p, se, df = (float(want[c]) for c in ("value", "se", "df"))
            n = p * (1 - p) / se**2 * (sps.t.ppf(0.975, respondents.height - 1) / sps.t.ppf(0.975, df)) ** 2
            lower, upper = proportion_confint(p * n, n, alpha=0.05, method="wilson")
            assert wilson["lower_95"][0] == pytest.approx(lower, rel=1e-9)
            assert wilson["upper_95"][0] == pytest.approx(upper, rel=1e-9)
        checked += 1
    assert checked == 2


@pytest.mark.parametrize("design", list(SURVEY_DESIGNS))
def test_survey_contrasts_match_r_survey(design):
    """Rest-of-reference contrasts and their t tests' p-values, as svyby(covmat = TRUE) +
    svycontrast on the design restricted to the reference (make.R); a domain by ``by`` and
    its reference by ``within``."""
    respondents = pl.read_csv(SURVEY / "respondents.csv").with_columns(
        in2=pl.col("stratum") == 2, everyone=pl.lit(True)
    )
    expected = pl.read_csv(SURVEY / "contrasts.csv", null_values="NA").with_columns(
        pl.col(pl.String).str.strip_chars()
    ).filter(pl.col("design") == design)
    cases = {
        # comparison: (by, within, the group's key)
        "stratum2_vs_all": (["in2"], None, {"in2": True}),
        "female_vs_all": (["sex"], None, {"sex": "female"}),
        "female_in_stratum2": (["in2", "sex"], "in2", {"in2": True, "sex": "female"}),
    }
    for want in expected.iter_rows(named=True):
        by, within, key = cases[want["comparison"]]
        found = stats.survey_contrast(
            respondents, want["variable"], weight="weight", by=by, within=within, **SURVEY_DESIGNS[design]
        )
        row = found.filter(*(pl.col(c) == v for c, v in key.items())).row(0, named=True)
        for column in ("difference", "se", "df"):
            assert row[column] == pytest.approx(float(want[column]), rel=1e-12), (want, column)
        assert row["p_value"] == pytest.approx(float(want["p_value"]), rel=1e-9), want


@pytest.mark.parametrize("design", list(SURVEY_DESIGNS))
def test_survey_chisq_matches_r_svychisq(design):
    respondents = pl.read_csv(SURVEY / "respondents.csv")
    expected = pl.read_csv(SURVEY / "associations.csv").with_columns(
        pl.col(pl.String).str.strip_chars()
    ).filter(pl.col("design") == design)
    tables = {"lonely_sex": ("lonely", "sex"), "lonely_stratum": ("lonely", "stratum"), "scorecat_sex": ("scorecat", "sex")}
    for want in expected.iter_rows(named=True):
        rows, cols = tables[want["table"]]
        test = stats.survey_chisq(respondents, rows, cols, weight="weight", **SURVEY_DESIGNS[design])
        assert test["order"] == "second"
        assert test["pearson"] == pytest.approx(float(want["pearson"]), rel=1e-12)
        for ours, theirs in [("statistic", "f"), ("ndf", "ndf"), ("ddf", "ddf")]:
            assert test[ours] == pytest.approx(float(want[theirs]), rel=1e-12), (want, ours)
        assert test["p_value"] == pytest.approx(float(want["p_f"]), rel=1e-10)
        assert test["p_first_order"] == pytest.approx(float(want["p_chisq"]), rel=1e-10)
    one = respondents.with_columns(sex=pl.lit("female"))
    with pytest.raises(StatsInputError, match="two categories"):
        stats.survey_chisq(one, "lonely", "sex", weight="weight")


@pytest.mark.parametrize("design", ["weights_only", "clusters_fpc"])
def test_survey_changes_between_rounds_match_r_survey(design):
    """Round 2 minus round 1, each round its own sample: as svyby over the stacked rounds
    (strata crossed with the round) + svycontrast, with the domain's degrees of freedom."""
    rounds = pl.read_csv(SURVEY / "rounds.csv")
    expected = pl.read_csv(SURVEY / "changes.csv").with_columns(pl.col(pl.String).str.strip_chars())
    arguments = {"weights_only": {}, "clusters_fpc": {"strata": "stratum", "psu": "psu", "fpc": "population"}}[design]
    found = stats.survey_change(rounds, "lonely", weight="weight", round="round", by=["sex"], **arguments)
    whole = stats.survey_change(rounds, "lonely", weight="weight", round="round", adjust="bh", **arguments)
    assert found.columns == ["sex", "round", "previous", "difference", "se", "df", "p_value"]
    assert whole["p_adjusted"].to_list() == whole["p_value"].to_list()  # one test
    for want in expected.filter(pl.col("design") == design).iter_rows(named=True):
        row = (whole if want["domain"] == "all" else found.filter(pl.col("sex") == "female")).row(0, named=True)
        assert (row["round"], row["previous"]) == (2, 1)
        for column in ("difference", "se", "df"):
            assert row[column] == pytest.approx(float(want[column]), rel=1e-12), (want, column)
        assert row["p_value"] == pytest.approx(float(want["p_value"]), rel=1e-9)


def test_survey_contrast_adjusts_and_names_bad_groups():
    respondents = pl.read_csv(SURVEY / "respondents.csv")
    found = stats.survey_contrast(
        respondents, "lonely", weight="weight", by=["area"], within="stratum", strata="stratum", psu="psu",
        adjust="holm",
    )
    assert found.columns == ["area", "stratum", "difference", "se", "df", "p_value", "p_adjusted"]
    assert found["area"].to_list() == respondents["area"].unique(maintain_order=True).to_list()
    expected = multipletests(found["p_value"].to_numpy(), method="holm")[1]
    assert found["p_adjusted"].to_list() == pytest.approx(list(expected), rel=1e-12)
    with pytest.raises(StatsInputError, match="lies in more than one group of `stratum`"):
        stats.survey_contrast(respondents, "lonely", weight="weight", by=["sex"], within="stratum")
    with pytest.raises(StatsInputError, match="need respondents"):
        stats.survey_contrast(respondents, "lonely", weight="weight", by=["stratum"], within="stratum")
    with pytest.raises(ValueError, match="by must name"):
        stats.survey_contrast(respondents, "lonely", weight="weight", by=[])
    # The argument is named as the caller wrote it.
    with pytest.raises(ValueError, match=r"^adjust: `fdr` is not one of bonferroni, holm, bh$"):
        stats.survey_contrast(respondents, "lonely", weight="weight", by=["area"], within="stratum", adjust="fdr")
    with pytest.raises(ValueError, match=r"^method: `fdr` is not one of bonferroni, holm, bh$"):
        stats.adjust_p_values([0.1], method="fdr")


@pytest.mark.parametrize(("ours", "theirs"), [("bonferroni", "bonferroni"), ("holm", "holm"), ("bh", "fdr_bh")])
def test_adjusted_p_values_match_statsmodels(ours, theirs):
    p = np.random.default_rng(7).uniform(0, 0.2, 40) ** 2
    p[[3, 17]] = p[5]  # ties
    found = stats.adjust_p_values(list(p), method=ours)
    assert found == pytest.approx(list(multipletests(p, method=theirs)[1]), rel=1e-12)
    with_missing = stats.adjust_p_values([0.01, None, float("nan"), 0.04], method=ours)
    assert with_missing[1] is None and with_missing[2] is None
    assert with_missing[::3] == pytest.approx(list(multipletests([0.01, 0.04], method=theirs)[1]), rel=1e-12)
    with pytest.raises(StatsInputError, match="p-value = 1.5"):
        stats.adjust_p_values([0.5, 1.5], method=ours)
    with pytest.raises(ValueError, match="not one of bonferroni, holm, bh"):
        stats.adjust_p_values([0.5], method="fdr")


def test_survey_mean_names_bad_designs():
    from wijkprofiel import stats
    from wijkprofiel.exceptions import StatsInputError

    data = pl.DataFrame({"y": [1, 0, 1], "w": [1.0, 2.0, 3.0], "h": ["a", "a", "b"]})
    with pytest.raises(StatsInputError, match="has one PSU"):
        stats.survey_mean(data, "y", weight="w", strata="h")
    with pytest.raises(StatsInputError, match="weight = 0"):
        stats.survey_mean(data.with_columns(w=pl.lit(0.0)), "y", weight="w")
    with pytest.raises(StatsInputError, match="has no values"):
        stats.survey_mean(data.with_columns(y=pl.lit(None, dtype=pl.Int64)), "y", weight="w")
    with pytest.raises(StatsInputError, match="missing weights"):
        stats.survey_mean(data.with_columns(w=pl.lit(None, dtype=pl.Float64)), "y", weight="w")
    with pytest.raises(KeyError, match="'psu'"):
        stats.survey_mean(data, "y", weight="w", psu="psu")
    with pytest.raises(ValueError, match="interval must be"):
        stats.survey_mean(data, "y", weight="w", interval="exact")
    with pytest.raises(ValueError, match="is for a proportion"):
        stats.survey_mean(data.with_columns(y=pl.lit(3)), "y", weight="w", interval="logit")
    with pytest.raises(ValueError, match="lonely_psu: `never` is not one of"):
        stats.survey_mean(data, "y", weight="w", lonely_psu="never")
    # A stratum with one PSU contributes nothing under "certainty".
    certain = stats.survey_mean(data, "y", weight="w", strata="h", lonely_psu="certainty")
    assert certain["se"][0] > 0
