"""Dyad analytics: daily and weekly series, an escalation index, alerts, de-escalation
signals and third-party mediators for a pair of actors.

    >>> from flashpoint import Store
    >>> from flashpoint.analyze import dyad_report
    >>> report = dyad_report(Store("flashpoint.duckdb"), "IND", "PAK", since="2025-04-01")
    >>> print(report.summary())

A side is a country (ISO3, ``"IND"``: every actor of that country) or an actor code
(``"USAGOV"``: that actor only), as in :class:`~flashpoint.store.EventFilter`. Only
canonical events count (one per happening, see :mod:`flashpoint.merge`); negated
events ("did not strike") are left out everywhere, and so are events dated only to a
month or a year (background such as "they last held talks in 2015"), which a daily
calendar cannot place.

Escalation index
    Each day's *intensity* sums, over the day's material-conflict events (quad
    class 4, CAMEO roots 14-20) between the two sides,

        intensity_d = Σ |goldstein_e| × (1 + fatality_weight × ln(1 + killed_e))

    so a strike counts by its Goldstein severity, and deaths raise it on a log
    scale (26 killed multiply a -10 strike by 1 + ln 27 ≈ 4.3 rather than by 27,
    which keeps one massacre from flattening the rest of the series). Unknown
    casualty counts count as 0.

    The *escalation index* smooths the intensity with an exponentially weighted
    moving average of half-life ``halflife`` days over a calendar where days
    without events are zeros:

        index_d = (1 - α) × index_{d-1} + α × intensity_d,  α = 1 - 2^(-1/halflife)

    starting from 0 (a dyad is quiet before its first event). The index is a
    level in "intensity per day": one non-fatal air strike (Goldstein -10) a day
    for a few weeks brings it to 10. Events up to ``window + 10 × halflife`` days
    before ``since`` are read, so the index on a day does not depend on the range
    asked for.

Alerts (``alerts``)
    The *recent range* of day d is computed over the ``window`` days before d
    (d excluded; days before the series count as 0): ``baseline`` is their
    median, ``spread`` their median absolute deviation scaled by 1.4826 (so it
    estimates a standard deviation), ``upper = baseline + threshold × spread`` and
    ``lower = max(0, baseline - threshold × spread)``. Medians, not means, so one
    past spike does not hide the next.

    - ``"escalation"``: the index breaks out above ``upper`` and is at least
      ``min_level``. It fires on the first day of a breakout; while the index stays
      above the range no new alert fires.
    - ``"de-escalation"``: a day with de-escalation signals (below) while the index
      is at least ``min_level``, i.e. appeals, talks or a ceasefire in the middle of
      a crisis.

    On a weekly series the same rules run on weeks instead of days.

De-escalation signals (``DEESCALATION_CODES``)
    One table maps CAMEO code prefixes to a signal; the longest prefix wins. A
    signal counts when the event is between the two sides (either direction), and,
    for the rows marked *third party*, also when a third party addresses one side
    (the US appealing to India for restraint).

Mediators (``mediators``)
    An actor (grouped by actor code) that belongs to neither side and, in the range,
    appeals to, consults, meets or mediates with (``MEDIATION_CODES``, either
    direction) actors of *both* sides.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from flashpoint.errors import BadInput
from flashpoint.store import EventFilter, Store, json_records, json_value

__all__ = [
    "DEESCALATION_CODES",
    "MAX_SIGNALS",
    "MEDIATION_CODES",
    "DyadInputError",
    "DyadReport",
    "EscalationConfig",
    "alerts",
    "deescalation_signals",
    "dyad_report",
    "dyad_series",
    "mediators",
    "network",
    "plot_dyad",
    "top_dyads",
]


class DyadInputError(BadInput, ValueError):
    """A bad argument of a dyad query (side, date, frequency or parameter); the message
    names it. A ``ValueError`` too, so callers that catch those keep working."""


@dataclass(frozen=True)
class EscalationConfig:
    """Parameters of the escalation index and its alerts (see the module docstring).

    Attributes:
        halflife: days; half-life of the exponential smoothing of the daily intensity.
        window: days of "recent range" before each day.
        threshold: a breakout is an index above median + threshold × scaled MAD of the window.
        min_level: breakouts (and de-escalation alerts) need at least this index level,
            so a first minor incident after a quiet month does not raise an alert.
        fatality_weight: how much deaths raise an event's intensity (0: not at all).
    """

    halflife: float = 3.0
    window: int = 28
    threshold: float = 3.0
    min_level: float = 5.0
    fatality_weight: float = 1.0

    def __post_init__(self) -> None:
        limits = (("halflife", 0.0, False), ("window", 1, True), ("threshold", 0.0, True),
                  ("min_level", 0.0, True), ("fatality_weight", 0.0, True))
        for name, low, inclusive in limits:
            value = getattr(self, name)
            number = isinstance(value, (int, float)) and not isinstance(value, bool)
            ok = number and math.isfinite(value) and (value >= low if inclusive else value > low)
            if not ok or (name == "window" and not isinstance(value, int)):
                kind = "a whole number" if name == "window" else "a number"
                raise DyadInputError(name, f"{value!r} must be {kind} "
                                     f"{'>=' if inclusive else '>'} {low:g}")

    @property
    def alpha(self) -> float:
        """The smoothing factor of the daily EWMA."""
        return 1.0 - 2.0 ** (-1.0 / self.halflife)

    @property
    def warmup_days(self) -> int:
        """Days read before ``since`` so the index and range on ``since`` are settled."""
        return self.window + math.ceil(10 * self.halflife)


@dataclass(frozen=True)
class Signal:
    """One row of the de-escalation table: a CAMEO prefix and what it signals."""

    prefix: str
    signal: str
    third_party: bool


# The de-escalation signals: CAMEO code prefix -> signal. ``third_party`` rows count
# also when an actor outside the pair addresses one side. Material cooperation 062
# ("cooperate militarily") is left out: between adversaries it is almost always a
# coding slip, not a signal.
DEESCALATION_CODES: tuple[Signal, ...] = (
    Signal("0256", "appeal", True),      # appeal for de-escalation of military engagement
    Signal("026", "appeal", True),       # appeal to others to meet or negotiate
    Signal("027", "appeal", True),       # appeal to others to settle dispute
    Signal("028", "mediation", True),    # appeal to others to accept mediation
    Signal("0356", "intent", False),     # express intent to de-escalate
    Signal("036", "intent", False),      # express intent to meet or negotiate
    Signal("037", "intent", False),      # express intent to settle dispute
    Signal("038", "intent", False),      # express intent to accept mediation
    Signal("039", "mediation", True),    # express intent to mediate
    Signal("040", "talks", False),       # consult (the two sides talking at all)
    Signal("041", "talks", False),       # discuss by telephone (hotlines)
    Signal("042", "talks", False),       # make a visit
    Signal("043", "talks", False),       # host a visit
    Signal("044", "talks", False),       # meet at a third location
    Signal("045", "mediation", True),    # mediate
    Signal("046", "talks", False),       # engage in negotiation
    Signal("057", "agreement", False),   # sign formal agreement
    Signal("084", "release", False),     # return, release persons or property
    Signal("085", "easing", False),      # ease economic sanctions, boycott, embargo
    Signal("087", "de-escalation", False),  # de-escalate military engagement
    Signal("0871", "ceasefire", False),  # declare truce, ceasefire
)

# CAMEO prefixes of a third party's contact with a side that make it a mediator:
# appeals (02), intent to mediate (039), consultations, meetings, mediation and
# negotiation (04).
MEDIATION_CODES: tuple[str, ...] = ("02", "039", "04")

QUADS = ("q1", "q2", "q3", "q4")
QUAD_NAMES = {"q1": "verbal cooperation", "q2": "material cooperation",
              "q3": "verbal conflict", "q4": "material conflict"}
SERIES_COLUMNS = ("period", "events", *QUADS, "goldstein_sum", "goldstein_mean", "killed",
                  "injured", "intensity", "escalation_index", "baseline", "upper", "lower",
                  "deescalation")
ALERT_COLUMNS = ("period", "kind", "index", "baseline", "upper", "lower", "message")
SIGNAL_COLUMNS = ("day", "canonical_id", "signal", "cameo", "cameo_name", "source_name",
                  "source_code", "target_name", "target_code", "evidence_text")
MEDIATOR_COLUMNS = ("code", "name", "country", "with_a", "with_b", "events", "first_day",
                    "last_day", "cameos")
MAX_SIGNALS = 200  # signals DyadReport.to_dict keeps (the latest): the dashboard's list
_MAD_SCALE = 1.4826  # MAD -> standard deviation of a normal distribution
_TREND_DAYS = 3  # a short look back: the index itself is already smoothed
_EVENT_READ = ("canonical_id", "day", "source_name", "source_code", "source_country",
               "target_name", "target_code", "target_country", "cameo", "cameo_name",
               "quad_class", "goldstein", "killed", "injured", "evidence_text")


# --------------------------------------------------------------------------- inputs


def _side(value: str, name: str) -> str:
    """A side of the dyad, upper-cased: an ISO3 country or an actor code."""
    code = str(value or "").strip().upper()
    if not code or not code.isalnum():
        raise DyadInputError(name, f"{value!r} is not a country (ISO3, e.g. IND) or an "
                             "actor code (e.g. USAGOV)")
    return code


def _pair(a: str, b: str) -> tuple[str, str]:
    side_a, side_b = _side(a, "a"), _side(b, "b")
    if side_a == side_b:
        raise DyadInputError("b", f"{b!r} is the same side as a; give two different sides")
    return side_a, side_b


def _as_date(value: str | date | None, name: str) -> date | None:
    """A day from ``YYYY-MM-DD`` (or a date); the error names the argument."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise DyadInputError(name, f"{value!r} is not a date (YYYY-MM-DD)") from None


def _range(since: str | date | None, until: str | date | None) -> tuple[date | None, date | None]:
    start, end = _as_date(since, "since"), _as_date(until, "until")
    if start and end and start > end:
        raise DyadInputError("since", f"{start.isoformat()} is after the last day "
                             f"{end.isoformat()}")
    return start, end


def _freq(freq: str) -> str:
    code = str(freq).strip().upper()
    if code not in ("D", "W"):
        raise DyadInputError("freq", f"{freq!r} is not a frequency; use 'D' (daily) or "
                             "'W' (ISO weeks)")
    return code


# --------------------------------------------------------------------------- reading events


def _side_where(side: str) -> tuple[str, list[Any]]:
    """The condition "either actor of an event belongs to ``side``", built from the
    store's own filter (``country`` for ISO3 codes, ``actor`` prefix otherwise)."""
    flt = EventFilter(country=side) if len(side) <= 3 else EventFilter(actor=side)
    return flt.where()


Sql = tuple[str, list[Any]]  # a SQL fragment and its parameters
# Events a daily calendar can place: a day, not just a month or a year.
ON_CALENDAR = "day IS NOT NULL AND coalesce(date_precision, 'day') NOT IN ('month', 'year')"


def _read(store: Store, flt: EventFilter, extra: Sequence[Sql] = (),
          computed: Sequence[Sql] = ()) -> pd.DataFrame:
    """The event columns analytics needs and the ``computed`` ones (``"expr AS name"``),
    for ``flt`` AND any of the ``extra`` conditions, in day order."""
    where, params = flt.where()
    if extra:
        where = f"{where} AND (" + " OR ".join(f"({w})" for w, _ in extra) + ")"
        params = [*params, *(p for _, ps in extra for p in ps)]
    cols = ", ".join([*_EVENT_READ, *(expr for expr, _ in computed)])
    return store.query(f"SELECT {cols} FROM events WHERE {where} AND {ON_CALENDAR} "
                       "ORDER BY day, global_id",
                       [*(p for _, ps in computed for p in ps), *params])


def _side_of(role: str, a: str, b: str) -> Sql:
    """SQL of the side of an event's ``role`` (source/target) actor: ``'a'``, ``'b'`` or
    ``''`` (anyone else), as ``{role}_side``."""
    def column(side: str) -> str:
        return f"upper({role}_country)" if len(side) <= 3 else f"upper({role}_code)"

    return (f"CASE WHEN {column(a)} = ? THEN 'a' WHEN {column(b)} = ? THEN 'b' ELSE '' END "
            f"AS {role}_side", [a, b])


def _touching(store: Store, a: str, b: str, start: date | None, end: date | None,
              directed: bool = False) -> pd.DataFrame:
    """Events with an actor of either side, read once for everything a report needs:
    each is marked with the side of its source and target (``source_side``,
    ``target_side``: ``"a"``, ``"b"`` or ``""``) and with ``in_dyad``, whether it is
    between the two sides (``a`` to ``b`` only when ``directed``), the events the
    series counts."""
    flt = EventFilter(since=start, until=end, negated=False)
    dyad, dyad_params = EventFilter(dyad=(a, b), directed=directed).where()
    computed = [_side_of("source", a, b), _side_of("target", a, b),
                (f"coalesce({dyad}, false) AS in_dyad", dyad_params)]
    return _read(store, flt, [_side_where(a), _side_where(b)], computed)


# --------------------------------------------------------------------------- series


def _intensity(frame: pd.DataFrame, config: EscalationConfig) -> pd.Series:
    """Per-event intensity: material conflict only, by Goldstein and log deaths."""
    killed = frame["killed"].fillna(0).clip(lower=0).astype(float)
    weight = 1.0 + config.fatality_weight * np.log1p(killed)
    severity = frame["goldstein"].fillna(0).abs().astype(float)
    return (severity * weight).where(frame["quad_class"] == 4, 0.0)


def _ewma(values: np.ndarray, alpha: float) -> np.ndarray:
    """Exponential smoothing starting from 0 (quiet before the first day)."""
    out = np.empty(len(values))
    level = 0.0
    for i, x in enumerate(values):
        level = (1.0 - alpha) * level + alpha * x
        out[i] = level
    return out


def _bands(index: np.ndarray, config: EscalationConfig) -> tuple[np.ndarray, ...]:
    """Baseline, upper and lower bound of each period's recent range (previous
    ``window`` periods, zeros before the series)."""
    if not len(index):
        return np.zeros(0), np.zeros(0), np.zeros(0)
    padded = np.concatenate([np.zeros(config.window), np.asarray(index, dtype=float)])
    windows = sliding_window_view(padded, config.window)[:len(index)]  # row i: before i
    baseline = np.median(windows, axis=1)
    mad = np.median(np.abs(windows - baseline[:, None]), axis=1)
    spread = config.threshold * _MAD_SCALE * mad
    return baseline, baseline + spread, np.clip(baseline - spread, 0.0, None)


def _calendar(events: pd.DataFrame, first: date | None, last: date | None
              ) -> pd.DatetimeIndex:
    """Every day from ``first`` (default: the first event's) to ``last`` (default: the
    last event's); empty when a bound is missing and there are no events."""
    days = pd.to_datetime(events["day"])
    begin = pd.Timestamp(first) if first else days.min()
    end = pd.Timestamp(last) if last else days.max()
    if pd.isna(begin) or pd.isna(end) or begin > end:
        return pd.DatetimeIndex([])
    return pd.date_range(begin, end, freq="D")


def _daily(events: pd.DataFrame, signal_days: pd.Series, days: pd.DatetimeIndex,
           config: EscalationConfig) -> pd.DataFrame:
    """The zero-filled daily series over ``days`` (with the index and its range)."""
    frame = events.assign(day=pd.to_datetime(events["day"]),
                          intensity=_intensity(events, config),
                          killed=events["killed"].fillna(0), injured=events["injured"].fillna(0))
    for quad, name in enumerate(QUADS, start=1):
        frame[name] = (frame["quad_class"] == quad).astype(int)
    grouped = frame.groupby("day").agg(
        events=("canonical_id", "size"), q1=("q1", "sum"), q2=("q2", "sum"), q3=("q3", "sum"),
        q4=("q4", "sum"), goldstein_sum=("goldstein", "sum"), killed=("killed", "sum"),
        injured=("injured", "sum"), intensity=("intensity", "sum"))
    daily = grouped.reindex(days, fill_value=0)
    counts = ["events", *QUADS, "killed", "injured"]
    daily[counts] = daily[counts].astype(int)
    daily["goldstein_sum"] = daily["goldstein_sum"].astype(float)
    daily["goldstein_mean"] = (daily["goldstein_sum"] / daily["events"]).where(daily["events"] > 0)
    daily["intensity"] = daily["intensity"].astype(float)
    daily["escalation_index"] = _ewma(daily["intensity"].to_numpy(), config.alpha)
    daily["baseline"], daily["upper"], daily["lower"] = _bands(
        daily["escalation_index"].to_numpy(), config)
    daily["deescalation"] = signal_days.reindex(days, fill_value=0).astype(int).to_numpy()
    daily.index.name = "period"
    return daily.reset_index()[list(SERIES_COLUMNS)]


def _monday(day: date | None) -> date | None:
    return day - timedelta(days=day.weekday()) if day else None


def _weekly(daily: pd.DataFrame, config: EscalationConfig, start: date | None = None
            ) -> pd.DataFrame:
    """ISO weeks (labelled by their Monday) of a daily series from ``start``: counts and
    sums added, the index averaged over the week's days, the range recomputed over
    weeks. Whole weeks before ``start``'s week stay in (they warm the range up); the
    days of ``start``'s week before ``start`` are left out."""
    if daily.empty:
        return _empty(SERIES_COLUMNS)
    frame = daily.assign(period=pd.to_datetime(daily["period"]))
    if start:
        before = (frame["period"] < pd.Timestamp(start)) & (
            frame["period"] >= pd.Timestamp(_monday(start)))
        frame = frame[~before]
    monday = frame["period"] - pd.to_timedelta(frame["period"].dt.day_of_week, unit="D")
    sums = ["events", *QUADS, "goldstein_sum", "killed", "injured", "intensity", "deescalation"]
    weekly = frame.groupby(monday)[sums].sum()
    weekly["escalation_index"] = frame.groupby(monday)["escalation_index"].mean()
    weekly["goldstein_mean"] = (weekly["goldstein_sum"] / weekly["events"]).where(
        weekly["events"] > 0)
    weekly["baseline"], weekly["upper"], weekly["lower"] = _bands(
        weekly["escalation_index"].to_numpy(), config)
    weekly.index.name = "period"
    return _with_dates(weekly.reset_index()[list(SERIES_COLUMNS)], "period")


def _empty(columns: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})


def _with_dates(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """``column`` as :class:`datetime.date` values (ISO days, no time of day)."""
    if len(frame):
        frame[column] = pd.to_datetime(frame[column]).dt.date
    return frame


def _full_series(store: Store, a: str, b: str, start: date | None, end: date | None,
                 directed: bool, config: EscalationConfig
                 ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """One read of the events touching either side, from ``window + 10 half-lives``
    before ``start`` (warm-up) to ``end``.

    Returns:
        The daily series over that span (the caller trims it to the asked range), the
        de-escalation signals and the events read (:func:`_touching`).
    """
    read_from = start - timedelta(days=config.warmup_days) if start else None
    touching = _touching(store, a, b, read_from, end, directed)
    events = touching[touching["in_dyad"]]
    signals = _signals_in(touching)
    signal_days = (signals.groupby(pd.to_datetime(signals["day"])).size() if len(signals)
                   else pd.Series([], dtype=int))
    series = _daily(events, signal_days, _calendar(events, read_from, end), config)
    return series, signals, touching


def _trim(frame: pd.DataFrame, start: date | None, column: str = "period") -> pd.DataFrame:
    if start is None or frame.empty:
        return frame.reset_index(drop=True)
    keep = pd.to_datetime(frame[column]) >= pd.Timestamp(start)
    return frame[keep].reset_index(drop=True)


def dyad_series(store: Store, a: str, b: str, *, since: str | date | None = None,
                until: str | date | None = None, freq: str = "D", directed: bool = False,
                config: EscalationConfig = EscalationConfig()) -> pd.DataFrame:  # noqa: B008
    """The zero-filled series of the events between two sides.

    Args:
        store: the event store.
        a, b: the two sides: ISO3 countries or actor codes.
        since, until: first and last day (inclusive, ``YYYY-MM-DD``); by default the
            first and last day with an event.
        freq: ``"D"`` for days, ``"W"`` for ISO weeks (labelled by their Monday).
        directed: only events from ``a`` to ``b``.
        config: the escalation index parameters.

    Returns:
        One row per period, gaps filled with zeros: ``period`` (a date), ``events``,
        ``q1`` … ``q4``, ``goldstein_sum``, ``goldstein_mean`` (NaN without events),
        ``killed``, ``injured``, ``intensity``, ``escalation_index``, the recent range
        ``baseline``/``upper``/``lower``, and ``deescalation`` (de-escalation signal
        events). Empty when there are no events and no full range was given.

    Raises:
        DyadInputError: a bad side, date or frequency.
    """
    side_a, side_b = _pair(a, b)
    start, end = _range(since, until)
    code = _freq(freq)
    daily, _, _ = _full_series(store, side_a, side_b, start, end, directed, config)
    if code == "W":
        return _trim(_weekly(daily, config, start), _monday(start))
    return _with_dates(_trim(daily, start), "period")


# --------------------------------------------------------------------------- alerts


def alerts(series: pd.DataFrame, config: EscalationConfig = EscalationConfig()  # noqa: B008
           ) -> pd.DataFrame:
    """Escalation breakouts and de-escalation signals of a series (see the module
    docstring for the rules).

    The recent range is recomputed from ``series["escalation_index"]``, so give a
    series that starts at least ``config.window`` periods before the first period
    you care about (:func:`dyad_report` does).

    Returns:
        ``period``, ``kind`` (``"escalation"`` or ``"de-escalation"``), ``index``,
        ``baseline``, ``upper``, ``lower``, ``message``; in period order.
    """
    missing = {"period", "escalation_index", "deescalation"} - set(series.columns)
    if missing:
        raise DyadInputError("series", f"lacks the columns {sorted(missing)}; pass the "
                             "output of dyad_series")
    if series.empty:
        return _empty(ALERT_COLUMNS)
    index = series["escalation_index"].to_numpy(dtype=float)
    baseline, upper, lower = _bands(index, config)
    breakout = (index > upper) & (index >= config.min_level)
    started = breakout & ~np.concatenate([[False], breakout[:-1]])
    signals = series["deescalation"].to_numpy()
    calming = (signals > 0) & (index >= config.min_level)
    unit = _unit(series["period"])
    periods = pd.to_datetime(series["period"]).dt.date.to_numpy()
    rows = []
    for i in np.flatnonzero(started | calming):
        common = {"period": periods[i], "index": float(index[i]),
                  "baseline": float(baseline[i]), "upper": float(upper[i]),
                  "lower": float(lower[i])}
        if started[i]:
            rows.append({**common, "kind": "escalation", "message": (
                f"escalation index {index[i]:.1f} broke out of its {config.window}-{unit} "
                f"range (median {baseline[i]:.1f}, upper bound {upper[i]:.1f})")})
        if calming[i]:
            n = int(signals[i])
            rows.append({**common, "kind": "de-escalation", "message": (
                f"{n} de-escalation signal{'s' if n != 1 else ''} while the escalation "
                f"index is {index[i]:.1f} (at least {config.min_level:g})")})
    if not rows:
        return _empty(ALERT_COLUMNS)
    return pd.DataFrame(rows)[list(ALERT_COLUMNS)]


def _unit(periods: pd.Series) -> str:
    """``"week"`` for a weekly series, else ``"day"``."""
    days = pd.to_datetime(periods)
    return "week" if len(days) > 1 and (days.iloc[1] - days.iloc[0]).days == 7 else "day"


# --------------------------------------------------------------------------- signals


def _signal_of(code: str | None) -> Signal | None:
    """The de-escalation row of a CAMEO code (longest matching prefix), if any."""
    if not code:
        return None
    matches = [s for s in DEESCALATION_CODES if code.startswith(s.prefix)]
    return max(matches, key=lambda s: len(s.prefix)) if matches else None


def _signal_columns(codes: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The signal (NaN for none) and the third-party flag of each CAMEO code, looked up
    once per distinct code (a few dozen) and mapped onto the events in one pass."""
    table = {code: _signal_of(code) for code in codes.dropna().unique()}
    found = {code: row for code, row in table.items() if row is not None}
    signal = codes.map({code: row.signal for code, row in found.items()})
    third_party = codes.isin([code for code, row in found.items() if row.third_party])
    return signal, third_party


def _signals_in(events: pd.DataFrame) -> pd.DataFrame:
    """The de-escalation signals among events read by :func:`_touching`."""
    if events.empty:
        return _empty(SIGNAL_COLUMNS)
    signal, third_party = _signal_columns(events["cameo"])
    source, target = events["source_side"], events["target_side"]
    between = ((source == "a") & (target == "b")) | ((source == "b") & (target == "a"))
    one_side = (source == "") != (target == "")  # a third party and one of the sides
    third = one_side & events["source_code"].notna() & events["target_code"].notna()
    counts = signal.notna() & (between | (third & third_party))
    picked = events[counts].assign(signal=signal[counts])
    return _with_dates(picked[list(SIGNAL_COLUMNS)].reset_index(drop=True), "day")


def deescalation_signals(store: Store, a: str, b: str, *, since: str | date | None = None,
                         until: str | date | None = None) -> pd.DataFrame:
    """Events that signal de-escalation between the two sides, or from a third party
    to one of them (appeals, mediation); codes and signals as in ``DEESCALATION_CODES``.

    Returns:
        ``day``, ``canonical_id``, ``signal`` (``"appeal"``, ``"ceasefire"``,
        ``"talks"`` …), ``cameo``, ``cameo_name``, ``source_name``, ``source_code``,
        ``target_name``, ``target_code``, ``evidence_text``; in day order.
    """
    side_a, side_b = _pair(a, b)
    start, end = _range(since, until)
    return _signals_in(_touching(store, side_a, side_b, start, end))


# --------------------------------------------------------------------------- mediators


def mediators(store: Store, a: str, b: str, *, since: str | date | None = None,
              until: str | date | None = None) -> pd.DataFrame:
    """Third parties that appeal to, consult, meet or mediate with both sides.

    Returns:
        One row per third-party actor code: ``code``, ``name`` (its most frequent
        name), ``country``, ``with_a`` and ``with_b`` (events with each side),
        ``events``, ``first_day``, ``last_day``, ``cameos`` (the codes, sorted);
        most active first.
    """
    side_a, side_b = _pair(a, b)
    start, end = _range(since, until)
    return _mediators_in(_touching(store, side_a, side_b, start, end))


def _most_frequent(frame: pd.DataFrame, key: str, value: str) -> pd.Series:
    """The most frequent ``value`` of each ``key`` (ties: the first seen), by a grouped
    count rather than a Python function per group."""
    counts = frame.groupby([key, value], sort=False).size().sort_values(
        ascending=False, kind="stable")
    return counts.reset_index().drop_duplicates(key).set_index(key)[value]


def _mediators_in(events: pd.DataFrame) -> pd.DataFrame:
    """The mediators among events read by :func:`_touching`."""
    if events.empty:
        return _empty(MEDIATOR_COLUMNS)
    contact = events["cameo"].fillna("").str.startswith(MEDIATION_CODES)
    rows = []
    for mine, other in (("source", "target"), ("target", "source")):
        picked = events[contact & (events[f"{mine}_side"] == "")
                        & events[f"{other}_side"].isin(["a", "b"])
                        & events[f"{mine}_code"].notna()]
        rows.append(pd.DataFrame({
            "code": picked[f"{mine}_code"].str.upper(), "name": picked[f"{mine}_name"],
            "country": picked[f"{mine}_country"], "side": picked[f"{other}_side"],
            "day": pd.to_datetime(picked["day"]), "cameo": picked["cameo"]}))
    contacts = pd.concat(rows, ignore_index=True)
    contacts = contacts.assign(with_a=contacts["side"] == "a", with_b=contacts["side"] == "b")
    found = contacts.groupby("code").agg(
        country=("country", "first"), with_a=("with_a", "sum"), with_b=("with_b", "sum"),
        events=("side", "size"), first_day=("day", "min"), last_day=("day", "max"))
    found = found[(found["with_a"] > 0) & (found["with_b"] > 0)]
    if found.empty:
        return _empty(MEDIATOR_COLUMNS)
    kept = contacts[contacts["code"].isin(found.index)]
    found["name"] = _most_frequent(kept, "code", "name")
    found["cameos"] = (kept.drop_duplicates(["code", "cameo"]).sort_values("cameo")
                       .groupby("code")["cameo"].agg(list))
    found = found.reset_index().sort_values(["events", "code"], ascending=[False, True])
    found = _with_dates(_with_dates(found, "first_day"), "last_day")
    return found[list(MEDIATOR_COLUMNS)].reset_index(drop=True)


# --------------------------------------------------------------------------- the report


@dataclass
class DyadReport:
    """Everything known about one dyad over a range: what ``flashpoint dyad`` prints and
    ``/api/dyad`` returns. Build it with :func:`dyad_report`."""

    a: str
    b: str
    since: date | None
    until: date | None
    series: pd.DataFrame
    weekly: pd.DataFrame
    alerts: pd.DataFrame
    signals: pd.DataFrame
    mediators: pd.DataFrame
    config: EscalationConfig = field(default_factory=EscalationConfig)
    directed: bool = False

    @property
    def empty(self) -> bool:
        """No event between the sides in the range."""
        return self.series.empty or int(self.series["events"].sum()) == 0

    def totals(self) -> dict[str, Any]:
        """Headline figures: events per quad class, Goldstein, casualties, the busiest
        day, the peak and current index with its range, the trend, and counts of alerts,
        signals and mediators."""
        s = self.series
        out: dict[str, Any] = {"days": len(s), "events": 0, **dict.fromkeys(QUADS, 0),
                               "conflict": 0, "cooperation": 0, "goldstein_sum": 0.0,
                               "goldstein_mean": None, "killed": 0, "injured": 0,
                               "first_day": None, "last_day": None, "busiest_day": None,
                               "busiest_events": 0, "peak_day": None, "peak_index": 0.0,
                               "current_day": None, "current_index": 0.0,
                               "current_baseline": 0.0, "current_upper": 0.0,
                               "current_position": None, "trend": None,
                               "alerts": len(self.alerts),
                               "escalation_alerts": _kind_count(self.alerts, "escalation"),
                               "signals": len(self.signals), "mediators": len(self.mediators)}
        if self.empty:
            return out
        active = s[s["events"] > 0]
        out.update({k: int(s[k].sum()) for k in ("events", *QUADS, "killed", "injured")})
        out["conflict"] = out["q3"] + out["q4"]
        out["cooperation"] = out["q1"] + out["q2"]
        out["goldstein_sum"] = round(float(s["goldstein_sum"].sum()), 3)
        out["goldstein_mean"] = round(out["goldstein_sum"] / out["events"], 3)
        out["first_day"], out["last_day"] = active["period"].min(), active["period"].max()
        busiest = s.loc[s["events"].idxmax()]
        out["busiest_day"], out["busiest_events"] = busiest["period"], int(busiest["events"])
        peak = s.loc[s["escalation_index"].idxmax()]
        out["peak_day"], out["peak_index"] = peak["period"], round(
            float(peak["escalation_index"]), 3)
        last = s.iloc[-1]
        out.update(current_day=last["period"],
                   current_index=round(float(last["escalation_index"]), 3),
                   current_baseline=round(float(last["baseline"]), 3),
                   current_upper=round(float(last["upper"]), 3),
                   current_position=_position(last), trend=_trend(s))
        return out

    def summary(self, *, weekly: bool = False, width: int = 110) -> str:
        """The readable text ``flashpoint dyad`` prints: totals, trend, the current index
        against its range, alerts, de-escalation signals, mediators and the series
        (days with events, or every ISO week with ``weekly``)."""
        from rich.console import Console

        buffer = io.StringIO()
        console = Console(file=buffer, width=width, color_system=None, force_terminal=False,
                          highlight=False, soft_wrap=False)
        for part in _summary_parts(self, weekly=weekly):
            console.print(part)
        return buffer.getvalue().rstrip() + "\n"

    def to_dict(self, *, max_signals: int | None = MAX_SIGNALS) -> dict[str, Any]:
        """A JSON-ready dict (dates as ISO strings, NaN as None): ``a``, ``b``,
        ``since``, ``until``, ``directed``, ``config``, ``totals``, ``series``,
        ``weekly``, ``alerts``, ``signals``, ``signals_total``, ``mediators``.

        Args:
            max_signals: ``signals`` keeps the latest this many (in day order; None:
                all). A busy dyad has thousands, each with its evidence sentence, which
                would make most of the answer; ``signals_total`` (and
                ``totals["signals"]``) counts them all, the ``deescalation`` column of
                the series counts them per day, and :attr:`signals` keeps every one.
        """
        if max_signals is not None and (not isinstance(max_signals, int) or max_signals < 0):
            raise DyadInputError("max_signals", f"{max_signals!r} is not a whole number >= 0")
        shown = self.signals if max_signals is None else self.signals.tail(max_signals)
        return {"a": self.a, "b": self.b, "since": json_value(self.since),
                "until": json_value(self.until), "directed": self.directed,
                "config": asdict(self.config),
                "totals": {k: json_value(v) for k, v in self.totals().items()},
                "series": json_records(self.series), "weekly": json_records(self.weekly),
                "alerts": json_records(self.alerts), "signals": json_records(shown),
                "signals_total": len(self.signals), "mediators": json_records(self.mediators)}


def _kind_count(frame: pd.DataFrame, kind: str) -> int:
    return int((frame["kind"] == kind).sum()) if len(frame) else 0


def _position(row: pd.Series) -> str:
    if row["escalation_index"] > row["upper"]:
        return "above range"
    if row["escalation_index"] < row["lower"]:
        return "below range"
    return "within range"


def _trend(series: pd.DataFrame) -> str:
    """``"rising"``/``"falling"`` when the index moved by more than 10 % of the larger
    value (and more than 0.1) over the last 3 days, else ``"flat"``."""
    index = series["escalation_index"].to_numpy(dtype=float)
    now = index[-1]
    before = index[-1 - _TREND_DAYS] if len(index) > _TREND_DAYS else 0.0
    tolerance = max(0.1, 0.1 * max(now, before))
    if now - before > tolerance:
        return "rising"
    if before - now > tolerance:
        return "falling"
    return "flat"


def _summary_parts(report: DyadReport, *, weekly: bool) -> list[Any]:
    t = {k: json_value(v) for k, v in report.totals().items()}
    arrow = "→" if report.directed else "–"
    span = (f"{json_value(report.since) or t['first_day'] or '…'} to "
            f"{json_value(report.until) or t['last_day'] or '…'}")
    head = f"Dyad {report.a} {arrow} {report.b}, {span}"
    if report.empty:
        return [head, f"No events between {report.a} and {report.b} in this range. Check the "
                "codes (ISO3 countries such as IND, or actor codes such as USAGOV) and the "
                "dates, or list what the store holds with `flashpoint events`."]
    parts: list[Any] = [head + f" ({t['days']} days, {t['events']} events)", "",
                        _totals_table(t), "", *_index_lines(t, report.config), ""]
    parts += _table_or_none("Alerts", report.alerts,
                            [("period", "day"), ("kind", "kind"), ("index", "index"),
                             ("message", "why")])
    parts += _table_or_none("De-escalation signals", report.signals,
                            [("day", "day"), ("signal", "signal"), ("source_code", "source"),
                             ("cameo", "cameo"), ("target_code", "target"),
                             ("evidence_text", "evidence")])
    parts += _table_or_none("Third-party mediators", report.mediators,
                            [("code", "code"), ("name", "name"), ("with_a", f"with {report.a}"),
                             ("with_b", f"with {report.b}"), ("first_day", "first"),
                             ("last_day", "last"), ("cameos", "cameo codes")])
    frame = report.weekly if weekly else report.series[report.series["events"] > 0]
    parts += _table_or_none("Weekly series" if weekly else "Days with events", frame,
                            [("period", "week of" if weekly else "day"), ("events", "events"),
                             *((q, q) for q in QUADS), ("goldstein_mean", "Goldstein"),
                             ("killed", "killed"), ("escalation_index", "index"),
                             ("deescalation", "signals")])
    return parts


def _totals_table(t: dict[str, Any]) -> Any:
    from rich.table import Table

    table = Table(title="Totals", show_header=False, title_justify="left")
    table.add_column("what")
    table.add_column("value", justify="right")
    for quad in QUADS:
        table.add_row(QUAD_NAMES[quad], str(t[quad]))
    table.add_row("Goldstein sum / mean", f"{t['goldstein_sum']:.1f} / {t['goldstein_mean']:.2f}")
    table.add_row("killed / injured", f"{t['killed']} / {t['injured']}")
    events = t["busiest_events"]
    table.add_row("busiest day", f"{t['busiest_day']} ({events} event{'s' * (events != 1)})")
    table.add_row("peak escalation index", f"{t['peak_index']:.1f} on {t['peak_day']}")
    return table


def _index_lines(t: dict[str, Any], c: EscalationConfig) -> list[str]:
    """Where the index stands against its range, and how it is computed."""
    return [
        f"Escalation index on {t['current_day']}: {t['current_index']:.1f}, "
        f"{t['current_position']} (median {t['current_baseline']:.1f}, upper "
        f"{t['current_upper']:.1f} over the previous {c.window} days); trend {t['trend']} "
        f"over {_TREND_DAYS} days.",
        f"Index: EWMA (half-life {c.halflife:g} d) of material-conflict Goldstein × (1 + "
        f"{c.fatality_weight:g}·ln(1 + killed)); alert when above median + {c.threshold:g}×MAD "
        f"and at least {c.min_level:g}."]


def _table_or_none(title: str, frame: pd.DataFrame, columns: list[tuple[str, str]]
                   ) -> list[Any]:
    from rich.table import Table

    if frame.empty:
        return [f"{title}: none", ""]
    table = Table(title=f"{title} ({len(frame)})", title_justify="left", expand=False)
    for _, header in columns:
        table.add_column(header, overflow="fold",
                         max_width=60 if header in ("why", "evidence") else None)
    for row in frame.to_dict("records"):
        table.add_row(*(_text(row[name]) for name, _ in columns))
    return [table, ""]


def _text(value: Any) -> str:
    value = json_value(value)
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    text = str(value)
    return text if len(text) <= 160 else text[:159] + "…"


def dyad_report(store: Store, a: str, b: str, *, since: str | date | None = None,
                until: str | date | None = None, directed: bool = False,
                config: EscalationConfig = EscalationConfig()) -> DyadReport:  # noqa: B008
    """The daily and weekly series, alerts, de-escalation signals and mediators of a
    dyad over a range (the index and alerts warmed up on the days before ``since``).

    Raises:
        DyadInputError: a bad side or date.
    """
    side_a, side_b = _pair(a, b)
    start, end = _range(since, until)
    full, signals, touching = _full_series(store, side_a, side_b, start, end, directed, config)
    found = alerts(full, config)
    series = _with_dates(_trim(full, start), "period")
    weekly = _trim(_weekly(full, config, start), _monday(start))
    return DyadReport(a=side_a, b=side_b, since=start, until=end, series=series, weekly=weekly,
                      alerts=_trim(found, start), signals=_trim(signals, start, "day"),
                      mediators=_mediators_in(_trim(touching, start, "day")),
                      config=config, directed=directed)


# --------------------------------------------------------------------------- chart

_QUAD_COLOURS = {"q1": "#7fb3d5", "q2": "#1f618d", "q3": "#f0b27a", "q4": "#c0392b"}


def plot_dyad(report: DyadReport, path: str | Path) -> Path:
    """Write the dyad chart as a PNG: stacked daily counts per quad class above, the
    escalation index with its recent range and the alerts below.

    Raises:
        DyadInputError: the report has no events (there is nothing to draw), or the
            file cannot be written.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    out = Path(path)
    if report.empty:
        raise DyadInputError(str(out), f"no events between {report.a} and {report.b} in "
                             "this range; nothing to plot")
    s = report.series
    days = pd.to_datetime(s["period"])
    fig = Figure(figsize=(11, 6.5), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    counts, index_ax = fig.subplots(2, 1, sharex=True, height_ratios=[3, 2])
    bottom = np.zeros(len(s))
    for quad in QUADS:
        values = s[quad].to_numpy(dtype=float)
        counts.bar(days, values, bottom=bottom, width=0.9, color=_QUAD_COLOURS[quad],
                   label=QUAD_NAMES[quad])
        bottom += values
    counts.set_ylim(0, max(1.0, bottom.max()) * 1.3)  # room for the legend
    counts.set_ylabel("events per day")
    counts.legend(loc="upper left", fontsize=8, ncols=4)
    arrow = "→" if report.directed else "–"
    counts.set_title(f"{report.a} {arrow} {report.b}")
    index_ax.fill_between(days, s["lower"], s["upper"], color="#d5d8dc", alpha=0.6,
                          label=f"recent range ({report.config.window} d)")
    index_ax.plot(days, s["escalation_index"], color="#922b21", linewidth=1.8,
                  label="escalation index")
    _mark_alerts(index_ax, report.alerts)
    index_ax.set_ylabel("escalation index")
    index_ax.legend(loc="upper left", fontsize=8)
    fig.autofmt_xdate()
    try:
        fig.savefig(out, format="png")
    except OSError as err:
        raise DyadInputError(str(out), f"cannot write the chart ({err.strerror or err})"
                             ) from None
    return out


def _mark_alerts(ax: Any, found: pd.DataFrame) -> None:
    styles = {"escalation": ("^", "#c0392b", "escalation alert"),
              "de-escalation": ("v", "#1e8449", "de-escalation alert")}
    for kind, (marker, colour, label) in styles.items():
        rows = found[found["kind"] == kind] if len(found) else found
        if len(rows):
            ax.scatter(pd.to_datetime(rows["period"]), rows["index"], marker=marker, s=70,
                       color=colour, zorder=3, label=label)


# --------------------------------------------------------------------------- overview


def top_dyads(store: Store, *, limit: int = 20, since: str | date | None = None,
              until: str | date | None = None) -> pd.DataFrame:
    """The busiest country pairs (unordered; international organisations left out).

    Returns:
        ``a``, ``b`` (alphabetical), ``events``, ``conflict`` (quad classes 3-4),
        ``cooperation`` (1-2), ``killed``, ``first_day``, ``last_day``; busiest first.
    """
    start, end = _range(since, until)
    where, params = EventFilter(since=start, until=end, negated=False).where()
    frame = store.query(
        "SELECT least(source_country, target_country) AS a, "
        "greatest(source_country, target_country) AS b, count(*) AS events, "
        "count(*) FILTER (WHERE quad_class >= 3) AS conflict, "
        "count(*) FILTER (WHERE quad_class <= 2) AS cooperation, "
        "coalesce(sum(killed), 0) AS killed, min(day) AS first_day, max(day) AS last_day "
        f"FROM events WHERE {where} AND {ON_CALENDAR} AND source_country IS NOT NULL "
        "AND target_country IS NOT NULL AND source_country <> target_country "
        "AND 'IGO' NOT IN (source_country, target_country) "
        "GROUP BY 1, 2 ORDER BY events DESC, a, b LIMIT ?", [*params, _limit(limit)])
    for column in ("events", "conflict", "cooperation", "killed"):
        frame[column] = frame[column].astype(int)
    return _with_dates(_with_dates(frame, "first_day"), "last_day")


def _limit(limit: int) -> int:
    if not isinstance(limit, int) or limit < 1:
        raise DyadInputError("limit", f"{limit!r} is not a positive whole number")
    return limit


def _dyad_arg(dyad: tuple[str, str] | str | None) -> tuple[str, str] | None:
    if dyad is None or dyad == "":
        return None
    parts = dyad.replace(":", ",").split(",") if isinstance(dyad, str) else list(dyad)
    parts = [p for p in parts if str(p).strip()]
    if len(parts) != 2:
        raise DyadInputError("dyad", f"{dyad!r}: give two sides, e.g. IND,PAK")
    return _pair(parts[0], parts[1])


def network(store: Store, *, dyad: tuple[str, str] | str | None = None,
            since: str | date | None = None, until: str | date | None = None,
            limit: int = 40) -> dict[str, Any]:
    """The actor network: actors (by code) and who acted on whom.

    Args:
        dyad: only events with an actor of either side (``("IND", "PAK")`` or
            ``"IND,PAK"``), which brings in third parties such as mediators.
        limit: keep the most active actors.

    Returns:
        ``{"nodes": [{"id", "name", "country", "events"}], "edges": [{"source",
        "target", "events", "conflict", "cooperation", "goldstein"}]}``; edges are
        directed (source acts on target) and ``goldstein`` is their mean score.
    """
    pair = _dyad_arg(dyad)
    start, end = _range(since, until)
    flt = EventFilter(since=start, until=end, negated=False)
    extra = [_side_where(pair[0]), _side_where(pair[1])] if pair else []
    frame = _read(store, flt, extra)
    frame = frame[frame["source_code"].notna() & frame["target_code"].notna()
                  & (frame["source_code"] != frame["target_code"])]
    if frame.empty:
        return {"nodes": [], "edges": []}
    ends = pd.concat([
        frame[["source_code", "source_name", "source_country"]].set_axis(
            ["id", "name", "country"], axis=1),
        frame[["target_code", "target_name", "target_country"]].set_axis(
            ["id", "name", "country"], axis=1)], ignore_index=True)
    nodes = ends.groupby("id").agg(country=("country", "first"), events=("name", "size"))
    nodes = nodes.reset_index().sort_values(["events", "id"], ascending=[False, True])
    nodes = nodes.head(_limit(limit))
    nodes.insert(1, "name", nodes["id"].map(_most_frequent(ends, "id", "name")))
    kept = set(nodes["id"])
    links = frame[frame["source_code"].isin(kept) & frame["target_code"].isin(kept)]
    links = links.assign(conflict=links["quad_class"] >= 3, cooperation=links["quad_class"] <= 2)
    edges = links.groupby(["source_code", "target_code"]).agg(
        events=("canonical_id", "size"), conflict=("conflict", "sum"),
        cooperation=("cooperation", "sum"), goldstein=("goldstein", "mean")).reset_index()
    edges = edges.rename(columns={"source_code": "source", "target_code": "target"})
    edges["goldstein"] = edges["goldstein"].round(3)
    return {"nodes": json_records(nodes), "edges": json_records(edges)}
