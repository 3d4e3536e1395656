// The web console: a page over the platform's REST API. It holds no state of its own and checks nothing:
// every figure comes from the API and every button is an API call, authorised and audited there. Text from
// the platform (plugin names, audit details) is always set as text, never parsed as HTML.
"use strict";

const API = "../api";
const CREDENTIALS = "fluent-console-credentials";

const $ = (id) => document.getElementById(id);

function authorization() {
  return sessionStorage.getItem(CREDENTIALS);
}

function showMessage(text, kind) {
  const message = $("message");
  message.textContent = text;
  message.className = kind || "error";
  message.hidden = !text;
}

/** Calls the API; a problem answer (RFC 9457) becomes an Error reading "CODE: detail". */
async function call(method, path, body) {
  const headers = { "Authorization": authorization(), "X-Requested-With": "XMLHttpRequest",
    "Accept": "application/json" };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
  }
  const response = await fetch(API + path, { method, headers, cache: "no-store",
    body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 204) {
    return null;
  }
  const json = await response.json().catch(() => null);
  if (!response.ok) {
    const error = new Error(json && json.code ? json.code + ": " + json.detail
      : "HTTP " + response.status + " from " + method + " " + path);
    error.status = response.status;
    throw error;
  }
  return json;
}

function cell(row, text, className) {
  const td = row.insertCell();
  td.textContent = text === null || text === undefined ? "" : String(text);
  if (className) {
    td.className = className;
  }
  return td;
}

function button(label, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = label;
  b.addEventListener("click", onClick);
  return b;
}

function definitions(list, pairs) {
  list.replaceChildren();
  for (const [term, value] of pairs) {
    const dt = document.createElement("dt");
    dt.textContent = term;
    const dd = document.createElement("dd");
    dd.textContent = Array.isArray(value) ? (value.length ? value.join(", ") : "none")
      : value === null || value === undefined || value === "" ? "—" : String(value);
    list.append(dt, dd);
  }
}

async function act(what, action) {
  showMessage("");
  try {
    await action();
    showMessage(what, "success");
  } catch (e) {
    failed(e);
  }
  await refresh();
}

function failed(e) {
  if (e.status === 401) {
    logout("Your credentials were refused: log in again.");
  } else {
    showMessage(e.message);
  }
}

async function showPlugins() {
  // One call for the table: every call is audited, and a page refreshing N plugins one by one would write
  // N entries each time.
  const plugins = (await call("GET", "/plugins?stats=true")).plugins;
  const body = $("plugins").tBodies[0];
  body.replaceChildren();
  plugins.forEach((p) => {
    const s = p.stats;
    const row = body.insertRow();
    row.dataset.plugin = p.id;
    const name = cell(row, "");
    name.append(button(p.id, () => showDetails(p, s)));
    name.firstChild.className = "link";
    cell(row, p.version);
    cell(row, p.engine_type);
    cell(row, p.unavailable_capability ? p.state + " (no provider of " + p.unavailable_capability + ")" : p.state,
      "state");
    cell(row, p.signed ? p.signed_by : "unsigned (development)");
    cell(row, p.executions, "number");
    cell(row, p.failures, "number");
    cell(row, s ? s.latency_micros.p50 : "", "number");
    cell(row, s ? s.latency_micros.p99 : "", "number");
    cell(row, p.capabilities.length ? p.capabilities.join(", ") : "none");
    const actions = cell(row, "", "actions");
    actions.append(
      button("Reload", () => act(p.id + " reloaded", () =>
        call("POST", "/plugins/" + encodeURIComponent(p.id) + "/reload", {}))),
      button("Unload", () => {
        if (confirm("Unload " + p.id + "?")) {
          act(p.id + " unloaded", () => call("DELETE", "/plugins/" + encodeURIComponent(p.id)));
        }
      }));
  });
  $("plugin-count").textContent = "(" + plugins.length + ")";
}

function showDetails(p, s) {
  $("details").hidden = false;
  $("details-id").textContent = p.id + " " + p.version;
  const m = p.permissions;
  definitions($("details-grants"), [
    ["Capabilities", p.capabilities],
    ["Memory (MB)", m.max_memory_mb],
    ["Time per execution (ms)", m.max_execution_time_ms],
    ["Network requests", m.max_network_requests],
    ["Hosts", m.allowed_hosts],
    ["File paths", m.allowed_file_paths],
    ["File size (MB)", m.max_file_size_mb],
    ["Requests per minute", m.rate_limit_requests_per_minute],
  ]);
  definitions($("details-figures"), s ? [
    ["Executions", s.executions],
    ["Successes", s.successes],
    ["Failures", Object.entries(s.failures).map(([code, n]) => code + " " + n)],
    ["Latency p50 / p90 / p99 / max (µs)", [s.latency_micros.p50, s.latency_micros.p90,
      s.latency_micros.p99, s.latency_micros.max].join(" / ")],
    ["Memory high water (bytes)", s.memory_high_water_bytes],
    ["Network requests", s.network_requests],
    ["Bytes in / out", s.bytes_in + " / " + s.bytes_out],
    ["Last used", s.last_used],
  ] : [["Statistics", "unavailable"]]);
  definitions($("details-identity"), [
    ["Description", p.description],
    ["Author", p.author],
    ["Signed by", p.signed ? p.signed_by : "unsigned (development)"],
    ["Checksum", p.checksum],
    ["Created", p.created_at],
    ["Expires", p.expires_at],
    ["Source", p.source],
    ["Loaded at", p.loaded_at],
    ["Load time (ms)", p.load_millis],
  ]);
}

async function showAudit() {
  const query = new URLSearchParams();
  for (const [name, id] of [["plugin", "audit-plugin"], ["action", "audit-action"], ["since", "audit-since"],
    ["until", "audit-until"], ["limit", "audit-limit"]]) {
    const value = $(id).value.trim();
    if (value) {
      query.set(name, value);
    }
  }
  if ($("audit-failed").checked) {
    query.set("failed", "true");
  }
  const text = query.toString();
  const result = await call("GET", "/audit" + (text ? "?" + text : ""));
  const body = $("audit").tBodies[0];
  body.replaceChildren();
  for (const e of result.entries) {
    const row = body.insertRow();
    row.className = e.success ? "" : "failure";
    cell(row, e.seq, "number");
    cell(row, e.timestamp.replace("T", " ").replace(/\.\d+Z$/, "Z"), "time");
    cell(row, e.plugin_id, "nowrap");
    cell(row, e.action, "nowrap");
    cell(row, e.success ? "ok" : e.error);
    cell(row, e.resource);
    cell(row, Object.entries(e.details).map(([k, v]) => k + "=" + v).join(" "));
  }
}

async function verify() {
  const v = await call("GET", "/audit/verify");
  const line = $("verification");
  line.hidden = false;
  line.className = v.ok ? "success" : "error";
  line.textContent = v.ok
    ? "The chain is intact: " + v.entries_checked + " entries in " + v.files_checked + " files."
    : "The chain is broken" + (v.first_break ? " in " + v.first_break.file + " at entry "
      + v.first_break.seq + " (line " + v.first_break.line + "): " + v.first_break.reason : "") + " (" + v.entries_checked + " entries checked).";
}

async function refresh() {
  try {
    await showPlugins();
    await showAudit();
  } catch (e) {
    failed(e);
  }
}

function login(header, who) {
  sessionStorage.setItem(CREDENTIALS, header);
  sessionStorage.setItem(CREDENTIALS + ".who", who);
  call("GET", "/plugins").then(() => {
    showMessage("");
    enter();
  }, (e) => {
    sessionStorage.removeItem(CREDENTIALS);
    showMessage(e.status === 401 ? "Log in refused: wrong user, password or token." : e.message);
  });
}

function enter() {
  $("login").hidden = true;
  $("console").hidden = false;
  $("session").hidden = false;
  $("who").textContent = sessionStorage.getItem(CREDENTIALS + ".who") || "";
  refresh();
}

function logout(reason) {
  sessionStorage.removeItem(CREDENTIALS);
  sessionStorage.removeItem(CREDENTIALS + ".who");
  $("console").hidden = true;
  $("session").hidden = true;
  $("details").hidden = true;
  $("login").hidden = false;
  $("password").value = "";
  $("token").value = "";
  showMessage(reason || "", reason ? "error" : undefined);
}

document.addEventListener("DOMContentLoaded", () => {
  $("login-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const token = $("token").value.trim();
    const user = $("user").value.trim();
    if (token) {
      login("Bearer " + token, "token");
    } else if (user) {
      const bytes = new TextEncoder().encode(user + ":" + $("password").value);
      login("Basic " + btoa(String.fromCharCode(...bytes)), user);
    } else {
      showMessage("Give a user and password, or a token.");
    }
  });
  $("logout").addEventListener("click", () => logout());
  $("refresh").addEventListener("click", () => refresh());
  $("load-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const folder = $("load-folder").value.trim();
    act(folder + " loaded", () => call("POST", "/plugins",
      { folder, remember: $("load-remember").checked }));
  });
  $("audit-form").addEventListener("submit", (event) => {
    event.preventDefault();
    showAudit().catch(failed);
  });
  $("verify-button").addEventListener("click", () => verify().catch(failed));
  if (authorization()) {
    enter();
  }
});
