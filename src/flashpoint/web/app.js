/*
 * Flashpoint dashboard: one dyad (a pair of countries or actors) at a time.
 *
 * Reads only the REST API of `flashpoint serve`. Article text, actor names and every
 * other stored string are untrusted (they come from scraped news pages), so the DOM is
 * built with createElement/textContent only, never innerHTML; strings handed to plotly
 * (which renders a small HTML subset in labels) are escaped first.
 */
"use strict";

(() => {
  const PAGE_SIZE = 25;
  const MAP_LIMIT = 500;
  const QUADS = [
    { id: 1, key: "q1", name: "Verbal cooperation", color: "#7fbf7b" },
    { id: 2, key: "q2", name: "Material cooperation", color: "#1b7837" },
    { id: 3, key: "q3", name: "Verbal conflict", color: "#f4a582" },
    { id: 4, key: "q4", name: "Material conflict", color: "#b2182b" },
  ];
  const COLORS = {
    index: "#2d3142",
    escalation: "#d7301f",
    deescalation: "#2166ac",
    signal: "#4393c3",
    land: "#fbfbf8",
    pairLand: "#fdf1d6",
    border: "#a3abb9",
    sea: "#e6eef6",
    sideA: "#2457a6",
    sideB: "#d95f02",
    other: "#7d8597",
    neutralEdge: "#9aa0aa",
  };
  const CODE_PATTERN = /^[A-Za-z0-9]{2,20}$/;
  const PLOT_CONFIG = { responsive: true, displaylogo: false,
                        modeBarButtonsToRemove: ["select2d", "lasso2d"] };

  const state = {
    a: "", b: "", since: "", until: "",
    offset: 0, total: 0,
    selected: null,            // canonical_id of the event open in the article panel
    generation: 0,             // bumps on every dyad load; late answers of older loads are dropped
    countries: new Map(),      // iso3 -> {name, bbox, rings}
    outlines: null,
    outlinesError: "",
  };

  const $ = (id) => document.getElementById(id);

  // ------------------------------------------------------------------ building the DOM

  /** An element with text children only: strings become text nodes, never markup. */
  function el(tag, options = {}, ...children) {
    const node = document.createElement(tag);
    if (options.className) node.className = options.className;
    if (options.title) node.title = options.title;
    if (options.dataset) Object.assign(node.dataset, options.dataset);
    if (options.attrs) {
      for (const [name, value] of Object.entries(options.attrs)) node.setAttribute(name, value);
    }
    for (const child of children) {
      if (child === null || child === undefined || child === "") continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  /** Text for plotly labels, which render <b>, <a href> and friends: escape the markup. */
  function plotText(value) {
    return String(value ?? "").replace(/&/g, "&amp;").replace(/</g, "&lt;")
      .replace(/>/g, "&gt;");
  }

  function fmtNumber(value, digits = 0) {
    if (value === null || value === undefined || Number.isNaN(value)) return "–";
    return Number(value).toLocaleString("en", { maximumFractionDigits: digits,
                                                minimumFractionDigits: digits });
  }

  function countryName(code) {
    return state.countries.get(code)?.name ?? code;
  }

  function pairLabel(a, b) {
    return `${countryName(a)} – ${countryName(b)}`;
  }

  function actorLabel(name, code) {
    if (name && code && name !== code) return `${name} (${code})`;
    return name || code || "—";
  }

  // ------------------------------------------------------------------ status + API

  function setStatus(text, kind = "info") {
    const box = $("status");
    clear(box);
    if (text) box.append(el("div", { className: `message ${kind}` }, text));
  }

  class ApiError extends Error {}

  /** GET a JSON endpoint; empty parameters are left out. Errors carry a readable message. */
  async function getJSON(path, params = {}) {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
      if (value !== "" && value !== null && value !== undefined) query.set(key, value);
    }
    const url = query.toString() ? `${path}?${query}` : path;
    let response;
    try {
      response = await fetch(url, { headers: { Accept: "application/json" } });
    } catch (err) {
      throw new ApiError(`Cannot reach the Flashpoint server for ${path} (${err.message}).`);
    }
    if (!response.ok) {
      let detail = response.statusText;
      try {
        const body = await response.json();
        detail = typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail);
      } catch (_) { /* the body was not JSON: keep the status text */ }
      throw new ApiError(`${path}: ${detail || "request failed"} (HTTP ${response.status})`);
    }
    return response.json();
  }

  function panelNote(container, text, kind = "") {
    clear(container);
    container.append(el(container.tagName === "UL" ? "li" : "div",
                        { className: `panel-note ${kind}`.trim() }, text));
  }

  function plotlyReady() {
    return typeof window.Plotly === "object" && window.Plotly !== null;
  }

  function drawPlot(container, traces, layout) {
    if (!plotlyReady()) {
      panelNote(container, "Charts are unavailable: /static/plotly.min.js did not load.",
                "error");
      return;
    }
    clear(container);
    const base = {
      margin: { l: 48, r: 16, t: 10, b: 36 },
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      font: { family: "system-ui, -apple-system, Segoe UI, Roboto, DejaVu Sans, sans-serif",
              size: 12, color: "#1f2430" },
      hoverlabel: { align: "left" },
    };
    window.Plotly.newPlot(container, traces, { ...base, ...layout }, PLOT_CONFIG);
  }

  // ------------------------------------------------------------------ URL state

  function readHash() {
    const params = new URLSearchParams(window.location.hash.slice(1));
    const [a, b] = (params.get("dyad") || "").split(",");
    return { a: (a || "").toUpperCase(), b: (b || "").toUpperCase(),
             since: params.get("since") || "", until: params.get("until") || "" };
  }

  function writeHash() {
    const params = new URLSearchParams({ dyad: `${state.a},${state.b}` });
    if (state.since) params.set("since", state.since);
    if (state.until) params.set("until", state.until);
    window.history.replaceState(null, "", `#${params}`);
  }

  // ------------------------------------------------------------------ picker

  async function loadOutlines() {
    try {
      state.outlines = await getJSON("/api/outlines");
      for (const country of state.outlines.countries || []) {
        state.countries.set(country.iso3, country);
      }
      const list = $("country-codes");
      for (const [code, country] of state.countries) {
        list.append(el("option", { attrs: { value: code, label: country.name } }));
      }
    } catch (err) {
      state.outlines = null;  // the map shows the error; names fall back to codes
      state.outlinesError = err.message;
    }
  }

  async function loadPicker() {
    const picker = $("dyad-picker");
    const data = await getJSON("/api/dyads", { limit: 50 });
    const pairs = data.items || [];
    clear(picker);
    for (const pair of pairs) {
      const label = `${pairLabel(pair.a, pair.b)} · ${fmtNumber(pair.events)} events`;
      picker.append(el("option", { attrs: { value: `${pair.a},${pair.b}` } }, label));
    }
    picker.append(el("option", { attrs: { value: "" } }, "Other pair: type the codes"));
    return pairs;
  }

  function syncControls() {
    $("dyad-a").value = state.a;
    $("dyad-b").value = state.b;
    $("since").value = state.since;
    $("until").value = state.until;
    const picker = $("dyad-picker");
    const values = [`${state.a},${state.b}`, `${state.b},${state.a}`];
    const match = [...picker.options].find((o) => values.includes(o.value));
    picker.value = match ? match.value : "";
  }

  function onPick() {
    const value = $("dyad-picker").value;
    if (!value) {
      $("dyad-a").focus();
      return;
    }
    [state.a, state.b] = value.split(",");
    syncControls();
    loadDyad();
  }

  function onSubmit(event) {
    event.preventDefault();
    const a = $("dyad-a").value.trim().toUpperCase();
    const b = $("dyad-b").value.trim().toUpperCase();
    const since = $("since").value;
    const until = $("until").value;
    for (const [label, code] of [["Side A", a], ["Side B", b]]) {
      if (!CODE_PATTERN.test(code)) {
        setStatus(`${label}: "${code}" is not a country or actor code (2 to 20 letters ` +
                  "or digits, e.g. IND or PAKMIL).", "error");
        return;
      }
    }
    if (a === b) {
      setStatus(`Side A and side B are both ${a}: pick two different parties.`, "error");
      return;
    }
    if (since && until && since > until) {
      setStatus(`The range starts (${since}) after it ends (${until}).`, "error");
      return;
    }
    Object.assign(state, { a, b, since, until });
    syncControls();
    loadDyad();
  }

  // ------------------------------------------------------------------ one dyad

  function rangeParams() {
    return { since: state.since, until: state.until };
  }

  /** Load every panel of the current dyad; each panel reports its own error. */
  async function loadDyad() {
    const generation = ++state.generation;
    const main = $("dashboard");
    main.dataset.state = "loading";
    delete main.dataset.dyad;
    setStatus(`Loading ${pairLabel(state.a, state.b)}…`);
    writeHash();
    closeArticle();
    state.offset = 0;
    for (const id of ["timeline", "map", "network", "alerts", "mediators"]) {
      $(id).dataset.state = "loading";
      clear($(id));
    }
    clear($("summary"));
    clear($("events-table").tBodies[0]);
    const tasks = [loadReport, loadMap, loadNetwork, (g) => loadEventsPage(g, 0)];
    const results = await Promise.allSettled(tasks.map((task) => task(generation)));
    if (generation !== state.generation) return;
    const failures = results.filter((r) => r.status === "rejected").map((r) => r.reason);
    for (const err of failures) console.warn(err);
    if (failures.length) {
      const more = failures.length > 1 ? ` (${failures.length - 1} more request(s) failed ` +
                                         "too; each panel shows its error)" : "";
      setStatus(failures[0].message + more, "error");
      main.dataset.state = "error";
    } else {
      setStatus("");
      main.dataset.state = "ready";
    }
    main.dataset.dyad = `${state.a},${state.b}`;
  }

  /** Run a panel's loader, drawing its error in the panel before passing it on. */
  async function guarded(container, generation, work) {
    try {
      await work();
      if (generation === state.generation) container.dataset.state = "ready";
    } catch (err) {
      if (generation !== state.generation) return;
      container.dataset.state = "error";
      panelNote(container, err.message, "error");
      throw err;
    }
  }

  async function loadReport(generation) {
    const containers = ["timeline", "alerts", "mediators"].map($);
    let report;
    try {
      report = await getJSON("/api/dyad", { a: state.a, b: state.b, ...rangeParams() });
    } catch (err) {
      if (generation !== state.generation) return;
      for (const node of containers) {
        node.dataset.state = "error";
        panelNote(node, err.message, "error");
      }
      throw err;
    }
    if (generation !== state.generation) return;
    renderSummary(report);
    const drawn = await Promise.allSettled([
      guarded($("timeline"), generation, async () => renderTimeline(report)),
      guarded($("alerts"), generation, async () => renderAlerts(report)),
      guarded($("mediators"), generation, async () => renderMediators(report)),
    ]);
    const failed = drawn.find((result) => result.status === "rejected");
    if (failed) throw failed.reason;
  }

  // ------------------------------------------------------------------ summary

  function renderSummary(report) {
    const box = $("summary");
    clear(box);
    const t = report.totals || {};
    box.append(el("span", { className: "pair" }, pairLabel(report.a || state.a,
                                                           report.b || state.b)));
    const stats = [
      ["Events", fmtNumber(t.events), ""],
      ["Conflict", fmtNumber(t.conflict), "conflict"],
      ["Cooperation", fmtNumber(t.cooperation), "cooperation"],
      ["Killed", fmtNumber(t.killed), "conflict"],
      ["Escalation index now", t.current_day ? `${fmtNumber(t.current_index, 1)}` : "–", ""],
      ["Trend", t.trend || "–", ""],
      ["Peak index", t.peak_day ? `${fmtNumber(t.peak_index, 1)} on ${t.peak_day}` : "–", ""],
      ["Alerts", fmtNumber(t.alerts ?? (report.alerts || []).length), ""],
      ["De-escalation signals", fmtNumber(t.signals ?? (report.signals || []).length),
       "cooperation"],
    ];
    for (const [label, value, kind] of stats) {
      box.append(el("div", { className: `stat ${kind}`.trim() },
                    el("span", { className: "value" }, value),
                    el("span", { className: "label" }, label)));
    }
  }

  // ------------------------------------------------------------------ timeline

  function renderTimeline(report) {
    const container = $("timeline");
    const series = report.series || [];
    if (!series.length) {
      panelNote(container, "No events between this pair in this range.");
      return;
    }
    const days = series.map((row) => row.period);
    const totalByDay = new Map(series.map((row) => [row.period, Number(row.events) || 0]));
    const traces = QUADS.map((quad) => ({
      type: "bar",
      name: quad.name,
      x: days,
      y: series.map((row) => Number(row[quad.key]) || 0),
      marker: { color: quad.color },
      hovertemplate: `%{y} ${plotText(quad.name.toLowerCase())}<extra></extra>`,
    }));
    traces.push({
      type: "scatter",
      mode: "lines",
      name: "Escalation index",
      x: days,
      y: series.map((row) => row.escalation_index),
      yaxis: "y2",
      line: { color: COLORS.index, width: 2 },
      hovertemplate: "index %{y:.1f}<extra></extra>",
    });
    for (const [kind, symbol, color] of [["escalation", "triangle-up", COLORS.escalation],
                                         ["de-escalation", "triangle-down",
                                          COLORS.deescalation]]) {
      const alerts = (report.alerts || []).filter((alert) => alert.kind === kind);
      if (!alerts.length) continue;
      traces.push({
        type: "scatter",
        mode: "markers",
        name: kind === "escalation" ? "Escalation alert" : "De-escalation alert",
        x: alerts.map((alert) => alert.period),
        y: alerts.map((alert) => alert.index),
        yaxis: "y2",
        marker: { symbol, size: 14, color, line: { color: "#fff", width: 1 } },
        hovertext: alerts.map((alert) => plotText(alert.message || kind)),
        hoverinfo: "text",
      });
    }
    const signalsByDay = groupBy(report.signals || [], (signal) => signal.day);
    if (signalsByDay.size) {
      const signalDays = [...signalsByDay.keys()];
      traces.push({
        type: "scatter",
        mode: "markers",
        name: "De-escalation signal",
        x: signalDays,
        y: signalDays.map((day) => (totalByDay.get(day) || 0) + 0.4),
        marker: { symbol: "diamond", size: 11, color: COLORS.signal,
                  line: { color: "#fff", width: 1 } },
        cliponaxis: false,
        hovertext: signalDays.map((day) => signalsByDay.get(day).map((signal) =>
          plotText(`${signal.signal}: ${signal.source_name || signal.source_code || "?"} → ` +
                   `${signal.target_name || signal.target_code || "?"} ` +
                   `(${signal.cameo_name || signal.cameo})`)).join("<br>")),
        hoverinfo: "text",
      });
    }
    // On a phone the legend wraps into a tall column: put it under the chart there.
    const narrow = container.clientWidth < 640;
    drawPlot(container, traces, {
      barmode: "stack",
      bargap: 0.15,
      hovermode: "x unified",
      legend: narrow ? { orientation: "h", x: 0, y: -0.12, yanchor: "top",
                         traceorder: "normal" }
                     : { orientation: "h", x: 0, y: 1.14, traceorder: "normal" },
      margin: { l: 48, r: 56, t: narrow ? 10 : 36, b: 36 },
      xaxis: { type: "date", showgrid: false },
      yaxis: { title: { text: "Events per day" }, rangemode: "tozero", gridcolor: "#edf0f4",
               fixedrange: true },
      yaxis2: { title: { text: "Escalation index" }, overlaying: "y", side: "right",
                rangemode: "tozero", showgrid: false, fixedrange: true, tickmode: "auto",
                nticks: 6 },
    });
  }

  function groupBy(items, keyOf) {
    const groups = new Map();
    for (const item of items) {
      const key = keyOf(item);
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(item);
    }
    return groups;
  }

  // ------------------------------------------------------------------ alerts, mediators

  function renderAlerts(report) {
    const list = $("alerts");
    clear(list);
    const entries = [
      ...(report.alerts || []).map((alert) => ({ day: alert.period, alert })),
      ...(report.signals || []).map((signal) => ({ day: signal.day, signal })),
    ].sort((x, y) => String(y.day).localeCompare(String(x.day)));
    if (!entries.length) {
      list.append(el("li", { className: "empty" },
                     "No alert and no de-escalation signal in this range."));
      return;
    }
    for (const entry of entries) {
      list.append(entry.alert ? alertItem(entry.alert) : signalItem(entry.signal));
    }
  }

  function alertItem(alert) {
    const detail = `index ${fmtNumber(alert.index, 1)}, recent range up to ` +
                   `${fmtNumber(alert.upper, 1)}`;
    return el("li", {},
              el("span", { className: `badge ${alert.kind}` }, alert.kind),
              el("strong", {}, String(alert.period)), " ", alert.message || "",
              el("span", { className: "sub" }, detail));
  }

  function signalItem(signal) {
    const open = el("button", { className: "linklike", attrs: { type: "button" } },
                    "Read the article");
    open.addEventListener("click", () => openEventById(signal.canonical_id));
    return el("li", { className: "article-events" },
              el("span", { className: "badge signal" }, signal.signal || "signal"),
              el("strong", {}, String(signal.day)), " ",
              `${actorLabel(signal.source_name, signal.source_code)} → ` +
              `${actorLabel(signal.target_name, signal.target_code)}: ` +
              `${signal.cameo_name || signal.cameo}`,
              el("span", { className: "sub" }, signal.evidence_text || ""), open);
  }

  function renderMediators(report) {
    const list = $("mediators");
    clear(list);
    const mediators = report.mediators || [];
    if (!mediators.length) {
      list.append(el("li", { className: "empty" },
                     "No third party reached out to both sides in this range."));
      return;
    }
    for (const m of mediators) {
      const cameos = Array.isArray(m.cameos) ? m.cameos.join(", ") : (m.cameos || "");
      list.append(el("li", {},
                     el("strong", {}, actorLabel(m.name, m.code)),
                     el("span", { className: "sub" },
                        `${fmtNumber(m.with_a)} with ${report.a || state.a}, ` +
                        `${fmtNumber(m.with_b)} with ${report.b || state.b}, ` +
                        `${fmtNumber(m.events)} events, ${m.first_day} to ${m.last_day}`),
                     cameos ? el("span", { className: "sub" }, `CAMEO ${cameos}`) : null));
    }
  }

  // ------------------------------------------------------------------ map

  async function loadMap(generation) {
    const container = $("map");
    await guarded(container, generation, async () => {
      if (!state.outlines) {
        throw new ApiError(state.outlinesError || "Country outlines are unavailable.");
      }
      const data = await getJSON("/api/events", {
        dyad: `${state.a},${state.b}`, located: true, limit: MAP_LIMIT, order: "newest",
        ...rangeParams(),
      });
      if (generation !== state.generation) return;
      renderMap(container, data.items || [], data.total || 0);
    });
  }

  /** Outline rings as one x/y pair of arrays, rings separated by nulls (one trace draws all). */
  function ringsXY(countries) {
    const x = [];
    const y = [];
    for (const country of countries) {
      for (const ring of country.rings) {
        for (let i = 0; i < ring.length; i += 2) {
          x.push(ring[i]);
          y.push(ring[i + 1]);
        }
        x.push(null);
        y.push(null);
      }
    }
    return { x, y };
  }

  /** Lon/lat box around the given countries, padded, or null when none is known. */
  function boxAround(codes) {
    const boxes = [...codes].map((code) => state.countries.get(code)?.bbox).filter(Boolean);
    if (!boxes.length) return null;
    const west = Math.min(...boxes.map((b) => b[0]));
    const south = Math.min(...boxes.map((b) => b[1]));
    const east = Math.max(...boxes.map((b) => b[2]));
    const north = Math.max(...boxes.map((b) => b[3]));
    const pad = Math.max(1.5, 0.08 * Math.max(east - west, north - south));
    return { x: [west - pad, east + pad], y: [Math.max(-90, south - pad),
                                              Math.min(90, north + pad)] };
  }

  function renderMap(container, events, total) {
    const all = ringsXY(state.countries.values());
    const pairCountries = [state.a, state.b].map((code) => code.slice(0, 3))
      .filter((code) => state.countries.has(code));
    const pair = ringsXY(pairCountries.map((code) => state.countries.get(code)));
    const traces = [
      { type: "scatter", mode: "lines", x: all.x, y: all.y, fill: "toself",
        fillcolor: COLORS.land, line: { color: COLORS.border, width: 0.7 },
        hoverinfo: "skip", showlegend: false },
      { type: "scatter", mode: "lines", x: pair.x, y: pair.y, fill: "toself",
        fillcolor: COLORS.pairLand, line: { color: "#b08a3e", width: 1 },
        hoverinfo: "skip", showlegend: false },
    ];
    for (const quad of QUADS) {
      const places = groupBy(events.filter((e) => Number(e.quad_class) === quad.id),
                             (e) => `${e.location_lat},${e.location_lon}`);
      if (!places.size) continue;
      const groups = [...places.values()];
      traces.push({
        type: "scatter",
        mode: "markers",
        name: quad.name,
        x: groups.map((g) => g[0].location_lon),
        y: groups.map((g) => g[0].location_lat),
        customdata: groups.map((g) => g[0].canonical_id),
        marker: { color: quad.color, opacity: 0.85, line: { color: "#fff", width: 1 },
                  size: groups.map((g) => 9 + 5 * Math.sqrt(g.length - 1)) },
        hovertext: groups.map((g) => mapHover(g)),
        hoverinfo: "text",
      });
    }
    const located = new Set(events.map((e) => e.location_country).filter(Boolean));
    const box = boxAround(located.size ? located : new Set(pairCountries)) ||
                { x: [-180, 180], y: [-60, 85] };
    drawPlot(container, traces, {
      showlegend: true,
      legend: { orientation: "h", y: -0.08, x: 0 },
      margin: { l: 40, r: 10, t: 10, b: 30 },
      plot_bgcolor: COLORS.sea,
      hovermode: "closest",
      dragmode: "pan",
      xaxis: { range: box.x, ticksuffix: "°", showgrid: false, zeroline: false },
      yaxis: { range: box.y, ticksuffix: "°", showgrid: false, zeroline: false,
               scaleanchor: "x", scaleratio: 1 },
    });
    if (!events.length) {
      container.append(el("div", { className: "panel-note" },
                          "No event of this pair has a known place."));
    } else if (total > events.length) {
      container.append(el("div", { className: "panel-note" },
                          `Showing the newest ${events.length} of ${total} located events.`));
    }
    if (plotlyReady() && events.length) {
      container.on("plotly_click", (click) => {
        const id = click.points?.[0]?.customdata;
        if (id) openEventById(id);
      });
    }
  }

  function mapHover(group) {
    const first = group[0];
    const place = [first.location_name, first.location_admin1, first.location_country]
      .filter(Boolean).join(", ");
    const lines = group.slice(0, 6).map((e) =>
      `${e.day}: ${e.source_name || e.source_code || "?"} → ` +
      `${e.target_name || e.target_code || "?"}, ${e.cameo_name}` +
      (e.killed ? ` (${e.killed} killed)` : ""));
    if (group.length > 6) lines.push(`…and ${group.length - 6} more`);
    return [`<b>${plotText(place)}</b>`, ...lines.map(plotText)].join("<br>");
  }

  // ------------------------------------------------------------------ network

  async function loadNetwork(generation) {
    const container = $("network");
    await guarded(container, generation, async () => {
      const data = await getJSON("/api/network", { dyad: `${state.a},${state.b}`,
                                                   ...rangeParams() });
      if (generation !== state.generation) return;
      renderNetwork(container, data);
    });
  }

  /** Nodes on a circle, grouped by country so each side's actors sit together. */
  function circularLayout(nodes) {
    const order = [...nodes].sort((x, y) =>
      String(x.country || "~").localeCompare(String(y.country || "~")) ||
      (Number(y.events) || 0) - (Number(x.events) || 0));
    const positions = new Map();
    order.forEach((node, i) => {
      const angle = Math.PI / 2 - (2 * Math.PI * i) / order.length;
      positions.set(node.id, { x: Math.cos(angle), y: Math.sin(angle), angle });
    });
    return positions;
  }

  function sideColor(node) {
    const codes = [node.id, node.country].filter(Boolean).map((c) => c.toUpperCase());
    const matches = (side) => codes.some((c) => c === side || c.startsWith(side));
    if (matches(state.a)) return COLORS.sideA;
    if (matches(state.b)) return COLORS.sideB;
    return COLORS.other;
  }

  function edgeColor(edge) {
    const conflict = Number(edge.conflict) || 0;
    const cooperation = Number(edge.cooperation) || 0;
    if (conflict > cooperation) return QUADS[3].color;
    if (cooperation > conflict) return QUADS[1].color;
    return COLORS.neutralEdge;
  }

  /**
   * The API's edges are directed (source acts on target); a straight line cannot show
   * direction, so both directions of a pair become one line whose hover lists each.
   */
  function undirectedEdges(edges) {
    const pairs = new Map();
    for (const e of edges) {
      if (e.source === e.target) continue;
      const key = [e.source, e.target].sort().join("\u0000");
      if (!pairs.has(key)) {
        pairs.set(key, { source: e.source, target: e.target, events: 0, conflict: 0,
                         cooperation: 0, parts: [] });
      }
      const pair = pairs.get(key);
      pair.events += Number(e.events) || 0;
      pair.conflict += Number(e.conflict) || 0;
      pair.cooperation += Number(e.cooperation) || 0;
      pair.parts.push(`${e.source} → ${e.target}: ${e.events} events (${e.conflict} ` +
                      `conflict, ${e.cooperation} cooperation, mean Goldstein ` +
                      `${fmtNumber(e.goldstein, 1)})`);
    }
    return [...pairs.values()];
  }

  function renderNetwork(container, data) {
    const nodes = data.nodes || [];
    const edges = undirectedEdges(data.edges || []);
    if (!nodes.length) {
      panelNote(container, "No actors of this pair in this range.");
      return;
    }
    const at = circularLayout(nodes);
    const maxEvents = Math.max(1, ...edges.map((e) => Number(e.events) || 0));
    const widthOf = (e) => 1 + Math.round(7 * Math.sqrt((Number(e.events) || 0) / maxEvents));
    // Plotly draws one width and colour per trace: bundle edges that share both.
    const bundles = groupBy(edges.filter((e) => at.has(e.source) && at.has(e.target)),
                            (e) => `${edgeColor(e)}|${widthOf(e)}`);
    const traces = [];
    for (const [key, bundle] of bundles) {
      const [color, width] = key.split("|");
      const x = [];
      const y = [];
      for (const e of bundle) {
        x.push(at.get(e.source).x, at.get(e.target).x, null);
        y.push(at.get(e.source).y, at.get(e.target).y, null);
      }
      traces.push({ type: "scatter", mode: "lines", x, y, hoverinfo: "skip",
                    showlegend: false, line: { color, width: Number(width) },
                    opacity: 0.75 });
    }
    const linked = edges.filter((e) => at.has(e.source) && at.has(e.target));
    traces.push({   // invisible midpoints carry each edge's hover text
      type: "scatter", mode: "markers", showlegend: false, hoverinfo: "text",
      x: linked.map((e) => (at.get(e.source).x + at.get(e.target).x) / 2),
      y: linked.map((e) => (at.get(e.source).y + at.get(e.target).y) / 2),
      marker: { size: 10, opacity: 0 },
      hovertext: linked.map((e) => e.parts.map(plotText).join("<br>")),
    });
    const maxNode = Math.max(1, ...nodes.map((n) => Number(n.events) || 0));
    traces.push({
      type: "scatter", mode: "markers", showlegend: false, hoverinfo: "text",
      x: nodes.map((n) => at.get(n.id).x),
      y: nodes.map((n) => at.get(n.id).y),
      marker: { size: nodes.map((n) => 10 + 18 * Math.sqrt((Number(n.events) || 0) / maxNode)),
                color: nodes.map(sideColor), line: { color: "#fff", width: 1.5 } },
      hovertext: nodes.map((n) => plotText(`${actorLabel(n.name, n.id)}: ${n.events} events`)),
    });
    traces.push({
      type: "scatter", mode: "text", showlegend: false, hoverinfo: "skip",
      x: nodes.map((n) => 1.16 * at.get(n.id).x),
      y: nodes.map((n) => 1.16 * at.get(n.id).y),
      text: nodes.map((n) => plotText(n.id)),
      textposition: nodes.map((n) => (Math.cos(at.get(n.id).angle) >= 0 ? "middle right"
                                                                       : "middle left")),
      textfont: { size: 11, color: "#39404d" },
    });
    drawPlot(container, traces, {
      margin: { l: 10, r: 10, t: 10, b: 10 },
      hovermode: "closest",
      xaxis: { visible: false, range: [-1.75, 1.75], fixedrange: true },
      yaxis: { visible: false, range: [-1.3, 1.3], scaleanchor: "x", scaleratio: 1,
               fixedrange: true },
    });
  }

  // ------------------------------------------------------------------ events table

  async function loadEventsPage(generation, offset = 0) {
    const table = $("events-table");
    const body = table.tBodies[0];
    table.dataset.state = "loading";
    try {
      const data = await getJSON("/api/events", {
        dyad: `${state.a},${state.b}`, limit: PAGE_SIZE, offset, order: "newest",
        ...rangeParams(),
      });
      if (generation !== state.generation) return;
      state.offset = offset;
      state.total = data.total || 0;
      renderEventRows(body, data.items || []);
      table.dataset.state = "ready";
    } catch (err) {
      if (generation !== state.generation) return;
      table.dataset.state = "error";
      clear(body);
      body.append(el("tr", {}, el("td", { className: "panel-note error",
                                          attrs: { colspan: "7" } }, err.message)));
      throw err;
    } finally {
      renderPager();
    }
  }

  function renderPager() {
    const from = state.total ? state.offset + 1 : 0;
    const to = Math.min(state.offset + PAGE_SIZE, state.total);
    $("page-info").textContent = `${from}–${to} of ${fmtNumber(state.total)}`;
    $("page-prev").disabled = state.offset === 0;
    $("page-next").disabled = to >= state.total;
  }

  function turnPage(step) {
    const offset = Math.max(0, state.offset + step * PAGE_SIZE);
    loadEventsPage(state.generation, offset).catch((err) => setStatus(err.message, "error"));
  }

  function renderEventRows(body, events) {
    clear(body);
    if (!events.length) {
      body.append(el("tr", {}, el("td", { className: "panel-note", attrs: { colspan: "7" } },
                                  "No events between this pair in this range.")));
      return;
    }
    for (const event of events) body.append(eventRow(event));
  }

  function eventRow(event) {
    const quad = QUADS.find((q) => q.id === Number(event.quad_class));
    const place = [event.location_name, event.location_country].filter(Boolean).join(", ");
    const row = el("tr", {
      className: event.negated ? "negated" : "",
      dataset: { canonicalId: event.canonical_id || "" },
      attrs: { tabindex: "0", title: event.evidence_text || "" },
    },
    el("td", { className: "date" }, event.day || event.date || "–"),
    el("td", { className: "actor" }, event.source_name || "—",
       el("span", { className: "code" }, event.source_code || "")),
    el("td", { className: "event" },
       quad ? el("span", { className: `badge q${quad.id}`, title: quad.name }, `Q${quad.id}`)
            : null,
       event.cameo_name || "", el("span", { className: "code" }, `CAMEO ${event.cameo}`)),
    el("td", { className: "actor" }, event.target_name || "—",
       el("span", { className: "code" }, event.target_code || "")),
    el("td", {}, place || "–"),
    el("td", { className: "num" }, event.killed ?? "–"),
    el("td", { className: "num" }, event.num_articles ?? "–"));
    if (event.canonical_id === state.selected) row.classList.add("selected");
    const open = () => openArticle(event, row);
    row.addEventListener("click", open);
    row.addEventListener("keydown", (key) => {
      if (key.key === "Enter" || key.key === " ") {
        key.preventDefault();
        open();
      }
    });
    return row;
  }

  // ------------------------------------------------------------------ article panel

  function closeArticle() {
    $("article-panel").hidden = true;
    $("reader").classList.remove("open");
    state.selected = null;
    for (const row of $("events-table").querySelectorAll("tr.selected")) {
      row.classList.remove("selected");
    }
  }

  async function openEventById(canonicalId) {
    try {
      const event = await getJSON(`/api/events/${encodeURIComponent(canonicalId)}`);
      const firstReport = (event.reports || [])[0] || {};
      await openArticle({ ...event,
                          first_article_id: event.first_article_id || firstReport.article_id });
    } catch (err) {
      setStatus(err.message, "error");
    }
  }

  async function openArticle(event, row = null) {
    const panel = $("article-panel");
    state.selected = event.canonical_id;
    for (const other of $("events-table").querySelectorAll("tr.selected")) {
      other.classList.remove("selected");
    }
    if (row) row.classList.add("selected");
    panel.hidden = false;
    panel.dataset.state = "loading";
    $("reader").classList.add("open");
    $("article-title").textContent = "Loading the article…";
    for (const id of ["article-meta", "article-text", "article-events", "article-quotes"]) {
      clear($(id));
    }
    panel.scrollIntoView({ block: "nearest" });
    if (!event.first_article_id) {
      $("article-title").textContent = "Article unavailable";
      panelNote($("article-text"), "This event has no stored article.", "error");
      panel.dataset.state = "error";
      return;
    }
    try {
      const article = await getJSON(
        `/api/articles/${encodeURIComponent(event.first_article_id)}`);
      if (state.selected !== event.canonical_id) return;  // another row was opened meanwhile
      renderArticle(article, event);
      panel.dataset.state = "ready";
    } catch (err) {
      if (state.selected !== event.canonical_id) return;
      $("article-title").textContent = "Article unavailable";
      panelNote($("article-text"), err.message, "error");
      panel.dataset.state = "error";
    }
  }

  function renderArticle(article, event) {
    renderArticleMeta(article, event);
    const own = (article.events || []).find((e) => e.canonical_id === event.canonical_id);
    showEvidence(article, own?.evidence ||
                 { text: event.evidence_text || "", start: null, end: null });
    renderArticleEvents(article);
    renderQuotes(article.quotes || []);
  }

  function safeHttpUrl(value) {
    try {
      const url = new URL(String(value));
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (_) {
      return null;
    }
  }

  function renderArticleMeta(article, event) {
    const meta = $("article-meta");
    clear(meta);
    const parts = [article.outlet, article.published, article.dateline].filter(Boolean);
    meta.append(parts.join(" · "));
    const href = safeHttpUrl(article.url);
    if (href) {
      meta.append(parts.length ? " · " : "",
                  el("a", { attrs: { href, rel: "noopener noreferrer nofollow",
                                     target: "_blank" } }, href));
    } else if (article.url) {
      meta.append(parts.length ? " · " : "", String(article.url));
    }
    meta.append(el("br"), `Event: ${event.day || event.date || ""} ` +
                `${actorLabel(event.source_name, event.source_code)} → ` +
                `${actorLabel(event.target_name, event.target_code)}: ` +
                `${event.cameo_name} (CAMEO ${event.cameo})`);
  }

  /**
   * Offsets from the server count Unicode code points; JavaScript strings count UTF-16
   * units. Convert, so text beyond an emoji or a rare CJK character is still found.
   */
  function utf16Index(text, codePoints) {
    let units = 0;
    let seen = 0;
    for (const char of text) {
      if (seen === codePoints) break;
      units += char.length;
      seen += 1;
    }
    return units;
  }

  /** Where the evidence sentence sits in the text: the stored offsets, else a search. */
  function evidenceSpan(text, evidence) {
    const wanted = evidence.text || "";
    if (Number.isInteger(evidence.start) && Number.isInteger(evidence.end)) {
      const start = utf16Index(text, evidence.start);
      const end = utf16Index(text, evidence.end);
      if (end > start && (!wanted || text.slice(start, end) === wanted)) return [start, end];
    }
    const found = wanted ? text.indexOf(wanted) : -1;
    return found >= 0 ? [found, found + wanted.length] : null;
  }

  /** Text as nodes, with the span [start, end) wrapped in <mark class="evidence">. */
  function markedText(text, span) {
    if (!span) return [text];
    const [start, end] = span;
    return [text.slice(0, start), el("mark", { className: "evidence" }, text.slice(start, end)),
            text.slice(end)];
  }

  /**
   * Show the article with one evidence sentence highlighted. The API gives offsets into
   * the field the sentence is in (``evidence.field``: "text", or "title" for a headline).
   */
  function showEvidence(article, evidence) {
    const title = $("article-title");
    const box = $("article-text");
    const text = article.text || "";
    const titleText = article.title || article.id || "Untitled article";
    const inTitle = evidence.field === "title";
    const span = evidenceSpan(inTitle ? titleText : text, evidence);
    clear(title);
    title.append(...markedText(titleText, inTitle ? span : null));
    clear(box);
    box.append(...markedText(text, inTitle ? null : span));
    if (!span && evidence.text) {
      box.prepend(el("p", { className: "panel-note" },
                     "The evidence sentence is not in the stored text: ",
                     el("mark", { className: "evidence" }, evidence.text)));
    }
    const mark = box.querySelector("mark.evidence");
    box.scrollTop = mark ? Math.max(0, mark.offsetTop - box.offsetTop - box.clientHeight / 3)
                         : 0;
  }

  function renderArticleEvents(article) {
    const list = $("article-events");
    clear(list);
    const events = article.events || [];
    if (!events.length) {
      list.append(el("li", { className: "empty" }, "No events were coded in this article."));
      return;
    }
    for (const e of events) {
      const button = el("button", { className: "linklike", attrs: { type: "button" } },
                        `${e.cameo_name} (${e.cameo})`);
      button.addEventListener("click", () => showEvidence(article, e.evidence || {}));
      list.append(el("li", { className: "article-events" }, button,
                     el("span", { className: "sub" },
                        `${actorLabel(e.source?.name, e.source?.code)} → ` +
                        `${actorLabel(e.target?.name, e.target?.code)}` +
                        (e.date ? `, ${e.date}` : "") + (e.negated ? ", negated" : ""))));
    }
  }

  function renderQuotes(quotes) {
    const list = $("article-quotes");
    clear(list);
    if (!quotes.length) {
      list.append(el("li", { className: "empty" }, "No quotes in this article."));
      return;
    }
    for (const quote of quotes) {
      const speaker = quote.speaker
        ? actorLabel(quote.speaker.name, quote.speaker.code) : "Unattributed";
      const how = [quote.direct ? "direct" : "reported", quote.channel].filter(Boolean);
      list.append(el("li", { className: "quote" },
                     el("strong", {}, speaker),
                     el("blockquote", {}, quote.direct ? `“${quote.text}”` : quote.text),
                     el("span", { className: "sub" }, how.join(", "))));
    }
  }

  /** An address typed or pasted by hand (our own updates use replaceState: no event). */
  function onHashChange() {
    const wanted = readHash();
    if (!wanted.a || !wanted.b) return;
    Object.assign(state, wanted);
    syncControls();
    loadDyad();
  }

  // ------------------------------------------------------------------ start

  async function start() {
    $("controls").addEventListener("submit", onSubmit);
    $("dyad-picker").addEventListener("change", onPick);
    $("page-prev").addEventListener("click", () => turnPage(-1));
    $("page-next").addEventListener("click", () => turnPage(1));
    $("article-close").addEventListener("click", closeArticle);
    window.addEventListener("hashchange", onHashChange);
    if (!plotlyReady()) {
      setStatus("/static/plotly.min.js did not load: charts are off, tables still work.",
                "error");
    }
    await loadOutlines();
    let pairs;
    try {
      pairs = await loadPicker();
    } catch (err) {
      setStatus(`The list of country pairs could not be loaded. ${err.message}`, "error");
      $("dashboard").dataset.state = "error";
      return;
    }
    const wanted = readHash();
    if (wanted.a && wanted.b) {
      Object.assign(state, wanted);
    } else if (pairs.length) {
      [state.a, state.b] = [pairs[0].a, pairs[0].b];
    } else {
      setStatus("The store holds no events between two countries yet: ingest articles " +
                "with `flashpoint ingest`, or type two actor codes above.");
      $("dashboard").dataset.state = "empty";
      syncControls();
      return;
    }
    syncControls();
    await loadDyad();
  }

  document.addEventListener("DOMContentLoaded", () => {
    start().catch((err) => {
      console.error(err);
      setStatus(`The dashboard failed to start: ${err.message}`, "error");
    });
  });
})();
