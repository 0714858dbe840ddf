// The read-only page behind a share link: /p/<token> shows /v1/shared/<token>.
(function () {
  const token = decodeURIComponent(location.pathname.split("/").pop());
  const api = "/v1/shared/" + encodeURIComponent(token);
  const status = document.getElementById("status");
  document.getElementById("pdf").href = api + "/pdf";

  function add(parent, tag, text) {
    const el = document.createElement(tag);
    if (text !== undefined) el.textContent = text;
    parent.appendChild(el);
    return el;
  }

  fetch(api)
    .then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    })
    .then(function (plan) {
      status.textContent = "";
      document.getElementById("title").textContent = plan.title;
      const steps = document.getElementById("steps");
      plan.steps.forEach(function (step) {
        const item = add(steps, "li");
        const c = step.credential;
        if (!c) {
          add(item, "strong", step.credential_id + " (no longer in the catalog)");
          return;
        }
        add(item, "strong", c.title);
        // null: the catalog does not state it
        const price = c.price === null ? "price not stated" : c.price === 0 ? "free" : c.price.toLocaleString() + " " + c.currency;
        const weeks = c.duration_weeks === null ? "duration not stated" : c.duration_weeks + " weeks";
        add(item, "span", " · " + c.provider_name + " · " + price + " · " + weeks + " · " + (c.participation || "mode not stated"));
        add(item, "span", " · " + step.status.replace("_", " "));
      });
      const t = plan.totals;
      document.getElementById("totals").textContent =
        "Total: " + t.price_eur.toLocaleString() + " EUR, " + t.weeks + " weeks, " + t.hours + " hours, " + t.ects + " ECTS." +
        (t.notes && t.notes.length ? " " + t.notes.join("; ") + "." : "");
      const warnings = document.getElementById("warnings");
      plan.warnings.forEach(function (w) {
        add(warnings, "li", "Step " + w.step + ": " + w.message);
      });
    })
    .catch(function () {
      status.textContent = "This link does not show a pathway. It may have been removed; ask your adviser for a new one.";
      document.getElementById("pdf").hidden = true;
    });
})();
