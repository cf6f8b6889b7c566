"""Metrics against hand counts on small frames built here."""

from __future__ import annotations

import datetime as dt
import gc

import pandas as pd
import pytest

from dashboard import metrics
from dashboard.selection import Period, Selection, make_period

LEVELS = ["Xuất sắc", "Khá", "Trung bình", "Yếu"]
HANDLED = ["Đã giải quyết", "Đã chuyển"]


@pytest.fixture
def communes() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "commune_code": ["00001", "00002", "00003", "00004"],
            "commune_name": ["An", "Bình", "Cát", "Dân"],
            "commune_type": ["Xã", "Xã", "Phường", "Xã"],
            "district_code": ["001", "001", "002", "002"],
            "district_name": ["Huyện Một", "Huyện Một", "Huyện Hai", "Huyện Hai"],
            "population": [10_000, 5_000, 20_000, 0],
        }
    )


@pytest.fixture
def ratings() -> pd.DataFrame:
    rows = [
        # year, code, score, rating, meets, residential met/total
        (2024, "00001", 92.0, "Xuất sắc", True, 5, 5),
        (2024, "00002", 75.0, "Khá", True, 4, 5),
        (2024, "00003", 71.0, "Khá", False, 3, 6),
        (2025, "00001", 80.0, "Khá", True, 5, 5),
        (2025, "00002", 91.0, "Xuất sắc", True, 5, 5),
        (2025, "00003", 45.0, "Yếu", False, 2, 6),
    ]
    frame = pd.DataFrame(
        rows,
        columns=[
            "year",
            "commune_code",
            "score",
            "rating",
            "meets_standard",
            "residential_met",
            "residential_total",
        ],
    )
    return frame


def _tip(code: str, received: str, status: str, count: int = 1, kind: str = "Tố giác") -> dict:
    return {
        "tipoff_id": f"{code}-{received}-{status}",
        "received_date": pd.Timestamp(received),
        "commune_code": code,
        "kind": kind,
        "category": "Khác",
        "status": status,
        "count": count,
    }


@pytest.fixture
def tipoffs() -> pd.DataFrame:
    return pd.DataFrame(
        [
            _tip("00001", "2026-01-05", "Đã giải quyết"),
            _tip("00001", "2026-01-20", "Đang xử lý"),  # open 71 days on 1/4 → overdue
            _tip("00002", "2026-02-10", "Đã chuyển", count=3),
            _tip("00003", "2026-03-25", "Đã tiếp nhận"),  # open 7 days → not overdue
            _tip("00003", "2025-01-15", "Đã giải quyết", kind="Tin báo"),
            _tip("00004", "2025-12-31", "Đã giải quyết"),
        ]
    )


@pytest.mark.parametrize(
    ("sel", "expected"),
    [
        (Selection(), ["00001", "00002", "00003", "00004"]),
        (Selection(districts=("001",)), ["00001", "00002"]),
        (Selection(districts=("002", "001")), ["00001", "00002", "00003", "00004"]),
        (Selection(communes=("00003",)), ["00003"]),
        (Selection(districts=("999",)), []),
    ],
)
def test_communes_in_scope(communes, sel, expected):
    assert list(metrics.communes_in_scope(communes, sel)["commune_code"]) == expected


def test_rating_counts_lists_every_level_and_unrated(ratings):
    counts = metrics.rating_counts(ratings, ["00001", "00002", "00003", "00004"], 2025, LEVELS)
    assert counts.to_dict("list") == {
        "rating": ["Xuất sắc", "Khá", "Trung bình", "Yếu", "Chưa xếp loại"],
        "communes": [1, 1, 0, 1, 1],
    }


def test_standard_summary_is_x_over_y(ratings):
    summary = metrics.standard_summary(ratings, ["00001", "00002", "00003"], 2024).set_index("group")
    assert (summary.at["communes", "met"], summary.at["communes", "total"]) == (2, 3)
    assert (summary.at["residential", "met"], summary.at["residential", "total"]) == (12, 16)
    assert summary.at["residential", "share"] == pytest.approx(0.75)


def test_standard_summary_of_empty_scope_has_no_share(ratings):
    summary = metrics.standard_summary(ratings, [], 2025).set_index("group")
    assert summary.at["communes", "total"] == 0
    assert pd.isna(summary.at["communes", "share"])


def test_rating_drops_finds_communes_that_fell_a_level(ratings, communes):
    drops = metrics.rating_drops(ratings, communes, 2025, LEVELS)
    # 00003 Khá → Yếu (two levels), 00001 Xuất sắc → Khá (one); 00002 rose.
    assert list(drops["commune_code"]) == ["00003", "00001"]
    assert list(drops["steps"]) == [-2, -1]


def test_rating_drops_of_the_first_year_is_empty_not_an_error(ratings, communes):
    first = int(ratings["year"].min())  # no year before it to compare with
    assert metrics.rating_drops(ratings, communes, first, LEVELS).empty


@pytest.mark.parametrize(
    ("current", "previous", "delta", "relative"),
    [(12, 10, 2, 0.2), (5, 10, -5, -0.5), (3, 0, 3, None), (0, 0, 0, None)],
)
def test_change(current, previous, delta, relative):
    change = metrics.Change(current, previous)
    assert change.delta == delta
    assert change.relative == (pytest.approx(relative) if relative is not None else None)


def test_tipoff_summary_counts_handled_and_overdue(tipoffs):
    q1 = make_period("q", 2026, 1)
    inside = metrics.tipoffs_in_period(tipoffs, q1)
    summary = metrics.tipoff_summary(inside, dt.date(2026, 4, 1), HANDLED, 20)
    # Received in Q1 2026: 1 + 1 + 3 + 1 = 6; handled 1 + 3 = 4; overdue: the one open since 20/01.
    assert (summary.received, summary.handled, summary.overdue) == (6, 4, 1)
    assert summary.handled_share == pytest.approx(4 / 6)


def test_tipoff_summary_of_nothing_has_no_share(tipoffs):
    summary = metrics.tipoff_summary(tipoffs.iloc[0:0], dt.date(2026, 4, 1), HANDLED, 20)
    assert summary.received == 0
    assert summary.handled_share is None


def test_period_includes_its_last_day(tipoffs):
    december = make_period("m", 2025, 12)
    assert list(metrics.tipoffs_in_period(tipoffs, december)["commune_code"]) == ["00004"]


def test_monthly_fills_empty_months(tipoffs):
    frame = metrics.monthly(tipoffs, make_period("q", 2026, 1))
    assert frame["count"].tolist() == [2, 3, 1]
    assert frame["month"].dt.month.tolist() == [1, 2, 3]


def test_trend_aligns_comparison_by_month(tipoffs):
    trend = metrics.trend_with_comparison(tipoffs, make_period("m", 2026, 1), make_period("m", 2025, 1))
    assert trend[["series", "step", "count"]].to_dict("list") == {
        "series": ["current", "comparison"],
        "step": [1, 1],
        "count": [2, 1],
    }


@pytest.mark.parametrize("coded", [False, True])
def test_sum_by_ranks_equal_counts_in_vietnamese_order(coded: bool):
    names = ["Yên Lạc", "Đông Lộc", "Thanh Hà", "Tân Lạc", "Em Hà", "Đông Lộc"]
    frame = pd.DataFrame({"commune_name": names, "count": [1, 1, 1, 1, 3, 2]})
    if coded:
        frame["commune_name"] = frame["commune_name"].astype("category")
    ranked = metrics.sum_by(frame, "commune_name")
    # Python's own order would give "Em Hà" before "Đông Lộc" and "Thanh Hà" before "Tân Lạc".
    assert list(ranked["commune_name"]) == ["Đông Lộc", "Em Hà", "Tân Lạc", "Thanh Hà", "Yên Lạc"]
    assert list(ranked["count"]) == [3, 3, 1, 1, 1]


def test_sum_by_keeps_order_and_zeros(tipoffs):
    frame = metrics.sum_by(tipoffs, "kind", ["Tố giác", "Tin báo", "Kiến nghị khởi tố"])
    assert frame.to_dict("list") == {"kind": ["Tố giác", "Tin báo", "Kiến nghị khởi tố"], "count": [7, 1, 0]}


def test_overdue_list_oldest_first(tipoffs, communes):
    late = metrics.overdue_list(tipoffs, communes, dt.date(2026, 4, 30), HANDLED, 20)
    # Open: 20/01 (100 days) and 25/03 (36 days); both past 20 days.
    assert list(late["days_open"]) == [100, 36]
    assert list(late["commune_name"]) == ["An", "Cát"]


def test_commune_map_frame(communes, ratings, tipoffs):
    models = pd.DataFrame({"commune_code": ["00001", "00001", "00003", None]})
    frame = metrics.commune_map_frame(communes, ratings, tipoffs, models, 2025, make_period("q", 2026, 1))
    frame = frame.set_index("commune_code")
    assert frame.at["00001", "rating"] == "Khá"
    assert frame.at["00001", "tipoffs"] == 2
    assert frame.at["00001", "tipoffs_per_10k"] == pytest.approx(2.0)
    assert frame.at["00002", "tipoffs_per_10k"] == pytest.approx(3 / 5_000 * 10_000)
    assert pd.isna(frame.at["00004", "tipoffs_per_10k"])  # no population: no rate, not a division error
    assert pd.isna(frame.at["00004", "rating"])
    assert frame["models"].to_dict() == {"00001": 2, "00002": 0, "00003": 1, "00004": 0}


def test_models_in_scope_keeps_province_level_only_for_the_whole_province(communes):
    models = pd.DataFrame(
        {
            "model_id": ["P", "D", "C"],
            "level": ["Tỉnh", "Huyện", "Xã"],
            "commune_code": [None, None, "00003"],
            "district_code": [None, "001", "002"],
        }
    )
    whole = metrics.models_in_scope(models, communes, Selection())
    assert list(whole["model_id"]) == ["P", "D", "C"]
    one = Selection(districts=("001",))
    assert list(
        metrics.models_in_scope(models, metrics.communes_in_scope(communes, one), one)["model_id"]
    ) == ["D"]
    two = Selection(districts=("002",))
    assert list(
        metrics.models_in_scope(models, metrics.communes_in_scope(communes, two), two)["model_id"]
    ) == ["C"]


def test_count_by_order():
    frame = pd.DataFrame({"level": ["Xã", "Xã", "Tỉnh", "Khác"]})
    out = metrics.count_by(frame, "level", ["Tỉnh", "Huyện", "Xã"])
    assert out.to_dict("list") == {"level": ["Tỉnh", "Huyện", "Xã", "Khác"], "count": [1, 0, 2, 1]}


def test_commune_profile(communes, ratings, tipoffs):
    models = pd.DataFrame(
        {"commune_code": ["00001"], "launch_date": [pd.Timestamp("2020-01-01")], "name": ["Tiếng kẻng"]}
    )
    prof = metrics.commune_profile(
        "00001", communes, ratings, models, tipoffs, Period("m", dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    )
    assert prof is not None
    assert prof.registry["commune_name"] == "An"
    assert list(prof.ratings["year"]) == [2024, 2025]
    assert list(prof.models["name"]) == ["Tiếng kẻng"]
    assert prof.tipoffs_by_month["count"].tolist() == [2]
    assert (
        metrics.commune_profile("99999", communes, ratings, models, tipoffs, make_period("y", 2026)) is None
    )


def _coded(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as the loader hands tip-offs out: codes and choices as categories."""
    return frame.astype({c: "category" for c in ("commune_code", "kind", "category", "status")})


@pytest.mark.parametrize("age", [20, 21])
def test_overdue_starts_after_the_deadline_day(age):
    as_of = dt.date(2026, 4, 30)
    received = str(pd.Timestamp(as_of) - pd.Timedelta(days=age))
    frame = pd.DataFrame([_tip("00001", received, "Đang xử lý")])
    for f in (frame, _coded(frame)):
        assert metrics.overdue_mask(f, as_of, HANDLED, 20).tolist() == [age > 20]


@pytest.mark.parametrize("coded", [False, True])
def test_figures_of_a_period_counted_in_place_are_those_of_its_rows(tipoffs, coded):
    """A period given as a mask over the whole frame counts what filtering the frame first counts."""
    frame = _coded(tipoffs) if coded else tipoffs
    as_of = dt.date(2026, 4, 30)
    for period in (make_period("q", 2026, 1), make_period("m", 2025, 12), make_period("y", 2020)):
        rows = metrics.tipoffs_in_period(frame, period)
        inside = period.contains(frame["received_date"]).to_numpy()
        assert metrics.tipoff_summary(frame, as_of, HANDLED, 20, period=period) == metrics.tipoff_summary(
            rows, as_of, HANDLED, 20
        )
        for column in ("kind", "category", "commune_code"):
            pd.testing.assert_frame_equal(
                metrics.sum_by(frame, column, inside=inside), metrics.sum_by(rows, column)
            )
        kinds = ["Tố giác", "Tin báo", "Kiến nghị khởi tố"]
        pd.testing.assert_frame_equal(
            metrics.sum_by(frame, "kind", kinds, inside), metrics.sum_by(rows, "kind", kinds)
        )


@pytest.mark.parametrize("one_each", [False, True])  # True: a row per tip-off, the usual export
def test_monthly_counts_every_month_of_any_period(tipoffs, one_each):
    """Per month, what the period's rows hold, for periods that do not start on the 1st too."""
    tipoffs = tipoffs.assign(count=pd.array([1] * len(tipoffs), dtype="Int64")) if one_each else tipoffs
    periods = [
        make_period("q", 2026, 1),
        make_period("y", 2025),
        Period("r", dt.date(2025, 12, 31), dt.date(2026, 2, 10)),
        Period("r", dt.date(2026, 1, 6), dt.date(2026, 1, 19)),  # inside one month, missing its ends
    ]
    for period in periods:
        got = metrics.monthly(tipoffs, period)
        rows = metrics.tipoffs_in_period(tipoffs, period)
        expected = rows.groupby(rows["received_date"].dt.to_period("M"))["count"].sum()
        assert got["count"].sum() == rows["count"].sum()
        for month, count in zip(got["month"], got["count"], strict=True):
            assert count == expected.get(month.to_period("M"), 0), (period, month)
        assert got["month"].iloc[0] == pd.Timestamp(period.start).replace(day=1)
        undated = pd.concat([tipoffs, tipoffs.iloc[:1].assign(received_date=pd.NaT)], ignore_index=True)
        pd.testing.assert_frame_equal(metrics.monthly(undated, period), got)  # a missing date counts nowhere


def test_coded_tipoffs_give_the_same_figures(tipoffs, communes):
    """Every tip-off figure is the same whether the columns are text or categories."""
    coded = _coded(tipoffs)
    q1, as_of = make_period("q", 2026, 1), dt.date(2026, 4, 30)
    for column in ("kind", "category", "status", "commune_code"):
        plain, cat = metrics.sum_by(tipoffs, column), metrics.sum_by(coded, column)
        pd.testing.assert_frame_equal(plain, cat)
    assert metrics.tipoff_summary(coded, as_of, HANDLED, 20) == metrics.tipoff_summary(
        tipoffs, as_of, HANDLED, 20
    )
    pd.testing.assert_frame_equal(metrics.monthly(coded, q1), metrics.monthly(tipoffs, q1))
    plain_late = metrics.overdue_list(tipoffs, communes, as_of, HANDLED, 20)
    coded_late = metrics.overdue_list(coded, communes, as_of, HANDLED, 20)
    assert coded_late["tipoff_id"].tolist() == plain_late["tipoff_id"].tolist()
    assert coded_late["commune_name"].tolist() == plain_late["commune_name"].tolist()
    no_ratings = pd.DataFrame(columns=["year", "commune_code", "rating", "score", "meets_standard"])
    plain_map = metrics.commune_map_frame(communes, no_ratings, tipoffs, tipoffs.iloc[0:0], 2025, q1)
    coded_map = metrics.commune_map_frame(communes, no_ratings, coded, coded.iloc[0:0], 2025, q1)
    assert coded_map["tipoffs"].tolist() == plain_map["tipoffs"].tolist() == [2, 3, 1, 0]


def test_in_communes_keeps_the_frame_when_every_row_is_inside(tipoffs):
    assert metrics.in_communes(tipoffs, ["00001", "00002", "00003", "00004"]) is tipoffs
    assert metrics.in_communes(tipoffs, ["00001"])["commune_code"].tolist() == ["00001", "00001"]


@pytest.mark.parametrize("coded", [False, True])
def test_shared_arrays_give_what_the_frame_gives(tipoffs, communes, coded):
    """One set of arrays asked for many periods, deadlines and status lists answers each as a fresh frame."""
    frame = _coded(tipoffs) if coded else tipoffs
    frame = pd.concat([frame, frame.iloc[:1].assign(received_date=pd.NaT)], ignore_index=True)  # undated
    arrays = metrics.TipoffArrays.shared(frame)
    periods = [make_period("m", 2026, m) for m in (1, 2, 3)] + [
        make_period("q", 2026, 1),
        make_period("y", 2025),
    ]
    periods += [make_period("m", 2025, m) for m in range(1, 13)]  # more than the arrays keep
    asked = [
        (s, d, a)
        for s, d in ((HANDLED, 20), (HANDLED[:1], 5), ([], 0))
        for a in (dt.date(2026, 4, 30), dt.date(2026, 1, 10))
    ]
    for statuses, days, as_of in asked:
        pd.testing.assert_frame_equal(
            metrics.overdue_list(arrays, communes, as_of, statuses, days),
            metrics.overdue_list(frame.copy(), communes, as_of, statuses, days),
        )
    for period in [*periods, *periods[:3]]:  # the first ones again, after they were let go
        for statuses, days, as_of in asked:
            fresh = metrics.tipoff_summary(frame.copy(), as_of, statuses, days, period=period)
            assert metrics.tipoff_summary(arrays, as_of, statuses, days, period=period) == fresh
        pd.testing.assert_frame_equal(metrics.monthly(arrays, period), metrics.monthly(frame.copy(), period))
        rows = metrics.tipoffs_in_period(frame, period)
        for column in ("kind", "category", "commune_code"):
            pd.testing.assert_frame_equal(
                metrics.sum_by(arrays, column, inside=period), metrics.sum_by(rows, column)
            )


def test_arrays_are_shared_by_frame_and_go_with_it(tipoffs):
    first, second = tipoffs.copy(), tipoffs.copy()
    arrays = metrics.TipoffArrays.shared(first)
    assert metrics.TipoffArrays.shared(first) is arrays
    assert metrics.TipoffArrays.shared(second) is not arrays
    assert arrays.frame is first
    known = len(metrics._SHARED)
    del first
    gc.collect()
    assert len(metrics._SHARED) == known - 1  # the frame is gone: so are its arrays
