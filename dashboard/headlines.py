"""The headline figures (KPI cards) of each page, as values: label, figure, change. Pure: no Streamlit.

The pages draw these cards and the meeting pack prints them, so the pack shows exactly the
figures, formatted exactly as on screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from dashboard import fmt, report
from dashboard.config import Config
from dashboard.i18n import get_language, t
from dashboard.metrics import Change
from dashboard.schema import STANDARD_GROUPS

Good = Literal["up", "down", "neutral"]


@dataclass(frozen=True)
class Card:
    """One headline figure, already formatted for display."""

    label: str
    value: str
    change: Change | None = None
    share: bool = False  # the change is in percentage points
    good: Good = "up"  # which direction is good news
    help: str | None = None

    @property
    def delta(self) -> str | None:
        """The change as shown under the figure, or None when there is none."""
        if self.change is None or self.change.delta != self.change.delta:  # NaN: undefined
            return None
        return delta_text(self.change, share=self.share)


def delta_text(change: Change, *, share: bool = False) -> str:
    """'+12 (+5,3%)' for counts, '+1,5 điểm %' for shares; starts with '-' when it fell.

    Streamlit reads the leading '-' to draw the arrow, so the ASCII minus is kept here.
    """
    if share:
        text = fmt.num(abs(change.delta) * 100, 1) + " " + t("unit.pp")
    else:
        rel = "" if change.relative is None else f" ({fmt.num(abs(change.relative) * 100, 1)}%)"
        text = fmt.num(abs(change.delta)) + rel
    sign = "-" if change.delta < 0 else "+"
    return sign + text


@dataclass(frozen=True)
class Section:
    """A titled row of cards."""

    title: str
    cards: list[Card]


def _received(tips: report.TipoffReport) -> Card:
    return Card(
        t("tipoffs.received"),
        fmt.num(tips.current.received),
        tips.received,
        good="neutral",
        help=t(
            "overview.compared_with", start=fmt.date(tips.comparison.start), end=fmt.date(tips.comparison.end)
        ),
    )


def _handled_share(tips: report.TipoffReport) -> Card:
    return Card(
        t("tipoffs.handled_share"), fmt.pct(tips.current.handled_share), tips.handled_share, share=True
    )


def overview(
    cfg: Config,
    n_communes: int,
    ratings: report.RatingReport | None,
    tips: report.TipoffReport | None,
    models: report.ModelReport,
) -> list[Section]:
    """The overview's three rows: ratings, the "ANTT safe" standard, models and tip-offs."""
    sections: list[Section] = []
    if ratings is not None:
        sections.append(
            Section(
                t("overview.ratings", year=ratings.year, n=fmt.num(ratings.rated), total=fmt.num(n_communes)),
                [
                    Card(
                        level,
                        fmt.num(ratings.level_change(level).current),
                        ratings.level_change(level),
                        good="down" if i >= 2 else "up",  # fewer communes in the two lowest levels is good
                        help=t("overview.vs_year", year=ratings.year - 1),
                    )
                    for i, level in enumerate(cfg.rating_levels)
                ],
            )
        )
        std = ratings.standard.set_index("group")
        groups = [
            ("communes", t("group.communes")),
            *((g, t(f"group.{g}")) for g, _vi, _en in STANDARD_GROUPS),
        ]
        sections.append(
            Section(
                t("overview.standard", year=ratings.year),
                [
                    Card(
                        f"{label} — {fmt.pct(std.at[g, 'share'])}",
                        fmt.ratio(std.at[g, "met"], std.at[g, "total"]),
                        ratings.share_change(g),
                        share=True,
                        help=t("overview.share_vs_year", year=ratings.year - 1),
                    )
                    for g, label in groups
                    if g in std.index
                ],
            )
        )
    levels = models.by_level.set_index("level")["count"]
    cards = [
        Card(
            t("overview.models_total"),
            fmt.num(len(models.frame)),
            help=" · ".join(f"{lvl}: {fmt.num(n)}" for lvl, n in levels.items()),
        ),
        *(Card(t("overview.models_level", level=lvl), fmt.num(n)) for lvl, n in levels.items()),
    ]
    if tips is not None:
        cards += [_received(tips), _handled_share(tips)]
    sections.append(
        Section(t("overview.models_tipoffs", period=fmt.period(tips.period) if tips else ""), cards)
    )
    return sections


def models_cards(cfg: Config, models: report.ModelReport, sel_period_label: str | None) -> list[Card]:
    """The models page's row: totals, per level, new in the period, exemplary, weak."""
    levels = models.by_level.set_index("level")["count"]
    new_help = t("models.new_help", period=sel_period_label) if sel_period_label else None
    return [
        Card(t("models.total"), fmt.num(len(models.frame))),
        # "Cấp tỉnh" in Vietnamese; the English label keeps the data's word as written ("Tỉnh level").
        *(
            Card(t("models.level", level=lvl.lower() if get_language() == "vi" else lvl), fmt.num(n))
            for lvl, n in levels.items()
        ),
        Card(t("models.new"), fmt.num(len(models.new)), help=new_help),
        Card(t("models.exemplary"), fmt.num(len(models.exemplary))),
        Card(t("models.weak"), fmt.num(len(models.weak)), help=", ".join(cfg.model_statuses_weak)),
    ]


def tipoff_cards(cfg: Config, tips: report.TipoffReport, overdue: int, as_of_label: str) -> list[Card]:
    """The tip-offs page's row: received, handled, share handled, open past the deadline."""
    return [
        _received(tips),
        Card(t("tipoffs.handled"), fmt.num(tips.current.handled)),
        _handled_share(tips),
        Card(
            t("tipoffs.overdue_now", days=cfg.tipoff_deadline_days),
            fmt.num(overdue),
            help=t("tipoffs.overdue_help", date=as_of_label),
        ),
    ]
