// Translates the landing page (I18n, message files in web/i18n/) and starts the rasa-webchat widget with the
// server's settings (/widget-config.json) in the chosen language.
(function () {
  const LANGUAGES = ["en", "id", "ms", "th", "vi", "fi", "es", "de", "fr", "pt"];
  const status = document.getElementById("chat-status");
  const openButton = document.getElementById("open-chat");
  const t = window.I18n.t;
  openButton.addEventListener("click", function () {
    // The bundle exposes no open(); its launcher button is the one way in (absent while the chat is open).
    const launcher = document.querySelector(".rw-launcher");
    if (launcher && !document.querySelector(".rw-conversation-container")) launcher.click();
    const input = document.querySelector(".rw-new-message");
    if (input) input.focus();
  });

  // rasa-webchat renders icon-only buttons without names; name them for screen readers whenever it re-renders.
  function nameButtons() {
    const names = { ".rw-launcher": "widget.launcher", ".rw-send": "widget.send", ".rw-close-button": "widget.close" };
    Object.entries(names).forEach(function ([selector, key]) {
      document.querySelectorAll(selector + ":not([aria-label])").forEach(function (button) {
        button.setAttribute("aria-label", t(key));
      });
    });
  }

  function startWidget(language) {
    if (!window.WebChat) {
      status.textContent = t("chat.not_loaded");
      openButton.disabled = true;
      return;
    }
    new MutationObserver(nameButtons).observe(document.body, { childList: true, subtree: true }); // mounts outside #webchat
    fetch("/widget-config.json")
      .then(function (response) {
        return response.json();
      })
      .then(function (config) {
        window.WebChat.default(
          {
            selector: "#webchat",
            socketUrl: config.socketUrl,
            socketPath: "/socket.io/",
            initPayload: "/greet",
            // The bot answers in the page's language (<html lang>, the picker's choice), else the server's default;
            // it reads metadata.customData.language.
            customData: { language: language || document.documentElement.lang || config.language },
            title: t("widget.title"),
            subtitle: t("widget.subtitle"),
            inputTextFieldHint: t("widget.hint"),
            showMessageDate: false,
            mainColor: "#0b4f8a",
            userBackgroundColor: "#0b4f8a",
            userTextColor: "#ffffff",
            params: { storage: "local" }, // the session survives page reloads
          },
          null
        );
      })
      .catch(function () {
        status.textContent = t("chat.not_started");
      });
  }

  window.I18n.start({
    base: "/static/i18n/",
    languages: LANGUAGES,
    // The widget reads its language once, when it starts: a new language starts a new page (the conversation
    // is kept in local storage; the bot answers the next message in the new language).
    onChange: function () {
      location.reload();
    },
  })
    .then(startWidget)
    .catch(function () {
      status.textContent = "The page could not be loaded. Please try again later.";
    });
})();
