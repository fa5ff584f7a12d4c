// detente workbench: load a scenario, move sliders, see the forecast redrawn.
// Vanilla JS, no libraries; every request goes to this server's /api.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const NS = $("curve").namespaceURI; // the SVG namespace, taken from the page itself
  const COLOURS = ["#1f5fa8", "#c0392b", "#2e8b57", "#8e44ad", "#d35400", "#16a085"];
  const MAX_UPLOAD = 256 * 1024;
  const DEBOUNCE_MS = 250;
  const DAY = 86400000;

  const state = {
    source: null, // {embedded} or {text, filename}
    scenario: null,
    params: [],
    changes: new Map(),
    timer: null,
    controller: null,
    seq: 0,
    renders: 0,
  };

  // -- small helpers -----------------------------------------------------------------
  function status(text, kind = "") {
    const el = $("status");
    el.textContent = text;
    el.className = kind;
  }

  function fmt(v) {
    if (v === null || v === undefined) return "—";
    return String(Math.round(v * 100) / 100);
  }

  function pct(p) {
    // never rounds an uncertain answer to a certain one: 0.004 reads <1%, 0.996 >99%
    if (p === null || p === undefined) return "—";
    if (p > 0 && p < 0.005) return "<1%";
    if (p < 1 && p > 0.995) return ">99%";
    return `${Math.round(p * 100)}%`;
  }

  function node(tag, attrs = {}, parent = null, text = null) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    if (text !== null) el.textContent = text;
    if (parent) parent.appendChild(el);
    return el;
  }

  function svg(tag, attrs = {}, parent = null, text = null) {
    const el = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
    if (text !== null) el.textContent = text;
    if (parent) parent.appendChild(el);
    return el;
  }

  function shorten(text, n) {
    return text.length <= n ? text : `${text.slice(0, n - 1)}…`;
  }

  function wrap(text, width, lines) {
    const out = [];
    let line = "";
    for (const word of text.split(/\s+/)) {
      if (line && (line + " " + word).length > width) {
        out.push(line);
        line = word;
      } else {
        line = line ? `${line} ${word}` : word;
      }
    }
    if (line) out.push(line);
    if (out.length > lines) {
      out.length = lines;
      out[lines - 1] = shorten(out[lines - 1] + "…", width);
    }
    return out;
  }

  async function api(path, init = {}) {
    const response = await fetch(path, init);
    let body = null;
    try {
      body = await response.json();
    } catch (_) {
      body = null;
    }
    if (!response.ok) {
      throw new Error((body && body.error) || `${response.status} ${response.statusText}`);
    }
    return body;
  }

  function intValue(id, fallback) {
    const v = Number.parseInt($(id).value, 10);
    return Number.isFinite(v) && v >= 0 ? v : fallback;
  }

  // -- names -------------------------------------------------------------------------
  function actorName(id) {
    const actor = (state.scenario.actors || []).find((a) => a.id === id);
    return actor ? actor.name : id;
  }

  function issueName(id) {
    const issue = (state.scenario.issues || []).find((i) => i.id === id);
    return issue ? issue.name : id;
  }

  // -- loading scenarios -------------------------------------------------------------
  async function loadEmbedded(name) {
    status("loading…", "busy");
    const payload = await api(`/api/scenarios/${encodeURIComponent(name)}`);
    setScenario(payload, { embedded: name });
  }

  async function upload(file) {
    if (file.size > MAX_UPLOAD) {
      status(`${file.name}: over the ${MAX_UPLOAD / 1024} KiB limit`, "error");
      return;
    }
    status("validating…", "busy");
    const text = await file.text();
    const payload = await api(`/api/validate?filename=${encodeURIComponent(file.name)}`, {
      method: "POST",
      headers: { "Content-Type": "application/yaml" },
      body: text,
    });
    const select = $("scenario-select");
    const option = new Option(`Uploaded: ${file.name}`, "");
    select.add(option);
    option.selected = true;
    setScenario(payload, { text, filename: file.name });
  }

  // a first scenario drafted from an article; each found value with its sentence
  async function importArticle() {
    const text = $("article-text").value;
    if (!text.trim()) return;
    status("drafting…", "busy");
    const payload = await api("/api/draft", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ text, filename: "article.txt" }),
    });
    const list = $("draft-findings");
    list.replaceChildren();
    for (const f of payload.findings) {
      const item = node("li", { class: f.status }, list, `${f.about} = ${f.value} (${f.status})`);
      if (f.quote) node("q", {}, item, f.quote);
    }
    const option = new Option("Drafted from the article", "");
    $("scenario-select").add(option);
    option.selected = true;
    setScenario(payload, { text: payload.text, filename: "draft.yaml" });
  }

  function setScenario(payload, source) {
    state.source = source;
    state.scenario = payload.scenario;
    state.params = payload.parameters || [];
    state.changes.clear();
    $("title").textContent = payload.title;
    buildControls();
    renderChanges();
    refresh();
  }

  // -- sliders -----------------------------------------------------------------------
  function groupOf(p) {
    let m = p.path.match(/^agreement\.signatories\.([^.]+)\.ratifiers\.([^.]+)\./);
    if (m) return [`r:${m[1]}:${m[2]}`, actorName(m[2]), `ratifies for ${actorName(m[1])}`];
    m = p.path.match(/^agreement\.signatories\.([^.]+)\./);
    if (m) return [`s:${m[1]}`, actorName(m[1]), "signs the agreement"];
    m = p.path.match(/^actors\.([^.]+)\./);
    if (m) return [`a:${m[1]}`, actorName(m[1]), "at the table"];
    return ["other", "Other", ""];
  }

  function labelOf(p) {
    const issue = p.issue || "";
    switch (p.kind) {
      case "capability": return "capability";
      case "position": return `${issue}: position`;
      case "salience": return `${issue}: salience`;
      case "tolerance": return `${issue}: tolerance`;
      case "bound": return `${issue}: ${p.path.endsWith(".0") ? "lowest" : "highest"} accepted`;
      case "term_ends": return "leader's term ends";
      default: return p.path;
    }
  }

  function niceStep(span) {
    const raw = span / 100;
    if (!(raw > 0)) return 1;
    const pow = 10 ** Math.floor(Math.log10(raw));
    for (const k of [1, 2, 5, 10]) if (k * pow >= raw) return k * pow;
    return 10 * pow;
  }

  function buildControls() {
    const box = $("controls");
    box.replaceChildren();
    if (!state.params.length) {
      node("p", { class: "hint" }, box, "No adjustable parameters: what-if edits are not available.");
      return;
    }
    const groups = new Map();
    for (const p of state.params) {
      const [key, title, role] = groupOf(p);
      if (!groups.has(key)) {
        const fieldset = node("fieldset", {}, box);
        const legend = node("legend", {}, fieldset, `${title} `);
        node("small", {}, legend, role);
        groups.set(key, fieldset);
      }
      slider(p, groups.get(key), title);
    }
  }

  function slider(p, parent, title) {
    const wrapEl = node("label", { class: "slider" }, parent);
    node("span", { class: "name" }, wrapEl, labelOf(p));
    const output = node("output", {}, wrapEl);
    const input = node("input", { type: "range" }, wrapEl);
    const was = node("span", { class: "was" }, wrapEl);
    input.dataset.path = p.path;
    input.setAttribute("aria-label", `${title}: ${labelOf(p)}`);
    let read;
    let show;
    if (p.kind === "term_ends") {
      const start = Date.parse(p.domain[0]);
      const days = Math.round((Date.parse(p.domain[1]) - start) / DAY);
      input.min = "0";
      input.max = String(days);
      input.step = "1";
      input.value = String(Math.round((Date.parse(p.value) - start) / DAY));
      read = () => new Date(start + Number(input.value) * DAY).toISOString().slice(0, 10);
      show = (v) => v;
      output.textContent = p.value;
    } else {
      const [lo, hi] = p.domain;
      const step = niceStep(hi - lo);
      input.min = String(lo);
      input.max = String(hi);
      input.step = String(step);
      input.value = String(p.value.mode);
      const digits = Math.max(0, -Math.floor(Math.log10(step)));
      read = () => Number(Number(input.value).toFixed(digits));
      show = fmt;
      output.textContent = fmt(p.value.mode);
      if (p.value.low < p.value.high) {
        was.textContent = `analyst's range ${fmt(p.value.low)}–${fmt(p.value.high)}`;
      }
      if (p.correlated && p.correlated.length) {
        // a number takes the range out of its correlation groups (docs/uncertainty.md)
        was.textContent += `; correlated (${p.correlated.join(", ")}): moving it leaves the group`;
      }
    }
    const original = output.textContent;
    input.addEventListener("input", () => {
      const value = read();
      state.changes.set(p.path, value);
      output.textContent = show(value);
      output.classList.toggle("changed", output.textContent !== original);
      renderChanges();
      schedule();
    });
  }

  function renderChanges() {
    const list = $("changes");
    list.replaceChildren();
    if (!state.changes.size) {
      node("li", { class: "hint" }, list, "None yet: move a slider.");
      return;
    }
    for (const [path, value] of state.changes) {
      const item = node("li", {}, list);
      node("code", {}, item, `${path} = ${value}`);
      const undo = node("button", { type: "button", title: "Undo this change" }, item, "undo");
      undo.addEventListener("click", () => {
        state.changes.delete(path);
        const kept = new Map(state.changes);
        buildControls();
        state.changes = kept;
        for (const [p, v] of kept) {
          const input = document.querySelector(`input[data-path="${CSS.escape(p)}"]`);
          if (input && typeof v === "number") input.value = String(v);
        }
        renderChanges();
        schedule();
      });
    }
  }

  // -- asking the server -------------------------------------------------------------
  function schedule() {
    clearTimeout(state.timer);
    status("…", "busy");
    state.timer = setTimeout(refresh, DEBOUNCE_MS);
  }

  async function refresh() {
    if (!state.source) return;
    if (state.controller) state.controller.abort();
    const controller = new AbortController();
    state.controller = controller;
    const seq = ++state.seq;
    const body = {
      ...state.source,
      runs: intValue("runs", 1000),
      seed: intValue("seed", 0),
      changes: [...state.changes].map(([path, value]) => ({ path, value })),
    };
    status("updating…", "busy");
    try {
      const result = await api("/api/whatif", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
        signal: controller.signal,
      });
      if (seq !== state.seq) return;
      render(result);
      status(`updated (${body.runs} draws)`);
    } catch (e) {
      if (e.name === "AbortError") return;
      status(e.message, "error");
    }
  }

  // -- drawing -----------------------------------------------------------------------
  function render(result) {
    const { before, after } = result;
    renderVerdict(after, before);
    renderProbability(after, before);
    renderIssues(after, before);
    renderComparison(after.document.comparison);
    $("notes").textContent = (after.notes || []).join(" ");
    state.renders += 1;
    document.body.dataset.renders = String(state.renders);
  }

  function fillList(id, items) {
    const list = $(id);
    list.replaceChildren();
    for (const text of items) node("li", {}, list, text);
  }

  function renderVerdict(after, before) {
    const v = after.verdict;
    const el = $("verdict");
    if (!v) {
      el.textContent = "The scenario names no agreement to judge.";
      el.className = "verdict";
      fillList("verdict-lines", []);
      fillList("outlook", []);
      $("verdict-before").textContent = "";
      return;
    }
    el.textContent = v.headline;
    el.className = `verdict ${v.possible ? "yes" : "no"}`;
    el.dataset.possible = String(v.possible);
    fillList("verdict-lines", v.lines);
    fillList("outlook", v.outlook);
    const b = before.verdict;
    const same = b && b.headline === v.headline && b.lines.join() === v.lines.join()
      && b.outlook.join() === v.outlook.join();
    $("verdict-before").textContent = same || !b
      ? "" : `Before your changes: ${b.headline} ${b.lines.concat(b.outlook).join(" ")}`;
  }

  function finalP(forecast) {
    // the calibrated forecast (docs/calibration.md) at the horizon, beside the dated
    // model's own P (the structural model alone)
    const a = forecast.monte_carlo && forecast.monte_carlo.agreement;
    const w = forecast.whether_and_when;
    if (!a || !w) return null;
    const dates = Object.keys(w.by).sort();
    if (!dates.length) return null;
    const last = dates[dates.length - 1];
    return { date: last, p: w.by[last], structural: a.by[last], a, w };
  }

  function renderProbability(after, before) {
    const now = finalP(after);
    const was = finalP(before);
    const el = $("p-final");
    const curve = $("curve");
    curve.replaceChildren();
    if (!now) {
      el.textContent = "—";
      el.dataset.value = "";
      svg("text", { x: 20, y: 40, fill: "#777" }, curve, (after.notes || []).join(" ") || "No curve.");
      return;
    }
    el.replaceChildren();
    el.dataset.value = String(now.p);
    el.dataset.structural = String(now.structural);
    el.append(`P(signed by ${now.date}) = ${pct(now.p)} `);
    const median = now.a.median_time ? `structural median time ${now.a.median_time}` : "structural median time: after the horizon";
    const cls = now.w.reference_class;
    // a structural P of exactly 1 is certain only within the model (docs/uncertainty.md);
    // a calibrated P computed at inputs bounded to the fitted range says so (docs/calibration.md)
    const certain = now.structural === 1 ? " (certain within the model only)" : "";
    const bounded = now.w.bounded && now.w.bounded[now.date]
      ? "; outside the range the calibration was fitted on: forecast at its edge, not extrapolated" : "";
    node("small", {}, el, `${was ? `before your changes ${pct(was.p)}; ` : ""}`
      + `structural model alone ${pct(now.structural)}${certain}; ${median}; `
      + `calibrated on ${now.w.calibration.n} cases, reference class ${cls.label}${bounded}`);
    drawCurve(curve, now, was);
  }

  function drawCurve(root, now, was) {
    const W = 820, H = 300, L = 52, R = 16, T = 44, B = 28;
    const a = now.a;
    const w = now.w;
    const pts = Object.keys(w.by).sort().map((day) => ({
      t: Date.parse(day), p: w.by[day], low: w.by_band[day][0], high: w.by_band[day][1] }));
    if (!pts.length) return;
    const t0 = Date.parse(state.scenario.as_of);
    const t1 = pts[pts.length - 1].t;
    const x = (t) => L + ((t - t0) / Math.max(1, t1 - t0)) * (W - L - R);
    const y = (p) => T + (1 - (p || 0)) * (H - T - B);
    for (const g of [0, 0.25, 0.5, 0.75, 1]) {
      svg("line", { x1: L, x2: W - R, y1: y(g), y2: y(g), stroke: "#e3e6ea" }, root);
      svg("text", { x: L - 6, y: y(g) + 4, "text-anchor": "end", "font-size": 11, fill: "#555" }, root, pct(g));
    }
    const first = new Date(t0).getUTCFullYear();
    for (let year = first + 1; Date.UTC(year, 0, 1) <= t1; year += 1) {
      const tx = x(Date.UTC(year, 0, 1));
      svg("line", { x1: tx, x2: tx, y1: H - B, y2: H - B + 4, stroke: "#555" }, root);
      svg("text", { x: tx, y: H - 8, "text-anchor": "middle", "font-size": 11, fill: "#555" }, root, String(year));
    }
    let level = 0;
    for (const [day, label] of Object.entries(a.labels || {})) {
      if (/^end of \d{4}$/.test(label)) continue;
      const tx = x(Date.parse(day));
      svg("line", { x1: tx, x2: tx, y1: T, y2: H - B, stroke: "#999", "stroke-dasharray": "2 3" }, root);
      const anchor = tx > W * 0.7 ? "end" : "start";
      const t = svg("text", { x: tx + (anchor === "end" ? -3 : 3), y: 12 + 13 * (level % 3),
        "text-anchor": anchor, "font-size": 10.5, fill: "#555" }, root, shorten(label, 48));
      svg("title", {}, t, `${day}: ${label}`);
      level += 1;
    }
    const upper = pts.map((c) => `${x(c.t)},${y(c.high)}`);
    const lower = pts.slice().reverse().map((c) => `${x(c.t)},${y(c.low)}`);
    svg("polygon", { points: upper.concat(lower).join(" "), fill: "#1f5fa8", "fill-opacity": 0.16 }, root);
    const structural = a.curve.map((c) => `${x(Date.parse(c.date))},${y(c.mean)}`).join(" ");
    svg("polyline", { points: structural, fill: "none", stroke: "#b5651d", "stroke-width": 1.4, "stroke-dasharray": "1 3" }, root);
    if (was) {
      const before = Object.keys(was.w.by).sort().map((day) => `${x(Date.parse(day))},${y(was.w.by[day])}`).join(" ");
      svg("polyline", { points: before, fill: "none", stroke: "#888", "stroke-width": 1.6, "stroke-dasharray": "5 4" }, root);
    }
    const line = pts.map((c) => `${x(c.t)},${y(c.p)}`).join(" ");
    svg("polyline", { points: line, fill: "none", stroke: "#1f5fa8", "stroke-width": 2.6 }, root);
    svg("line", { x1: L, x2: W - R, y1: H - B, y2: H - B, stroke: "#333" }, root);
  }

  // the models side by side: the `comparison` block of the forecast document, as
  // `detente forecast` prints it (report/comparison_tables.py), numbers never cut
  function renderComparison(block) {
    const table = $("comparison");
    table.replaceChildren();
    const models = [];
    for (const issue of (block && block.issues) || []) {
      for (const f of issue.forecasts) if (!models.includes(f.model)) models.push(f.model);
    }
    $("comparison-card").hidden = models.length < 2;
    if (models.length < 2) return;
    const head = node("tr", {}, node("thead", {}, table));
    for (const h of ["Issue", ...models, "Across models", "Spread"]) node("th", { scope: "col" }, head, h);
    const body = node("tbody", {}, table);
    const one = (v) => (Math.round(v * 10) / 10).toFixed(1);
    for (const issue of block.issues) {
      const row = node("tr", { "data-issue": issue.id }, body);
      node("th", { scope: "row" }, row, issue.name);
      for (const model of models) {
        const f = issue.forecasts.find((g) => g.model === model);
        if (!f || f.outcome === null || f.outcome === undefined || f.outcome_kind !== "forecast") {
          node("td", { class: "none" }, row, f && f.outcome_kind !== "forecast" ? "no agreement" : "—");
          continue;
        }
        const cell = node("td", {}, row, one(f.outcome));
        if (f.band) node("small", {}, cell, `${one(f.band.p05)}–${one(f.band.p95)}`);
      }
      const a = issue.across_models;
      node("td", {}, row, a ? `${one(a.low)}–${one(a.high)}` : "—");
      node("td", {}, row, a ? one(a.range) : "—");
    }
    $("comparison-caption").textContent = "Across models: the lowest to the highest forecast "
      + "of the models that forecast an outcome, and the spread between them; 'no agreement' "
      + "(the status quo stays) is left out. Per-model 90% bands: detente forecast --runs N.";
  }

  function renderIssues(after, before) {
    const box = $("issues");
    box.replaceChildren();
    const agreement = after.document.agreement;
    after.document.issues.forEach((issue, k) => {
      const card = node("div", { class: "card issue", "data-issue": issue.id }, box);
      node("h3", {}, card, issue.name);
      const was = before.document.issues[k];
      const verdict = agreement ? agreement.issues[issue.id] : null;
      drawIssue(card, issue, was, after.positions[issue.id] || [], verdict);
    });
  }

  function drawIssue(card, issue, was, positions, verdict) {
    const W = 820, L = 230, R = 30, ROW = 26;
    const [lo, hi] = issue.scale;
    const x = (v) => L + ((v - lo) / (hi - lo)) * (W - L - R);
    const rows = [];
    rows.push({ head: "Forecasts (◆ now, ◇ before your changes)" });
    issue.forecasts.forEach((f, k) => rows.push({ model: f, before: was ? was.forecasts[k] : null }));
    rows.push({ head: "Positions (size: capability × salience)" });
    positions.forEach((p, k) => rows.push({ actor: p, colour: COLOURS[k % COLOURS.length] }));
    if (verdict) {
      rows.push({ head: "Two-level game: what each side can ratify" });
      verdict.signatories.forEach((side, k) => {
        const colour = COLOURS[k % COLOURS.length];
        const short = actorName(side.actor).split(" (")[0];
        rows.push({ bar: side.accepts, label: `${short} signs`, colour, alpha: 0.45 });
        for (const r of side.ratifiers) {
          rows.push({ bar: r.accepts, label: `ratifier: ${actorName(r.actor)}`, colour, alpha: 0.22 });
        }
        rows.push({ bar: side.win_set, label: `⇒ win-set of ${short}`, colour, alpha: 0.85 });
      });
      rows.push({ zone: verdict });
    }
    const anchors = Object.entries(issue.anchors).map(([v, label]) => [Number(v), label]);
    const top = 8;
    const H = top + rows.length * ROW + 82;
    const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": issue.name }, card);
    const axisY = top + rows.length * ROW + 8;
    for (const [v] of anchors) {
      svg("line", { x1: x(v), x2: x(v), y1: top, y2: axisY, stroke: "#d5d9de", "stroke-dasharray": "2 3" }, root);
    }
    if (issue.status_quo !== null && issue.status_quo !== undefined) {
      const sx = x(issue.status_quo);
      svg("line", { x1: sx, x2: sx, y1: top, y2: axisY, stroke: "#666", "stroke-dasharray": "6 4" }, root);
      svg("text", { x: sx - 4, y: axisY - 4, "text-anchor": "end", "font-size": 10.5, fill: "#555" }, root, `status quo ${fmt(issue.status_quo)}`);
    }
    if (verdict) shadeZone(root, verdict, x, top, axisY);
    rows.forEach((row, k) => drawRow(root, row, top + k * ROW + ROW / 2, x, L, positions));
    svg("line", { x1: x(lo), x2: x(hi), y1: axisY, y2: axisY, stroke: "#111", "stroke-width": 3 }, root);
    const ticks = new Map([[lo, ""], [hi, ""], ...anchors]);
    const sorted = [...ticks.keys()].sort((p, q) => p - q);
    const gap = Math.min(...sorted.slice(1).map((v, i) => x(v) - x(sorted[i])), 400);
    const width = Math.min(28, Math.max(12, Math.floor(gap / 5.6)));
    for (const v of sorted) {
      svg("line", { x1: x(v), x2: x(v), y1: axisY - 5, y2: axisY + 5, stroke: "#111", "stroke-width": 2 }, root);
      const edge = x(v) > W - R - 40; // the right end: labels end at the tick
      const at = { x: edge ? x(v) + R - 2 : x(v), "text-anchor": edge ? "end" : "middle" };
      const t = svg("text", { x: x(v), y: axisY + 17, "text-anchor": "middle", "font-size": 11, "font-weight": 600 }, root, fmt(v));
      svg("title", {}, t, ticks.get(v) || "");
      wrap(ticks.get(v) || "", width, 4).forEach((line, i) => {
        svg("text", { ...at, y: axisY + 30 + 12 * i, "font-size": 10, fill: "#444" }, root, line);
      });
    }
  }

  function shadeZone(root, verdict, x, top, bottom) {
    if (verdict.zopa) {
      const [a, b] = verdict.zopa;
      svg("rect", { x: x(a) - 2, y: top, width: Math.max(4, x(b) - x(a) + 4), height: bottom - top, fill: "#2e9e48", "fill-opacity": 0.12 }, root);
    } else if (verdict.gap) {
      const a = verdict.gap.highest_acceptable.value, b = verdict.gap.lowest_acceptable.value;
      svg("rect", { x: x(a), y: top, width: Math.max(1, x(b) - x(a)), height: bottom - top, fill: "#d62728", "fill-opacity": 0.07 }, root);
    }
  }

  function label(root, text, y, L, weight = 400) {
    const t = svg("text", { x: L - 10, y: y + 4, "text-anchor": "end", "font-size": 12, "font-weight": weight }, root, shorten(text, 31));
    svg("title", {}, t, text);
  }

  // the model's answer is that no agreement is reached (see report/forecast_tables.py)
  function noAgreement(f) {
    if (f.outcome_kind) return f.outcome_kind !== "forecast";
    return f.agreement === false || f.improves_on_status_quo === false || ("agreed" in f && f.agreed === null);
  }

  function diamond(x, y, r) {
    return `${x},${y - r} ${x + r},${y} ${x},${y + r} ${x - r},${y}`;
  }

  function drawRow(root, row, y, x, L, positions) {
    if (row.head) {
      svg("text", { x: 8, y: y + 5, "font-size": 11.5, "font-weight": 700, fill: "#1f3b5c" }, root, row.head);
      return;
    }
    if (row.model) {
      const f = row.model;
      label(root, f.model, y, L);
      const old = row.before ? row.before.outcome : null;
      if (old !== null && old !== undefined && old !== f.outcome) {
        svg("polygon", { points: diamond(x(old), y, 7), fill: "#fff", stroke: "#888", "stroke-width": 1.5 }, root);
      }
      if (f.outcome === null || f.outcome === undefined || noAgreement(f)) {
        // the status quo staying is not an agreed outcome: never drawn as one
        const stays = f.outcome === null || f.outcome === undefined ? "" : `: the status quo (${fmt(f.outcome)}) stays`;
        svg("text", { x: L + 4, y: y + 4, "font-size": 11, fill: "#888", "font-style": "italic" }, root, `no agreement${stays}`);
        return;
      }
      svg("polygon", { points: diamond(x(f.outcome), y, 7), fill: "#222" }, root);
      const right = x(f.outcome) < 760;
      // a run of the expected-utility model that did not settle cycles: say so
      const cycle = f.converged === false
        ? ` (did not converge in ${f.stopped_after} rounds: it cycles; ${f.outcome_rule === "final-median" ? "last round's median" : "average over the rounds"})`
        : "";
      svg("text", { x: x(f.outcome) + (right ? 11 : -11), y: y + 4, "text-anchor": right ? "start" : "end", "font-size": 11 }, root, fmt(f.outcome) + cycle);
      return;
    }
    if (row.actor) {
      const p = row.actor;
      label(root, p.name, y, L);
      const top = Math.max(...positions.map((q) => q.weight), 1e-9);
      if (p.low < p.high) {
        svg("line", { x1: x(p.low), x2: x(p.high), y1: y, y2: y, stroke: row.colour, "stroke-opacity": 0.35, "stroke-width": 4, "stroke-linecap": "round" }, root);
      }
      svg("circle", { cx: x(p.position), cy: y, r: 3 + 7 * Math.sqrt(p.weight / top), fill: row.colour, stroke: "#fff" }, root);
      return;
    }
    if (row.label !== undefined) {
      label(root, row.label, y, L);
      if (!row.bar) {
        svg("text", { x: L + 10, y: y + 4, "font-size": 11, fill: "#b0281e", "font-style": "italic" }, root, "empty: no outcome its ratifiers and it share");
        return;
      }
      const [a, b] = row.bar;
      svg("rect", { x: x(a), y: y - 8, width: Math.max(3, x(b) - x(a)), height: 16, fill: row.colour, "fill-opacity": row.alpha, stroke: row.colour, rx: 2 }, root);
      const inside = x(b) - x(a) > 60;
      svg("text", { x: inside ? (x(a) + x(b)) / 2 : x(b) + 5, y: y + 4, "text-anchor": inside ? "middle" : "start", "font-size": 11, fill: inside && row.alpha > 0.6 ? "#fff" : "#222" }, root, a === b ? fmt(a) : `${fmt(a)}–${fmt(b)}`);
      return;
    }
    if (row.zone) {
      label(root, "Zone of possible agreement", y, L, 700);
      const v = row.zone;
      if (v.zopa) {
        const [a, b] = v.zopa;
        svg("rect", { x: x(a) - 2, y: y - 8, width: Math.max(4, x(b) - x(a) + 4), height: 16, fill: "#2e9e48", rx: 2 }, root);
        svg("text", { x: x(b) + 8, y: y + 4, "font-size": 11, fill: "#1e7d36", "font-weight": 700 }, root, a === b ? `only ${fmt(a)}` : `${fmt(a)}–${fmt(b)}`);
      } else if (v.gap) {
        const a = v.gap.highest_acceptable.value, b = v.gap.lowest_acceptable.value;
        svg("line", { x1: x(a), x2: x(b), y1: y, y2: y, stroke: "#d62728", "stroke-width": 2.5 }, root);
        for (const e of [a, b]) svg("line", { x1: x(e), x2: x(e), y1: y - 7, y2: y + 7, stroke: "#d62728", "stroke-width": 2.5 }, root);
        svg("text", { x: (x(a) + x(b)) / 2, y: y - 10 + 4, "text-anchor": "middle", "font-size": 11.5, fill: "#d62728", "font-weight": 700 }, root, `gap of ${fmt(v.gap.size)} points`);
      }
    }
  }

  // -- wiring ------------------------------------------------------------------------
  function wire() {
    $("scenario-select").addEventListener("change", (event) => {
      const name = event.target.value;
      if (name) loadEmbedded(name).catch((e) => status(e.message, "error"));
    });
    $("upload").addEventListener("change", (event) => {
      const file = event.target.files[0];
      if (file) upload(file).catch((e) => status(e.message, "error"));
    });
    $("draft-article").addEventListener("click", () => {
      importArticle().catch((e) => status(e.message, "error"));
    });
    for (const id of ["runs", "seed"]) $(id).addEventListener("change", schedule);
    $("reset").addEventListener("click", () => {
      state.changes.clear();
      buildControls();
      renderChanges();
      schedule();
    });
  }

  async function init() {
    wire();
    try {
      const list = await api("/api/scenarios");
      const select = $("scenario-select");
      for (const item of list) {
        const option = new Option(shorten(item.title, 70), item.name);
        option.title = item.title;
        select.add(option);
        if (item.default) option.selected = true;
      }
      const chosen = list.find((i) => i.default) || list[0];
      if (chosen) await loadEmbedded(chosen.name);
    } catch (e) {
      status(e.message, "error");
    }
  }

  init();
})();
