// The pages' words: every visible text comes from a message file, web/i18n/<lang>.json for the public pages (chat,
// share link) and web/i18n/console/<lang>.json for the adviser console and the provider view, served at
// /static/i18n/. A key missing from a language falls back to English, key by key.
//
// Markup: <h1 data-i18n="key"></h1> sets the text; data-i18n-<attribute>="key" sets that attribute (aria-label,
// placeholder, title, label); a child with data-i18n-slot="name" is put where the message says {name}, so a link
// or a <code> can sit anywhere in a sentence in any language.
//
// The language: ?lang=xx, else the choice remembered in localStorage, else the first of the browser's
// navigator.languages the page has, else English. The picker (<select data-i18n-picker>) lists each language
// under its own name.
(function () {
  const STORE = "stackwise-lang";
  // Each language under its own name, whatever the page's language: a reader finds their own.
  const NAMES = {
    en: "English",
    id: "Bahasa Indonesia",
    ms: "Bahasa Melayu",
    th: "ไทย",
    vi: "Tiếng Việt",
    fi: "Suomi",
    es: "Español",
    de: "Deutsch",
    fr: "Français",
    pt: "Português",
  };
  const SLOT = /\{(\w+)\}/;

  let lang = "en";
  let messages = {};
  let english = {};
  let listeners = [];

  function primary(code) {
    return String(code || "").toLowerCase().split(/[-_]/)[0];
  }

  // ?lang=, then the remembered choice, then the browser's languages, then English.
  function choose(supported) {
    const asked = new URLSearchParams(location.search).get("lang");
    const candidates = [asked];
    try {
      candidates.push(localStorage.getItem(STORE));
    } catch (e) {
      // storage disabled: the choice is not remembered, nothing else changes
    }
    (navigator.languages || [navigator.language]).forEach(function (l) {
      candidates.push(l);
    });
    for (const c of candidates) {
      if (c && supported.includes(primary(c))) return primary(c);
    }
    return "en";
  }

  async function load(base, code) {
    const response = await fetch(base + code + ".json");
    if (!response.ok) throw new Error("No messages for " + code + " (HTTP " + response.status + ")");
    return response.json();
  }

  // The message for key with {placeholders} filled. A key whose name has ".one"/".other" variants picks the
  // plural form the language's rules give for params.count.
  function t(key, params) {
    let text;
    if (params && typeof params.count === "number" && (key + ".other" in messages || key + ".other" in english)) {
      const form = new Intl.PluralRules(lang).select(params.count);
      text = lookup(key + "." + form) ?? lookup(key + ".other");
    } else {
      text = lookup(key);
    }
    if (text === undefined) return key;
    return text.replace(/\{(\w+)\}/g, function (whole, name) {
      if (!params || params[name] === undefined || params[name] === null) return whole;
      const value = params[name];
      return typeof value === "number" ? number(value) : String(value);
    });
  }

  function lookup(key) {
    if (Object.prototype.hasOwnProperty.call(messages, key) && messages[key] !== "") return messages[key];
    if (Object.prototype.hasOwnProperty.call(english, key)) return english[key];
    return undefined;
  }

  function number(value, options) {
    return new Intl.NumberFormat(lang, options).format(value);
  }

  function money(amount, currency) {
    try {
      return new Intl.NumberFormat(lang, { style: "currency", currency: currency, maximumFractionDigits: 2 }).format(amount);
    } catch (e) {
      return number(amount, { maximumFractionDigits: 2 }) + " " + currency; // a code Intl does not know
    }
  }

  // An ISO date or date-time, written the way the language writes dates.
  function date(value, withTime) {
    const when = new Date(value);
    if (isNaN(when)) return String(value);
    const options = withTime ? { dateStyle: "medium", timeStyle: "short" } : { dateStyle: "medium" };
    return new Intl.DateTimeFormat(lang, options).format(when);
  }

  // Fills a message into node, putting the node's slot children where the message names them.
  function fill(node, text) {
    if (!node._i18nSlots) {
      node._i18nSlots = {};
      node.querySelectorAll(":scope > [data-i18n-slot]").forEach(function (child) {
        node._i18nSlots[child.dataset.i18nSlot] = child;
      });
    }
    const slots = node._i18nSlots;
    if (!Object.keys(slots).length) {
      node.textContent = text;
      return;
    }
    while (node.firstChild) node.removeChild(node.firstChild);
    text.split(/(\{\w+\})/).forEach(function (part) {
      const named = SLOT.exec(part);
      if (named && part === named[0] && slots[named[1]]) node.appendChild(slots[named[1]]);
      else if (part) node.appendChild(document.createTextNode(part));
    });
  }

  // Translates every marked element under root (the whole document by default).
  function apply(root) {
    const scope = root || document;
    const nodes = Array.from(scope.querySelectorAll("*"));
    if (scope.nodeType === 1) nodes.unshift(scope);
    nodes.forEach(function (node) {
      Array.from(node.attributes).forEach(function (attribute) {
        const name = attribute.name;
        if (name === "data-i18n") fill(node, t(attribute.value));
        else if (name.startsWith("data-i18n-") && name !== "data-i18n-slot" && name !== "data-i18n-picker") {
          node.setAttribute(name.slice("data-i18n-".length), t(attribute.value));
        }
      });
    });
  }

  function fillPicker(picker, supported) {
    while (picker.firstChild) picker.removeChild(picker.firstChild);
    supported.forEach(function (code) {
      const option = document.createElement("option");
      option.value = code;
      option.lang = code;
      option.textContent = NAMES[code] || code;
      picker.appendChild(option);
    });
    picker.value = lang;
  }

  async function use(base, code) {
    messages = code === "en" ? english : await load(base, code).catch(function () {
      return {}; // a language file that fails to load: English, key by key
    });
    lang = code;
    document.documentElement.lang = code;
    apply();
    document.querySelectorAll("[data-i18n-picker]").forEach(function (p) {
      p.value = code;
    });
  }

  // Loads the language for the page, translates it and wires the picker. options: base (URL of the message
  // files, ending in "/"), languages (the codes this page has), onChange (called after the user picked another
  // language and the page's marked text is translated; the page re-renders what it drew itself).
  async function start(options) {
    const supported = options.languages;
    english = await load(options.base, "en");
    const pickers = document.querySelectorAll("[data-i18n-picker]");
    await use(options.base, choose(supported));
    pickers.forEach(function (picker) {
      fillPicker(picker, supported);
      picker.addEventListener("change", async function () {
        const code = picker.value;
        try {
          localStorage.setItem(STORE, code);
        } catch (e) {
          // not remembered, still used
        }
        const url = new URL(location.href);
        if (url.searchParams.has("lang") || options.keepInUrl) {
          url.searchParams.set("lang", code);
          history.replaceState(history.state, "", url);
        }
        await use(options.base, code);
        listeners.forEach(function (f) {
          f(code);
        });
        if (options.onChange) options.onChange(code);
      });
    });
    return lang;
  }

  window.I18n = {
    start: start,
    t: t,
    apply: apply,
    number: number,
    money: money,
    date: date,
    names: NAMES,
    onChange: function (f) {
      listeners.push(f);
    },
    get lang() {
      return lang;
    },
  };
})();
