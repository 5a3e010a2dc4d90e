// Sign-in form: posts the credentials as JSON and opens the Visitors page.
const form = /** @type {HTMLFormElement} */ (document.getElementById("signin"));
const error = /** @type {HTMLElement} */ (document.getElementById("error"));

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const data = new FormData(form);
  const button = /** @type {HTMLButtonElement} */ (form.querySelector("button"));
  button.disabled = true;
  error.hidden = true;
  try {
    const response = await fetch("/api/session", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email: data.get("email"), password: data.get("password") }),
    });
    if (response.ok) {
      location.assign("/visitors");
      return;
    }
    const body = await response.json().catch(() => ({}));
    error.textContent = body.error ? capitalise(body.error) + "." : "Sign-in failed.";
  } catch {
    error.textContent = "Foyer cannot be reached. Check your connection and try again.";
  }
  error.hidden = false;
  button.disabled = false;
});

/** @param {string} text */
function capitalise(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
