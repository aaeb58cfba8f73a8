// The participant page: join, answer block by block (each answer saved as it is given),
// review, submit. Served from the package; no build step, no inline script (strict CSP).
"use strict";
(function () {
  const csrf = document.querySelector('meta[name="csrf"]').content;
  const app = document.getElementById("app");
  // The page's fixed words in the participant's language (English text -> translation).
  const words = JSON.parse(app.dataset.words || "{}");
  function word(text) { return words[text] || text; }
  const total = Number(app.dataset.total);
  const blocks = Array.from(document.querySelectorAll("section.block"));
  const answers = {};
  const pending = new Set();
  let current = null;
  let reviewed = false;  // once the review was shown, every screen can go straight back to it

  function show(id) {
    document.querySelectorAll("section.screen").forEach((s) => { s.hidden = s.id !== id; });
    current = id;
    document.querySelectorAll("button.to-review").forEach((b) => { b.hidden = !reviewed; });
    document.getElementById("meter").hidden = !(id.startsWith("s-block") || id === "s-review");
    const heading = document.querySelector("#" + id + " h2");
    if (heading) { heading.focus(); }
    window.scrollTo(0, 0);
  }

  function message(text) {
    const box = document.getElementById("message");
    box.textContent = text || "";
    box.hidden = !text;
  }

  function progress() {
    const n = Object.keys(answers).length;
    document.getElementById("progress-text").textContent = word("{n} of {total} answered").replace("{n}", n).replace("{total}", total);
    document.getElementById("bar-fill").style.width = (100 * n / total) + "%";
  }

  async function post(path, body) {
    const response = await fetch(path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body || {}),
    });
    let data = {};
    try { data = await response.json(); } catch (e) { data = {}; }
    if (!response.ok) {
      const err = new Error(data.error || ("error " + response.status));
      err.status = response.status;
      err.reason = data.reason;
      throw err;
    }
    return data;
  }

  function wait(ms) { return new Promise((resolve) => setTimeout(resolve, ms)); }

  async function save(item, value) {
    const status = document.getElementById("status-" + item);
    status.textContent = word("Saving…");
    status.className = "status";
    const job = (async () => {
      for (let attempt = 0; attempt < 4; attempt += 1) {
        try {
          await post("/api/answer", { item: item, value: value });
          answers[item] = value;
          progress();
          status.textContent = word("Saved ✓");
          status.className = "status ok";
          return;
        } catch (err) {
          if (err.status && err.status !== 429 && err.status < 500) {
            status.textContent = word("Not saved:") + " " + err.message;
            status.className = "status bad";
            if (err.status === 409 && err.reason === "closed") { show("s-closed"); }
            return;
          }
          await wait(500 * (attempt + 1));
        }
      }
      status.textContent = word("Not saved: no connection. Choose again to retry.");
      status.className = "status bad";
    })();
    pending.add(job);
    await job;
    pending.delete(job);
  }

  function firstOpenBlock() {
    for (let b = 0; b < blocks.length; b += 1) {
      const items = blocks[b].querySelectorAll("fieldset.item");
      for (const f of items) { if (!(f.dataset.item in answers)) { return b; } }
    }
    return -1;
  }

  function goBlock(b) { show("s-block-" + b); }

  function review() {
    reviewed = true;
    const list = document.getElementById("review-list");
    list.textContent = "";
    document.querySelectorAll("fieldset.item").forEach((f) => {
      const item = f.dataset.item;
      const li = document.createElement("li");
      const text = document.createElement("span");
      text.className = "statement";
      text.textContent = f.querySelector("legend .text").textContent.trim();
      const given = document.createElement("span");
      const chosen = f.querySelector("input:checked");
      given.className = chosen ? "given" : "given skipped";
      given.textContent = chosen ? chosen.parentElement.textContent.trim() : word("skipped");
      const change = document.createElement("button");
      change.type = "button";
      change.className = "link";
      change.textContent = word("Change");
      change.setAttribute("aria-label", word("Change") + ": " + text.textContent);
      const block = f.closest("section.block").dataset.block;
      change.addEventListener("click", () => goBlock(Number(block)));
      li.append(text, given, change);
      list.append(li);
    });
    show("s-review");
  }

  function restore(me) {
    Object.entries(me.answers || {}).forEach(([item, value]) => {
      answers[item] = value;
      const input = document.querySelector('input[name="' + CSS.escape(item) + '"][value="' + CSS.escape(value) + '"]');
      if (input) { input.checked = true; }
    });
    progress();
  }

  async function start() {
    let data;
    try {
      const response = await fetch("/api/state", { credentials: "same-origin" });
      data = await response.json();
    } catch (e) {
      message(word("No connection to the room. Reload the page to try again."));
      return;
    }
    const me = data.me;
    if (me.submitted) { show("s-done"); return; }
    if (!data.open) { show("s-closed"); return; }
    const code = new URLSearchParams(window.location.search).get("room");
    if (code) { document.getElementById("code").value = code; }
    if (!me.joined) { show("s-join"); return; }
    restore(me);
    const open = firstOpenBlock();
    if (open < 0) { review(); } else { goBlock(open); }
  }

  document.getElementById("join-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    const group = form.querySelector('input[name="group"]:checked');
    if (!group) { message(word("Choose your group first.")); return; }
    const segment = form.querySelector("#segment");
    try {
      await post("/api/join", {
        code: form.querySelector("#code").value.trim(),
        group: group.value,
        segment: segment ? segment.value : "",
      });
      message("");
      goBlock(0);
    } catch (err) {
      message(err.message);
    }
  });

  document.querySelectorAll("fieldset.item input[type=radio]").forEach((input) => {
    input.addEventListener("change", () => { save(input.name, input.value); });
  });

  blocks.forEach((section, b) => {
    section.querySelector("button.back").addEventListener("click", () => {
      if (b === 0) { show("s-join"); } else { goBlock(b - 1); }
    });
    section.querySelector("button.next").addEventListener("click", () => {
      if (b === blocks.length - 1) { review(); } else { goBlock(b + 1); }
    });
  });

  document.querySelectorAll("button.to-review").forEach((b) => b.addEventListener("click", review));
  document.getElementById("review-back").addEventListener("click", () => goBlock(blocks.length - 1));
  document.getElementById("submit").addEventListener("click", async () => {
    await Promise.all(Array.from(pending));
    try {
      await post("/api/submit", {});
      message("");
      show("s-done");
    } catch (err) {
      message(err.message);
    }
  });

  start();
}());
