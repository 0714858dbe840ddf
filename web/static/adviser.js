// The adviser console: learners, their profile, ranked recommendations, and a pathway built step by step.
// Totals, prerequisite warnings and stack progress of the draft come from the API (POST /v1/pathway-reviews),
// so the console and the saved pathway can never disagree.
(function () {
  const S = window.Stackwise;
  const I = window.I18n;
  const t = I.t;
  const $ = function (id) {
    return document.getElementById(id);
  };
  const STATUSES = ["planned", "enrolled", "in_progress", "completed", "dropped"];

  const state = {
    learner: null, // the learner as last saved, or null for a new one
    skills: [],
    pathwayId: null,
    steps: [], // [{credential_id, status, credential}]
    dirty: false, // the draft differs from the saved pathway
    found: null, // the last recommendations, drawn again when the language changes
  };

  function decimals(value) {
    return I.number(value, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }

  // -- learners -------------------------------------------------------------------------------------------------

  async function loadLearners() {
    const q = $("learner-search").value.trim();
    const list = S.clear($("learner-list"));
    let learners;
    try {
      learners = await S.api("/v1/learners" + (q ? "?q=" + encodeURIComponent(q) : ""));
    } catch (error) {
      list.appendChild(S.el("li", { class: "error", text: error.message }));
      return;
    }
    if (!learners.length) list.appendChild(S.el("li", { class: "muted", text: q ? t("adviser.no_match") : t("adviser.no_learners") }));
    learners.forEach(function (l) {
      const current = state.learner && state.learner.id === l.id;
      list.appendChild(
        S.el(
          "li",
          null,
          S.el(
            "button",
            { type: "button", class: "learner", "aria-current": current ? "true" : null, onclick: function () { openLearner(l.id); } },
            S.el("strong", { text: l.name }),
            S.el("span", { text: l.goal ? l.goal.slice(0, 80) : t("adviser.no_goal") })
          )
        )
      );
    });
  }

  function showWork(visible) {
    $("empty").hidden = visible;
    ["profile-section", "recs-section", "pathway-section"].forEach(function (id) {
      $(id).hidden = !visible;
    });
  }

  function newLearner() {
    state.learner = null;
    fillProfile({ name: "", goal: "", skills: [], constraints: {}, notes: "" });
    resetPathway([]);
    S.clear($("recs"));
    S.clear($("analysis"));
    state.found = null;
    S.report($("recs-status"));
    showWork(true);
    loadLearners();
    $("name").focus();
  }

  async function openLearner(id) {
    try {
      state.learner = await S.api("/v1/learners/" + encodeURIComponent(id));
    } catch (error) {
      S.report($("profile-status"), error);
      return;
    }
    fillProfile(state.learner);
    S.clear($("recs"));
    S.clear($("analysis"));
    state.found = null;
    S.report($("recs-status"));
    S.report($("profile-status"));
    showWork(true);
    await loadPathways();
    loadLearners();
  }

  // -- profile --------------------------------------------------------------------------------------------------

  function fillProfile(l) {
    const c = l.constraints || {};
    $("name").value = l.name || "";
    $("goal").value = l.goal || "";
    $("notes").value = l.notes || "";
    state.skills = (l.skills || []).slice();
    renderSkills();
    $("max-price").value = c.max_price ?? "";
    $("currency").value = c.currency || "EUR";
    $("free-only").checked = Boolean(c.free_only);
    $("accept-unstated-price").checked = Boolean(c.accept_unstated_price);
    $("max-hours").value = c.max_hours_per_week ?? "";
    $("max-weeks").value = c.max_weeks ?? "";
    $("start-before").value = c.start_before || "";
    $("eqf-min").value = c.eqf_min ?? "";
    $("eqf-max").value = c.eqf_max ?? "";
    $("languages").value = (c.languages || []).join(", ");
    $("countries").value = (c.countries || []).join(", ");
    $("providers").value = (c.providers || []).join(", ");
    document.querySelectorAll("input[name=mode]").forEach(function (box) {
      box.checked = (c.modes || []).includes(box.value);
    });
  }

  function number(id) {
    const value = $(id).value.trim();
    return value === "" ? null : Number(value);
  }

  function list(id, transform) {
    return $(id)
      .value.split(/[,;\s]+/)
      .map(function (x) {
        return transform(x.trim());
      })
      .filter(Boolean);
  }

  function constraints() {
    const c = {
      currency: $("currency").value.trim().toUpperCase() || "EUR",
      free_only: $("free-only").checked,
      accept_unstated_price: $("accept-unstated-price").checked,
      modes: Array.from(document.querySelectorAll("input[name=mode]:checked")).map(function (b) {
        return b.value;
      }),
      languages: list("languages", function (x) { return x.toLowerCase(); }),
      countries: list("countries", function (x) { return x.toUpperCase(); }),
      providers: list("providers", function (x) { return x; }),
    };
    const optional = {
      max_price: number("max-price"),
      max_hours_per_week: number("max-hours"),
      max_weeks: number("max-weeks"),
      eqf_min: number("eqf-min"),
      eqf_max: number("eqf-max"),
      start_before: $("start-before").value || null,
    };
    Object.entries(optional).forEach(function ([k, v]) {
      if (v !== null) c[k] = v;
    });
    return c;
  }

  function profile() {
    return {
      name: $("name").value.trim(),
      goal: $("goal").value.trim(),
      skills: state.skills.slice(),
      constraints: constraints(),
      notes: $("notes").value,
    };
  }

  async function saveProfile(event) {
    event.preventDefault();
    const body = profile();
    if (!body.name) {
      S.report($("profile-status"), new Error(t("adviser.need_name")));
      $("name").focus();
      return null;
    }
    try {
      state.learner = state.learner
        ? await S.api("/v1/learners/" + state.learner.id, { method: "PUT", json: body })
        : await S.api("/v1/learners", { method: "POST", json: body });
    } catch (error) {
      S.report($("profile-status"), error);
      return null;
    }
    S.report($("profile-status"), null, t("adviser.profile_saved"));
    loadLearners();
    return state.learner;
  }

  async function eraseLearner() {
    if (!state.learner) {
      newLearner();
      return;
    }
    if (!window.confirm(t("adviser.confirm_erase", { name: state.learner.name }))) return;
    try {
      await S.api("/v1/learners/" + state.learner.id, { method: "DELETE" });
    } catch (error) {
      S.report($("profile-status"), error);
      return;
    }
    state.learner = null;
    showWork(false);
    loadLearners();
  }

  // -- skills with ESCO autocomplete ----------------------------------------------------------------------------

  function renderSkills() {
    const chips = S.clear($("skill-chips"));
    state.skills.forEach(function (skill, n) {
      chips.appendChild(
        S.el(
          "li",
          null,
          S.el("span", { text: skill }),
          S.el("button", {
            type: "button",
            "aria-label": t("adviser.remove_item", { name: skill }),
            text: "×",
            onclick: function () {
              state.skills.splice(n, 1);
              renderSkills();
              $("skill-input").focus();
            },
          })
        )
      );
    });
  }

  function addSkill(text) {
    const skill = text.trim();
    if (skill && !state.skills.some(function (s) { return s.toLowerCase() === skill.toLowerCase(); })) {
      state.skills.push(skill);
      renderSkills();
    }
    $("skill-input").value = "";
    closeOptions();
  }

  let active = -1;
  let lookup = 0;

  function closeOptions() {
    active = -1;
    $("skill-options").hidden = true;
    $("skill-input").setAttribute("aria-expanded", "false");
    $("skill-input").removeAttribute("aria-activedescendant");
  }

  function highlightOption(n) {
    const options = $("skill-options").querySelectorAll("[role=option]");
    if (!options.length) return;
    active = (n + options.length) % options.length;
    options.forEach(function (o, i) {
      o.setAttribute("aria-selected", i === active ? "true" : "false");
    });
    $("skill-input").setAttribute("aria-activedescendant", options[active].id);
  }

  async function suggestSkills() {
    const q = $("skill-input").value.trim();
    const mine = ++lookup;
    if (q.length < 2) {
      closeOptions();
      return;
    }
    let found = [];
    try {
      found = await S.api("/v1/skills?limit=8&q=" + encodeURIComponent(q));
    } catch (error) {
      found = [];
    }
    if (mine !== lookup) return; // a newer keystroke already asked
    const box = S.clear($("skill-options"));
    found.forEach(function (skill, n) {
      box.appendChild(
        S.el("li", {
          id: "skill-option-" + n,
          role: "option",
          "aria-selected": "false",
          text: skill.label,
          onmousedown: function (event) {
            event.preventDefault(); // keep focus in the input
            addSkill(skill.label);
          },
        })
      );
    });
    active = -1;
    box.hidden = !found.length;
    $("skill-input").setAttribute("aria-expanded", found.length ? "true" : "false");
  }

  function skillKeys(event) {
    const open = !$("skill-options").hidden;
    if (event.key === "ArrowDown" && open) {
      event.preventDefault();
      highlightOption(active + 1);
    } else if (event.key === "ArrowUp" && open) {
      event.preventDefault();
      highlightOption(active - 1);
    } else if (event.key === "Enter") {
      event.preventDefault();
      const options = $("skill-options").querySelectorAll("[role=option]");
      addSkill(open && active >= 0 ? options[active].textContent : $("skill-input").value);
    } else if (event.key === "Escape") {
      closeOptions();
    }
  }

  // -- recommendations ------------------------------------------------------------------------------------------

  // Marks the words of an outcome that share a stem with the need it answers, so the adviser sees the match.
  function highlighted(outcome, need) {
    const stems = new Set(
      need
        .toLowerCase()
        .split(/[^\p{L}\p{N}]+/u)
        .filter(function (w) { return w.length > 3; })
        .map(function (w) { return w.slice(0, 5); })
    );
    const node = S.el("span", { class: "outcome" });
    outcome.split(/([\p{L}\p{N}]+)/u).forEach(function (part) {
      const hit = part.length > 3 && stems.has(part.toLowerCase().slice(0, 5));
      node.appendChild(hit ? S.el("mark", { text: part }) : document.createTextNode(part));
    });
    return node;
  }

  function renderAnalysis(a) {
    const box = S.clear($("analysis"));
    const line = function (label, items) {
      if (!items.length) return null;
      return S.el("p", null, S.el("strong", { text: t(label) + " " }), items.slice(0, 12).join(", "));
    };
    [
      line("adviser.occupations", a.occupations.map(function (o) { return o.label; })),
      line("adviser.gap_skills", a.gap_skills.map(function (s) { return s.label; })),
      line("adviser.covered", a.covered_skills),
      line("adviser.unmatched", a.unmatched_skills),
    ].forEach(function (p) {
      if (p) box.appendChild(p);
    });
  }

  // A self-paced course taken at the learner's hours-per-week limit takes longer than its nominal duration.
  function pace(r) {
    if (r.weeks === null || r.credential.duration_weeks === null) return "";
    return r.weeks > r.credential.duration_weeks
      ? " · " + t("adviser.pace", { weeks: t("console.weeks", { count: r.weeks }), hours: t("console.hours_per_week", { count: r.hours_per_week }) })
      : "";
  }

  // Closer matches the learner's limits leave out, with the limit each breaks: the trade-off to talk through.
  function renderHeldBack(held) {
    const box = S.clear($("held-back"));
    if (!held || !held.length) return;
    const items = S.el("ul");
    held.forEach(function (h) {
      items.appendChild(S.el("li", { text: h.credential.title + " (" + h.credential.provider_name + "): " + h.reasons.join("; ") }));
    });
    box.appendChild(S.el("p", { class: "muted", text: t("adviser.held_back") }));
    box.appendChild(items);
  }

  function renderRecommendations(body) {
    renderHeldBack(body.held_back);
    const list = S.clear($("recs"));
    body.results.forEach(function (r) {
      const c = r.credential;
      const inPathway = state.steps.some(function (s) { return s.credential_id === c.id; });
      const matches = S.el("ul", { class: "matches" });
      r.explanation.matched_outcomes.slice(0, 3).forEach(function (m) {
        matches.appendChild(
          S.el("li", null, highlighted(m.outcome, m.need), S.el("span", { class: "muted", text: " → " + m.need + " (" + m.via + ", " + decimals(m.score) + ")" }))
        );
      });
      list.appendChild(
        S.el(
          "li",
          { class: "result" },
          S.el("h3", { text: c.title }),
          S.el("p", { class: "meta", text: S.summaryLine(c) + pace(r) }),
          S.el(
            "p",
            { class: "score" },
            S.el("strong", { text: t("adviser.score", { score: decimals(r.score) }) }),
            " · " + t("adviser.coverage", {
              percent: I.number(r.coverage, { style: "percent", maximumFractionDigits: 0 }),
              relevance: decimals(r.relevance),
            })
          ),
          S.el("p", { text: r.explanation.summary }),
          r.explanation.matched_outcomes.length ? S.el("p", { class: "muted", text: t("adviser.matched") }) : null,
          r.explanation.matched_outcomes.length ? matches : null,
          S.el("button", {
            type: "button",
            class: "add",
            "data-id": c.id,
            disabled: inPathway,
            text: inPathway ? t("adviser.in_pathway") : t("adviser.add"),
            "aria-label": t(inPathway ? "adviser.in_pathway_named" : "adviser.add_named", { title: c.title }),
            onclick: function (event) {
              addStep(c);
              event.target.disabled = true;
              event.target.textContent = t("adviser.in_pathway");
            },
          })
        )
      );
    });
  }

  // Asks the recommender (`path`) about the profile as it stands in the form; null, with the reason shown in
  // `status`, when the goal is missing or the API refuses.
  async function askAbout(path, status, waiting) {
    const body = profile();
    if (body.goal.length < 2) {
      S.report(status, new Error(t("adviser.need_goal")));
      $("goal").focus();
      return null;
    }
    S.report(status, null, waiting);
    try {
      return await S.api(path, {
        method: "POST",
        json: { goal: body.goal, skills: body.skills, constraints: body.constraints, limit: 10 },
      });
    } catch (error) {
      S.report(status, error);
      return null;
    }
  }

  async function recommend() {
    const found = await askAbout("/v1/recommendations", $("recs-status"), t("adviser.looking"));
    if (!found) return;
    state.found = found;
    renderFound();
  }

  function renderFound() {
    const found = state.found;
    if (!found) return;
    renderAnalysis(found.analysis);
    renderRecommendations(found);
    S.report(
      $("recs-status"),
      null,
      found.results.length ? t("adviser.found", { count: found.results.length }) : t("adviser.none_found")
    );
  }

  // -- pathway builder ------------------------------------------------------------------------------------------

  function resetPathway(steps, saved) {
    state.pathwayId = saved ? saved.id : null;
    state.steps = steps;
    state.dirty = false;
    $("pathway-name").value = saved ? saved.title : t("adviser.default_pathway_title");
    $("pathway-notes").value = saved ? saved.notes : "";
    $("share-box").hidden = !(saved && saved.share_url);
    if (saved && saved.share_url) showShare(saved.share_url);
    S.report($("pathway-status"));
    renderSteps();
    reviewSteps();
  }

  async function loadPathways(selectId) {
    const select = $("saved-pathways");
    S.clear(select).appendChild(S.el("option", { value: "", "data-i18n": "adviser.new_pathway", text: t("adviser.new_pathway") }));
    let saved = [];
    try {
      saved = await S.api("/v1/learners/" + state.learner.id + "/pathways");
    } catch (error) {
      S.report($("pathway-status"), error);
    }
    saved.forEach(function (p) {
      select.appendChild(pathwayOption(S.el("option", { value: p.id }), p));
    });
    const chosen = saved.find(function (p) { return p.id === selectId; }) || saved[saved.length - 1];
    select.value = chosen ? chosen.id : "";
    resetPathway(chosen ? chosen.steps.map(function (s) { return Object.assign({}, s); }) : [], chosen);
  }

  // A saved pathway in the list: its title and how many steps (labelled again when the language changes).
  function pathwayOption(option, p) {
    option.dataset.title = p.title;
    option.dataset.count = String(p.steps.length);
    option.textContent = t("adviser.pathway_option", { title: p.title, count: p.steps.length });
    return option;
  }

  function changed() {
    state.dirty = true;
    renderSteps();
    reviewSteps();
  }

  function addStep(credential) {
    if (state.steps.some(function (s) { return s.credential_id === credential.id; })) return;
    state.steps.push({ credential_id: credential.id, status: "planned", credential: credential });
    changed();
    S.report($("pathway-status"), null, t("adviser.added", { title: credential.title, step: state.steps.length }));
  }

  function move(n, by) {
    const to = n + by;
    if (to < 0 || to >= state.steps.length) return;
    const step = state.steps.splice(n, 1)[0];
    state.steps.splice(to, 0, step);
    changed();
    // keep the keyboard where it was: on the same button of the moved step
    const [up, down] = $("steps").children[to].querySelectorAll("button");
    ((by < 0 && !up.disabled) || down.disabled ? up : down).focus();
  }

  function renderSteps() {
    const list = S.clear($("steps"));
    $("no-steps").hidden = state.steps.length > 0;
    state.steps.forEach(function (step, n) {
      const c = step.credential;
      const title = c ? c.title : t("adviser.gone", { id: step.credential_id });
      const status = S.el("select", {
        id: "step-status-" + n,
        onchange: function (event) {
          step.status = event.target.value;
          changed();
        },
      });
      STATUSES.forEach(function (value) {
        status.appendChild(S.el("option", { value: value, text: t("status." + value), selected: value === step.status }));
      });
      list.appendChild(
        S.el(
          "li",
          { class: step.status === "dropped" ? "dropped" : null },
          S.el("div", null, S.el("strong", { class: "step-title", text: title }), c ? S.el("p", { class: "meta", text: S.summaryLine(c) }) : null),
          S.el(
            "div",
            { class: "step-tools" },
            S.el("label", { for: "step-status-" + n, class: "visually-hidden", text: t("adviser.status_of", { title: title }) }),
            status,
            S.el("button", { type: "button", text: "↑", "aria-label": t("adviser.move_up", { title: title }), disabled: n === 0, onclick: function () { move(n, -1); } }),
            S.el("button", { type: "button", text: "↓", "aria-label": t("adviser.move_down", { title: title }), disabled: n === state.steps.length - 1, onclick: function () { move(n, 1); } }),
            S.el("button", {
              type: "button",
              text: t("adviser.remove"),
              "aria-label": t("adviser.remove_item", { name: title }),
              onclick: function () {
                state.steps.splice(n, 1);
                changed();
                refreshAddButtons();
              },
            })
          )
        )
      );
    });
  }

  function refreshAddButtons() {
    document.querySelectorAll("#recs button.add").forEach(function (b) {
      const inPathway = state.steps.some(function (s) { return s.credential_id === b.dataset.id; });
      b.disabled = inPathway;
      b.textContent = inPathway ? t("adviser.in_pathway") : t("adviser.add");
    });
  }

  let reviewing = 0;
  async function reviewSteps() {
    const mine = ++reviewing;
    const totals = $("totals");
    if (!state.steps.length) {
      totals.textContent = "";
      S.clear($("warnings"));
      S.clear($("stacks"));
      return;
    }
    let review;
    try {
      review = await S.api("/v1/pathway-reviews", { method: "POST", json: { steps: draftSteps() } });
    } catch (error) {
      if (mine === reviewing) S.report($("pathway-status"), error);
      return;
    }
    if (mine !== reviewing) return; // a later edit already asked
    review.steps.forEach(function (s, n) {
      if (state.steps[n] && s.credential) state.steps[n].credential = s.credential;
    });
    const sum = review.totals;
    totals.textContent =
      t("adviser.totals", {
        price: S.money(sum.price_eur, "EUR"),
        weeks: t("console.weeks", { count: sum.weeks }),
        hours: t("console.hours", { count: sum.hours }),
        ects: I.number(sum.ects),
      }) + (sum.notes && sum.notes.length ? " (" + sum.notes.join("; ") + ")" : "");
    const warnings = S.clear($("warnings"));
    review.warnings.forEach(function (w) {
      warnings.appendChild(S.el("li", { text: t("adviser.warning", { step: w.step, message: w.message }) }));
    });
    const stacks = S.clear($("stacks"));
    review.stacks.forEach(function (p) {
      stacks.appendChild(
        S.el(
          "li",
          null,
          S.el("label", { for: "stack-" + p.stack_id, text: p.complete ? t("adviser.stack_complete", { summary: p.summary }) : p.summary }),
          S.el("progress", { id: "stack-" + p.stack_id, max: String(p.ects_required), value: String(Math.min(p.ects_in_plan, p.ects_required)) })
        )
      );
    });
  }

  function draftSteps() {
    return state.steps.map(function (s) {
      return { credential_id: s.credential_id, status: s.status };
    });
  }

  async function suggest() {
    const plan = await askAbout("/v1/pathways", $("pathway-status"), t("adviser.planning"));
    if (!plan) return;
    state.steps = plan.steps.map(function (s) {
      return { credential_id: s.credential.id, status: "planned", credential: s.credential };
    });
    changed();
    refreshAddButtons();
    S.report(
      $("pathway-status"),
      null,
      plan.steps.length ? t("adviser.suggested", { count: plan.steps.length }) : t("adviser.no_pathway")
    );
  }

  // Saves the draft (creating the learner first if needed); later actions work on the saved copy.
  async function savePathway() {
    if (!state.learner && !(await saveProfile(new Event("submit")))) {
      S.report($("pathway-status"), new Error(t("adviser.save_profile_first")));
      return null;
    }
    const body = { title: $("pathway-name").value.trim() || t("adviser.default_pathway_title"), steps: draftSteps(), notes: $("pathway-notes").value };
    const base = "/v1/learners/" + state.learner.id + "/pathways";
    let saved;
    try {
      saved = state.pathwayId
        ? await S.api(base + "/" + state.pathwayId, { method: "PUT", json: body })
        : await S.api(base, { method: "POST", json: body });
    } catch (error) {
      S.report($("pathway-status"), error);
      return null;
    }
    state.pathwayId = saved.id;
    state.dirty = false;
    const select = $("saved-pathways");
    let option = select.querySelector('option[value="' + saved.id + '"]');
    if (!option) option = select.appendChild(S.el("option", { value: saved.id }));
    pathwayOption(option, saved);
    select.value = saved.id;
    S.report($("pathway-status"), null, t("adviser.pathway_saved"));
    return saved;
  }

  async function savedFirst() {
    if (!state.steps.length) {
      S.report($("pathway-status"), new Error(t("adviser.no_steps_yet")));
      return null;
    }
    if (state.pathwayId && !state.dirty) return state.pathwayId;
    const saved = await savePathway();
    return saved ? saved.id : null;
  }

  function exporter(format, extension) {
    return async function () {
      const id = await savedFirst();
      if (!id) return;
      try {
        await S.download(
          "/v1/learners/" + state.learner.id + "/pathways/" + id + "/export?format=" + format,
          id + "." + extension
        );
        S.report($("pathway-status"), null, t("adviser.exported", { format: format.toUpperCase() }));
      } catch (error) {
        S.report($("pathway-status"), error);
      }
    };
  }

  function showShare(url) {
    $("share-url").value = url;
    $("open-share").href = url;
    $("share-box").hidden = false;
  }

  async function share() {
    const id = await savedFirst();
    if (!id) return;
    try {
      const link = await S.api("/v1/learners/" + state.learner.id + "/pathways/" + id + "/share", { method: "POST" });
      showShare(link.url);
      S.report($("pathway-status"), null, t("adviser.share_ready"));
    } catch (error) {
      S.report($("pathway-status"), error);
    }
  }

  // -- wiring ---------------------------------------------------------------------------------------------------

  async function fillChoices() {
    for (let level = 1; level <= 8; level++) {
      $("eqf-min").appendChild(S.el("option", { value: String(level), text: String(level) }));
      $("eqf-max").appendChild(S.el("option", { value: String(level), text: String(level) }));
    }
    try {
      const spec = await S.api("/openapi.json");
      const codes = (spec.components.schemas.CurrencyCode || {}).enum || [];
      codes.forEach(function (code) {
        $("currencies").appendChild(S.el("option", { value: code }));
      });
    } catch (error) {
      // the list is a convenience; any ISO code can still be typed
    }
  }

  function start() {
    fillChoices();
    loadLearners();
    let searchTimer;
    $("learner-search").addEventListener("input", function () {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(loadLearners, 200);
    });
    $("new-learner").addEventListener("click", newLearner);
    $("profile").addEventListener("submit", saveProfile);
    $("erase-learner").addEventListener("click", eraseLearner);
    $("export-learner").addEventListener("click", function () {
      if (!state.learner) {
        S.report($("profile-status"), new Error(t("adviser.save_first")));
        return;
      }
      S.download("/v1/learners/" + state.learner.id + "/export", "learner-" + state.learner.id + ".json").catch(
        function (error) {
          S.report($("profile-status"), error);
        }
      );
    });
    let skillTimer;
    $("skill-input").addEventListener("input", function () {
      clearTimeout(skillTimer);
      skillTimer = setTimeout(suggestSkills, 150);
    });
    $("skill-input").addEventListener("keydown", skillKeys);
    $("skill-input").addEventListener("blur", function () {
      setTimeout(closeOptions, 100);
    });
    $("recommend").addEventListener("click", recommend);
    $("suggest").addEventListener("click", suggest);
    $("clear-steps").addEventListener("click", function () {
      state.steps = [];
      changed();
      refreshAddButtons();
    });
    $("saved-pathways").addEventListener("change", function (event) {
      if (state.dirty && !window.confirm(t("adviser.confirm_discard"))) {
        event.target.value = state.pathwayId || "";
        return;
      }
      if (event.target.value) loadPathways(event.target.value);
      else resetPathway([]);
    });
    $("pathway-name").addEventListener("input", function () { state.dirty = true; });
    $("pathway-notes").addEventListener("input", function () { state.dirty = true; });
    $("save-pathway").addEventListener("click", savePathway);
    $("export-pdf").addEventListener("click", exporter("pdf", "pdf"));
    $("export-json").addEventListener("click", exporter("json", "json"));
    $("export-ob3").addEventListener("click", exporter("ob3", "json"));
    $("export-elm").addEventListener("click", exporter("elm", "elm.jsonld"));
    $("share").addEventListener("click", share);
    $("copy-share").addEventListener("click", function () {
      $("share-url").select();
      if (navigator.clipboard) navigator.clipboard.writeText($("share-url").value).catch(function () {});
      S.report($("pathway-status"), null, t("adviser.copied"));
    });
  }

  // After a language change: redraw what this script drew (the marked HTML is translated by I18n).
  function rerender() {
    if ($("console").hidden) return;
    loadLearners();
    renderSkills();
    renderFound();
    renderSteps();
    reviewSteps();
    document.querySelectorAll("#saved-pathways option[data-title]").forEach(function (option) {
      option.textContent = t("adviser.pathway_option", { title: option.dataset.title, count: Number(option.dataset.count) });
    });
  }

  S.startPage("/v1/learners?q=", start, rerender);
})();
