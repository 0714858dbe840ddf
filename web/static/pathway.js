// The read-only page behind a share link: /p/<token> shows /v1/shared/<token>, in the reader's language
// (I18n: ?lang=, the remembered choice, the browser's languages, English).
(function () {
  const LANGUAGES = ["en", "id", "ms", "th", "vi", "fi", "es", "de", "fr", "pt"];
  const I = window.I18n;
  const t = I.t;
  const token = decodeURIComponent(location.pathname.split("/").pop());
  const api = "/v1/shared/" + encodeURIComponent(token);
  const status = document.getElementById("status");
  document.getElementById("pdf").href = api + "/pdf";
  let plan = null; // the plan as loaded, drawn again when the language changes
  let failed = false;

  function add(parent, tag, text) {
    const el = document.createElement(tag);
    if (text !== undefined) el.textContent = text;
    parent.appendChild(el);
    return el;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  // null: the catalog does not state it; say so, never "free" or "0 weeks".
  function price(c) {
    if (c.price === null || c.price === undefined) return t("share.price_not_stated");
    return c.price === 0 ? t("share.free") : I.money(c.price, c.currency);
  }

  function weeks(c) {
    return c.duration_weeks === null || c.duration_weeks === undefined
      ? t("share.duration_not_stated")
      : t("share.weeks", { count: c.duration_weeks });
  }

  function mode(c) {
    return c.participation ? t("mode." + c.participation) : t("share.mode_not_stated");
  }

  function render() {
    const title = document.getElementById("title");
    if (failed) {
      status.textContent = t("share.not_found");
      return;
    }
    if (!plan) return;
    status.textContent = "";
    title.removeAttribute("data-i18n"); // the adviser's title, in the adviser's words
    title.textContent = plan.title;
    document.title = plan.title + " · " + t("share.page_title");
    const table = document.getElementById("plan");
    const steps = document.getElementById("steps");
    clear(steps);
    plan.steps.forEach(function (step, n) {
      const row = add(steps, "tr");
      add(row, "td", I.number(n + 1));
      const c = step.credential;
      const course = add(add(row, "th"), "strong", c ? c.title : t("share.gone", { id: step.credential_id }));
      course.parentNode.scope = "row";
      course.className = "course";
      if (c) {
        add(row, "td", c.provider_name);
        add(row, "td", price(c));
        add(row, "td", weeks(c));
        add(row, "td", mode(c));
      } else {
        for (let i = 0; i < 4; i++) add(row, "td", "");
      }
      add(row, "td", t("status." + step.status));
    });
    table.hidden = false;
    const s = plan.totals;
    let totals = t("share.totals", {
      price: I.money(s.price_eur, "EUR"),
      weeks: t("share.weeks", { count: s.weeks }),
      hours: t("share.hours", { count: s.hours }),
      ects: I.number(s.ects),
    });
    if (s.notes && s.notes.length) totals += " " + s.notes.join("; ") + ".";
    document.getElementById("totals").textContent = totals;
    const warnings = document.getElementById("warnings");
    clear(warnings);
    plan.warnings.forEach(function (w) {
      add(warnings, "li", t("share.warning", { step: w.step, message: w.message }));
    });
  }

  I.start({ base: "/static/i18n/", languages: LANGUAGES, onChange: render })
    .then(function () {
      return fetch(api);
    })
    .then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    })
    .then(function (loaded) {
      plan = loaded;
      render();
    })
    .catch(function () {
      failed = true;
      render();
      document.getElementById("pdf").hidden = true;
    });
})();
