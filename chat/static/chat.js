// The web chat's only script (ours, no library). It stores nothing in the browser
// (no localStorage, no sessionStorage: the session is an HttpOnly cookie) and every
// navigation it makes replaces the page (location.replace): Back never returns to
// a chat page. The page works without it, minus the live parts and the quick exit.
"use strict";

(function () {
  const body = document.body;
  const exitUrl = body.dataset.exit;
  const state = body.dataset.state;
  const lang = document.documentElement.lang || "fr";
  let leaving = false;

  // ---- leaving quickly: the button and the Esc key ------------------------------------

  function quickExit(event) {
    if (event) { event.preventDefault(); }
    leaving = true;
    if (state === "chat") {
      const blob = new Blob([JSON.stringify({ reason: "quick_exit" })], { type: "application/json" });
      navigator.sendBeacon("/chat/api/leave", blob);
    }
    document.title = "";
    body.replaceChildren();
    if (window.top !== window.self) {
      // Embedded by the helpline's own site: the whole tab goes, not only the frame.
      try { window.top.location.replace(exitUrl); return; } catch (refused) { /* below */ }
    }
    window.location.replace(exitUrl);
  }

  const exitLink = document.getElementById("quick-exit");
  if (exitLink) { exitLink.addEventListener("click", quickExit); }
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" || event.key === "Esc") { quickExit(event); }
  });

  // One navigation only: the page drawn for an ended conversation ends the session, so
  // a second load racing the first (the callback's answer and the live stream both saying
  // "over") would find no session and show the pre-chat form instead of what happened.
  let navigating = false;
  function replaceWithChat() {
    leaving = true;
    if (navigating) { return; }
    navigating = true;
    window.location.replace("/chat");
  }

  // ---- forms and links that stay on /chat without adding to the history -------------

  document.querySelectorAll("form[data-replace]").forEach(function (form) {
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      try {
        await fetch(form.action, {
          method: "POST", body: new URLSearchParams(new FormData(form)),
          credentials: "same-origin", redirect: "manual",
        });
      } finally {
        replaceWithChat();
      }
    });
  });
  // A file: sent as the form is (multipart); a refusal comes back as the page, whose
  // form (with the sentence beside its field) takes this one's place.
  function bindUpload(form) {
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      const button = form.querySelector("button[type=submit]");
      if (button) { button.disabled = true; }
      try {
        const answer = await fetch(form.action, {
          method: "POST", body: new FormData(form), credentials: "same-origin",
        });
        if (answer.ok) { replaceWithChat(); return; }
        const page = new DOMParser().parseFromString(await answer.text(), "text/html");
        const fresh = page.getElementById(form.id);
        if (fresh) {
          fresh.hidden = false;
          form.replaceWith(fresh);
          bindUpload(fresh);
          const invalid = fresh.querySelector("[aria-invalid=true], .problems:not([hidden])");
          if (invalid) { invalid.setAttribute("tabindex", "-1"); invalid.focus(); }
        }
      } catch (offline) {
        if (button) { button.disabled = false; }
      }
    });
  }
  document.querySelectorAll("form[data-upload]").forEach(bindUpload);

  document.querySelectorAll("a[data-replace]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      replaceWithChat();
    });
  });

  // ---- refusals beside their fields ---------------------------------------------------

  function clearErrors(form) {
    form.querySelectorAll(".error").forEach(function (p) { p.hidden = true; p.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
    const problems = form.querySelector(".problems");
    if (problems) { problems.hidden = true; problems.replaceChildren(); }
  }

  function sayGeneral(form, sentence) {
    const problems = form.querySelector(".problems");
    if (!problems) { return; }
    const p = document.createElement("p");
    p.textContent = sentence;
    problems.replaceChildren(p);
    problems.hidden = false;
  }

  function showProblems(form, detail) {
    let first = null;
    (Array.isArray(detail) ? detail : []).forEach(function (problem) {
      const loc = (problem.loc || []).map(String);
      const name = loc.find(function (part) {
        return form.querySelector('.error[data-field="' + part + '"]');
      });
      if (!name) { return; }
      const p = form.querySelector('.error[data-field="' + name + '"]');
      const tooLong = problem.type === "string_too_long" && p.dataset.tooLong;
      p.textContent = tooLong ? p.dataset.tooLong : p.dataset.text;
      p.hidden = false;
      const input = form.querySelector('[name="' + name + '"]');
      if (input) {
        input.setAttribute("aria-invalid", "true");
        if (!first) { first = input; }
      }
    });
    if (first) { first.focus(); }
    return first !== null;
  }

  function formJson(form) {
    const values = {};
    new FormData(form).forEach(function (value, name) { values[name] = value; });
    return values;
  }

  async function postJson(url, payload, headers) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: Object.assign({ "Content-Type": "application/json" }, headers || {}),
      body: JSON.stringify(payload),
    });
  }

  // ---- the pre-chat form --------------------------------------------------------------

  const prechat = document.getElementById("prechat");
  if (prechat) {
    // Arrived from another site: the SameSite=Strict cookie was not sent with the
    // page; the script's own request sends it. A conversation going on: show it.
    fetch("/chat/api/updates?after=0", { credentials: "same-origin" }).then(function (answer) {
      if (!answer.ok) { return null; }
      return answer.json();
    }).then(function (update) {
      if (update && !update.over) { replaceWithChat(); }
    }).catch(function () { /* offline: the form is there */ });

    prechat.addEventListener("submit", async function (event) {
      event.preventDefault();
      clearErrors(prechat);
      const values = formJson(prechat);
      const payload = { language: lang, privacy_notice_accepted: values.privacy_notice_accepted === "1" };
      if (values.writer) { payload.writer = values.writer; }
      if (values.age_band) { payload.age_band = values.age_band; }
      const button = prechat.querySelector("button[type=submit]");
      button.disabled = true;
      try {
        const answer = await postJson(prechat.dataset.api, payload);
        if (answer.status === 201) { replaceWithChat(); return; }
        const refused = answer.status === 422 ? await answer.json() : null;
        if (!refused || !showProblems(prechat, refused.detail)) { prechat.submit(); }
      } catch (error) {
        prechat.submit();
      } finally {
        button.disabled = false;
      }
    });
  }

  // ---- the conversation ---------------------------------------------------------------

  const live = document.getElementById("live");
  if (!live) { return; }
  const words = live.dataset;
  const transcript = document.getElementById("transcript");
  const statusBox = document.getElementById("status");
  const typingBox = document.getElementById("typing");
  const callbackBox = document.getElementById("callback");
  const composer = document.getElementById("composer");
  const textarea = document.getElementById("body");
  const leaveForm = document.getElementById("leave");
  const clock = new Intl.DateTimeFormat(lang, {
    hour: "2-digit", minute: "2-digit", timeZone: body.dataset.timezone,
  });
  let lastSeq = Number(live.dataset.lastSeq || 0);
  let over = false;

  function say(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, name) { return String(values[name]); });
  }

  function addLine(line) {
    if (transcript.querySelector('[data-seq="' + line.seq + '"]')) { return; }
    const mine = line.author === "young_person";
    const item = document.createElement("li");
    item.className = "line " + (mine ? "mine" : "theirs");
    item.dataset.seq = String(line.seq);
    const who = document.createElement("p");
    who.className = "who";
    who.textContent = (mine ? words.you : words.counsellor) + " ";
    const time = document.createElement("time");
    time.textContent = clock.format(new Date(line.at));
    who.appendChild(time);
    const text = document.createElement("p");
    text.className = "body";
    text.textContent = line.body;
    item.append(who, text);
    const later = Array.from(transcript.children).find(function (li) {
      return Number(li.dataset.seq) > line.seq;
    });
    transcript.insertBefore(item, later || null);
    const empty = document.getElementById("empty");
    if (empty) { empty.remove(); }
  }

  function statusSentence(update) {
    if (update.over) { return words.ended; }
    if (update.counsellor_joined) { return words.joined; }
    const queue = update.queue;
    if (!queue || !queue.place) { return words.soon; }
    const where = queue.place === 1 ? words.next : say(words.place, { place: queue.place });
    const wait = queue.expected_wait_seconds
      ? say(words.wait, { minutes: Math.round(queue.expected_wait_seconds / 60) })
      : words.unknown;
    return where + " " + wait;
  }

  function setText(element, text) {
    if (element.textContent.trim() !== text) { element.textContent = text; }
  }

  function apply(update) {
    update.messages.forEach(addLine);
    lastSeq = Math.max(lastSeq, update.last_seq);
    const sentence = statusSentence(update);
    const p = statusBox.querySelector("p") || statusBox.appendChild(document.createElement("p"));
    setText(p, sentence);
    setText(typingBox, update.counsellor_writing ? words.writing : "");
    callbackBox.hidden = !(update.callback_offered && !update.over);
    const files = document.getElementById("files");
    if (files) { files.hidden = !(update.counsellor_joined && !update.over); }
    setText(leaveForm.querySelector("button"), update.counsellor_joined ? words.end : words.leaveQueue);
    if (update.over && !over) {
      over = true;
      stopLive();
      if (update.status !== "ended" && update.status !== "wrapping_up") {
        replaceWithChat(); // left, callback, missed: the page says so
        return;
      }
      composer.hidden = true;
      leaveForm.hidden = true;
      const again = document.createElement("a");
      again.href = "/chat";
      again.className = "button";
      again.textContent = words.writeAgain || "↻";
      again.addEventListener("click", function (event) { event.preventDefault(); replaceWithChat(); });
      statusBox.appendChild(again);
    }
  }

  // Server-sent events; a poll when they cannot stay open (the server restarting, a
  // proxy that cuts them), the stream tried again after a pause that grows while it
  // keeps failing. Pauses are drawn at random so that the pages a restart cut off do
  // not all come back in the same instant.
  let source = null;
  let pollTimer = null;
  let failures = 0;
  let streamPause = 0; // before trying the stream again, once polling
  let streamAgainAt = 0;

  function spread(ms) { return ms + Math.random() * ms / 2; }

  function poll() {
    pollTimer = window.setTimeout(async function () {
      let answered = false;
      try {
        const answer = await fetch("/chat/api/updates?after=" + lastSeq, { credentials: "same-origin" });
        if (answer.status === 401 || answer.status === 404) { replaceWithChat(); return; }
        if (answer.ok) { apply(await answer.json()); answered = true; }
      } catch (error) { /* offline for a moment */ }
      if (over) { return; }
      pollTimer = null;
      if (answered && window.EventSource && Date.now() >= streamAgainAt) { listen(); } else { poll(); }
    }, spread(2000));
  }

  function fallBackToPolling() {
    source.close();
    source = null;
    streamPause = Math.min(streamPause ? streamPause * 2 : 5000, 60000);
    streamAgainAt = Date.now() + spread(streamPause);
    poll();
  }

  function listen() {
    if (over || source || pollTimer) { return; }
    if (!window.EventSource) { poll(); return; }
    failures = 0;
    source = new EventSource("/chat/api/events?after=" + lastSeq);
    source.addEventListener("update", function (event) {
      failures = 0;
      streamPause = 0;
      apply(JSON.parse(event.data));
    });
    source.addEventListener("error", function () {
      failures += 1;
      if (source && (source.readyState === EventSource.CLOSED || failures > 3)) {
        fallBackToPolling();
      }
    });
  }

  function stopLive() {
    if (source) { source.close(); source = null; }
    if (pollTimer) { window.clearTimeout(pollTimer); pollTimer = null; }
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && !over) { listen(); }
  });

  // Closed or reloading: a beacon; not back soon while waiting, they left the queue.
  window.addEventListener("pagehide", function () {
    if (!leaving && !over) { navigator.sendBeacon("/chat/api/away"); }
  });

  // Writing.
  let lastTyping = 0;
  textarea.addEventListener("input", function () {
    const now = Date.now();
    if (now - lastTyping > 3000 && textarea.value.trim()) {
      lastTyping = now;
      fetch("/chat/api/typing", { method: "POST", credentials: "same-origin" }).catch(function () {});
    }
  });
  textarea.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      composer.requestSubmit();
    }
  });

  const keyInput = composer.querySelector('input[name="key"]');
  let retryTimer = null;

  async function send() {
    clearErrors(composer);
    const text = textarea.value;
    const button = composer.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const answer = await postJson(composer.dataset.api, { body: text }, { "Idempotency-Key": keyInput.value });
      if (answer.status === 201) {
        const accepted = await answer.json();
        addLine({ seq: accepted.seq, author: "young_person", at: accepted.at, body: text });
        if (textarea.value === text) { textarea.value = ""; }
        keyInput.value = window.crypto.randomUUID();
        return;
      }
      if (answer.status === 401 || answer.status === 404) { replaceWithChat(); return; }
      if (answer.status === 429) {
        const seconds = Number(answer.headers.get("Retry-After") || 2);
        sayGeneral(composer, words.rateLimited);
        retryTimer = window.setTimeout(send, seconds * 1000); // the same text, the same key
        return;
      }
      if (answer.status === 409) { sayGeneral(composer, words.over); return; }
      if (answer.status === 422) {
        const refused = await answer.json();
        if (!showProblems(composer, refused.detail)) { sayGeneral(composer, words.keyReused); }
        return;
      }
      sayGeneral(composer, words.unavailable);
    } catch (error) {
      sayGeneral(composer, words.unavailable); // sent again with the same key: once
    } finally {
      button.disabled = false;
    }
  }

  composer.addEventListener("submit", function (event) {
    event.preventDefault();
    if (retryTimer) { window.clearTimeout(retryTimer); retryTimer = null; }
    send();
  });

  leaveForm.addEventListener("submit", async function (event) {
    event.preventDefault();
    leaving = true;
    try {
      await postJson(leaveForm.dataset.api, { reason: "left" });
    } finally {
      replaceWithChat();
    }
  });

  const callbackForm = document.getElementById("callback-form");
  callbackForm.addEventListener("submit", async function (event) {
    event.preventDefault();
    clearErrors(callbackForm);
    const values = formJson(callbackForm);
    const payload = {
      phone: values.phone,
      earliest_hour: Number(values.earliest_hour),
      latest_hour: Number(values.latest_hour),
      weekdays_only: values.weekdays_only === "1",
    };
    if (values.first_name && values.first_name.trim()) { payload.first_name = values.first_name; }
    if (values.instructions && values.instructions.trim()) { payload.instructions = values.instructions; }
    try {
      const answer = await postJson(callbackForm.dataset.api, payload);
      if (answer.status === 201 || answer.status === 401) { replaceWithChat(); return; }
      if (answer.status === 422) { showProblems(callbackForm, (await answer.json()).detail); return; }
      if (answer.status === 409) { sayGeneral(callbackForm, words.notOffered); return; }
      sayGeneral(callbackForm, words.unavailable);
    } catch (error) {
      sayGeneral(callbackForm, words.unavailable);
    }
  });

  if (!document.querySelector(".problems:not([hidden])")) { textarea.focus(); }
  listen();
})();
