#!/usr/bin/env python3
"""Run-vectorized NumPy implementation of Entente's model v2, written from
docs/MODEL.md only (plus the scenario files), to check that the document is
a complete contract: the same model, the same outcome shares.

Every state array has the run index first ((R, n, n) for stances,
relations, trade, drivers); only the ticks are a Python loop. Random numbers
come from NumPy (PCG64), so results agree with `entente run` in
distribution, not draw for draw. Started from the v1 reference
shared/reference/batch_numpy.py (written from the v1 MODEL.md).

Usage:
  python3 numpy_v2.py SCENARIO.toml [--runs R] [--seed S]
        [--compare outcomes.csv] [--trajectories trajectories.csv] [--time]
        [--read NAME=VALUE ...]   (alternative readings of MODEL.md, see README)
"""

from __future__ import annotations

import argparse
import csv
import math
import pathlib
import time
import tomllib

import numpy as np

DRIVERS = ["balance", "economy", "asymmetry", "identity", "alliance",
           "dispute", "sanctions", "diplomacy", "reciprocity",
           "threat", "hedging", "alliance_management", "grievance", "institutions"]
NDRV = len(DRIVERS)
(BAL, ECO, ASY, IDE, ALL, DIS, SAN, DIP, REC,
 THR, HED, AMG, GRV, INS) = range(NDRV)
V1_DRIVERS = 9
GDP_FLOOR = 0.05
INF = math.inf

UNIT = (0.0, 1.0, False, False)
SIGNED = (-1.0, 1.0, False, False)
POSITIVE = (0.0, INF, True, True)
NONNEG = (0.0, INF, False, True)
WEIGHT = (-10.0, 10.0, False, False)
# MODEL.md 7.0 (default, valid range); the order is the sampling order of 7.8.
SETTING_SPEC = {
    "eta": (0.2, (0.0, 1.0, True, False)),
    "noise": (0.03, UNIT),
    "initial_noise": (0.0, UNIT),
    "economy_scale": (0.05, POSITIVE),
    "asymmetry_scale": (0.05, POSITIVE),
    "volatility": (0.0, (0.0, 0.5, False, False)),
    "temperature": (1.0, (0.1, 10.0, False, False)),
    "imposer_sanctions": (1.0, UNIT),
    "energy_lock": (1.0, UNIT),
    "goods_lock": (0.5, UNIT),
    "grievance_half_life": (3.0, (0.05, 1000.0, False, False)),
    "institution_growth": (0.0, SIGNED),
    "identity_drift": (0.0, UNIT),
    "gdp_elasticity": (0.5, (0.0, 3.0, False, False)),
    "trade_follows_flag": (0.0, (0.0, 5.0, False, False)),
    "flag_lag": (12.0, (1.0, 1200.0, False, False)),
    "price_adjustment": (12.0, (1.0, 1200.0, False, False)),
    "diversion": (0.0, UNIT),
    "diversion_ramp": (12.0, (0.0, 1200.0, False, False)),
}
ECONOMY_SETTINGS = {"volatility", "gdp_elasticity", "trade_follows_flag", "flag_lag",
                    "price_adjustment", "diversion", "diversion_ramp"}
ACTOR_SPEC = {
    "size": (None, POSITIVE),
    "gdp": (1.0, POSITIVE),
    "gdp_growth": (0.0, (-1.0, 1.0, True, True)),
    "military": (0.0, NONNEG),
    "energy_rent": (0.0, SIGNED),
    "import_compression": (0.0, (0.0, 3.0, False, False)),
}
ACTOR_FIELDS = list(ACTOR_SPEC)
DYAD_SPEC = {"trade": NONNEG, "energy_share": UNIT, "alliance": UNIT,
             "dispute": UNIT, "relation": SIGNED}
DYAD_FIELDS = list(DYAD_SPEC)
EVENT_SPEC = {
    "probability": (1.0, UNIT), "factor": (1.0, POSITIVE),
    "intensity": (0.5, UNIT), "coverage": (0.0, UNIT),
    "strength": (0.3, SIGNED), "concession": (0.0, UNIT),
    "offer": (1.0, POSITIVE), "multiplier": (1.0, POSITIVE),
    "level": (0.0, UNIT), "deepen": (0.0, SIGNED),
    "value": (0.0, (-1.7976931348623157e308, 1.7976931348623157e308, False, False)),
}
EVENT_FIELDS = list(EVENT_SPEC)

# Alternative readings of ambiguous MODEL.md sentences (README, "Readings").
READ = {
    "open": "value",        # diversion: 'open' partner = sigma==0 and S==1 (values) | 'event': no active sanctions event names the pair
}


# --------------------------------------------------------------------------
# Scenario files: extends and overlays (not described in MODEL.md; as the
# v1 reference does it)
# --------------------------------------------------------------------------

def _merge_tables(base, top):
    if base is None:
        return top
    if top is None:
        return base
    out = dict(base)
    out.update(top)
    return out


def _merge_actor(base, top):
    out = dict(base)
    out.update(top)
    out["identity"] = _merge_tables(base.get("identity"), top.get("identity"))
    out["weights"] = _merge_tables(base.get("weights"), top.get("weights"))
    return {k: v for k, v in out.items() if v is not None}


def _by_key(base, top, key, merge):
    out = list(base)
    for item in top:
        k = key(item)
        pos = next((i for i, e in enumerate(out) if k is not None and key(e) == k), None)
        if pos is None:
            out.append(item)
        else:
            out[pos] = merge(out[pos], item)
    return out


def overlay(base: dict, top: dict) -> dict:
    out = {}
    for table in ("scenario", "model", "economy", "weights", "identity"):
        merged = _merge_tables(base.get(table), top.get(table))
        if merged is not None:
            out[table] = merged
    out["actors"] = _by_key(base.get("actors", []), top.get("actors", []),
                            lambda a: a.get("id"), _merge_actor)
    out["dyads"] = _by_key(base.get("dyads", []), top.get("dyads", []),
                           lambda d: tuple(sorted(d["pair"])) if "pair" in d else None,
                           _merge_tables)
    out["institutions"] = _by_key(base.get("institutions", []), top.get("institutions", []),
                                  lambda d: d.get("name"), _merge_tables)
    out["events"] = base.get("events", []) + top.get("events", [])
    out["outcomes"] = base.get("outcomes", []) + top.get("outcomes", [])
    return out


def load_raw(path: pathlib.Path) -> dict:
    raw = tomllib.loads(path.read_text())
    ext = raw.pop("extends", None)
    if ext is None:
        return raw
    merged = None
    for base in [ext] if isinstance(ext, str) else ext:
        b = load_raw(path.parent / base)
        merged = b if merged is None else overlay(merged, b)
    return overlay(merged, raw)


# --------------------------------------------------------------------------
# Parameters (7.0, 7.8)
# --------------------------------------------------------------------------

def _clamp(x, rng_spec):
    low, high, lo_open, hi_open = rng_spec
    eps = np.finfo(float).eps
    if lo_open:
        x = np.where(x <= low, low + eps * max(abs(low), 1.0), x)
    else:
        x = np.where(x < low, low, x)
    if hi_open and math.isfinite(high):
        x = np.where(x >= high, high - eps * max(abs(high), 1.0), x)
    elif not hi_open:
        x = np.where(x > high, high, x)
    return x


def sample(spec, default, rng_spec, R, gen):
    if spec is None:
        return np.full(R, np.nan if default is None else float(default))
    if isinstance(spec, (int, float)):
        return np.full(R, float(spec))
    (form, args), = spec.items()
    if form == "uniform":
        a, b = args
        x = a + (b - a) * gen.random(R)
    elif form == "normal":
        m, sd = args
        x = m + sd * gen.standard_normal(R)
    elif form == "triangular":
        lo, mode, hi = args
        u = gen.random(R)
        split = (mode - lo) / (hi - lo)
        x = np.where(u < split, lo + np.sqrt(u * (hi - lo) * (mode - lo)),
                     hi - np.sqrt((1 - u) * (hi - lo) * (hi - mode)))
    elif form == "choice":
        vals = np.asarray(args, float)
        x = vals[np.minimum((gen.random(R) * len(vals)).astype(int), len(vals) - 1)]
    else:
        raise ValueError(f"unknown distribution {form}")
    return _clamp(x, rng_spec)


def base_value(spec, default):
    """The base value of a parameter: the number, or the distribution's mean (7.8)."""
    if spec is None:
        return default
    if isinstance(spec, (int, float)):
        return float(spec)
    (form, args), = spec.items()
    if form == "uniform":
        return 0.5 * (args[0] + args[1])
    if form == "normal":
        return args[0]
    if form == "triangular":
        return sum(args) / 3.0
    return sum(args) / len(args)


class Scenario:
    def __init__(self, path):
        raw = load_raw(pathlib.Path(path))
        self.raw = raw
        meta = raw.get("scenario", {})
        self.name = meta["name"]
        self.ticks = int(meta.get("ticks", 60))
        self.runs = int(meta.get("runs", 1000))
        self.window = int(meta.get("window", min(12, self.ticks)))
        self.tpy = float(meta.get("ticks_per_year", 12))
        self.threshold = float(meta.get("threshold", 0.2))
        self.ids = [a["id"] for a in raw["actors"]]
        self.n = len(self.ids)
        idx = self.ids.index
        if "triangles" in meta:
            self.triangles = [[idx(a) for a in t] for t in meta["triangles"]]
        elif all(a in self.ids for a in ("USA", "CHN", "RUS")):
            self.triangles = [[idx("USA"), idx("CHN"), idx("RUS")]]
        else:
            self.triangles = []
        self.dependence = raw.get("model", {}).get("dependence", "gdp")
        dims = raw.get("identity", {})
        self.dim_names = sorted(dims)
        self.dims = [(float(dims[d]["min"]), float(dims[d]["max"]),
                      float(dims[d].get("weight", 1.0))) for d in self.dim_names]
        pts = raw.get("economy", {}).get("energy_price", [[0, 1.0]])
        self.price_ticks = np.array([p[0] for p in pts], float)
        self.price_base = np.array([p[1] for p in pts], float)
        self.inst_names = [m["name"] for m in raw.get("institutions", [])]
        self.event_names = [e.get("name") for e in raw.get("events", [])]
        self.events = [self._event(e) for e in raw.get("events", [])]
        self.outcomes = [self._outcome(o) for o in raw.get("outcomes", [])]
        # Base trade (for which trade / dependence series exist).
        self.base_trade = np.zeros((self.n, self.n))
        for dy in raw.get("dyads", []):
            i, j = self._pair(dy["pair"])
            self.base_trade[i, j] = self.base_trade[j, i] = base_value(dy.get("trade"), 0.0)
        r_i = raw.get("model", {}).get("identity_drift", 0.0)
        self.record_identity = not (isinstance(r_i, (int, float)) and r_i == 0)

    def _pair(self, ids):
        return self.ids.index(ids[0]), self.ids.index(ids[1])

    def _event(self, e):
        kind = e["kind"]
        random = "probability" in e
        start = int(e.get("start", 0))
        first = max(start, 1)
        if "end" in e:
            end = int(e["end"])
        elif "duration" in e and not random:
            end = first + int(e["duration"])
        else:
            end = None
        ev = dict(kind=kind, random=random, start=start, end=end,
                  duration=int(e["duration"]) if "duration" in e else None, raw=e)
        if kind == "energy_price":
            ev["ramp"] = int(e.get("ramp", 0))
        elif kind == "sanctions":
            ev["imposers"] = [self.ids.index(a) for a in e["imposers"]]
            ev["target"] = self.ids.index(e["target"])
        elif kind == "overture":
            ev["from"], ev["to"] = self.ids.index(e["from"]), self.ids.index(e["to"])
        elif kind in ("trade_deal", "dispute"):
            ev["a"], ev["b"] = self._pair(e["pair"])
            if kind == "dispute":
                ev["path"] = ("dyad", ev["a"], ev["b"], "dispute")
        elif kind == "set":
            ev["path"] = self.parse_path(e["path"])
        elif kind == "institution":
            ev["inst"] = self.inst_names.index(e["institution"])
            ev["join"] = [self.ids.index(a) for a in e.get("join", [])]
            ev["leave"] = [self.ids.index(a) for a in e.get("leave", [])]
        else:
            raise ValueError(f"unknown event kind {kind}")
        return ev

    def parse_path(self, text):
        p = text.split(".")
        if p[0] == "weights":
            return ("weight", DRIVERS.index(p[1]))
        if p[0] in ("model", "economy") and p[1] in SETTING_SPEC:
            return ("setting", p[1])
        if p[0] == "economy" and p[1] == "energy_price":
            return ("price", int(p[2]))
        if p[0] == "actors":
            a = self.ids.index(p[1])
            if p[2] == "identity":
                return ("identity", a, self.dim_names.index(p[3]))
            if p[2] == "weights":
                return ("actor_weight", a, DRIVERS.index(p[3]))
            return ("actor", a, p[2])
        if p[0] == "dyads":
            a, b = p[1].split("-")
            return ("dyad", self.ids.index(a), self.ids.index(b), p[2])
        if p[0] == "institutions":
            return ("depth", self.inst_names.index(p[1]))
        if p[0] == "events":
            return ("event", self.event_names.index(p[1]), p[2])
        raise ValueError(f"unsupported path {text}")

    def _outcome(self, o):
        conds = []
        for c in o["when"]:
            if "pair" in c:
                a, b = self._pair(c["pair"])
                conds.append(("pair", a, b, c.get("above"), c.get("below")))
            elif "triangle" in c:
                t = [self.ids.index(x) for x in c["triangle"]]
                labels = triangle_labels([self.ids[k] for k in t])
                conds.append(("triangle", t, labels.index(c["is"])))
            elif "together" in c:
                conds.append(("together", [self.ids.index(x) for x in c["together"]]))
            elif "apart" in c:
                conds.append(("apart", *self._pair(c["apart"])))
        return dict(name=o["name"], all=o.get("require", "all") == "all", conds=conds)

    def sample_params(self, R, gen):
        raw, n = self.raw, self.n
        P = {}
        model = raw.get("model", {})
        econ = raw.get("economy", {})
        for s, (default, rs) in SETTING_SPEC.items():
            spec = econ.get(s) if s in ECONOMY_SETTINGS else model.get(s)
            P[s] = sample(spec, default, rs, R, gen)
        wt = raw.get("weights", {})
        P["weights"] = np.stack([sample(wt.get(d), 1.0 if c < V1_DRIVERS else 0.0, WEIGHT, R, gen)
                                 for c, d in enumerate(DRIVERS)], axis=1)
        D = len(self.dims)
        P["actor_w"] = np.full((R, n, NDRV), np.nan)
        P["identity"] = np.zeros((R, n, D))
        for f in ACTOR_FIELDS:
            P[f] = np.zeros((R, n))
        for a, act in enumerate(raw["actors"]):
            for f in ACTOR_FIELDS:
                default, rs = ACTOR_SPEC[f]
                if f == "gdp" and act.get("size") is not None and act.get("gdp") is None:
                    default = 1.0
                P[f][:, a] = sample(act.get(f), default, rs, R, gen)
            for d, name in enumerate(self.dim_names):
                lo, hi, _ = self.dims[d]
                P["identity"][:, a, d] = sample(act["identity"][name], None,
                                                (lo, hi, False, False), R, gen)
            for c, dname in enumerate(DRIVERS):
                spec = (act.get("weights") or {}).get(dname)
                if spec is not None:
                    P["actor_w"][:, a, c] = sample(spec, None, WEIGHT, R, gen)
        for f in DYAD_FIELDS:
            P[f] = np.zeros((R, n, n))
        for dy in raw.get("dyads", []):
            i, j = self._pair(dy["pair"])
            for f in DYAD_FIELDS:
                v = sample(dy.get(f), 0.0, DYAD_SPEC[f], R, gen)
                P[f][:, i, j] = v
                P[f][:, j, i] = v
        insts = raw.get("institutions", [])
        P["depth"] = np.zeros((R, len(insts)))
        P["members"] = np.zeros((R, len(insts), n), bool)
        for m, inst in enumerate(insts):
            P["depth"][:, m] = sample(inst.get("depth"), 0.5, UNIT, R, gen)
            for a in inst["members"]:
                P["members"][:, m, self.ids.index(a)] = True
        E = len(self.events)
        P["ev"] = {f: np.zeros((R, E)) for f in EVENT_FIELDS}
        for e, ev in enumerate(self.events):
            for f in EVENT_FIELDS:
                default, rs = EVENT_SPEC[f]
                P["ev"][f][:, e] = sample(ev["raw"].get(f), default, rs, R, gen)
        P["price"] = np.tile(self.price_base, (R, 1))
        return P


def path_get(P, path):
    kind = path[0]
    if kind == "setting":
        return P[path[1]].copy()
    if kind == "weight":
        return P["weights"][:, path[1]].copy()
    if kind == "actor":
        return P[path[2]][:, path[1]].copy()
    if kind == "identity":
        return P["identity"][:, path[1], path[2]].copy()
    if kind == "actor_weight":
        own = P["actor_w"][:, path[1], path[2]]
        return np.where(np.isnan(own), P["weights"][:, path[2]], own)
    if kind == "dyad":
        return P[path[3]][:, path[1], path[2]].copy()
    if kind == "depth":
        return P["depth"][:, path[1]].copy()
    if kind == "event":
        return P["ev"][path[2]][:, path[1]].copy()
    if kind == "price":
        return P["price"][:, path[1]].copy()
    raise ValueError(path)


def path_set(P, path, value, mask):
    value = np.broadcast_to(value, mask.shape)
    kind = path[0]
    if kind == "setting":
        P[path[1]][mask] = value[mask]
    elif kind == "weight":
        P["weights"][mask, path[1]] = value[mask]
    elif kind == "actor":
        P[path[2]][mask, path[1]] = value[mask]
    elif kind == "identity":
        P["identity"][mask, path[1], path[2]] = value[mask]
    elif kind == "actor_weight":
        P["actor_w"][mask, path[1], path[2]] = value[mask]
    elif kind == "dyad":
        P[path[3]][mask, path[1], path[2]] = value[mask]
        P[path[3]][mask, path[2], path[1]] = value[mask]
    elif kind == "depth":
        P["depth"][mask, path[1]] = value[mask]
    elif kind == "event":
        P["ev"][path[2]][mask, path[1]] = value[mask]
    elif kind == "price":
        P["price"][mask, path[1]] = value[mask]


# --------------------------------------------------------------------------
# The model (MODEL.md 3, 5, 7)
# --------------------------------------------------------------------------

def price_path(ticks, values, t):
    if t <= ticks[0]:
        return values[:, 0]
    for k in range(1, len(ticks)):
        if t <= ticks[k]:
            t0, t1 = ticks[k - 1], ticks[k]
            return values[:, k - 1] + (values[:, k] - values[:, k - 1]) * (t - t0) / (t1 - t0)
    return values[:, -1]


def weights_of(P):
    return np.where(np.isnan(P["actor_w"]), P["weights"][:, None, :], P["actor_w"])


def affinity_of(sc, P):
    R, n = P["gdp"].shape
    dmax = math.sqrt(sum(d[2] for d in sc.dims))
    if dmax <= 0:
        return np.zeros((R, n, n))
    v = P["identity"]
    sq = np.zeros((R, n, n))
    for d, (lo, hi, om) in enumerate(sc.dims):
        gap = (v[:, :, None, d] - v[:, None, :, d]) / (hi - lo)
        sq += om * gap * gap
    return 1.0 - 2.0 * np.sqrt(sq) / dmax


def ties_of(P):
    """nu_ij = 1 - prod over shared institutions (1 - depth)  (7.11)."""
    mem = P["members"].astype(float)                        # (R, M, n)
    both = mem[:, :, :, None] * mem[:, :, None, :]          # (R, M, n, n)
    keep = 1.0 - both * P["depth"][:, :, None, None]
    nu = 1.0 - keep.prod(1)
    n = nu.shape[1]
    return nu * (~np.eye(n, dtype=bool))


def macro(sc, P, t, price):
    """GDP, military, sizes at tick t for price index P(t) (7.2, 7.3)."""
    growth = (1.0 + P["gdp_growth"]) ** (t / sc.tpy)
    gdp = P["gdp"] * growth * np.maximum(GDP_FLOOR, 1.0 + P["energy_rent"] * (price[:, None] - 1.0))
    mil = P["military"] * growth
    given = ~np.isnan(P["size"])
    der = ~given
    rest = np.maximum(1.0 - np.where(given, P["size"], 0.0).sum(1), 0.0)
    tg = np.where(der, gdp, 0.0).sum(1)
    tm = np.where(der, mil, 0.0).sum(1)
    with np.errstate(invalid="ignore", divide="ignore"):
        gs = np.where(tg[:, None] > 0, gdp / tg[:, None], 0.0)
        ms = np.where(tm[:, None] > 0, mil / tm[:, None], 0.0)
    sizes = np.where(given, P["size"], rest[:, None] * 0.5 * (gs + ms))
    return gdp, sizes


def trade_of(sc, P, price, pbar, gdp, flag, xstart, Phi, S, sig, xprev, ev_state, t):
    """TR (after sanctions, with diversion) and TR0 (7.4)."""
    R, n = gdp.shape
    es = P["energy_share"]
    k = P["import_compression"]
    ksum = k[:, :, None] + k[:, None, :]
    ratio = (price / pbar)[:, None, None]
    comp = np.where(ksum == 0, 1.0, ratio ** ksum)
    prices = (1.0 - es) * comp + es * price[:, None, None]
    beta = P["gdp_elasticity"][:, None, None]
    gr = (gdp[:, :, None] * gdp[:, None, :]) / (P["gdp"][:, :, None] * P["gdp"][:, None, :])
    grav = gr ** beta
    gamma = P["trade_follows_flag"][:, None, None]
    fl = np.exp(gamma * (flag - xstart))
    TR0 = P["trade"] * prices * grav * fl * Phi
    TRs = TR0 * S
    DV = np.zeros_like(TR0)
    psi = P["diversion"]
    if (psi > 0).any() and ev_state is not None:
        started, active = ev_state
        U = TR0.copy()
        LD = P["diversion_ramp"]
        for e, ev in enumerate(sc.events):
            if ev["kind"] != "sanctions":
                continue
            act = active[:, e]
            if not act.any():
                continue
            r = ev["target"]
            c = np.where(act, P["ev"]["coverage"][:, e], 0.0)
            cut = np.zeros(R)
            for m in ev["imposers"]:
                cut += U[:, m, r] * c
                U[:, m, r] *= (1.0 - c)
                U[:, r, m] = U[:, m, r]
            with np.errstate(invalid="ignore", divide="ignore"):
                prog = np.where(LD == 0, 1.0, np.minimum(1.0, (t - started[:, e] + 1.0) / LD))
            div = psi * prog * cut * act
            if READ["open"] == "value":
                openk = (sig[:, r, :] == 0) & (S[:, r, :] == 1.0)
            else:
                openk = ~named_pairs(sc, active)[:, r, :]
            openk[:, r] = False
            om = np.where(openk, TRs[:, r, :] * (1.0 + xprev[:, r, :]) / 2.0, 0.0)
            tot = om.sum(1)
            with np.errstate(invalid="ignore", divide="ignore"):
                share = np.where(tot[:, None] > 0, om / tot[:, None], 0.0)
            add = div[:, None] * share
            DV[:, r, :] += add
            DV[:, :, r] += add
    TR = TRs + DV
    return TR, TR0


def named_pairs(sc, active):
    R = active.shape[0]
    out = np.zeros((R, sc.n, sc.n), bool)
    for e, ev in enumerate(sc.events):
        if ev["kind"] == "sanctions":
            for m in ev["imposers"]:
                out[:, m, ev["target"]] |= active[:, e]
                out[:, ev["target"], m] |= active[:, e]
    return out


def vulnerability(P, TR):
    es = P["energy_share"]
    lock = es * P["energy_lock"][:, None, None] + (1.0 - es) * P["goods_lock"][:, None, None]
    tot = TR.sum(2)
    with np.errstate(invalid="ignore", divide="ignore"):
        v = np.where(tot[:, :, None] > 0, TR / tot[:, :, None], 0.0) * lock
    return v


def simulate(sc: Scenario, R: int, gen: np.random.Generator, rec=None):
    n, T, W = sc.n, sc.ticks, sc.window
    P = sc.sample_params(R, gen)
    off = ~np.eye(n, dtype=bool)
    offf = off.astype(float)
    # Initialisation (5).
    y = P["relation"] + P["initial_noise"][:, None, None] * gen.standard_normal((R, n, n))
    y = np.clip(y, -1.0, 1.0) * off
    x = 0.5 * (y + y.transpose(0, 2, 1))
    xstart = x.copy()
    flag = x.copy()
    griev = np.maximum(0.0, -x) * off
    weights = weights_of(P)
    affinity = affinity_of(sc, P)
    ties = ties_of(P)
    walk = np.ones(R)
    price = price_path(sc.price_ticks, P["price"], 0.0).copy()
    pbar = price.copy()
    gdp, sizes = macro(sc, P, 0, price)
    ones = np.ones((R, n, n))
    zeros = np.zeros((R, n, n))
    TR, _ = trade_of(sc, P, price, pbar, gdp, flag, xstart, ones, ones, zeros, x, None, 0)
    vul = vulnerability(P, TR)
    E = len(sc.events)
    started = np.full((R, E), -1, np.int64)
    stops = np.full((R, E), -1, np.int64)
    active = np.zeros((R, E), bool)
    saved = np.zeros((R, E))
    xsum = np.zeros((R, n, n))
    window_start = T - W + 1
    if rec is not None:
        record(sc, rec, 0, x, TR, price, sizes, np.zeros((NDRV, R, n, n)), vul, griev, P)
    for t in range(1, T + 1):
        # 1. Events: transitions, then effects.
        changed = False
        for e, ev in enumerate(sc.events):
            not_started = started[:, e] < 0
            stop = (~not_started) & active[:, e] & (stops[:, e] == t)
            in_window = t >= ev["start"] and (ev["end"] is None or t < ev["end"])
            if in_window and not_started.any():
                start = not_started.copy()
                if ev["random"]:
                    start &= gen.random(R) < P["ev"]["probability"][:, e]
            else:
                start = np.zeros(R, bool)
            if start.any():
                changed = True
                started[start, e] = t
                if ev["random"]:
                    stops[start, e] = t + ev["duration"] if ev["duration"] is not None else -1
                else:
                    stops[start, e] = ev["end"] if ev["end"] is not None else -1
                active[start, e] = True
                if "path" in ev:
                    saved[start, e] = path_get(P, ev["path"])[start]
                    field = "level" if ev["kind"] == "dispute" else "value"
                    path_set(P, ev["path"], P["ev"][field][:, e], start)
                if ev["kind"] == "overture":
                    i, j = ev["from"], ev["to"]
                    lowered = np.maximum(P["dispute"][:, i, j] - P["ev"]["concession"][:, e], 0.0)
                    path_set(P, ("dyad", i, j, "dispute"), lowered, start)
                if ev["kind"] == "institution":
                    m = ev["inst"]
                    for a in ev["join"]:
                        P["members"][start, m, a] = True
                    for a in ev["leave"]:
                        P["members"][start, m, a] = False
                    P["depth"][start, m] = np.clip(P["depth"][start, m] + P["ev"]["deepen"][start, e], 0.0, 1.0)
            if stop.any():
                changed = True
                active[stop, e] = False
                if "path" in ev:
                    path_set(P, ev["path"], saved[:, e], stop)
        if changed:
            weights = weights_of(P)
            affinity = affinity_of(sc, P)
            ties = ties_of(P)
        pfac = np.ones(R)
        Phi = np.ones((R, n, n))
        S = np.ones((R, n, n))
        sig = np.zeros((R, n, n))          # sig[i, j]: sanctions j imposes on i
        dip = np.zeros((R, n, n))
        for e, ev in enumerate(sc.events):
            act = active[:, e]
            if not act.any():
                continue
            kind, vals = ev["kind"], P["ev"]
            if kind == "energy_price":
                if ev["ramp"] == 0:
                    prog = 1.0
                else:
                    prog = np.minimum((t - started[:, e] + 1.0) / ev["ramp"], 1.0)
                pfac *= np.where(act, 1.0 + (vals["factor"][:, e] - 1.0) * prog, 1.0)
            elif kind == "sanctions":
                tg = ev["target"]
                for m in ev["imposers"]:
                    sig[:, tg, m] = np.where(act, np.maximum(sig[:, tg, m], vals["intensity"][:, e]),
                                             sig[:, tg, m])
                    f = np.where(act, 1.0 - vals["coverage"][:, e], 1.0)
                    S[:, m, tg] *= f
                    S[:, tg, m] *= f
            elif kind == "overture":
                i, j = ev["from"], ev["to"]
                dip[:, i, j] += np.where(act, vals["strength"][:, e], 0.0)
                f = np.where(act, vals["offer"][:, e], 1.0)
                Phi[:, i, j] *= f
                Phi[:, j, i] *= f
            elif kind == "trade_deal":
                a, b = ev["a"], ev["b"]
                f = np.where(act, vals["multiplier"][:, e], 1.0)
                Phi[:, a, b] *= f
                Phi[:, b, a] *= f
        # 2. Price random walk.
        vol = P["volatility"]
        if (vol > 0).any():
            xi = gen.standard_normal(R)
            walk = np.where(vol > 0, walk * np.exp(vol * xi - 0.5 * vol * vol), walk)
        # 3. Stocks from x(t-1) and sig(t).
        flag = flag + (x - flag) / P["flag_lag"][:, None, None]
        lam = 0.5 ** (1.0 / (P["grievance_half_life"] * sc.tpy))
        lam = lam[:, None, None]
        griev = (lam * griev + (1.0 - lam) * (np.maximum(0.0, -x) + sig)) * off
        rN = P["institution_growth"]
        if (rN != 0).any() and P["depth"].shape[1] > 0:
            mem = P["members"].astype(float)
            both = mem[:, :, :, None] * mem[:, :, None, :] * np.triu(offf)   # i<j
            cnt = both.sum((2, 3))
            with np.errstate(invalid="ignore", divide="ignore"):
                mean = np.where(cnt > 0, (both * x[:, None]).sum((2, 3)) / cnt, 0.0)
            grow = (cnt >= 1) & (rN[:, None] != 0)
            P["depth"] = np.where(grow, np.clip(P["depth"] + (rN[:, None] / sc.tpy) * mean, 0.0, 1.0),
                                  P["depth"])
            ties = ties_of(P)
        rI = P["identity_drift"]
        if (rI != 0).any() and len(sc.dims) > 0:
            q = P["identity"]
            pull = np.maximum(0.0, x)[:, :, :, None] * (q[:, None, :, :] - q[:, :, None, :])
            step = (rI / sc.tpy)[:, None, None] * pull.sum(2) / (n - 1)
            lo = np.array([d[0] for d in sc.dims])
            hi = np.array([d[1] for d in sc.dims])
            P["identity"] = np.clip(q + step, lo, hi)
            affinity = affinity_of(sc, P)
        # 4. Economy.
        price = price_path(sc.price_ticks, P["price"], t) * pfac * walk
        pbar = pbar + (price - pbar) / P["price_adjustment"]
        gdp, sizes = macro(sc, P, t, price)
        TR, _ = trade_of(sc, P, price, pbar, gdp, flag, xstart, Phi, S, sig, x, (started, active), t)
        vul = vulnerability(P, TR)
        # 5. Drivers and stances.
        total = sizes.sum(1)
        others = total[:, None, None] - sizes[:, :, None] - sizes[:, None, :]
        with np.errstate(invalid="ignore", divide="ignore"):
            balance = np.where(others > 0, np.matmul(x * sizes[:, None, :], x) / others, 0.0)
            hx = np.maximum(0.0, -x)
            threat = np.where(others > 0, np.matmul(hx * sizes[:, None, :], hx) / others, 0.0)
        dep = TR / gdp[:, :, None]
        econ = 1.0 - np.exp(-dep / P["economy_scale"][:, None, None])
        d = vul if sc.dependence == "trade_share" else dep
        asym = -np.tanh(np.maximum(d - d.transpose(0, 2, 1), 0.0) / P["asymmetry_scale"][:, None, None])
        # hedging: -clip(y_ij - max_{k != i,j} y_ik, 0, 1)
        if n > 2:
            yo = np.where(off, y, -np.inf)
            order = np.sort(yo, axis=2)
            top1, top2 = order[:, :, -1], order[:, :, -2]
            maxother = np.where(yo == top1[:, :, None], top2[:, :, None], top1[:, :, None])
            # if the top value is tied, top2 == top1, so the formula is right for ties too
            hedge = -np.clip(y - maxother, 0.0, 1.0) * off
            # alliance management: -a_ij * max_{k != i,j} max(0,-x_ik) * max(0, y_jk)
            prod = hx[:, :, None, :] * np.maximum(0.0, y)[:, None, :, :]   # [i, j, k]
            ii = np.arange(n)
            mask = np.ones((n, n, n), bool)
            mask[ii, :, ii] = False
            mask[:, ii, ii] = False
            am = -P["alliance"] * np.where(mask, prod, 0.0).max(3)
        else:
            hedge = np.zeros_like(x)
            am = np.zeros_like(x)
        w = weights[:, :, None, :]
        sanc = -np.maximum(sig, P["imposer_sanctions"][:, None, None] * sig.transpose(0, 2, 1))
        contrib = [w[..., BAL] * balance, w[..., ECO] * econ, w[..., ASY] * asym,
                   w[..., IDE] * affinity, w[..., ALL] * P["alliance"],
                   -w[..., DIS] * P["dispute"], w[..., SAN] * sanc,
                   w[..., DIP] * np.clip(dip, -1.0, 1.0),
                   w[..., REC] * y.transpose(0, 2, 1),
                   w[..., THR] * threat, w[..., HED] * hedge, w[..., AMG] * am,
                   -w[..., GRV] * np.minimum(1.0, griev), w[..., INS] * ties]
        contrib = [c * off for c in contrib]
        field = sum(contrib)
        eta = P["eta"][:, None, None]
        shock = P["noise"][:, None, None] * gen.standard_normal((R, n, n))
        best = np.tanh(field / P["temperature"][:, None, None])
        y = np.clip(y + eta * (best - y) + shock, -1.0, 1.0) * off
        # 6. Relations.
        x = 0.5 * (y + y.transpose(0, 2, 1))
        if t >= window_start:
            xsum += x
        if rec is not None:
            record(sc, rec, t, x, TR, price, sizes, contrib, vul, griev, P)
    return xsum / W, sizes


def record(sc, rec, t, x, TR, price, sizes, contrib, vul, griev, P):
    n = x.shape[1]
    iu = np.triu_indices(n, 1)
    off = ~np.eye(n, dtype=bool)
    values = {"relation": x[:, iu[0], iu[1]], "trade": TR[:, iu[0], iu[1]],
              "price": price[:, None], "size": sizes,
              "driver": np.stack([c[:, off] for c in contrib], axis=1),
              "dependence": vul[:, off], "grievance": griev[:, off],
              "depth": P["depth"], "identity": P["identity"].reshape(len(x), -1)}
    for k, v in values.items():
        s1, s2 = rec.setdefault(k, ({}, {}))
        s1[t] = s1.get(t, 0.0) + v.sum(0)
        s2[t] = s2.get(t, 0.0) + (v * v).sum(0)
    rec["runs"] = rec.get("runs", 0) + (len(x) if t == 0 else 0)


TINY = 1e-4
FAMILY_ORDER = ["relation", "trade", "price", "size", "dependence", "grievance",
                "depth", "identity", "driver"]


def series_names(sc):
    n, ids = sc.n, sc.ids
    iu = list(zip(*np.triu_indices(n, 1)))
    offp = [(i, j) for i in range(n) for j in range(n) if i != j]
    names = {}
    for p, (i, j) in enumerate(iu):
        names[f"relation {ids[i]}-{ids[j]}"] = ("relation", p)
        names[f"trade {ids[i]}-{ids[j]}"] = ("trade", p)
    names["energy_price"] = ("price", 0)
    for a in range(n):
        names[f"size {ids[a]}"] = ("size", a)
    for p, (i, j) in enumerate(offp):
        names[f"dependence {ids[i]}->{ids[j]}"] = ("dependence", p)
        names[f"grievance {ids[i]}->{ids[j]}"] = ("grievance", p)
        for c, d in enumerate(DRIVERS):
            names[f"driver {d} {ids[i]}->{ids[j]}"] = ("driver", (c, p))
    for m, nm in enumerate(sc.inst_names):
        names[f"depth {nm}"] = ("depth", m)
    for a in range(n):
        for d, dn in enumerate(sc.dim_names):
            names[f"identity {ids[a]} {dn}"] = ("identity", a * len(sc.dim_names) + d)
    return names


def compare_trajectories(sc, rec, path, top=12, annual=None):
    names = series_names(sc)
    N = rec["runs"]
    worst, rows, rare, big, missing = {}, [], [], [], set()
    tiny, fam_z = {}, {}
    seen = set()
    ref_means = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            key = names.get(row["series"])
            if key is None:
                missing.add(row["series"].rsplit(" ", 1)[0])
                continue
            seen.add(row["series"])
            fam, idx = key
            t = int(row["tick"])
            s1, s2 = rec[fam][0][t], rec[fam][1][t]
            m1, m2 = s1[idx] / N, s2[idx] / N
            sd = math.sqrt(max(m2 - m1 * m1, 0.0))
            ref = float(row["mean"])
            ref_means[(row["series"], t)] = (ref, m1)
            se = sd * math.sqrt(2.0 / N)
            label = fam if fam != "driver" else "driver " + DRIVERS[idx[0]]
            if abs(m1 - ref) <= 1e-6 * max(abs(ref), 1e-6) + 1e-12:
                z = 0.0
            elif max(abs(m1), abs(ref)) < TINY:
                # a mean below 1e-4 made of a few runs' rare values (e.g. the threat
                # driver between two actors who are almost never both hostile to a
                # third): the sample sd underestimates such tails, z is meaningless.
                tiny[label] = tiny.get(label, 0) + 1
                continue
            elif se < 1e-12:
                rare.append(f"{row['series']} t={t}: entente {ref:.7g} numpy {m1:.7g}")
                continue
            else:
                z = (m1 - ref) / se
            fam_z.setdefault(label, []).append(z)
            if abs(z) >= abs(worst.get(label, (0, ""))[0]):
                worst[label] = (z, f"{row['series']} t={t}: entente {ref:.7g} numpy {m1:.7g} sd {sd:.3g}")
            if abs(z) > 4:
                big.append((abs(z), f"{row['series']} t={t}: z={z:+.1f} entente {ref:.7g} numpy {m1:.7g} sd {sd:.3g}"))
            rows.append(z)
    zs = np.array(rows)
    print(f"# trajectories: {len(zs)} series-ticks compared (per-tick means, z = diff / two-sample SE), "
          f"|z|>4: {(np.abs(zs) > 4).sum()}, |z|>3: {(np.abs(zs) > 3).sum()} "
          f"(expected by chance {2 * 0.00135 * len(zs):.1f})")
    print("#   family | series-ticks | |z|>3 | |z|>4 | max |z| | worst")
    for label, (z, where) in sorted(worst.items()):
        zz = np.abs(fam_z.get(label, [0.0]))
        print(f"#   {label} | {len(zz)} | {(zz > 3).sum()} | {(zz > 4).sum()} | {zz.max():.1f} | {where}")
    if tiny:
        print(f"#   not scored (both means below {TINY:g}): {tiny}")
    big.sort(reverse=True)
    for _, line in big[:top]:
        print(f"#   |z|>4: {line}")
    if rare:
        print(f"#   {len(rare)} series-ticks with zero spread here but another mean in entente, e.g. {rare[:3]}")
    extra = [k for k in names if not any(k == s for s in seen)]
    if missing:
        print(f"#   series in entente's file not modelled here: {sorted(missing)}")
    if annual:
        T = max(t for (_, t) in ref_means) + 1
        for s in annual:
            yrs = []
            for y0 in range(0, T, 12):
                ts = [t for t in range(y0, min(y0 + 12, T)) if (s, t) in ref_means]
                if ts:
                    yrs.append((np.mean([ref_means[(s, t)][0] for t in ts]),
                                np.mean([ref_means[(s, t)][1] for t in ts])))
            ch = []
            for k in range(1, len(yrs)):
                ch.append(f"year {k}: entente {100 * (yrs[k][0] / yrs[k - 1][0] - 1):+.1f}% "
                          f"numpy {100 * (yrs[k][1] / yrs[k - 1][1] - 1):+.1f}%")
            print(f"#   annual-mean change {s}: " + "; ".join(ch))


# --------------------------------------------------------------------------
# Outcomes (7.9)
# --------------------------------------------------------------------------

def triangle_labels(ids):
    out = ["loose triangle", "ménage à trois"]
    out += [f"romantic triangle, pivot {ids[p]}" for p in range(3)]
    for o in range(3):
        pair = sorted(ids[k] for k in range(3) if k != o)
        out.append(f"stable marriage {'+'.join(pair)} vs {ids[o]}")
    out.append("unit veto")
    return out


def triangle_codes(xbar, tri, theta):
    a, b, c = tri
    edges = np.stack([xbar[:, b, c], xbar[:, a, c], xbar[:, a, b]], axis=1)
    signs = np.where(edges > theta, 1, np.where(edges < -theta, -1, 0))
    amity = (signs > 0).sum(1)
    code = np.zeros(len(xbar), np.int64)
    loose = (signs == 0).any(1)
    code[~loose & (amity == 3)] = 1
    code[~loose & (amity == 0)] = 8
    rom = ~loose & (amity == 2)
    code[rom] = 2 + np.argmax(signs[rom] < 0, axis=1)
    sm = ~loose & (amity == 1)
    code[sm] = 5 + np.argmax(signs[sm] > 0, axis=1)
    return code


def bloc_masks(xbar, sizes):
    R, n = sizes.shape
    masks = np.arange(1 << (n - 1)) << 1
    bits = (masks[:, None] >> np.arange(n)) & 1
    split = (bits[:, :, None] != bits[:, None, :]).reshape(len(masks), n * n).astype(float)
    wgt = sizes[:, :, None] * sizes[:, None, :] * xbar
    energy = wgt.reshape(R, n * n) @ split.T
    tol = 1e-9 * np.abs(wgt).sum((1, 2))
    best = energy.min(1)
    ok = energy <= (best + tol)[:, None]
    out = masks[np.argmax(ok, axis=1)]
    bad = ~(np.isfinite(sizes) & (sizes > 0)).all(1) | ~np.isfinite(xbar).all((1, 2))
    out[bad] = 0
    return out


def bloc_label(ids, mask):
    side = lambda s: sorted(i for k, i in enumerate(ids) if (mask >> k) & 1 == s)
    first, second = side(0), side(1)
    if not second:
        return "one bloc: " + "+".join(first)
    if (len(second), second) < (len(first), first):
        first, second = second, first
    return "+".join(first) + " | " + "+".join(second)


def classify(sc, xbar, sizes):
    counts = {}
    for tri in sc.triangles:
        ids = [sc.ids[k] for k in tri]
        labels = triangle_labels(ids)
        code = triangle_codes(xbar, tri, sc.threshold)
        counts["triangle " + "-".join(ids)] = {labels[c]: int((code == c).sum()) for c in range(9)}
    blocs = bloc_masks(xbar, sizes)
    values, cnt = np.unique(blocs, return_counts=True)
    counts["blocs"] = {bloc_label(sc.ids, int(m)): int(c) for m, c in zip(values, cnt)}
    side = lambda a: (blocs >> a) & 1
    for o in sc.outcomes:
        results = []
        for c in o["conds"]:
            if c[0] == "pair":
                _, a, b, above, below = c
                v = xbar[:, a, b]
                ok = np.ones(len(v), bool)
                if above is not None:
                    ok &= v > above
                if below is not None:
                    ok &= v < below
            elif c[0] == "triangle":
                ok = triangle_codes(xbar, c[1], sc.threshold) == c[2]
            elif c[0] == "together":
                ok = np.all([side(a) == side(c[1][0]) for a in c[1]], axis=0)
            else:
                ok = side(c[1]) != side(c[2])
            results.append(ok)
        yes = np.all(results, axis=0) if o["all"] else np.any(results, axis=0)
        counts[o["name"]] = {"yes": int(yes.sum()), "no": int((~yes).sum())}
    return counts


def run(sc, runs, chunk, seed, rec=None):
    gen = np.random.default_rng(seed)
    total = {}
    done = 0
    while done < runs:
        r = min(chunk, runs - done)
        xbar, sizes = simulate(sc, r, gen, rec)
        for name, table in classify(sc, xbar, sizes).items():
            agg = total.setdefault(name, {})
            for label, c in table.items():
                agg[label] = agg.get(label, 0) + c
        done += r
    return total


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("scenario")
    ap.add_argument("--runs", type=int)
    ap.add_argument("--chunk", type=int)
    ap.add_argument("--seed", type=int, default=12345)
    ap.add_argument("--compare", help="entente outcomes.csv: shares side by side, difference in SE")
    ap.add_argument("--trajectories", help="entente trajectories.csv: compare per-tick means")
    ap.add_argument("--annual", nargs="*", help="series whose annual-mean changes to print")
    ap.add_argument("--time", action="store_true")
    ap.add_argument("--read", nargs="*", default=[], help="alternative readings NAME=VALUE")
    a = ap.parse_args(argv)
    for kv in a.read:
        k, v = kv.split("=")
        READ[k] = v
    sc = Scenario(a.scenario)
    runs = a.runs or sc.runs
    chunk = a.chunk or runs
    t0 = time.perf_counter()
    rec = {} if a.trajectories else None
    counts = run(sc, runs, chunk, a.seed, rec)
    secs = time.perf_counter() - t0
    print(f"# {sc.name}: {runs} runs, {secs:.2f} s, {runs / secs:.0f} runs/s, readings {READ}")
    if a.time:
        return
    if rec is not None:
        compare_trajectories(sc, rec, a.trajectories, annual=a.annual)
    ref, ref_runs = {}, {}
    if a.compare:
        with open(a.compare, newline="") as f:
            for row in csv.DictReader(f):
                ref[(row["classifier"], row["outcome"])] = float(row["share"])
                ref_runs[row["classifier"]] = ref_runs.get(row["classifier"], 0) + int(row["count"])
    print("classifier | outcome | entente | numpy | diff (pp) | diff/SE")
    custom = [o["name"] for o in sc.outcomes]
    for name, table in counts.items():
        labels = list(table)
        if a.compare and name == "blocs":
            labels += [l for (c, l) in ref if c == "blocs" and l not in table]
        for label in labels:
            if name in custom and label == "no":
                continue
            p = table.get(label, 0) / runs
            if a.compare:
                q = ref.get((name, label), 0.0)
                if p == 0 and q == 0:
                    continue
                m = ref_runs.get(name, runs)
                se = math.sqrt(max(p * (1 - p) / runs + q * (1 - q) / m, 1e-12))
                flag = "  <--" if abs(p - q) / se > 3 else ""
                print(f"{name} | {label} | {q:.4f} | {p:.4f} | {100 * (p - q):+.2f} | {(p - q) / se:+.1f}{flag}")
            else:
                print(f"{name} | {label} | {p:.4f}")


if __name__ == "__main__":
    main()
