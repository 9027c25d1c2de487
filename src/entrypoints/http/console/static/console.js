// The V3 review console: plain JavaScript over /api/v3. Every value is written with
// textContent (never innerHTML), so a script containing <script> shows as text.
"use strict";

const API = "/api/v3";
const main = document.getElementById("main");
const statusBox = document.getElementById("status");
const nav = document.getElementById("nav");
let liveStream = null;
const objectUrls = [];

// ---------- small helpers ----------
function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

let fieldIds = 0;
function field(label, control, hint) {
  const id = control.id || `f${++fieldIds}`;
  control.id = id;
  const error = h("p", { class: "field-error", id: `${id}-error`, hidden: true });
  control.setAttribute("aria-describedby", `${id}-error`);
  return h("div", { class: "field" }, h("label", { for: id, text: label }), control, hint ? h("p", { class: "hint", text: hint }) : null, error);
}

function clearErrors(form) {
  for (const node of form.querySelectorAll(".field-error")) { node.hidden = true; node.textContent = ""; }
  for (const node of form.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
}

function markInvalid(control, message) {
  control.setAttribute("aria-invalid", "true");
  const box = document.getElementById(`${control.id}-error`);
  box.hidden = false;
  box.textContent = message;
}

function say(message, kind) {
  statusBox.textContent = message || "";
  statusBox.className = `status ${kind || ""}`;
}

function credentials() {
  return { key: sessionStorage.getItem("v3.key"), token: sessionStorage.getItem("v3.token") };
}

function authHeaders() {
  const { key, token } = credentials();
  if (key) return { "X-API-Key": key };
  if (token) return { Authorization: `Bearer ${token}` };
  return {};
}

class ApiError extends Error {
  constructor(status, body) {
    super((body && body.error) || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

// A 401 ends the session (sign in again), except on the sign-in forms themselves (signingIn),
// where it only means the key or password was wrong and the form must keep what was typed.
async function api(method, path, body, headers, signingIn) {
  const init = { method, headers: { ...authHeaders(), ...(headers || {}) } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["Content-Type"] = "application/json";
  }
  const response = await fetch(API + path, init);
  const text = await response.text();
  const parsed = text ? JSON.parse(text) : null;
  if (response.status === 401 && !signingIn) {
    signOut("Your sign-in is no longer valid; sign in again.");
    throw new ApiError(401, parsed);
  }
  if (!response.ok) throw new ApiError(response.status, parsed);
  return parsed;
}

async function blobUrl(path) {
  const response = await fetch(API + path, { headers: authHeaders() });
  if (!response.ok) return null;
  const url = URL.createObjectURL(await response.blob());
  objectUrls.push(url);
  return url;
}

function showErrors(form, error) {
  clearErrors(form);
  const details = (error.body && error.body.meta && error.body.meta.details) || [];
  let placed = 0;
  for (const detail of details) {
    const name = (detail.loc || []).join(".");
    const control = form.querySelector(`[data-loc="${CSS.escape(name)}"]`);
    if (!control) continue;
    markInvalid(control, detail.msg);
    placed += 1;
  }
  say(placed ? "Some fields need attention." : error.message, "error");
  const first = form.querySelector("[aria-invalid]");
  if (first) first.focus();
}

function go(path) {
  history.pushState(null, "", path);
  route();
}

document.addEventListener("click", (event) => {
  const link = event.target.closest("a[href^='/app']");
  if (!link || link.hasAttribute("download") || event.metaKey || event.ctrlKey) return;
  event.preventDefault();
  go(link.getAttribute("href"));
});
window.addEventListener("popstate", route);
document.getElementById("sign-out").addEventListener("click", () => signOut("Signed out."));

function signOut(message) {
  sessionStorage.removeItem("v3.key");
  sessionStorage.removeItem("v3.token");
  go("/app");
  say(message);
}

function page(title, ...children) {
  document.title = `${title} · V3 review console`;
  main.replaceChildren(h("h1", { text: title }), ...children);
}

// ---------- sign in ----------
function signInView() {
  nav.hidden = true;
  const key = h("input", { type: "password", autocomplete: "off", required: true, "data-loc": "key" });
  const keyForm = h("form", { class: "card", onsubmit: async (event) => {
    event.preventDefault();
    sessionStorage.setItem("v3.key", key.value.trim());
    try {
      await api("GET", "/clients?limit=1", undefined, undefined, true);
      say("Signed in.");
      go("/app/jobs");
    } catch (error) {
      sessionStorage.removeItem("v3.key");
      say("That API key was not accepted.", "error");
    }
  } }, h("h2", { text: "With an API key" }), field("API key", key), h("button", { type: "submit", text: "Sign in" }));
  const email = h("input", { type: "email", autocomplete: "username", required: true });
  const password = h("input", { type: "password", autocomplete: "current-password", required: true });
  const passwordForm = h("form", { class: "card", onsubmit: async (event) => {
    event.preventDefault();
    try {
      const answer = await api("POST", "/auth/login", { email: email.value, password: password.value }, undefined, true);
      sessionStorage.setItem("v3.token", answer.data.accessToken || answer.data.token);
      go("/app/jobs");
    } catch (error) {
      say("Email or password not accepted.", "error");
    }
  } }, h("h2", { text: "With email and password" }), field("Email", email), field("Password", password),
  h("button", { type: "submit", text: "Sign in with password" }));
  page("Sign in", h("div", { class: "grid" }, keyForm, passwordForm));
}

// ---------- clients and campaigns ----------
function swatches(colors, owner) {
  return h("ul", { class: "swatches", "aria-label": `Swatches of ${owner}` },
    (colors || []).map((c) => h("li", { class: "swatch", "data-color": c, title: c }, h("span", { class: "chip", "data-color": c }), c)));
}

function paintSwatches() {
  for (const chip of document.querySelectorAll(".chip[data-color]")) {
    const value = chip.getAttribute("data-color");
    if (isColour(value)) chip.style.backgroundColor = value;
  }
}

function isColour(value) {
  return CSS.supports("color", value);
}

// Colours the browser cannot read are refused next to the field: the API stores any text (SPEC
// §4 does not say hex) and the renderer would silently fall back to its default palette.
function colourList(form, control) {
  const colors = control.value.split(",").map((c) => c.trim()).filter(Boolean);
  const bad = colors.filter((c) => !isColour(c));
  if (!bad.length) return colors;
  markInvalid(control, `Not a colour: ${bad.join(", ")}. Use hex like #ff5500 or a CSS colour name.`);
  say("Some fields need attention.", "error");
  control.focus();
  return null;
}

async function clientsView() {
  const answer = await api("GET", "/clients?limit=100");
  const name = h("input", { required: true, maxlength: 200, "data-loc": "name" });
  const colors = h("input", { placeholder: "#ff5500, #111111", "data-loc": "brandGuidelines.colors" });
  const tone = h("input", { "data-loc": "brandGuidelines.tone" });
  const form = h("form", { class: "card", onsubmit: async (event) => {
    event.preventDefault();
    clearErrors(form);
    const colorList = colourList(form, colors);
    if (!colorList) return;
    const brandGuidelines = { colors: colorList, ...(tone.value.trim() ? { tone: tone.value.trim() } : {}) };
    try {
      await api("POST", "/clients", { name: name.value, brandGuidelines });
      say(`Client ${name.value} created.`);
      route();
    } catch (error) { showErrors(form, error); }
  } }, h("h2", { text: "New client" }), field("Client name", name), field("Brand colours", colors, "Comma-separated, e.g. #ff5500, navy"),
  field("Tone", tone), h("button", { type: "submit", text: "Create client" }));
  const list = h("ul", { class: "cards" }, answer.data.map(clientCard));
  page("Clients", form, h("h2", { text: "Your clients" }), answer.data.length ? list : h("p", { text: "No clients yet." }));
  paintSwatches();
}

function clientCard(client) {
  const guidelines = client.brandGuidelines || {};
  const colors = h("input", { value: (guidelines.colors || []).join(", "), "data-loc": "brandGuidelines.colors" });
  const tone = h("input", { value: guidelines.tone || "", "data-loc": "brandGuidelines.tone" });
  const form = h("form", { onsubmit: async (event) => {
    event.preventDefault();
    clearErrors(form);
    const colorList = colourList(form, colors);
    if (!colorList) return;
    // a JSON Merge Patch: an emptied field is sent as null, which clears it; fonts and the rest stay
    const patch = { colors: colorList.length ? colorList : null, tone: tone.value.trim() || null };
    try {
      await api("PUT", `/clients/${client.id}`, { brandGuidelines: patch });
      say(`Brand guidelines of ${client.name} saved.`);
      route();
    } catch (error) { showErrors(form, error); }
  } }, field(`Brand colours of ${client.name}`, colors), field(`Tone of ${client.name}`, tone),
  h("button", { type: "submit", text: `Save ${client.name}` }));
  const campaignName = h("input", { required: true, "data-loc": "name" });
  const campaigns = h("ul", { class: "plain", "aria-label": `Campaigns of ${client.name}` });
  api("GET", `/campaigns?clientId=${encodeURIComponent(client.id)}&limit=100`).then((found) => {
    campaigns.replaceChildren(...found.data.map((c) => h("li", { text: `${c.name} (${c.status})` })));
  }).catch(() => {});
  const campaignForm = h("form", { onsubmit: async (event) => {
    event.preventDefault();
    try {
      await api("POST", "/campaigns", { clientId: client.id, name: campaignName.value });
      say(`Campaign ${campaignName.value} created.`);
      route();
    } catch (error) { showErrors(campaignForm, error); }
  } }, field(`New campaign for ${client.name}`, campaignName), h("button", { type: "submit", text: "Add campaign" }));
  return h("li", { class: "card" }, h("h3", { text: client.name }), swatches(guidelines.colors, client.name), form,
    h("h4", { text: "Campaigns" }), campaigns, campaignForm);
}

// ---------- brief ----------
async function briefView() {
  const clients = (await api("GET", "/clients?limit=1000")).data;
  const client = h("select", { required: true, "data-loc": "context.clientId" },
    clients.map((c) => h("option", { value: c.id, text: c.name })));
  const inputs = {
    product: h("input", { required: true, "data-loc": "adBasics.product" }),
    targetAudience: h("input", { required: true, "data-loc": "adBasics.targetAudience" }),
    keyMessage: h("input", { required: true, "data-loc": "adBasics.keyMessage" }),
    callToAction: h("input", { required: true, "data-loc": "adBasics.callToAction" }),
  };
  const style = h("input", { required: true, "data-loc": "creative.direction.style" });
  const tone = h("input", { "data-loc": "creative.direction.tone" });
  const duration = h("input", { type: "number", min: 5, max: 120, step: 1, value: 30, "data-loc": "creative.videoSpecs.duration" });
  const format = h("select", { "data-loc": "creative.videoSpecs.format" },
    ["16:9", "9:16", "1:1", "4:5"].map((f) => h("option", { value: f, text: f })));
  const estimate = h("output", { class: "estimate", text: "fill in the brief" });
  const body = () => ({
    context: { clientId: client.value },
    adBasics: Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, v.value])),
    creative: {
      direction: { style: style.value, ...(tone.value ? { tone: tone.value } : {}) },
      videoSpecs: { duration: Number(duration.value), format: format.value },
    },
  });
  let timer = null;
  const quote = () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      try {
        const answer = await api("POST", "/jobs/dry-run", body());
        estimate.textContent = `${answer.data.estimatedCost} ${answer.data.currency}`;
      } catch (error) {
        estimate.textContent = "complete the required fields";
      }
    }, 250);
  };
  const form = h("form", { class: "card", oninput: quote, onsubmit: async (event) => {
    event.preventDefault();
    try {
      const answer = await api("POST", "/jobs", body());
      say("Brief accepted; the storyboard is being planned.");
      go(`/app/jobs/${answer.data.id}`);
    } catch (error) { showErrors(form, error); }
  } },
  clients.length ? null : h("p", { class: "error", text: "Create a client first (Clients page)." }),
  field("Client", client), field("Product", inputs.product), field("Target audience", inputs.targetAudience),
  field("Key message", inputs.keyMessage), field("Call to action", inputs.callToAction), field("Style", style),
  field("Tone", tone), field("Duration", duration, "Seconds, 5 to 120"), field("Format", format), field("Estimated cost", estimate),
  h("button", { type: "submit", text: "Create storyboard" }));
  form.noValidate = true;  // the API's 422 details are shown next to each field
  page("New brief", form);
  quote();
}

// ---------- jobs list ----------
const STATUSES = ["pending", "storyboard_processing", "storyboard_ready", "video_processing", "completed", "failed", "cancelled"];

async function jobsView() {
  const params = new URLSearchParams(location.search);
  // the page size may come from the address (?limit=, 1 to 100), so a link can keep a shorter page
  const limit = Math.min(100, Math.max(1, Math.trunc(Number(params.get("limit"))) || 20));
  const offset = Math.max(0, Math.trunc(Number(params.get("offset"))) || 0);
  const status = params.get("status") || "";
  const address = (at, only) => {
    const query = new URLSearchParams();
    if (params.has("limit")) query.set("limit", String(limit));
    if (at) query.set("offset", String(at));
    if (only) query.set("status", only);
    const text = query.toString();
    return `/app/jobs${text ? `?${text}` : ""}`;
  };
  const answer = await api("GET", `/jobs?limit=${limit}&offset=${offset}${status ? `&status=${encodeURIComponent(status)}` : ""}`);
  const filter = h("select", { onchange: (e) => go(address(0, e.target.value)) },
    h("option", { value: "", text: "All" }), STATUSES.map((s) => h("option", { value: s, text: s.replace(/_/g, " "), selected: s === status })));
  const rows = answer.data.map((job) => h("tr", {},
    h("td", {}, h("a", { href: `/app/jobs/${job.id}`, text: job.adBasics.product })),
    h("td", { text: job.status.replace(/_/g, " ") }), h("td", { text: `${job.cost.actual} ${job.cost.currency}` }),
    h("td", { text: new Date(job.createdAt).toLocaleString() })));
  const total = answer.meta.total;
  const pager = h("nav", { "aria-label": "Pages", class: "pager" },
    h("button", { type: "button", disabled: offset === 0, onclick: () => go(address(Math.max(0, offset - limit), status)), text: "Previous" }),
    h("span", { text: `Page ${answer.meta.page} of ${Math.max(1, Math.ceil(total / limit))}` }),
    h("button", { type: "button", disabled: offset + limit >= total, onclick: () => go(address(offset + limit, status)), text: "Next" }));
  page("Jobs", field("Status", filter), h("a", { class: "button", href: "/app/jobs/new", text: "New brief" }),
    rows.length ? h("table", {}, h("caption", { text: `${total} jobs` }),
      h("thead", {}, h("tr", {}, ["Product", "Status", "Cost", "Created"].map((t) => h("th", { scope: "col", text: t })))),
      h("tbody", {}, rows)) : h("p", { text: "No jobs yet." }), pager);
}

// ---------- one job: storyboard review, progress, video ----------
async function jobView(jobId) {
  const job = (await api("GET", `/jobs/${jobId}`)).data;
  const progress = h("progress", { max: 100, value: job.progress.percent, "aria-label": "Progress" });
  const progressText = h("p", { class: "progress-text", text: progressLine(job) });
  const sections = [h("p", { class: "pill", text: `Status: ${job.status.replace(/_/g, " ")}` }), progress, progressText];
  if (job.error) sections.push(h("p", { class: "error", role: "alert", text: `${job.errorCode || "failed"}: ${job.error}` }));
  if (job.status === "storyboard_ready") sections.push(reviewActions(job));
  if (job.status === "failed") sections.push(h("button", { type: "button", text: "Retry", onclick: () => act(job, { action: "retry" }) }));
  if (!["completed", "failed", "cancelled"].includes(job.status)) {
    sections.push(h("button", { type: "button", class: "secondary", text: "Cancel job", onclick: () => act(job, { action: "cancel" }) }));
  }
  if (job.status === "completed") sections.push(await videoSection(job));
  const scenes = h("section", { "aria-label": "Storyboard" }, h("h2", { text: "Storyboard" }),
    (job.scenes || []).length ? h("div", { class: "scenes" }, job.scenes.map((s) => sceneCard(job, s))) : h("p", { text: "No scenes yet." }));
  page(job.adBasics.product, ...sections, scenes);
  if (!["completed", "failed", "cancelled", "storyboard_ready"].includes(job.status)) follow(job, progress, progressText);
}

function progressLine(job) {
  return `${job.progress.stage.replace(/_/g, " ")}: ${job.progress.message} (${job.progress.percent}%)`;
}

function reviewActions(job) {
  const feedback = h("textarea", { rows: 2 });
  return h("div", { class: "card actions" },
    h("button", { type: "button", text: "Approve", onclick: () => act(job, { action: "approve" }) }),
    field("Feedback on the whole storyboard", feedback),
    h("button", { type: "button", class: "secondary", text: "Reject", onclick: () => act(job, { action: "reject_storyboard", feedback: feedback.value }) }));
}

async function act(job, body) {
  try {
    await api("POST", `/jobs/${job.id}/actions`, body);
    say(`${body.action.replace(/_/g, " ")}: done.`);
  } catch (error) {
    say(error.message, "error");
  }
  route();
}

function sceneCard(job, scene) {
  const editable = job.status === "storyboard_ready";
  const title = `Scene ${scene.sceneNumber}`;
  const headingId = `scene-${scene.sceneNumber}-title`;
  const script = h("textarea", { rows: 3, "data-loc": "script", readonly: !editable });
  script.value = scene.script;
  const duration = h("input", { type: "number", min: 0.5, step: 0.1, value: scene.duration, "data-loc": "duration", readonly: !editable });
  const feedback = h("textarea", { rows: 2, "data-loc": "feedback", disabled: !editable });
  const frame = h("div", { class: "frame" });
  const noFrame = (text) => frame.replaceChildren(h("p", { class: "no-frame", text }));
  if (scene.previewUrl) {
    noFrame("Loading frame…");
    blobUrl(scene.previewUrl.replace(/^.*\/api\/v3/, "")).then((url) => {
      if (url) frame.replaceChildren(h("img", { src: url, alt: `Frame of ${title}` }));
      else noFrame("Frame could not be loaded");
    }).catch(() => noFrame("Frame could not be loaded"));
  } else noFrame("No frame yet");
  const warnings = (scene.warnings || []).map((w) => h("li", { text: w }));
  const form = h("form", { onsubmit: (event) => event.preventDefault() },
    field("Script", script), field("Duration", duration, "Seconds"), field("Feedback", feedback));
  const save = async () => {
    try {
      await api("PUT", `/jobs/${job.id}/scenes/${scene.id}`, { script: script.value, duration: Number(duration.value) },
        { "If-Match": `"v${scene.version}"` });
      say(`${title} saved.`);
      route();
    } catch (error) {
      if (error.status === 409) {
        const current = (await api("GET", `/jobs/${job.id}/scenes/${scene.id}`)).data;
        script.value = current.script;
        duration.value = current.duration;
        scene.version = current.version;
        say(`${title} was changed by someone else meanwhile; their version is shown. Edit it and save again.`, "error");
      } else showErrors(form, error);
    }
  };
  const regenerate = async () => {
    try {
      await api("POST", `/jobs/${job.id}/scenes/${scene.id}/regenerate`, feedback.value ? { feedback: feedback.value } : {});
      say(`${title} regenerated.`);
      route();
    } catch (error) { showErrors(form, error); }
  };
  const remove = async () => {
    if (!window.confirm(`Delete ${title}?`)) return;
    try {
      await api("DELETE", `/jobs/${job.id}/scenes/${scene.id}`);
      say(`${title} deleted.`);
      route();
    } catch (error) { say(error.message, "error"); }
  };
  return h("article", { class: "scene card", "aria-labelledby": headingId },
    h("h3", { id: headingId, text: title }), frame,
    h("dl", {}, h("dt", { text: "Shot" }), h("dd", { text: scene.shotType }), h("dt", { text: "Transition" }),
      h("dd", { text: scene.transition }), h("dt", { text: "Description" }), h("dd", { text: scene.description })),
    warnings.length ? h("ul", { class: "warnings", "aria-label": `Warnings for ${title}` }, warnings) : null,
    form,
    editable ? h("div", { class: "row" },
      h("button", { type: "button", text: "Save", onclick: save }),
      h("button", { type: "button", class: "secondary", text: "Regenerate", onclick: regenerate }),
      h("button", { type: "button", class: "danger", text: "Delete", onclick: remove })) : null);
}

async function videoSection(job) {
  const video = h("video", { controls: true, preload: "metadata", "aria-label": `Video of ${job.adBasics.product}` });
  const download = h("a", { class: "button", download: `${job.adBasics.product}.mp4`, text: "Download video" });
  const url = await blobUrl(`/jobs/${job.id}/video`);
  if (url) { video.src = url; download.href = url; }
  const captions = await blobUrl(`/jobs/${job.id}/captions.vtt`);
  if (captions) video.append(h("track", { kind: "captions", src: captions, srclang: "en", label: "English", default: true }));
  return h("section", { class: "card", "aria-label": "Video" }, h("h2", { text: "Video" }), video,
    h("p", { text: `Cost: ${job.cost.actual} ${job.cost.currency} (estimated ${job.cost.estimated})` }), download);
}

const TERMINAL = ["storyboard_ready", "completed", "failed", "cancelled"];

// Live progress from the job's SSE stream. A stream that drops before the job settles is
// reopened with Last-Event-ID (SPEC §11: it resumes without gaps or repeats), a few times with a
// growing pause; after that the page says so.
async function follow(job, progress, progressText) {
  if (liveStream) liveStream.abort();
  const controller = new AbortController();
  liveStream = controller;
  const signal = controller.signal;
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  let lastId = null;
  let status = job.status;
  let failures = 0;
  let reconnecting = false;
  while (!signal.aborted) {
    try {
      const headers = { ...authHeaders(), ...(lastId ? { "Last-Event-ID": lastId } : {}) };
      const response = await fetch(`${API}/jobs/${job.id}/events`, { headers, signal });
      if (!response.ok) { route(); return; }
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        failures = 0;
        if (reconnecting) { reconnecting = false; say(""); }
        buffer += value.replace(/\r\n?/g, "\n");
        let cut;
        while ((cut = buffer.indexOf("\n\n")) >= 0) {
          const lines = buffer.slice(0, cut).split("\n");
          buffer = buffer.slice(cut + 2);
          const id = lines.find((l) => l.startsWith("id:"));
          if (id) lastId = id.slice(3).trim();
          const data = lines.filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trim()).join("\n");
          if (!data) continue;
          const event = JSON.parse(data);
          const current = event.data || event.job || event;
          // the first connection replays the job's whole log: skip what the page already shows
          if (current.version !== undefined && current.version <= job.version) continue;
          if (current.progress) {
            progress.value = current.progress.percent;
            progressText.textContent = progressLine(current);
          }
          if (current.status && current.status !== status) {
            status = current.status;
            if (TERMINAL.includes(status)) { controller.abort(); route(); return; }
          }
        }
      }
    } catch (error) {
      if (signal.aborted || error.name === "AbortError") return;
    }
    // the stream ended or broke before the job settled: resume after the last event seen
    failures += 1;
    if (failures > 5) {
      say("Live progress was interrupted; reload the page to continue.", "error");
      return;
    }
    reconnecting = true;
    say("Live progress was interrupted; reconnecting…");
    await sleep(500 * failures);
  }
}

// ---------- router ----------
async function route() {
  if (liveStream) { liveStream.abort(); liveStream = null; }
  while (objectUrls.length) URL.revokeObjectURL(objectUrls.pop());
  const path = location.pathname.replace(/\/+$/, "");
  const { key, token } = credentials();
  if (!key && !token) return signInView();
  nav.hidden = false;
  try {
    if (path === "/app/clients") await clientsView();
    else if (path === "/app/jobs/new") await briefView();
    else if (path.startsWith("/app/jobs/")) await jobView(decodeURIComponent(path.slice("/app/jobs/".length)));
    else if (path === "/app/jobs" || path === "/app") await jobsView();
    else page("Not found", h("p", { text: "There is no such page." }));
  } catch (error) {
    if (error.status === 404) page("Not found", h("p", { text: error.message }));
    else if (error.status !== 401) say(error.message, "error");
  }
  main.focus({ preventScroll: true });
}

route();
