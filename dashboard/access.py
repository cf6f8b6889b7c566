"""The data a user may see, cut where it is loaded: nothing outside a district user's area gets further.

Pages, figures, the map, profiles and the meeting pack are all computed from what these functions
return, so no filter value or hand-edited URL can reach another district's rows: they are not in
memory for that session. Province-level models belong to the whole province, not to a district, so
a district user does not see them either.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from dashboard import boundaries, loaders
from dashboard.auth import User
from dashboard.boundaries import Boundaries
from dashboard.config import Config
from dashboard.schema import Problem

_WITHHELD = "Tệp đang có lỗi; Văn phòng thường trực xem chi tiết trên trang Dữ liệu."


def _codes(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame:
        return pd.Series("", index=frame.index, dtype="str")
    return frame[column].astype("str").fillna("")


def restrict(data: loaders.Dataset, user: User) -> loaders.Dataset:
    """``data`` with every table cut to ``user``'s area (unchanged for province-level roles)."""
    if user.sees_everything:
        return data
    allowed = set(user.districts)
    communes = data.frame("communes")
    mine = communes[_codes(communes, "district_code").isin(allowed)]
    codes = set(mine["commune_code"])

    def by_commune(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[_codes(frame, "commune_code").isin(codes)]

    def models(frame: pd.DataFrame) -> pd.DataFrame:
        commune = _codes(frame, "commune_code")
        own_district = commune.isin(["", "nan", "<NA>"]) & _codes(frame, "district_code").isin(allowed)
        return frame[commune.isin(codes) | own_district]

    def indicators(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[_codes(frame, "unit_code").isin(codes | allowed)]

    cut = {"communes": lambda _f: mine, "ratings": by_commune, "tipoffs": by_commune}
    cut |= {"models": models, "indicators": indicators}
    tables = {}
    for name, state in data.tables.items():
        keep = cut.get(name)
        frame = keep(state.frame) if keep else state.frame.iloc[0:0]  # an unknown table: nothing
        # The files' problems quote cells of every district: only the secretariat reads them; others
        # learn that a file has a problem (so they know a figure may be out of date), not what it is.
        problems = (Problem(state.problems[0].file, _WITHHELD),) if state.problems else ()
        tables[name] = replace(state, frame=frame.reset_index(drop=True), problems=problems)
    return replace(data, tables=tables, meta_problems=())


def load_data(cfg: Config, user: User) -> loaders.Dataset:
    """The data set as ``user`` may see it."""
    return restrict(loaders.load_dataset(cfg), user)


def load_boundaries(cfg: Config, user: User) -> Boundaries:
    """The boundaries as ``user`` may see them.

    Matched against the whole registry (matching is a property of the files, not of the user),
    then cut to the user's communes and districts; the matching report and the file's problems,
    which name units of every district, are kept for the secretariat.
    """
    full = loaders.load_dataset(cfg).frame("communes")
    bounds = boundaries.load_boundaries(cfg, full)
    if user.sees_files:
        return bounds
    if user.sees_everything:
        return replace(bounds, problems=(), matching=None, matching_problems=())
    codes = set(full.loc[_codes(full, "district_code").isin(set(user.districts)), "commune_code"])
    communes = bounds.communes[bounds.communes["commune_code"].isin(codes)]
    districts = bounds.districts[bounds.districts["district_code"].astype("str").isin(set(user.districts))]
    return replace(
        bounds,
        communes=communes.reset_index(drop=True),
        districts=districts.reset_index(drop=True),
        problems=(),
        matching=None,
        matching_problems=(),
    )
