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
    // the objective levels settled so far: a plan exists once level 1 is here
    const lines = document.getElementById("job-level-lines");
    lines.replaceChildren(...state.level_lines.map((text) => {
      const item = document.createElement("li");
      item.textContent = text;
      return item;
    }));
    document.getElementById("job-levels").hidden = state.level_lines.length === 0;
    document.getElementById("job-first-plan").hidden = !state.first_plan;
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

// The plan page's pin forms:
// - the teacher box asks the server for a few matches as one types (never the whole district);
// - a pin "must go to" the teacher's own school is refused at once, before it is sent
//   (the server refuses it too);
// - the scroll position is kept across the pin's round trip (the server also sends the
//   browser back to the row, for pages without this script).
const SCROLL_KEY = "plan-scroll:" + window.location.pathname;
const kept = window.sessionStorage.getItem(SCROLL_KEY);
if (kept !== null) {
  window.sessionStorage.removeItem(SCROLL_KEY);
  window.addEventListener("load", () => window.scrollTo(0, Number(kept)));
}
document.querySelectorAll("form.keep-scroll").forEach((form) => {
  form.addEventListener("submit", (event) => {
    if (!event.defaultPrevented) window.sessionStorage.setItem(SCROLL_KEY, String(window.scrollY));
  });
});

document.querySelectorAll("input[data-lookup]").forEach((input) => {
  const list = document.getElementById(input.getAttribute("list"));
  const form = input.form;
  let found = [];
  let timer = null;
  const remember = () => {
    const chosen = found.find((t) => t.staff_no === input.value.trim().split(" ")[0]);
    form.dataset.ownSchool = chosen ? chosen.school : "";
  };
  input.addEventListener("input", () => {
    remember();
    window.clearTimeout(timer);
    const typed = input.value.trim();
    if (!typed) return;
    timer = window.setTimeout(async () => {
      const response = await fetch(input.dataset.lookup + "?q=" + encodeURIComponent(typed), {
        headers: { Accept: "application/json" },
      });
      if (!response.ok) return;
      found = await response.json();
      list.replaceChildren(
        ...found.map((t) => {
          const option = document.createElement("option");
          option.value = t.staff_no;
          option.label = t.name + " · " + t.school;
          return option;
        })
      );
      remember();
    }, 250);
  });
});

document.querySelectorAll("form.pin-form").forEach((form) => {
  const kind = form.querySelector("select[name=kind]");
  const school = form.querySelector("input[name=school]");
  const check = () => {
    const own = form.dataset.ownSchool || "";
    const refused = kind.value === "must_go" && own !== "" && school.value.trim() === own;
    school.setCustomValidity(refused ? form.dataset.ownMessage : "");
    return !refused;
  };
  kind.addEventListener("change", check);
  school.addEventListener("input", check);
  form.addEventListener("submit", (event) => {
    if (!check()) {
      event.preventDefault();
      school.reportValidity();
    }
  });
});

// A long school list gets a filter box: typing part of a name or code keeps the matching
// schools (the chosen one stays); the select itself is still what the form sends.
document.querySelectorAll("select[data-searchable]").forEach((select) => {
  const box = document.createElement("input");
  box.type = "search";
  box.placeholder = select.dataset.searchable;
  box.setAttribute("aria-label", select.dataset.searchable);
  box.className = "select-filter";
  select.before(box);
  box.addEventListener("input", () => {
    const needle = box.value.trim().toLowerCase();
    let first = null;
    for (const option of select.options) {
      const shown = !needle || option.value === "" || option.selected ||
        option.text.toLowerCase().includes(needle);
      option.hidden = !shown;
      if (shown && !first && option.value !== "" && option.text.toLowerCase().includes(needle)) {
        first = option;
      }
    }
    if (needle && first && !select.options[select.selectedIndex]?.text.toLowerCase().includes(needle)) {
      select.value = first.value;
    }
  });
});
