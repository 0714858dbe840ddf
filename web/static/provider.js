// The provider view: catalog import with its validation report, index status and rebuild, the catalog's
// completeness against the EU standard elements, demand and overlap analytics. Charts are plain SVG drawn here (bars need no library); each one has a table with the same numbers.
(function () {
  const S = window.Stackwise;
  const I = window.I18n;
  const t = I.t;
  const $ = function (id) {
    return document.getElementById(id);
  };
  const SVG = "http://www.w3.org/2000/svg";
  const FORMATS = { json: "json", yaml: "yaml", yml: "yaml", csv: "csv" };

  // -- import ---------------------------------------------------------------------------------------------------

  function where(issue) {
    const place = [issue.source, issue.line ? t("provider.line", { line: issue.line }) : null].filter(Boolean).join(", ");
    return [place, issue.pointer].filter(Boolean).join(" · ") || t("provider.whole_file");
  }

  function issueTable(title, issues) {
    const table = S.el("table", { class: "issues" }, S.el("caption", { text: t("provider.issues_caption", { title: title, count: issues.length }) }));
    table.appendChild(
      S.el("thead", null, S.el("tr", null, ...["provider.col_where", "provider.col_field", "provider.col_problem"].map(function (h) { return S.el("th", { scope: "col", text: t(h) }); })))
    );
    const body = S.el("tbody");
    issues.forEach(function (i) {
      body.appendChild(S.el("tr", null, S.el("td", { text: where(i) }), S.el("td", { text: i.field || "" }), S.el("td", { text: i.message })));
    });
    table.appendChild(body);
    return table;
  }

  async function importCatalog(event) {
    event.preventDefault();
    const report = S.clear($("import-report"));
    const file = $("file").files[0];
    if (!file) {
      S.report($("import-status"), new Error(t("provider.choose_file")));
      return;
    }
    const extension = file.name.split(".").pop().toLowerCase();
    const format = $("format").value || FORMATS[extension];
    if (!format) {
      S.report($("import-status"), new Error(t("provider.unknown_format", { name: file.name })));
      return;
    }
    const params = new URLSearchParams({ format: format, filename: file.name, replace: String($("replace").checked) });
    S.report($("import-status"), null, t("provider.validating", { name: file.name }));
    let result;
    try {
      result = await S.api("/v1/catalog/import?" + params, { method: "POST", body: await file.text(), headers: { "Content-Type": "text/plain" } });
    } catch (error) {
      const problem = error.problem || {};
      S.report($("import-status"), new Error(error.message));
      if (problem.errors && problem.errors.length) report.appendChild(issueTable(t("provider.errors"), problem.errors));
      if (problem.warnings && problem.warnings.length) report.appendChild(issueTable(t("provider.warnings"), problem.warnings));
      return;
    }
    S.report(
      $("import-status"),
      null,
      t("provider.imported", { name: file.name, count: result.credentials, revision: result.revision, index: result.index })
    );
    if (result.warnings.length) report.appendChild(issueTable(t("provider.warnings"), result.warnings));
    watchIndex();
  }

  // -- index ----------------------------------------------------------------------------------------------------

  let polling = null;

  function facts(status) {
    const dl = S.clear($("index-facts"));
    const m = status.manifest || {};
    const rows = [
      ["provider.fact_vectors", typeof m.entries === "number" ? I.number(m.entries) : m.entries],
      ["provider.fact_credentials", typeof m.credentials === "number" ? I.number(m.credentials) : m.credentials],
      ["provider.fact_model", m.model],
      ["provider.fact_dimension", m.dimension],
      ["provider.fact_kind", m.index_kind],
      ["provider.fact_hash", m.catalog_hash ? String(m.catalog_hash).slice(0, 12) : undefined],
      ["provider.fact_built", m.built_at ? I.date(m.built_at, true) : undefined],
    ];
    rows.forEach(function ([name, value]) {
      if (value === undefined || value === null) return;
      dl.appendChild(S.el("dt", { text: t(name) }));
      dl.appendChild(S.el("dd", { text: String(value) }));
    });
  }

  async function refreshIndex() {
    let status;
    try {
      status = await S.api("/v1/index");
    } catch (error) {
      S.report($("index-status"), error);
      return null;
    }
    facts(status);
    const bar = $("index-progress");
    bar.max = Math.max(status.total, 1);
    bar.value = status.state === "building" ? status.progress : bar.max;
    $("index-state").textContent =
      status.state === "building"
        ? t("provider.building", { progress: status.progress, total: status.total })
        : status.state === "failed"
          ? t("provider.failed")
          : t("provider.ready");
    $("rebuild").disabled = status.state === "building";
    if (status.state === "failed") S.report($("index-status"), new Error(t("provider.rebuild_failed", { error: status.error })));
    return status;
  }

  function watchIndex() {
    if (polling) return;
    polling = setInterval(async function () {
      const status = await refreshIndex();
      if (!status || status.state !== "building") {
        clearInterval(polling);
        polling = null;
        if (status && status.state === "idle") {
          S.report($("index-status"), null, t("provider.up_to_date"));
          completeness(); // the service reads the new catalog with the new index
        }
      }
    }, 1000);
  }

  async function rebuild() {
    try {
      await S.api("/v1/index/rebuild", { method: "POST" });
    } catch (error) {
      S.report($("index-status"), error);
      return;
    }
    S.report($("index-status"), null, t("provider.rebuilding"));
    await refreshIndex();
    watchIndex();
  }

  // -- charts and analytics -------------------------------------------------------------------------------------

  function barChart(container, items) {
    S.clear(container);
    if (!items.length) return;
    const rowHeight = 22;
    const labelWidth = 260;
    const width = 640;
    const max = Math.max.apply(null, items.map(function (i) { return i.value; })) || 1;
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 " + width + " " + items.length * rowHeight);
    svg.setAttribute("width", width); // drawn at its own size, shrunk only on narrow screens (CSS max-width)
    svg.setAttribute("height", items.length * rowHeight);
    svg.setAttribute("aria-hidden", "true"); // the table below holds the same numbers for assistive technology
    items.forEach(function (item, n) {
      const y = n * rowHeight;
      const label = document.createElementNS(SVG, "text");
      label.setAttribute("x", labelWidth - 6);
      label.setAttribute("y", y + 15);
      label.setAttribute("text-anchor", "end");
      label.textContent = item.label.length > 38 ? item.label.slice(0, 37) + "…" : item.label;
      const bar = document.createElementNS(SVG, "rect");
      const length = ((width - labelWidth - 60) * item.value) / max;
      bar.setAttribute("x", labelWidth);
      bar.setAttribute("y", y + 3);
      bar.setAttribute("height", rowHeight - 6);
      bar.setAttribute("width", Math.max(length, 1));
      bar.setAttribute("class", "bar");
      const value = document.createElementNS(SVG, "text");
      value.setAttribute("x", labelWidth + length + 6);
      value.setAttribute("y", y + 15);
      value.textContent = item.text;
      svg.append(label, bar, value);
    });
    container.appendChild(svg);
  }

  function fillTable(table, headers, rows) {
    const caption = table.querySelector("caption");
    S.clear(table);
    if (caption) table.appendChild(caption);
    table.appendChild(S.el("thead", null, S.el("tr", null, ...headers.map(function (h) { return S.el("th", { scope: "col", text: h }); }))));
    const body = S.el("tbody");
    rows.forEach(function (cells) {
      body.appendChild(S.el("tr", null, ...cells.map(function (c) { return S.el("td", { text: String(c) }); })));
    });
    table.appendChild(body);
  }

  async function demand(event) {
    if (event) event.preventDefault();
    const params = new URLSearchParams({ limit: "12" });
    if ($("since").value) params.set("since", $("since").value + "T00:00:00");
    if ($("until").value) params.set("until", $("until").value + "T23:59:59");
    let d;
    try {
      d = await S.api("/v1/analytics/demand?" + params);
    } catch (error) {
      S.report($("demand-summary"), error);
      return;
    }
    S.report(
      $("demand-summary"),
      null,
      d.requests
        ? t("provider.demand_summary", {
            count: d.requests,
            without: d.without_good_match,
            percent: I.number(d.good_match_threshold, { style: "percent", maximumFractionDigits: 0 }),
          })
        : t("provider.no_requests")
    );
    [
      ["targets", d.top_targets],
      ["gaps", d.top_gaps],
    ].forEach(function ([name, skills]) {
      barChart($(name + "-chart"), skills.map(function (s) { return { label: s.label, value: s.requests, text: I.number(s.requests) }; }));
      fillTable($(name + "-table"), [t("provider.col_skill"), t("provider.col_requests")], skills.map(function (s) { return [s.label, s.requests]; }));
    });
  }

  function percent(share) {
    return I.number(share, { style: "percent", maximumFractionDigits: 0 });
  }

  async function overlap(event) {
    if (event) event.preventDefault();
    const threshold = $("threshold").value || "0.7";
    let pairs;
    try {
      pairs = await S.api("/v1/analytics/overlap?limit=20&threshold=" + encodeURIComponent(threshold));
    } catch (error) {
      fillTable($("overlap-table"), [t("provider.col_problem")], [[error.message]]);
      return;
    }
    barChart(
      $("overlap-chart"),
      pairs.map(function (p) { return { label: p.a_title + " / " + p.b_title, value: p.overlap, text: percent(p.overlap) }; })
    );
    fillTable(
      $("overlap-table"),
      [t("provider.col_a"), t("provider.col_b"), t("provider.col_overlap")],
      pairs.length ? pairs.map(function (p) { return [p.a_title, p.b_title, percent(p.overlap)]; }) : [[t("provider.no_overlap"), "", ""]]
    );
  }

  // -- completeness -----------------------------------------------------------------------------------------------

  function missingList(row, elements) {
    const parts = elements
      .filter(function (e) { return row.missing[e.name]; })
      .map(function (e) { return t("provider.missing_count", { label: e.label, count: row.missing[e.name], total: row.credentials }); });
    return parts.length ? parts.join("; ") : t("provider.none");
  }

  async function completeness() {
    let report;
    try {
      report = await S.api("/v1/catalog/completeness");
    } catch (error) {
      S.report($("completeness-summary"), error);
      return;
    }
    const mandatory = report.elements.filter(function (e) { return e.mandatory; });
    const other = report.elements.filter(function (e) { return !e.mandatory; });
    const total = report.providers.reduce(function (n, p) { return n + p.credentials; }, 0);
    const complete = report.providers.reduce(function (n, p) { return n + p.complete; }, 0);
    S.report(
      $("completeness-summary"),
      null,
      total ? t("provider.complete_summary", { complete: complete, count: total }) : t("provider.empty_catalog")
    );
    fillTable(
      $("completeness-table"),
      ["provider.col_provider", "provider.col_credentials", "provider.col_complete", "provider.col_mandatory_missing", "provider.col_other_missing"].map(function (k) { return t(k); }),
      report.providers.map(function (p) {
        return [p.name, p.credentials, p.complete, missingList(p, mandatory), missingList(p, other)];
      })
    );
  }

  function start() {
    $("import").addEventListener("submit", importCatalog);
    $("rebuild").addEventListener("click", rebuild);
    $("demand-form").addEventListener("submit", demand);
    $("overlap-form").addEventListener("submit", overlap);
    $("completeness-refresh").addEventListener("click", completeness);
    refreshIndex().then(function (status) {
      if (status && status.state === "building") watchIndex();
    });
    completeness();
    demand();
    overlap();
  }

  // After a language change: draw again what this script drew (the marked HTML is translated by I18n).
  function rerender() {
    if ($("console").hidden) return;
    refreshIndex();
    completeness();
    demand();
    overlap();
  }

  S.startPage("/v1/index", start, rerender);
})();
