// The pages' little script (no library, no build step):
// - a form with data-busy shows that message and disables its button while the server works;
// - a form with data-confirm asks before it is sent;
// - the solve job page polls its status every second and opens the plan when it is ready.
"use strict";

document.querySelectorAll("form[data-busy]").forEach((form) => {
  form.addEventListener("submit", () => {
    const button = form.querySelector("button[type=submit]");
    if (button) {
      button.disabled = true;
      button.textContent = form.dataset.busy;
    }
  });
});

document.querySelectorAll("form[data-confirm]").forEach((form) => {
  form.addEventListener("submit", (event) => {
    if (!window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
});

const job = document.getElementById("job");
if (job) {
  const labels = JSON.parse(job.dataset.stageLabels);
  const poll = async () => {
    let state;
    try {
      const response = await fetch(job.dataset.statusUrl, { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(String(response.status));
      state = await response.json();
    } catch (error) {
      window.setTimeout(poll, 3000);
      return;
    }
    document.getElementById("job-stage").textContent = labels[state.stage] || state.stage;
    document.getElementById("job-elapsed").textContent = state.elapsed_s;
    if (!state.finished) {
      window.setTimeout(poll, 1000);
      return;
    }
    job.querySelector(".spinner").hidden = true;
    const stop = document.getElementById("job-stop");
    if (stop) stop.hidden = true;
    if (state.error) {
      const error = document.getElementById("job-error");
      error.textContent = state.error;
      error.hidden = false;
    }
    if (state.plan_id) {
      const link = document.getElementById("job-plan-link");
      link.href = "/plans/" + state.plan_id;
      document.getElementById("job-result").hidden = false;
      window.location.assign(link.href);
    }
  };
  window.setTimeout(poll, 500);
}
