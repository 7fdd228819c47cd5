// The console's only script (ours, no library): live regions, sign-out after
// inactivity, the legal article of the chosen qualification, focus on refusals,
// evidence shown clear on demand and dropped onto its form.
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
  // (focus inside): what they type elsewhere on the page is never touched. A drawing
  // that holds [data-live-done] is settled: the region is not asked again.
  document.querySelectorAll("[data-live]").forEach(function (region) {
    let busy = false;
    let timer = null;
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
        if (!response.ok || response.status === 204) { return; }
        const html = await response.text();
        if (html !== region.dataset.drawn && !region.contains(document.activeElement)) {
          region.innerHTML = html;
          region.dataset.drawn = html;
          const next = region.querySelector("[data-live-next]");
          if (next) { region.dataset.live = next.dataset.liveNext; }
          if (next && region.dataset.status && next.dataset.status !== region.dataset.status) {
            window.location.reload(); // the conversation's forms change with its status
            return;
          }
          if (region.dataset.scroll === "end") { region.scrollTop = region.scrollHeight; }
          if (region.querySelector("[data-live-done]")) { window.clearInterval(timer); }
          region.dispatchEvent(new CustomEvent("redrawn", { bubbles: true }));
        }
      } catch (ignored) {
        // offline for a moment: the next round tries again
      } finally {
        busy = false;
      }
    }
    region.dataset.drawn = region.innerHTML;
    timer = window.setInterval(refresh, 1000);
  });

  // The conversations screen: the presence held while the page is open (a heartbeat
  // every third of its lifetime), and Enter sends a reply (Shift+Enter: a new line).
  document.querySelectorAll("[data-heartbeat]").forEach(function (beat) {
    const seconds = Math.max(5, Number(beat.dataset.seconds || 40));
    async function send() {
      try {
        await fetch(beat.dataset.heartbeat, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
          body: "csrf=" + encodeURIComponent(beat.dataset.csrf),
        });
      } catch (ignored) {
        // offline for a moment: the next beat tries again
      }
    }
    send();
    window.setInterval(send, seconds * 1000);
  });

  document.querySelectorAll("textarea[data-enter-sends]").forEach(function (box) {
    box.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || event.shiftKey || event.isComposing) { return; }
      event.preventDefault();
      if (box.value.trim() === "") { return; }
      const form = box.form;
      if (form.dataset.sending) { return; }
      form.dataset.sending = "1";
      form.requestSubmit();
    });
  });
  document.querySelectorAll("[data-scroll=end]").forEach(function (region) {
    region.scrollTop = region.scrollHeight;
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

  // Evidence: an image is shown clear in its place when the counsellor asks (the
  // link alone opens it; each showing is audited by the server), and a file dropped
  // on the zone becomes the form's file (the counsellor still answers and sends).
  document.querySelectorAll("a[data-reveal]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      const image = link.closest("figure").querySelector("img[data-clear]");
      if (!image) { return; }
      event.preventDefault();
      image.src = image.dataset.clear;
      image.alt = image.dataset.clearAlt;
      image.classList.add("revealed");
      link.remove();
    });
  });
  document.querySelectorAll("[data-dropzone]").forEach(function (zone) {
    const input = zone.querySelector("input[type=file]");
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("dragging");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("dragging"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        input.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  });

  const summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
})();
