// The projector page: polls the room's live state every two seconds and redraws the
// counts and, once the server says the anonymity threshold is met, the figures.
// Everything is written with textContent: no markup from the server is ever parsed.
"use strict";
(function () {
  const csrf = document.querySelector('meta[name="csrf"]').content;
  const POLL_MS = 2000;
  // The page's fixed words in the room's language (English text -> translation); a
  // text's {name} placeholders are filled from the object given.
  const words = JSON.parse(document.getElementById("projector").dataset.words || "{}");
  const lang = document.documentElement.lang || undefined;
  function word(text, fields) {
    return (words[text] || text).replace(/\{(\w+)\}/g, (all, name) =>
      (fields && name in fields ? String(fields[name]) : all));
  }

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined) { node.textContent = text; }
    if (className) { node.className = className; }
    return node;
  }

  function counts(groups) {
    const body = document.getElementById("counts");
    body.textContent = "";
    groups.forEach((g) => {
      const row = el("tr");
      row.append(el("th", g.label), el("td", String(g.submitted)), el("td", String(g.joined - g.submitted)));
      row.firstChild.scope = "row";
      body.append(row);
    });
  }

  function figures(state) {
    const box = document.getElementById("figures");
    const waiting = document.getElementById("waiting");
    let f = state.figures;
    document.getElementById("download").hidden = !state.ready;
    if (f && f.unavailable) {
      waiting.textContent = word("The responses cannot be scored yet:") + " " + f.unavailable;
      waiting.hidden = false;
      f = null;
      box.hidden = true;
      return;
    }
    box.hidden = !f;
    if (!f) {
      const needed = Object.entries(state.needed).map(([g, n]) => word("{n} more from {group}", { n: n, group: g }));
      waiting.textContent = needed.length
        ? word("Results appear once each compared group has {threshold} submitted responses: {needed}.",
          { threshold: state.threshold, needed: needed.join(", ") })
        : word("Results appear once each compared group has {threshold} submitted responses.",
          { threshold: state.threshold });
      waiting.hidden = false;
      return;
    }
    waiting.hidden = true;
    document.getElementById("overall-stage").textContent = f.overall.stage || "–";
    document.getElementById("overall-score").textContent = "(" + f.overall.score + ")";
    document.getElementById("headline").textContent = f.headline || "";
    const stages = document.getElementById("group-stages");
    stages.textContent = "";
    f.groups.forEach((g) => {
      const text = g.stage ? g.label + ": " + g.stage + " (" + g.score + ")" : word("{group}: n = {n}, too few to show", { group: g.label, n: g.n });
      stages.append(el("li", text, g.stage ? "" : "muted"));
    });
    document.getElementById("gap-note").textContent = f.gap_note || "";
    const gaps = document.getElementById("gaps");
    gaps.textContent = "";
    f.gaps.forEach((g) => {
      const li = el("li");
      li.append(el("span", g.label, "gap-label"), el("span", " " + g.gap, "gap-value"), el("span", " " + g.means, "gap-means"));
      gaps.append(li);
    });
  }

  function roomState(open) {
    document.getElementById("room-state").textContent = open ? word("Open") : word("Closed");
    document.getElementById("room-state").className = "room-state " + (open ? "is-open" : "is-closed");
    document.getElementById("close-room").hidden = !open;
    document.getElementById("reopen-room").hidden = open;
  }

  async function poll() {
    try {
      const response = await fetch("/api/admin/live", { credentials: "same-origin" });
      if (response.ok) {
        const state = await response.json();
        counts(state.groups);
        figures(state);
        roomState(state.open);
        document.getElementById("updated").textContent = word("Updated {time}", { time: new Date().toLocaleTimeString(lang) });
      } else {
        document.getElementById("updated").textContent = word("Not updated ({status})", { status: response.status });
      }
    } catch (e) {
      document.getElementById("updated").textContent = word("No connection to the room");
    }
    setTimeout(poll, POLL_MS);
  }

  async function setOpen(path) {
    const response = await fetch(path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: "{}",
    });
    if (response.ok) { roomState((await response.json()).open); }
  }

  document.getElementById("close-room").addEventListener("click", async () => {
    if (window.confirm(word("Close the room? No more answers will be taken."))) {
      await setOpen("/api/admin/close");
    }
  });
  document.getElementById("reopen-room").addEventListener("click", () => setOpen("/api/admin/reopen"));
  poll();
}());
