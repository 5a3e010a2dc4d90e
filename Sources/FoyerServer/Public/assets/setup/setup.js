// First-run page: the one-time token is the last part of the address.
const form = /** @type {HTMLFormElement} */ (document.getElementById("setup"));
const error = /** @type {HTMLElement} */ (document.getElementById("error"));
const token = location.pathname.split("/").pop() || "";

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const data = new FormData(form);
  error.hidden = true;
  const response = await fetch("/api/setup", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ token, email: data.get("email"), password: data.get("password") }),
  }).catch(() => null);
  if (response?.ok) {
    location.assign("/signin");
    return;
  }
  const body = response ? await response.json().catch(() => ({})) : {};
  const text = body.error || "Foyer cannot be reached. Try again.";
  error.textContent = text.charAt(0).toUpperCase() + text.slice(1) + (/[.!?]$/.test(text) ? "" : ".");
  error.hidden = false;
});
