// The page of `staffing app`: forms in, the server's numbers out. Every number shown comes
// from the JSON API (the library's results); this file formats and draws, nothing more.
"use strict";

const $ = (id) => document.getElementById(id);
const DASH = "—";
const BLUE = "#1565c0", LIGHT = "#90caf9", PURPLE = "#6a1b9a", ORANGE = "#e65100", GREY = "#757575", GREEN = "#2e7d32";

// ------------------------------------------------------------------ formatting
function pct(v, digits = 1) { return v == null ? DASH : (100 * v).toFixed(digits) + "%"; }
function sec(v) { return v == null ? DASH : v.toFixed(1) + " s"; }
function num(v, digits = 0) {
  return v == null ? DASH : v.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
function money(v, currency) { return v == null ? DASH : num(v, 2) + " " + currency; }

async function api(method, url, body, headers) {
  const options = { method, headers: headers || {} };
  if (body !== undefined) {
    if (typeof body === "string" || body instanceof ArrayBuffer) options.body = body;
    else { options.body = JSON.stringify(body); options.headers["Content-Type"] = "application/json"; }
  }
  const response = await fetch(url, options);
  const data = await response.json();
  if (!response.ok) throw new Error(data.error || response.statusText);
  return data;
}

// Show each field's message beside it (ids PREFIX-FIELD-err), and mark the field.
function showErrors(prefix, fields, errors) {
  for (const name of fields) {
    const box = $(`${prefix}-${name}-err`);
    const input = $(`${prefix}-${name}`);
    const message = errors[name] || "";
    if (box) box.textContent = message;
    if (input) input.classList.toggle("bad", !!message);
  }
}

// ------------------------------------------------------------------ charts (uPlot)
function chartWidth(el) { return Math.max(240, el.clientWidth || 420); }

// A vertical dashed line at x = get(), drawn over the chart.
function marker(get) {
  return { hooks: { draw: [(u) => {
    const x = get();
    if (x == null) return;
    const cx = u.valToPos(x, "x", true);
    const ctx = u.ctx;
    ctx.save();
    ctx.strokeStyle = ORANGE; ctx.lineWidth = 2 * devicePixelRatio; ctx.setLineDash([5, 4]);
    ctx.beginPath(); ctx.moveTo(cx, u.bbox.top); ctx.lineTo(cx, u.bbox.top + u.bbox.height); ctx.stroke();
    ctx.restore();
  }] } };
}

function makeChart(el, title, yLabel, series, { labels = null, percent = false, plugins = [], height = 220 } = {}) {
  const values = percent ? (u, vals) => vals.map((v) => v == null ? "" : (100 * v).toFixed(0) + "%") : undefined;
  const xAxis = labels
    ? { values: (u, vals) => vals.map((v) => labels.current[Math.round(v)] ?? ""), space: 60 }
    : { label: "agents" };
  const opts = {
    title, width: chartWidth(el), height, plugins,
    scales: { x: { time: false } },
    series: [{ label: labels ? "interval" : "agents", value: labels ? (u, v) => v == null ? "" : labels.current[v] : undefined }, ...series],
    axes: [xAxis, { label: yLabel, values, size: 60 }],
    legend: { live: true },
  };
  const data = [[0], ...series.map(() => [null])];
  return track(new uPlot(opts, data, el), el, height);
}

// Charts follow their box's width when the window or the layout changes.
const tracked = [];
function track(chart, el, height) {
  tracked.push({ chart, el, height });
  return chart;
}
function fitCharts() {
  for (const { chart, el, height } of tracked) {
    if (el.isConnected && el.clientWidth && Math.abs(el.clientWidth - chart.width) > 4) chart.setSize({ width: el.clientWidth, height });
  }
}
window.addEventListener("resize", () => requestAnimationFrame(fitCharts));

const stepped = uPlot.paths && uPlot.paths.stepped ? uPlot.paths.stepped({ align: 1 }) : undefined;
function line(label, stroke, extra = {}) { return { label, stroke, width: 2, spanGaps: false, ...extra }; }
function dashed(label, stroke) { return line(label, stroke, { dash: [6, 4], width: 1.5, points: { show: false } }); }
function steps(label, stroke, extra = {}) { return line(label, stroke, { paths: stepped, ...extra }); }
function constant(xs, value) { return xs.map(() => value == null ? null : value); }

// ------------------------------------------------------------------ tabs
for (const tab of document.querySelectorAll(".tab")) {
  tab.addEventListener("click", () => {
    for (const t of document.querySelectorAll(".tab")) t.classList.toggle("active", t === tab);
    for (const s of document.querySelectorAll(".screen")) s.classList.toggle("hidden", s.id !== `screen-${tab.dataset.screen}`);
    requestAnimationFrame(fitCharts);
    if (tab.dataset.screen === "day") Day.init();
    if (tab.dataset.screen === "bid") Bid.init();
  });
}

// ================================================================== calculator
const Calc = {
  fields: ["calls", "interval", "aht", "sl", "asa", "abandon", "max_occupancy", "patience", "shrinkage"],
  seq: 0, shown: 0, agents: null, touched: false, charts: null, last: null,

  async init() {
    const defaults = await api("GET", "/api/calculator");
    for (const name of this.fields) $(`calc-${name}`).value = defaults[name];
    for (const name of this.fields) $(`calc-${name}`).addEventListener("input", () => this.schedule());
    $("calc-agents").addEventListener("input", () => { this.touched = true; this.agents = +$("calc-agents").value; this.schedule(0); });
    $("calc-agents-reset").addEventListener("click", () => { this.touched = false; this.schedule(0); });
    const get = () => this.agents;
    const el = (id) => $(id);
    this.charts = {
      sl: makeChart(el("calc-chart-sl"), "service level", "answered in time", [line("Erlang C", BLUE), line("Erlang A", PURPLE), dashed("target", GREY)], { percent: true, plugins: [marker(get)] }),
      asa: makeChart(el("calc-chart-asa"), "ASA (mean wait of answered)", "seconds", [line("Erlang C", BLUE), line("Erlang A", PURPLE), dashed("max ASA", GREY)], { plugins: [marker(get)] }),
      abandon: makeChart(el("calc-chart-abandon"), "abandoned", "of offered", [line("Erlang A", PURPLE), dashed("max abandoned", GREY)], { percent: true, plugins: [marker(get)] }),
      occupancy: makeChart(el("calc-chart-occupancy"), "occupancy", "busy / logged in", [line("Erlang C", BLUE), line("Erlang A", PURPLE), dashed("cap", GREY)], { percent: true, plugins: [marker(get)] }),
    };
    this.schedule(0);
  },

  schedule(delay = 40) {
    clearTimeout(this.timer);
    this.started = this.started || performance.now();
    this.timer = setTimeout(() => this.run(), delay);
  },

  async run() {
    const seq = ++this.seq;
    const started = this.started; this.started = null;
    const form = {};
    for (const name of this.fields) form[name] = $(`calc-${name}`).value;
    form.agents = this.touched && this.agents != null ? String(this.agents) : "";
    let result;
    try { result = await api("POST", "/api/calculator", form); }
    catch (error) { $("calc-agents-err").textContent = error.message; return; }
    if (seq < this.shown) return;  // an older answer arriving late
    this.shown = seq;
    showErrors("calc", [...this.fields, "agents"], result.errors || {});
    document.body.dataset.calcErrors = Object.keys(result.errors || {}).length;
    for (const id of ["calc-results", "calc-charts"]) $(id).classList.toggle("stale", !!Object.keys(result.errors || {}).length);
    if (Object.keys(result.errors || {}).length === 0) this.draw(result);
    document.body.dataset.calcSeq = seq;
    window.calcMs = performance.now() - (started || performance.now());
  },

  draw(r) {
    this.last = r;
    const has = (m) => m in r.table;
    $("calc-load").textContent = num(r.load, 2);
    for (const m of ["C", "A"]) {
      $(`calc-req-${m}`).textContent = has(m) ? r.required[m] : DASH;
      $(`calc-sched-${m}`).textContent = has(m) ? r.scheduled[m] : DASH;
      for (const k of ["service_level", "service_level_answered", "p_wait", "abandon_rate", "occupancy"]) {
        $(`calc-${m}-${k}`).textContent = has(m) ? pct(r.table[m][k]) : DASH;
      }
      for (const k of ["asa", "mean_wait"]) $(`calc-${m}-${k}`).textContent = has(m) ? sec(r.table[m][k]) : DASH;
    }
    $("calc-note").textContent = has("A")
      ? "Erlang C: callers never hang up (it ignores the abandonment target). Erlang A: callers hang up after an exponential patience."
      : "No patience given: Erlang C only (callers never hang up).";
    const xs = r.curves.agents;
    const slider = $("calc-agents");
    slider.min = xs[0]; slider.max = xs[xs.length - 1];
    this.agents = r.agents; slider.value = r.agents;
    $("calc-agents-value").textContent = r.agents;
    const C = r.curves.C, A = r.curves.A || null;
    const none = xs.map(() => null);
    const t = r.targets;
    this.charts.sl.setData([xs, C.service_level, A ? A.service_level : none, constant(xs, t.service_level)]);
    this.charts.asa.setData([xs, C.asa, A ? A.asa : none, constant(xs, t.asa)]);
    this.charts.abandon.setData([xs, A ? A.abandon_rate : none, constant(xs, t.abandon_rate)]);
    this.charts.occupancy.setData([xs, C.occupancy, A ? A.occupancy : none, constant(xs, t.max_occupancy)]);
  },
};

// ================================================================== a day or a week
const Day = {
  id: null, job: null, overview: null, labels: { current: [] }, charts: {}, whatifSeq: 0, ready: false,
  keys: ["volume", "aht", "shrinkage", "patience", "service_level", "threshold", "fcr"],

  async init() {
    if (this.ready) return;
    this.ready = true;
    const found = await api("GET", "/api/scenarios");
    const select = $("day-scenario");
    for (const name of found.scenarios) select.add(new Option(name, name));
    $("day-load").addEventListener("click", () => this.load());
    $("day-plan").addEventListener("click", () => this.plan());
    $("day-cancel").addEventListener("click", () => this.cancel());
    $("wi-reset").addEventListener("click", () => this.resetWhatif());
    for (const key of this.keys) $(`wi-${key}`).addEventListener("input", () => { this.sliderText(); this.scheduleWhatif(); });
  },

  async load() {
    $("day-scenario-err").textContent = ""; $("day-upload-err").textContent = "";
    const file = $("day-upload").files[0];
    const url = "/api/day?scenario=" + encodeURIComponent($("day-scenario").value);
    let result;
    try {
      result = file
        ? await api("POST", url, await file.arrayBuffer(), { "X-Filename": file.name, "Content-Type": "text/csv" })
        : await api("POST", url);
    } catch (error) { $("day-scenario-err").textContent = error.message; return; }
    showErrors("day", ["scenario", "upload"], result.errors);
    document.body.dataset.dayLoaded = result.errors && Object.keys(result.errors).length ? "error" : "ok";
    if (Object.keys(result.errors).length) return;
    this.id = result.day;
    const o = this.overview = result.overview;
    this.labels.current = o.labels;
    $("day-info").innerHTML = "";
    const info = document.createElement("div");
    info.textContent = `${o.name}: ${num(o.calls_total)} calls in ${o.intervals} intervals of ${o.interval / 60} min over ${o.days} day(s) (${o.source}).`;
    $("day-info").append(info);
    $("day-plan").disabled = false;
    $("day-result").classList.add("hidden"); $("day-whatif").classList.add("hidden");
    $("day-downloads").innerHTML = ""; $("day-status").textContent = "";
    const xs = o.labels.map((_, i) => i);
    const el = $("day-chart-req");
    el.innerHTML = "";
    this.charts.req = makeChart(el, "Erlang requirement per interval (before the plan)", "agents",
      [steps("agents on the phones", BLUE), steps("positions (with shrinkage)", LIGHT)],
      { labels: this.labels });
    this.charts.req.setData([xs, o.required, o.scheduled]);
  },

  async plan() {
    $("day-plan-err").textContent = "";
    const state = await api("POST", `/api/day/${this.id}/plan`);
    this.job = state.id;
    $("day-plan").disabled = true; $("day-cancel").disabled = false; $("day-load").disabled = true;
    this.poll();
  },

  async poll() {
    const state = await api("GET", `/api/jobs/${this.job}`);
    const bar = $("day-progress");
    bar.max = Math.max(state.total, 1); bar.value = state.done;
    $("day-status").textContent = `${state.status}: ${state.stage} ${state.total ? state.done + "/" + state.total + " days" : ""} (${state.seconds.toFixed(1)} s)`;
    document.body.dataset.dayJob = state.status;
    if (state.status === "running") { setTimeout(() => this.poll(), 250); return; }
    $("day-plan").disabled = false; $("day-cancel").disabled = true; $("day-load").disabled = false;
    if (state.status === "done") { bar.value = bar.max; await this.result(); }
    else if (state.status === "cancelled") $("day-status").textContent = `cancelled after ${state.seconds.toFixed(1)} s; nothing kept`;
    else $("day-plan-err").textContent = state.error;
  },

  async cancel() { await api("POST", `/api/jobs/${this.job}/cancel`); },

  async result() {
    const r = await api("GET", `/api/day/${this.id}/result`);
    this.plan_ = r;
    $("day-result").classList.remove("hidden");
    const xs = this.labels.current.map((_, i) => i);
    for (const [id, chart] of [["day-chart-coverage", "coverage"], ["day-chart-sl", "sl"]]) { $(id).innerHTML = ""; delete this.charts[chart]; }
    this.charts.coverage = makeChart($("day-chart-coverage"), `Coverage of the kept plan (round ${r.kept} of ${r.rounds - 1})`, "agents",
      [steps("scheduled on the phones", BLUE), steps("required (simulation-verified)", ORANGE), steps("Erlang requirement", GREY, { dash: [4, 4], width: 1 })],
      { labels: this.labels });
    this.charts.coverage.setData([xs, r.coverage, r.required, r.erlang]);
    const t = this.overview.targets;
    this.charts.sl = makeChart($("day-chart-sl"), "Simulated service level per interval", "answered in time",
      [line("service level", BLUE), line("abandoned", PURPLE), dashed("target", GREY)], { labels: this.labels, percent: true });
    this.charts.sl.setData([xs, r.intervals.service_level, r.intervals.abandon_rate, constant(xs, t.service_level)]);
    const checks = $("day-checks").tBodies[0];
    checks.innerHTML = "";
    for (const c of r.checks) {
      const row = checks.insertRow();
      const asTime = c.label === "ASA";
      row.insertCell().textContent = c.label;
      row.insertCell().textContent = asTime ? sec(c.target) : pct(c.target);
      row.insertCell().textContent = (asTime ? sec(c.value) : pct(c.value)) + " ± " + (asTime ? sec(c.half) : pct(c.half));
      const status = row.insertCell(); status.textContent = c.status;
      status.className = "status-" + c.status.split(" ")[0];
    }
    const tot = r.totals, cur = r.currency;
    const costs = $("day-costs").tBodies[0];
    costs.innerHTML = "";
    $("day-currency").textContent = cur;
    const rows = [
      ["shifts", num(tot.shifts)], ["headcount (people)", num(tot.headcount)], ["paid hours", num(tot.paid_hours, 1)], ["FTE", num(tot.fte, 1)],
      ...Object.entries(r.costs).map(([k, v]) => [k, num(v, 0)]),
      ["cost per contact handled", num(tot.cost_per_contact, 2)],
      ["ASA", sec(tot.asa)], ["occupancy", pct(tot.occupancy)], ["utilization", pct(tot.utilization)],
    ];
    for (const [k, v] of rows) { const row = costs.insertRow(); row.insertCell().textContent = k; row.insertCell().textContent = v; }
    const drivers = $("day-drivers");
    drivers.innerHTML = "";
    for (const d of r.drivers) { const li = document.createElement("li"); li.textContent = d.replace(/^- /, ""); drivers.append(li); }
    await this.downloads();
    $("day-whatif").classList.remove("hidden");
    this.resetWhatif();
    requestAnimationFrame(fitCharts);
  },

  async downloads() {
    const files = (await api("GET", `/api/day/${this.id}/files`)).files;
    const box = $("day-downloads");
    box.innerHTML = "<b>report files:</b> ";
    for (const name of files) {
      const a = document.createElement("a");
      a.href = `/api/day/${this.id}/files/${encodeURIComponent(name)}`; a.textContent = name; a.download = name;
      box.append(a);
    }
  },

  // the sliders start at the scenario's own values
  resetWhatif() {
    const w = this.overview.whatif;  // the scenario's values, in seconds and fractions
    const percent = (v, none) => v == null ? none : Math.round(100 * v);
    const base = {
      volume: w.volume, aht: w.aht, shrinkage: percent(w.shrinkage, 0),
      patience: w.patience == null ? 900 : w.patience,  // none: the slider's end
      service_level: percent(w.service_level, 80), threshold: w.threshold, fcr: percent(w.fcr, 100),
    };
    this.base = base;
    $("wi-patience").max = Math.max(900, 2 * base.patience);  // the base is on every slider
    $("wi-threshold").max = Math.max(120, 2 * base.threshold);
    $("wi-shrinkage").max = Math.max(60, base.shrinkage);
    for (const key of this.keys) {
      $(`wi-${key}`).value = base[key];
      base[key] = +$(`wi-${key}`).value;  // as the slider's steps hold it: unmoved is unchanged
    }
    this.sliderText();
    this.scheduleWhatif(0);
  },

  texts() {
    const v = (key) => +$(`wi-${key}`).value;
    return {
      volume: v("volume").toFixed(2), aht: (v("aht") >= 0 ? "+" : "") + v("aht") + "s", shrinkage: v("shrinkage") + "%",
      patience: v("patience") + "s", service_level: v("service_level") + "%", threshold: v("threshold") + "s", fcr: v("fcr") + "%",
    };
  },

  sliderText() {
    const texts = this.texts();
    for (const key of this.keys) $(`wi-${key}-value`).textContent = texts[key];
  },

  // only what moved from the base is sent: the variant is the base with those changes
  changed() {
    const texts = this.texts(), form = {};
    for (const key of this.keys) if (+$(`wi-${key}`).value !== +this.base[key]) form[key] = texts[key];
    return form;
  },

  scheduleWhatif(delay = 120) {
    clearTimeout(this.wiTimer);
    this.wiStarted = this.wiStarted || performance.now();
    this.wiTimer = setTimeout(() => this.whatif(), delay);
  },

  async whatif() {
    const seq = ++this.whatifSeq;
    const started = this.wiStarted; this.wiStarted = null;
    $("wi-status").textContent = "simulating…";
    let r;
    try { r = await api("POST", `/api/day/${this.id}/whatif`, this.changed()); }
    catch (error) { $("wi-status").textContent = error.message; return; }
    if (seq !== this.whatifSeq) return;
    showErrors("wi", this.keys, r.errors);
    if (Object.keys(r.errors).length) { $("wi-status").textContent = "fix the value in red"; document.body.dataset.whatifSeq = seq; return; }
    window.whatifMs = performance.now() - started;
    $("wi-status").textContent = `variant: ${r.variant} — ${r.replications} simulated days each, seed ${r.seed} (${(window.whatifMs / 1000).toFixed(2)} s)`;
    $("wi-reps").textContent = r.replications;
    const b = r.base.totals, v = r.other.totals, cur = r.base.currency;
    const sumReq = (x) => x.required.reduce((s, a) => s + a, 0) * this.overview.interval / 3600;
    const rows = [
      ["service level", pct(b.service_level), pct(v.service_level)],
      ["ASA", sec(b.asa), sec(v.asa)],
      ["abandoned", pct(b.abandon_rate), pct(v.abandon_rate)],
      ["occupancy", pct(b.occupancy), pct(v.occupancy)],
      ["utilization", pct(b.utilization), pct(v.utilization)],
      ["calls offered", num(b.offered), num(v.offered)],
      ["intervals missing a target", num(b.intervals_missing), num(v.intervals_missing)],
      ["Erlang requirement, agent-hours", num(sumReq(r.base), 1), num(sumReq(r.other), 1)],
      ["paid hours", num(b.paid_hours, 1), num(v.paid_hours, 1)],
      ["cost " + cur, num(b.cost), num(v.cost)],
      ["cost per contact " + cur, num(b.cost_per_contact, 2), num(v.cost_per_contact, 2)],
    ];
    const body = $("wi-table").tBodies[0];
    body.innerHTML = "";
    for (const cells of rows) { const row = body.insertRow(); for (const c of cells) row.insertCell().textContent = c; }
    const xs = this.labels.current.map((_, i) => i);
    if (!this.charts.wiSl) {
      this.charts.wiSl = makeChart($("wi-chart-sl"), "service level per interval: base and variant", "answered in time",
        [line("base", BLUE), line("variant", ORANGE)], { labels: this.labels, percent: true, height: 180 });
      this.charts.wiReq = makeChart($("wi-chart-req"), "Erlang requirement against the kept schedule", "agents",
        [steps("scheduled", GREY), steps("base requirement", BLUE), steps("variant requirement", ORANGE)], { labels: this.labels, height: 180 });
    }
    this.charts.wiSl.setData([xs, r.base.intervals.service_level, r.other.intervals.service_level]);
    this.charts.wiReq.setData([xs, r.base.coverage, r.base.required, r.other.required]);
    requestAnimationFrame(fitCharts);
    document.body.dataset.whatifSeq = seq;
  },
};

// ================================================================== bid
const Bid = {
  fields: ["monthly", "billing_unit", "margin", "sla", "abandon", "credit_per_point", "credit_cap", "bonus_per_point", "bonus_cap", "options", "days"],
  ready: false, job: null, charts: {},

  async init() {
    if (this.ready) return;
    this.ready = true;
    const d = await api("GET", "/api/bid");
    $("bid-name").textContent = d.name;
    const select = $("bid-billing_unit");
    for (const [key, meaning] of Object.entries(d.units)) select.add(new Option(meaning, key));
    for (const name of this.fields) $(`bid-${name}`).value = d.fields[name];
    $("bid-price").addEventListener("click", () => this.price());
    $("bid-cancel").addEventListener("click", () => api("POST", `/api/jobs/${this.job}/cancel`));
  },

  async price() {
    $("bid-err").textContent = "";
    const form = {};
    for (const name of this.fields) form[name] = $(`bid-${name}`).value;
    const state = await api("POST", "/api/bid", form);
    showErrors("bid", this.fields, state.errors);
    if (Object.keys(state.errors).length) { document.body.dataset.bidJob = "invalid"; return; }
    this.job = state.id;
    $("bid-price").disabled = true; $("bid-cancel").disabled = false;
    this.poll();
  },

  async poll() {
    const state = await api("GET", `/api/jobs/${this.job}`);
    const bar = $("bid-progress");
    bar.max = Math.max(state.total, 1); bar.value = state.done;
    $("bid-status").textContent = `${state.status}: ${state.stage} ${state.total ? state.done + "/" + state.total : ""} (${state.seconds.toFixed(1)} s)`;
    document.body.dataset.bidJob = state.status;
    if (state.status === "running") { setTimeout(() => this.poll(), 300); return; }
    $("bid-price").disabled = false; $("bid-cancel").disabled = true;
    if (state.status === "done") await this.result();
    else if (state.status === "error") $("bid-err").textContent = state.error;
  },

  async result() {
    const r = await api("GET", `/api/bid/${this.job}/result`);
    const rec = r.recommended, cur = r.currency;
    $("bid-result").classList.remove("hidden");
    $("bid-rec-price").textContent = money(rec.price, cur);
    $("bid-unit").textContent = r.unit;
    $("bid-rec-bill").textContent = money(rec.monthly_bill, cur);
    $("bid-rec-pmiss").textContent = pct(rec.p_miss);
    $("bid-rec-level").textContent = pct(rec.plan_service_level, 0);
    $("bid-rec-fte").textContent = num(rec.fte, 1);
    const body = $("bid-table").tBodies[0];
    body.innerHTML = "";
    for (const o of r.options) {
      const row = body.insertRow();
      if (o.recommended) row.className = "recommended";
      for (const c of [pct(o["plan service level"], 0), num(o.FTE, 1), num(o["monthly cost"]), num(o["list price"], 2), pct(o["P(miss SLA)"]),
        pct(o["expected credit"], 2), pct(o["expected bonus"], 2), num(o["risk-adjusted price"], 2)]) row.insertCell().textContent = c;
    }
    const fte = r.options.map((o) => o.FTE);
    for (const id of ["bid-chart-price", "bid-chart-risk"]) $(id).innerHTML = "";
    // options may share an FTE: draw them in the order of their staffing, as points
    const points = { paths: () => null, points: { show: true, size: 9 } };
    const order = fte.map((_, i) => i).sort((a, b) => fte[a] - fte[b] || a - b);
    const pick = (key) => order.map((i) => r.options[i][key]);
    const xs = order.map((i) => fte[i]);
    const padded = (u, min, max) => {
      const pad = Math.max(1, 0.1 * (max - min));
      return [min - pad, max + pad];
    };
    const top = Math.max(0.05, ...pick("P(miss SLA)"), ...pick("expected credit")) * 1.15;
    const opts = (title, y, percent) => ({ title, width: 420, height: 240,
      scales: { x: { time: false, range: padded }, ...(percent ? { y: { range: [0, top] } } : {}) },
      axes: [{ label: "staffing [FTE per month]" }, { label: y, size: 60, values: percent ? (u, v) => v.map((x) => (100 * x).toFixed(1) + "%") : undefined }] });
    this.charts.price = new uPlot({ ...opts(`price per ${r.unit}`, cur, false), series: [{ label: "FTE" },
      { label: "list price", stroke: LIGHT, width: 2, ...points }, { label: "risk-adjusted", stroke: BLUE, width: 2, ...points }] },
      [xs, pick("list price"), pick("risk-adjusted price")], $("bid-chart-price"));
    this.charts.risk = new uPlot({ ...opts(`monthly SLA risk (target ${pct(r.sla, 0)})`, "share", true), series: [{ label: "FTE" },
      { label: "P(miss SLA)", stroke: PURPLE, width: 2, ...points }, { label: "expected credit", stroke: GREEN, width: 2, ...points }] },
      [xs, pick("P(miss SLA)"), pick("expected credit")], $("bid-chart-risk"));
    const files = (await api("GET", `/api/bid/${this.job}/files`)).files;
    const box = $("bid-downloads");
    box.innerHTML = "<b>bid sheet:</b> ";
    for (const name of files) {
      const a = document.createElement("a");
      a.href = `/api/bid/${this.job}/files/${encodeURIComponent(name)}`; a.textContent = name; a.download = name;
      box.append(a);
    }
    document.body.dataset.bidShown = this.job;
  },
};

Calc.init();
