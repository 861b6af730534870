// The recovery-codes page: a Print button, shown only where it can work (the page says "print" without it too).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
