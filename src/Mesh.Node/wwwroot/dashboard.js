// The dashboard: reads the node's own API once a second and redraws. Everything shown is put in with textContent
// (never as HTML), so a target id, a reason or an error text cannot inject anything into the page.
"use strict";

const REFRESH_MS = 1000;
const TOKEN_KEY = "health-mesh-token";
const paths = {
  cluster: "/api/v1/cluster",
  regions: "/api/v1/regions",
  targets: "/api/v1/targets",
  failover: "/api/v1/failover",
  history: "/api/v1/failover/history",
};

class NeedsToken extends Error {}

async function read(path) {
  const headers = { Accept: "application/json" };
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(path, { headers, cache: "no-store" });
  if (response.status === 401 || response.status === 403) throw new NeedsToken(`${path}: ${response.status}`);
  if (!response.ok) {
    let detail = "";
    try { detail = (await response.json()).detail || ""; } catch { /* not a problem document */ }
    throw new Error(`${path} answered ${response.status}${detail ? `: ${detail}` : ""}`);
  }
  return response.json();
}

/** Creates an element with text and attributes; children may be elements or strings. */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null) node.setAttribute(name, String(value));
  }
  for (const child of children) {
    if (child === undefined || child === null) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function text(id, value) {
  document.getElementById(id).textContent = value ?? "–";
}

function badge(value, kind) {
  return el("span", { class: `badge ${kind}-${value}`, "data-value": value }, value);
}

function time(iso) {
  if (!iso) return "–";
  const date = new Date(iso);
  return date.toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
}

function age(iso, now) {
  if (!iso) return "";
  const seconds = Math.max(0, (now - new Date(iso)) / 1000);
  return seconds < 90 ? `${seconds.toFixed(0)} s ago` : `${(seconds / 60).toFixed(0)} min ago`;
}

function bytes(value) {
  if (value === null || value === undefined) return "–";
  if (value < 1024) return `${value} B`;
  if (value < 1024 * 1024) return `${(value / 1024).toFixed(1)} KiB`;
  return `${(value / 1024 / 1024).toFixed(1)} MiB`;
}

function replaceRows(table, rows) {
  table.tBodies[0].replaceChildren(...rows);
}

function header(table, names) {
  table.tHead.replaceChildren(el("tr", {}, ...names.map(n => el("th", {}, n))));
}

function renderFailover(f) {
  text("active-region", f.activeRegion);
  text("epoch", f.epoch);
  const phase = document.getElementById("phase");
  phase.textContent = f.phase;
  phase.className = `badge phase-${f.phase}`;
  phase.dataset.value = f.phase;
  text("mode", f.mode);
  text("paused", f.paused ? "yes: no automatic action" : "no");
  text("lease", f.guarded ? `guarded, held by ${f.leaseHolders.join(", ")}` : "unguarded: no fence-ready node of the active region holds a lease");
  document.getElementById("lease").className = f.guarded ? "ok" : "warn";
  text("cooldown", f.cooldownUntil ? time(f.cooldownUntil) : "–");
  text("last-decision", f.lastDecision);
  document.getElementById("blocked-reasons").replaceChildren(...f.blockedReasons.map(r => el("li", {}, r)));
  replaceRows(document.getElementById("readiness"), f.readiness.map(r => el("tr", { "data-region": r.region },
    el("td", {}, r.region),
    el("td", {}, badge(r.eligible ? "yes" : "no", "eligible")),
    el("td", {}, bytes(r.lagBytes)),
    el("td", {}, r.reasons.join("; ")))));
}

function renderRegions(regions, active) {
  const vantages = regions.map(r => r.name);
  const table = document.getElementById("regions-table");
  header(table, ["region", "kind", "role", ...vantages.map(v => `seen from ${v}`)]);
  replaceRows(table, regions.map(region => {
    const role = region.kind === "witness" ? "witness" : region.name === active ? "active" : "standby";
    const cells = vantages.map(vantage => {
      const seen = region.verdicts.find(v => v.vantage === vantage);
      if (!seen) return el("td", { class: "none" }, "–");
      return el("td", { "data-vantage": vantage, title: seen.reasons.join("\n") }, badge(seen.verdict, "verdict"),
        seen.reasons.length ? el("div", { class: "why" }, seen.reasons.join("; ")) : null);
    });
    return el("tr", { "data-region": region.name }, el("td", {}, region.name), el("td", {}, region.kind), el("td", {}, badge(role, "role")), ...cells);
  }));
}

function renderTargets(targets, vantages, now) {
  const table = document.getElementById("targets-table");
  header(table, ["target", "kind", "region", ...vantages.map(v => `from ${v}`)]);
  replaceRows(table, targets.map(target => {
    const cells = vantages.map(vantage => {
      const view = target.views.find(v => v.vantage === vantage);
      if (!view) return el("td", { class: "none" }, "–");
      const d = view.details || {};
      const facts = [
        d.role,
        view.latencyMs !== null && view.latencyMs !== undefined ? `${view.latencyMs.toFixed(1)} ms` : null,
        d.lagBytes !== null && d.lagBytes !== undefined ? `lag ${bytes(d.lagBytes)}` : null,
        d.fenced ? `fenced (epoch ${d.fenceEpoch ?? "?"})` : null,
      ].filter(Boolean).join(" · ");
      return el("td", { "data-vantage": vantage, title: view.error || "" }, badge(view.status, "status"),
        el("div", { class: "facts-line" }, facts),
        view.error ? el("div", { class: "why" }, view.error) : null,
        el("div", { class: "since" }, view.lastCheck ? `checked ${age(view.lastCheck, now)}` : ""));
    });
    return el("tr", { "data-target": target.id }, el("td", {}, target.id, target.critical ? el("span", { class: "critical", title: "critical" }, " ★") : null),
      el("td", {}, target.kind), el("td", {}, target.region), ...cells);
  }));
}

function renderMembers(cluster) {
  text("cluster-summary", `This node: ${cluster.self.node ?? cluster.self.address} (${cluster.self.status}). ` +
    `Leader: ${cluster.leaderNode ?? cluster.leader ?? "none"}. Coordinator: ${cluster.coordinatorNode ?? cluster.coordinator ?? "none"}.`);
  replaceRows(document.getElementById("members-table"), cluster.members.map(m => el("tr", { "data-node": m.node },
    el("td", {}, m.node ?? "?"), el("td", {}, m.region ?? "?"), el("td", {}, badge(m.status, "member")),
    el("td", {}, badge(m.reachable ? "yes" : "no", "reachable")), el("td", { class: "address" }, m.address))));
}

function renderHistory(history) {
  if (history.length === 0) {
    document.getElementById("timeline").replaceChildren(el("li", { class: "entry empty" }, "no decision recorded yet"));
    return;
  }
  document.getElementById("timeline").replaceChildren(...history.map(h => el("li", { class: `entry kind-${h.kind}`, "data-kind": h.kind, "data-epoch": h.epoch },
    el("div", { class: "when" }, time(h.at)),
    el("div", { class: "what" }, badge(h.kind, "kind"), ` epoch ${h.epoch}`,
      h.from || h.to ? ` · ${h.from ?? "?"} → ${h.to ?? "?"}` : "",
      h.fencedBy ? ` · fenced by ${h.fencedBy}` : ""),
    el("div", { class: "reason" }, h.reason),
    h.steps.length ? el("ol", { class: "steps" }, ...h.steps.map(s => el("li", { "data-step": s.name },
      badge(s.status, "step"), ` ${s.name}`, s.durationMs !== null && s.durationMs !== undefined ? ` · ${(s.durationMs / 1000).toFixed(2)} s` : "",
      s.error ? el("div", { class: "why" }, s.error) : null))) : null)));
}

function connection(state, message) {
  const node = document.getElementById("connection");
  node.dataset.state = state;
  node.textContent = message;
}

async function refresh() {
  try {
    const [cluster, regions, targets, failover, history] = await Promise.all(Object.values(paths).map(read));
    const now = new Date();
    renderFailover(failover);
    renderRegions(regions, failover.activeRegion);
    renderTargets(targets, regions.map(r => r.name), now);
    renderMembers(cluster);
    renderHistory(history);
    document.getElementById("token-form").hidden = true;
    connection("live", `live · updated ${time(now.toISOString())}`);
  } catch (error) {
    if (error instanceof NeedsToken) {
      document.getElementById("token-form").hidden = false;
      connection("token", "this mesh needs its API token to read");
    } else {
      connection("error", `not answering: ${error.message} (retrying)`);
    }
  }
}

function start() {
  document.getElementById("token-form").addEventListener("submit", event => {
    event.preventDefault();
    const input = document.getElementById("token");
    sessionStorage.setItem(TOKEN_KEY, input.value);
    input.value = "";
    refresh();
  });
  // One refresh at a time: the next starts a second after the last finished, however slow the node answered.
  const loop = async () => {
    await refresh();
    setTimeout(loop, REFRESH_MS);
  };
  loop();
}

start();
