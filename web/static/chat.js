// Starts the rasa-webchat widget with the server's settings (/widget-config.json).
(function () {
  const status = document.getElementById("chat-status");
  const openButton = document.getElementById("open-chat");
  openButton.addEventListener("click", function () {
    // The bundle exposes no open(); its launcher button is the one way in (absent while the chat is open).
    const launcher = document.querySelector(".rw-launcher");
    if (launcher && !document.querySelector(".rw-conversation-container")) launcher.click();
    const input = document.querySelector(".rw-new-message");
    if (input) input.focus();
  });
  if (!window.WebChat) {
    status.textContent = "The chat could not be loaded. Please try again later.";
    openButton.disabled = true;
    return;
  }
  // rasa-webchat renders icon-only buttons without names; name them for screen readers whenever it re-renders.
  const NAMES = { ".rw-launcher": "Open or close the chat", ".rw-send": "Send", ".rw-close-button": "Close the chat" };
  new MutationObserver(function () {
    Object.entries(NAMES).forEach(function ([selector, name]) {
      document.querySelectorAll(selector + ":not([aria-label])").forEach(function (button) {
        button.setAttribute("aria-label", name);
      });
    });
  }).observe(document.body, { childList: true, subtree: true }); // the widget mounts outside #webchat
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
          customData: { language: config.language },
          title: config.title,
          subtitle: config.subtitle,
          inputTextFieldHint: "Type your goal, skills or limits…",
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
      status.textContent = "The chat could not be started. Please try again later.";
    });
})();
