// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.getElementById("error-summary");
  if (summary) summary.focus();
});

// On a small screen the main menu folds behind its button (the CSS decides when it is folded).
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector(".site-nav__toggle");
  if (!toggle) return;
  const nav = toggle.closest(".site-nav");
  const setOpen = (open) => {
    nav.classList.toggle("site-nav--open", open);
    toggle.setAttribute("aria-expanded", String(open));
  };
  nav.classList.add("site-nav--collapsible");
  toggle.hidden = false;
  toggle.addEventListener("click", () => setOpen(!nav.classList.contains("site-nav--open")));
  nav.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || !nav.classList.contains("site-nav--open")) return;
    if (getComputedStyle(toggle).display === "none") return;
    setOpen(false);
    toggle.focus();
  });
});

// htmx swaps nothing when a request fails (403, 404, 429, 500, or no connection): without this
// the person clicks and nothing happens. The server's error page says why; show its title and
// message in the page's alert (a live region), or the page's own words when there is no answer.
function showRequestProblem(text) {
  const alert = document.getElementById("request-problem");
  if (!alert) return;
  alert.textContent = text;
  alert.hidden = false;
  alert.scrollIntoView({ block: "nearest" });
}

function explanationFrom(xhr) {
  try {
    const answer = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
    const parts = [answer.querySelector("main h1"), answer.querySelector("main p")]
      .map((node) => (node ? node.textContent.trim() : ""))
      .filter(Boolean);
    return parts.join(": ");
  } catch (error) {
    return "";
  }
}

document.addEventListener("htmx:responseError", (event) => {
  const alert = document.getElementById("request-problem");
  showRequestProblem(explanationFrom(event.detail.xhr) || (alert && alert.dataset.failed) || "");
});

document.addEventListener("htmx:sendError", () => {
  const alert = document.getElementById("request-problem");
  showRequestProblem((alert && alert.dataset.offline) || "");
});

document.addEventListener("htmx:beforeRequest", () => {
  const alert = document.getElementById("request-problem");
  if (alert) alert.hidden = true;
});

// A data table wider than the page scrolls inside itself (WCAG 1.4.10 allows it for tables);
// a keyboard user scrolls it only once it can take focus (axe scrollable-region-focusable).
function letWideTablesTakeFocus(root) {
  root.querySelectorAll("table.utrecht-table").forEach((table) => {
    const wide = table.scrollWidth > table.clientWidth + 1;
    if (wide && !table.hasAttribute("tabindex")) table.setAttribute("tabindex", "0");
    if (!wide && table.getAttribute("tabindex") === "0") table.removeAttribute("tabindex");
  });
}
document.addEventListener("DOMContentLoaded", () => letWideTablesTakeFocus(document));
document.addEventListener("htmx:afterSettle", () => letWideTablesTakeFocus(document));
let tableResizeTimer;
window.addEventListener("resize", () => {
  clearTimeout(tableResizeTimer);
  tableResizeTimer = setTimeout(() => letWideTablesTakeFocus(document), 150);
});

// After a swap: say what changed and put focus somewhere on purpose (WCAG 2.4.3, 4.1.3).
// The server names the change in the X-Announce header (core.rendering.announce); the live
// region in base.html stays in the page, so it is heard. Focus: htmx keeps it on an element
// that still exists under the same id; otherwise the first invalid field of the new content,
// else its heading — never <body>.
document.addEventListener("htmx:afterSwap", (event) => {
  const xhr = event.detail.xhr;
  const announcer = document.getElementById("live-announcer");
  const encoded = xhr && xhr.getResponseHeader("X-Announce");
  if (announcer && encoded) {
    let message = encoded;
    try {
      message = decodeURIComponent(encoded);
    } catch (error) {
      // a malformed header is said as it came
    }
    announcer.textContent = "";
    // A fresh text node after a tick: screen readers skip a live region set to the same words.
    window.setTimeout(() => { announcer.textContent = message; }, 50);
  }
});

document.addEventListener("htmx:afterSettle", (event) => {
  const active = document.activeElement;
  if (active && active !== document.body && document.contains(active)) return;
  const region = event.detail.elt && document.contains(event.detail.elt)
    ? event.detail.elt
    : document.getElementById(event.detail.target && event.detail.target.id) || document.getElementById("main");
  if (!region) return;
  const target = region.querySelector("[aria-invalid='true'], #error-summary")
    || region.querySelector("h1, h2, h3, caption")
    || region;
  if (!target.hasAttribute("tabindex") && !target.matches("a, button, input, select, textarea")) {
    target.setAttribute("tabindex", "-1");
  }
  target.focus();
});

// A summary link names its field by id. For a group of radio buttons or checkboxes (and any
// other wrapper) that id is on the fieldset, which takes no focus: the browser scrolled there
// and left the focus in the summary, so the next Tab did not reach the group. Put the focus on
// the group's chosen option, else its first, with the group's legend in view.
document.addEventListener("click", (event) => {
  const link = event.target.closest && event.target.closest("#error-summary a[href^='#']");
  if (!link) return;
  const target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
  if (!target || target.matches("input, select, textarea, button")) return;
  const controls = "input:not([type=hidden]):not([disabled]), select, textarea";
  const control = target.querySelector("input:checked:not([disabled])") || target.querySelector(controls);
  if (!control) return;
  event.preventDefault();
  (target.querySelector("legend") || target).scrollIntoView({ block: "start" });
  control.focus({ preventScroll: true });
});
