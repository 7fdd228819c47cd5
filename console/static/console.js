// The console's only script (ours, no library): live regions, sign-out after
// inactivity, the legal article of the chosen qualification, focus on refusals.
// Every page works without it; it stores nothing in the browser.
"use strict";

(function () {
  const idleSeconds = Number(document.body.dataset.idleSeconds || 0);
  let lastActivity = Date.now();
  let activeSincePoll = false;

  ["keydown", "mousedown", "input", "touchstart", "wheel"].forEach(function (name) {
    document.addEventListener(name, function () {
      lastActivity = Date.now();
      activeSincePoll = true;
    }, { passive: true, capture: true });
  });

  function signOut(reason) {
    const form = document.getElementById("sign-out");
    if (!form) { return; }
    form.querySelector("input[name=reason]").value = reason;
    form.submit();
  }

  if (idleSeconds > 0) {
    window.setInterval(function () {
      if (Date.now() - lastActivity > idleSeconds * 1000) { signOut("idle"); }
    }, 1000);
  }

  // A live region is redrawn from its URL every second, unless the counsellor is in it
  // (focus inside): what they type elsewhere on the page is never touched.
  document.querySelectorAll("[data-live]").forEach(function (region) {
    let busy = false;
    async function refresh() {
      if (busy) { return; }
      busy = true;
      const url = region.dataset.live + (region.dataset.live.includes("?") ? "&" : "?") +
        "active=" + (activeSincePoll ? "1" : "0");
      activeSincePoll = false;
      try {
        const response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
        if (response.status === 401) {
          window.location.assign("/console/sign-in?reason=idle");
          return;
        }
        if (!response.ok) { return; }
        const html = await response.text();
        if (html !== region.dataset.drawn && !region.contains(document.activeElement)) {
          region.innerHTML = html;
          region.dataset.drawn = html;
          region.dispatchEvent(new CustomEvent("redrawn", { bubbles: true }));
        }
      } catch (ignored) {
        // offline for a moment: the next round tries again
      } finally {
        busy = false;
      }
    }
    region.dataset.drawn = region.innerHTML;
    window.setInterval(refresh, 1000);
  });

  // The legal article of the qualification chosen for an item.
  document.querySelectorAll("select[data-article-target]").forEach(function (select) {
    const target = document.getElementById(select.dataset.articleTarget);
    function show() {
      const option = select.options[select.selectedIndex];
      target.textContent = (option && option.dataset.article) || "";
    }
    select.addEventListener("change", show);
    show();
  });

  const summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
})();
