"""The outcome arithmetic against values computed by hand (shown in each comment)."""

from decimal import Decimal as D

from outcomes.arithmetic import (
    SiteSeries,
    YearInput,
    compute_series,
    median,
    population_moved,
    rate_per_100k,
    summarize,
)

NATIONAL = {
    2016: D("386.3"),
    2017: D("382.9"),
    2018: D("368.9"),
    2019: D("366.7"),
    2020: D("387.8"),
}
POP = 200_000


def _series(figures, national=NATIONAL, years=range(2016, 2022)):
    return compute_series(
        years=list(years),
        baseline_years=[2016, 2017, 2018],
        psp_years=[2019, 2020],
        figures={row.year: row for row in figures},
        national=national,
    )


def _full():
    return [
        YearInput(2016, 2000, POP),  # 1000.0
        YearInput(2017, 1900, POP),  # 950.0
        YearInput(2018, 1850, POP),  # 925.0
        YearInput(2019, 1700, POP),  # 850.0
    ]


def test_rate_is_per_100k_rounded_half_up_to_one_decimal():
    assert rate_per_100k(1700, 200_000) == D("850.0")
    # 1 / 3 x 100,000 = 33.333... -> 33.3 ; 1 / 8 x 100,000 = 12,500 ; 1/16000 -> 6.25 -> 6.3
    assert rate_per_100k(1, 300_000) == D("0.3")
    assert rate_per_100k(1, 16_000) == D("6.3")


def test_baseline_mean_change_national_change_and_relative_by_hand():
    series = _series(_full())
    # (1000.0 + 950.0 + 925.0) / 3 = 958.33 -> 958.3
    assert series.baseline_rate == D("958.3")
    # (386.3 + 382.9 + 368.9) / 3 = 379.37 -> 379.4
    assert series.national_baseline_rate == D("379.4")
    y2019 = next(row for row in series.years if row.year == 2019)
    assert y2019.rate == D("850.0")
    # (850.0 - 958.3) / 958.3 x 100 = -11.30 -> -11.3
    assert y2019.change == D("-11.3")
    # (366.7 - 379.4) / 379.4 x 100 = -3.35 -> -3.3
    assert y2019.national_change == D("-3.3")
    # -11.3 - (-3.3) = -8.0 percentage points
    assert y2019.relative == D("-8.0")
    assert y2019.period == "psp"
    assert series.latest.year == 2019


def test_revised_national_rate_changes_the_national_figures():
    revised = {**NATIONAL, 2019: D("380.8")}
    y2019 = next(row for row in _series(_full(), revised).years if row.year == 2019)
    # (380.8 - 379.4) / 379.4 x 100 = 0.37 -> 0.4 ; relative -11.3 - 0.4 = -11.7
    assert y2019.national_change == D("0.4")
    assert y2019.relative == D("-11.7")


def test_missing_years_are_missing_never_zero():
    series = _series(_full())
    y2020 = next(row for row in series.years if row.year == 2020)
    assert y2020.rate is None and y2020.change is None and y2020.relative is None
    assert y2020.missing
    # The nation still has its figure: (387.8 - 379.4) / 379.4 x 100 = 2.21 -> 2.2
    assert y2020.national_change == D("2.2")
    # 2021: neither the site nor the nation (no national rate) has a figure.
    y2021 = next(row for row in series.years if row.year == 2021)
    assert y2021.national_rate is None and y2021.national_change is None
    assert series.missing_years == [2020, 2021]
    # The latest change is 2019's, not a zero for the missing years.
    assert series.latest.year == 2019


def test_missing_baseline_year_leaves_it_out_of_both_means():
    figures = [row for row in _full() if row.year != 2017]
    series = _series(figures)
    # (1000.0 + 925.0) / 2 = 962.5 ; the nation over 2016 and 2018: (386.3 + 368.9) / 2 = 377.6
    assert series.baseline_rate == D("962.5")
    assert series.national_baseline_rate == D("377.6")
    y2019 = next(row for row in series.years if row.year == 2019)
    # (850.0 - 962.5) / 962.5 x 100 = -11.69 -> -11.7 ; (366.7 - 377.6) / 377.6 x 100 = -2.89 -> -2.9
    assert y2019.change == D("-11.7")
    assert y2019.national_change == D("-2.9")
    assert y2019.relative == D("-8.8")


def test_no_national_baseline_when_a_baseline_year_has_no_national_rate():
    national = {k: v for k, v in NATIONAL.items() if k != 2017}
    series = _series(_full(), national)
    assert series.national_baseline_rate is None
    y2019 = next(row for row in series.years if row.year == 2019)
    assert y2019.change == D("-11.3")  # the site's own change is still known
    assert y2019.national_change is None and y2019.relative is None


def test_unverified_figures_do_not_count_but_show_their_rate():
    figures = [*_full(), YearInput(2020, 1600, POP, counted=False, status="submitted")]
    y2020 = next(row for row in _series(figures).years if row.year == 2020)
    assert y2020.rate is None and y2020.change is None
    assert y2020.entered_rate == D("800.0")


def test_population_move_over_ten_percent_is_flagged():
    assert population_moved(221_000, 200_000)  # +10.5%
    assert not population_moved(220_000, 200_000)  # exactly 10%: not more than 10%
    assert population_moved(179_000, 200_000)  # -10.5%
    assert not population_moved(221_000, None)  # no previous year: nothing to compare
    # The same answer as the definition in decimals, around both edges.
    for previous in (1, 7, 10, 199_999, 200_000, 1_234_567):
        edges = (previous * 9 // 10, previous * 11 // 10)
        for population in {max(edge + step, 1) for edge in edges for step in range(-3, 4)}:
            moved = abs(D(population - previous)) / D(previous) > D("0.10")
            assert population_moved(population, previous) == moved, (population, previous)
    figures = [*_full(), YearInput(2020, 1700, 221_000)]
    series = _series(figures)
    assert series.flagged_years == [2020]


def test_median_odd_and_even():
    assert median([D("2.0"), D("-11.3"), D("-5.0")]) == D("-5.0")
    assert median([D("-10.0"), D("-4.0")]) == D("-7.0")
    assert median([]) is None


def test_summary_counts_sites_with_data_and_lists_the_sites_behind_each_median():
    a = _series(_full())  # change -11.3, relative -8.0 (2019)
    b = _series(
        [
            YearInput(2016, 1000, POP),  # 500.0
            YearInput(2017, 1000, POP),  # 500.0
            YearInput(2018, 1000, POP),  # 500.0
            YearInput(2019, 1100, POP),  # 550.0 -> +10.0 ; relative 10.0 - (-3.3) = 13.3
        ]
    )
    c = _series([YearInput(2016, 1000, POP)])  # baseline only: no data after it
    summary = summarize([("A", a), ("B", b), ("C", c)])
    assert summary.site_count == 3
    assert summary.with_data == ["A", "B"]
    # median of -11.3 and 10.0 = -0.65 -> -0.7 (half away from zero)
    assert summary.median_change.value == D("-0.7")
    assert summary.median_change.sites == [("A", D("-11.3"), 2019), ("B", D("10.0"), 2019)]
    # median of -8.0 and 13.3 = 2.65 -> 2.7
    assert summary.median_relative.value == D("2.7")
    assert [name for name, _v, _y in summary.median_relative.sites] == ["A", "B"]


def test_empty_series_has_no_latest():
    assert SiteSeries([2016], None, None).latest is None


def test_a_due_year_without_figures_is_missing_not_zero():
    figures = [*_full(), YearInput(2020, None, None, counted=False, status="due")]
    y2020 = next(row for row in _series(figures).years if row.year == 2020)
    assert y2020.rate is None and y2020.entered_rate is None and y2020.change is None
    assert y2020.status == "due"
