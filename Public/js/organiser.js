// The organiser's page: create a workshop (needs the organiser token from `detente serve`).
import { Connection } from "./connection.js";
import { $, el, replace, showStatus, fragmentToken, departmentName } from "./dom.js";
import { qrSvg } from "./qr.js";

const KEY = "detente.organiser";
const token = fragmentToken() || sessionStorage.getItem(KEY);
if (token) { sessionStorage.setItem(KEY, token); history.replaceState(null, "", location.pathname); }

const DEFAULTS = ["dev", "ops", "dba", "security", "platform"];
replace($("#departments"), DEFAULTS.map((d) => el("label", {},
  el("input", { type: "checkbox", class: "department", id: `department-${d}`, value: d, checked: d === "dev" || d === "ops" }), " ", departmentName(d))));

const connection = new Connection({
  token,
  onFrame: () => {},
  onStatus: (s) => showStatus($("#status"), s),
});
if (!token) $("#error").textContent = "This page needs the organiser link that `detente serve` prints (it carries a secret token).";
connection.open();

$("#create-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const departments = [...document.querySelectorAll("input.department:checked")].map((i) => i.value)
    .concat($("#extra").value.split(",").map((s) => s.trim().toLowerCase()).filter(Boolean));
  $("#create").disabled = true;
  const reply = await connection.send({ type: "create", organiser_token: token, title: $("#title").value, departments,
    template: $("#template").value, k: Number($("#k").value) });
  $("#create").disabled = false;
  if (reply.type === "error") { $("#error").textContent = reply.message; return; }
  $("#error").textContent = "";
  $("#code").textContent = reply.code;
  // ?w= names the workshop for a proxy that shards by workshop (README "Running several nodes").
  const console = `${location.origin}/facilitator.html?w=${encodeURIComponent(reply.code)}#token=${encodeURIComponent(reply.facilitator_token)}`;
  $("#facilitator-link").href = console;
  replace($("#links"), reply.join_links.map((l) => {
    const url = `${location.origin}/join.html?code=${encodeURIComponent(reply.code)}&department=${encodeURIComponent(l.department)}`;
    return el("li", {}, el("strong", {}, `Join as ${departmentName(l.department)}`), el("br"), el("a", { href: url }, url), el("br"),
      qrSvg(url, `QR code to join as ${departmentName(l.department)}`));
  }));
  $("#result").classList.remove("hidden");
  $("#result").focus();
});
