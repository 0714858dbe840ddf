// Starts the rasa-webchat widget with the server's settings (/widget-config.json).
(async function () {
  const status = document.getElementById("chat-status");
  const openButton = document.getElementById("open-chat");
  if (!window.WebChat) {
    status.textContent = "The chat could not be loaded. Please try again later.";
    openButton.disabled = true;
    return;
  }
  const config = await (await fetch("/widget-config.json")).json();
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
      params: { storage: "local" }, // the session survives page reloads
    },
    null
  );
  openButton.addEventListener("click", function () {
    if (window.WebChat.isOpen && window.WebChat.isOpen()) return;
    window.WebChat.open ? window.WebChat.open() : window.WebChat.toggle();
  });
})();
