// Settings page: Visitor Tracking switch, site setup and team. Every value shown comes
// from the API and is set with textContent; the server enforces every permission.
import { api, sentence } from "./api.js";
import { ChatAlerts } from "../chats/alerts.js";

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const trackingSwitch = /** @type {HTMLButtonElement} */ ($("tracking"));
let canManage = false;
/** @type {string} */
let myRole = "agent";

/** @param {string} id @param {string} text @param {boolean} [error] */
function say(id, text, error = false) {
  const element = $(id);
  element.textContent = text;
  element.classList.toggle("error", error);
}

/** @param {{tracking: boolean, snippet: string, allowedOrigins: string[], canManage: boolean}} settings */
function showSettings(settings) {
  canManage = settings.canManage;
  showTracking(settings.tracking);
  $("snippet").textContent = settings.snippet;
  /** @type {HTMLTextAreaElement} */ ($("origins")).value = settings.allowedOrigins.join("\n");
  for (const id of ["tracking", "save-origins", "rotate", "origins"]) {
    /** @type {HTMLButtonElement} */ ($(id)).disabled = !canManage;
  }
  $("manage-note").hidden = canManage;
  $("add-member").hidden = !canManage;
}

/** @param {boolean} on */
function showTracking(on) {
  trackingSwitch.setAttribute("aria-checked", String(on));
  $("tracking-state").textContent = on ? "On" : "Off";
}

trackingSwitch.addEventListener("click", async () => {
  if (!canManage) return;
  const wanted = trackingSwitch.getAttribute("aria-checked") !== "true";
  showTracking(wanted);
  trackingSwitch.disabled = true;
  try {
    showSettings(await api("PUT", "/api/settings/tracking", { enabled: wanted }));
    say("tracking-status", wanted ? "Saved: Visitor Tracking is on." : "Saved: Visitor Tracking is off.");
  } catch (error) {
    showTracking(!wanted);
    say("tracking-status", /** @type {Error} */ (error).message, true);
  } finally {
    trackingSwitch.disabled = !canManage;
  }
});

$("copy").addEventListener("click", async () => {
  try {
    await navigator.clipboard.writeText($("snippet").textContent || "");
    say("copy-status", "Copied.");
  } catch {
    const range = document.createRange();
    range.selectNodeContents($("snippet"));
    getSelection()?.removeAllRanges();
    getSelection()?.addRange(range);
    say("copy-status", "Selected: press Ctrl+C to copy.");
  }
});

$("origins-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const origins = /** @type {HTMLTextAreaElement} */ ($("origins")).value.split("\n").map((line) => line.trim()).filter(Boolean);
  try {
    showSettings(await api("PUT", "/api/settings/origins", { origins }));
    say("origins-status", origins.length ? "Saved: only these origins can send visitors." : "Saved: any origin can send visitors.");
  } catch (error) {
    say("origins-status", /** @type {Error} */ (error).message, true);
  }
});

$("rotate").addEventListener("click", async () => {
  if (!confirm("Rotate the site key? The old key stops working at once.")) return;
  try {
    showSettings(await api("POST", "/api/settings/site-key"));
    say("rotate-status", "New site key saved. Update the snippet on your site.");
  } catch (error) {
    say("rotate-status", /** @type {Error} */ (error).message, true);
  }
});

/** @param {{id: string, email: string, role: string, you: boolean}[]} members */
function showTeam(members) {
  const body = $("members");
  body.replaceChildren();
  for (const member of members) {
    const row = document.createElement("tr");
    const email = document.createElement("td");
    email.textContent = member.you ? `${member.email} (you)` : member.email;
    const roleCell = document.createElement("td");
    const actions = document.createElement("td");
    const mayChange = canManage && (member.role !== "owner" || myRole === "owner");
    if (mayChange) {
      const select = document.createElement("select");
      select.setAttribute("aria-label", `Role of ${member.email}`);
      for (const role of myRole === "owner" ? ["owner", "admin", "agent"] : ["admin", "agent"]) {
        const option = document.createElement("option");
        option.value = role;
        option.textContent = role.charAt(0).toUpperCase() + role.slice(1);
        option.selected = role === member.role;
        select.append(option);
      }
      select.addEventListener("change", () => change(() => api("PATCH", `/api/team/${encodeURIComponent(member.id)}`, { role: select.value }), `${member.email} is now ${select.value}.`));
      roleCell.append(select);
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "quiet";
      remove.textContent = "Remove";
      remove.setAttribute("aria-label", `Remove ${member.email}`);
      remove.addEventListener("click", () => {
        if (confirm(`Remove ${member.email} from the team?`)) {
          change(() => api("DELETE", `/api/team/${encodeURIComponent(member.id)}`), `${member.email} was removed.`);
        }
      });
      actions.append(remove);
    } else {
      roleCell.textContent = member.role.charAt(0).toUpperCase() + member.role.slice(1);
    }
    row.append(email, roleCell, actions);
    body.append(row);
  }
}

/** @param {() => Promise<unknown>} request @param {string} done */
async function change(request, done) {
  try {
    await request();
    say("team-status", done);
  } catch (error) {
    say("team-status", /** @type {Error} */ (error).message, true);
  }
  await loadTeam();
}

async function loadTeam() {
  showTeam((await api("GET", "/api/team")).members);
}

$("add-member").addEventListener("submit", async (event) => {
  event.preventDefault();
  const email = /** @type {HTMLInputElement} */ ($("member-email"));
  const role = /** @type {HTMLSelectElement} */ ($("member-role"));
  const password = /** @type {HTMLInputElement} */ ($("member-password"));
  await change(() => api("POST", "/api/team", { email: email.value, role: role.value, password: password.value }), `${email.value} was added as ${role.value}.`);
  if (!$("team-status").classList.contains("error")) {
    email.value = "";
    password.value = "";
  }
});

$("signout").addEventListener("click", async () => {
  await fetch("/api/session", { method: "DELETE", headers: { "Content-Type": "application/json" }, body: "{}" });
  location.assign("/signin");
});

// The Chats link counts unread visitor messages (fed from the same feed).
const alerts = new ChatAlerts();

/** Follows the account's feed so a switch flipped elsewhere shows here too. */
function follow(delay = 1000) {
  const socket = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/feed`);
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(event.data);
    alerts.apply(message);
    if (message.type === "snapshot") showTracking(message.tracking);
    if (message.type === "tracking") showTracking(message.enabled);
  });
  socket.addEventListener("close", (event) => {
    if (event.code === 4401) return location.assign("/signin");
    setTimeout(() => follow(Math.min(delay * 2, 30000)), delay * (0.5 + Math.random()));
  });
}

async function start() {
  try {
    const me = await api("GET", "/api/me");
    myRole = me.user.role;
    $("who").textContent = `${me.user.email} · ${sentence(me.user.role).slice(0, -1)}`;
    const roleSelect = /** @type {HTMLSelectElement} */ ($("member-role"));
    if (myRole !== "owner") roleSelect.querySelector('option[value="owner"]')?.remove();
    showSettings(await api("GET", "/api/settings"));
    await loadTeam();
    follow();
  } catch (error) {
    say("tracking-status", /** @type {Error} */ (error).message, true);
  }
}

start();
