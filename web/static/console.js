// Shared by the adviser console and the provider view: the key, calls to the API, problem documents, small DOM
// helpers. No framework: each page is one HTML file plus one script, served as they are, with no build step.
// Words come from web/i18n/console/<lang>.json through I18n (i18n.js); a key a language lacks falls back to English.
(function () {
  const KEY = "stackwise-key";
  const LANGUAGES = ["en", "id", "fi"];
  const I = window.I18n;
  const t = I.t;

  // An API error with what the server said (RFC 9457 problem+json) kept for display.
  class ApiError extends Error {
    constructor(status, problem) {
      super(problem.detail || problem.title || "HTTP " + status);
      this.status = status;
      this.problem = problem;
    }
  }

  async function problemOf(response) {
    try {
      return await response.json();
    } catch (e) {
      return { title: response.statusText || "HTTP " + response.status };
    }
  }

  // fetch with the signed-in key; JSON in and out unless told otherwise. Throws ApiError on any non-2xx.
  async function api(path, options) {
    const opts = Object.assign({ method: "GET" }, options || {});
    const headers = Object.assign({}, opts.headers || {});
    const key = sessionStorage.getItem(KEY);
    if (key) headers["Authorization"] = "Bearer " + key;
    let body = opts.body;
    if (opts.json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(opts.json);
    }
    const response = await fetch(path, { method: opts.method, headers: headers, body: body });
    if (!response.ok) throw new ApiError(response.status, await problemOf(response));
    if (opts.raw) return response;
    if (response.status === 204) return null;
    return response.json();
  }

  // Saves a response body as a file with the name the server gave it.
  async function download(path, fallbackName) {
    const response = await api(path, { raw: true });
    const disposition = response.headers.get("Content-Disposition") || "";
    const named = /filename="?([^";]+)"?/.exec(disposition);
    const url = URL.createObjectURL(await response.blob());
    const link = el("a", { href: url, download: named ? named[1] : fallbackName });
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () {
      URL.revokeObjectURL(url);
    }, 10000);
  }

  // el("li", {class: "x", onclick: f}, "text", child, ...): attributes, handlers and children in one call.
  function el(tag, attrs) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(function ([name, value]) {
      if (value === undefined || value === null || value === false) return;
      if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else if (name === "text") node.textContent = value;
      else node.setAttribute(name, value === true ? "" : value);
    });
    for (let i = 2; i < arguments.length; i++) {
      const child = arguments[i];
      if (child === null || child === undefined || child === false) continue;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
    return node;
  }

  // A status line for the outcome of an action; errors carry the server's detail and any field errors.
  function report(node, error, success) {
    clear(node);
    node.classList.toggle("error", Boolean(error));
    if (!error) {
      node.textContent = success || "";
      return;
    }
    node.appendChild(document.createTextNode(error.message));
    const fields = (error.problem && error.problem.errors) || [];
    if (fields.length) {
      const list = el("ul");
      fields.slice(0, 10).forEach(function (f) {
        list.appendChild(el("li", { text: (f.field || f.pointer || "") + ": " + f.message }));
      });
      node.appendChild(list);
    }
  }

  // The API sends null for what a catalog does not state: say so, never "free" or "0 weeks".
  function money(amount, currency) {
    if (amount === null || amount === undefined) return t("console.price_not_stated");
    return amount === 0 ? t("console.free") : I.money(amount, currency);
  }

  function stated(value, text, missing) {
    return value === null || value === undefined ? missing : text;
  }

  function summaryLine(c) {
    const pace = c.self_paced
      ? t("console.self_paced")
      : stated(c.hours_per_week, t("console.hours_per_week", { count: c.hours_per_week }), t("console.hours_not_stated"));
    return [
      c.provider_name,
      money(c.price, c.currency),
      stated(c.duration_weeks, t("console.weeks", { count: c.duration_weeks }), t("console.duration_not_stated")),
      pace,
      stated(c.participation, t("mode." + c.participation), t("console.mode_not_stated")),
      stated(c.eqf_level, t("console.eqf", { level: c.eqf_level }), t("console.eqf_not_stated")),
    ].join(" · ");
  }

  // The sign-in form: checks the key against `probe` (an endpoint the page's role may call) and then starts the
  // page. A key that is wrong, revoked or of too small a role is refused with the server's reason.
  function signIn(probe, start) {
    const form = document.getElementById("signin");
    const panel = document.getElementById("console");
    const status = document.getElementById("signin-status");
    const signOut = document.getElementById("signout");

    async function tryKey() {
      try {
        await api(probe);
      } catch (error) {
        sessionStorage.removeItem(KEY);
        form.hidden = false;
        if (error.status === 401 || error.status === 403) report(status, error);
        else report(status, new Error(t("console.no_answer", { reason: error.message })));
        return false;
      }
      form.hidden = true;
      panel.hidden = false;
      signOut.hidden = false;
      start();
      return true;
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      const value = document.getElementById("key").value.trim();
      if (!value) {
        report(status, new Error(t("console.enter_key")));
        return;
      }
      sessionStorage.setItem(KEY, value);
      tryKey();
    });
    signOut.addEventListener("click", function () {
      sessionStorage.removeItem(KEY);
      location.reload();
    });
    if (sessionStorage.getItem(KEY)) tryKey();
    else form.hidden = false;
  }

  // Translates the page, then signs in; rerender(lang) redraws what the page drew itself after a language change.
  function startPage(probe, start, rerender) {
    I.start({ base: "/static/i18n/console/", languages: LANGUAGES, onChange: rerender })
      .catch(function () {
        // the message files did not load: the keys show, the console still works
      })
      .then(function () {
        signIn(probe, start);
      });
  }

  window.Stackwise = {
    startPage: startPage,
    t: t,
    api: api,
    download: download,
    el: el,
    clear: clear,
    report: report,
    money: money,
    stated: stated,
    summaryLine: summaryLine,
    signIn: signIn,
  };
})();
