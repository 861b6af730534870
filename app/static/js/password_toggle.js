// "Show password" beside each password box on the account forms: a button that flips the box between hidden and
// shown text. Without JavaScript the boxes simply stay hidden.
(() => {
  const t = window.backchannel.t;
  document.querySelectorAll("input[type=password][data-reveal]").forEach((input) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button quiet small reveal";
    button.textContent = t("Show password");
    button.setAttribute("aria-pressed", "false");
    button.setAttribute("aria-controls", input.id);
    button.addEventListener("click", () => {
      const shown = input.type === "password";
      input.type = shown ? "text" : "password";
      button.setAttribute("aria-pressed", String(shown));
      input.focus();
    });
    input.insertAdjacentElement("afterend", button);
  });
})();
