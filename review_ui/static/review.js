// claimdocs review: keyboard, field <-> box linking and unsaved-edit guard for the task page.
// Plain script, no build step; loaded with `defer` from our own origin (CSP: script-src 'self').
(function () {
  "use strict";

  const csrfToken = () => document.querySelector('meta[name="csrf-token"]').content;

  // Clicks on a button or link with data-toggle show or hide the element it names.
  const keysButton = document.getElementById("show-keys");
  if (keysButton) {
    keysButton.addEventListener("click", () => {
      const keys = document.getElementById("keys");
      keys.hidden = !keys.hidden;
      keysButton.setAttribute("aria-expanded", String(!keys.hidden));
    });
  }

  const form = document.getElementById("task-form");
  if (!form) return;
  const task = document.getElementById("task");
  const pagesPane = document.getElementById("pages");
  const editable = task.dataset.editable === "true";
  let dirty = form.querySelector(".changed") !== null; // input kept after a conflict is unsaved
  let submitting = false;

  const fieldInputs = () => Array.from(form.querySelectorAll(".field-input"))
    .filter((el) => !el.closest(".list-row.removed"));

  // --- selecting a field highlights its box and scrolls the page image to it -------------
  let activeBox = null;
  let activeField = null;
  function select(fieldId, { scrollImage = true } = {}) {
    if (activeBox) activeBox.classList.remove("active");
    if (activeField) activeField.classList.remove("active");
    activeBox = document.getElementById("box-" + fieldId);
    activeField = form.querySelector('.field[data-field="' + CSS.escape(fieldId) + '"]');
    if (activeField) activeField.classList.add("active");
    if (activeBox) {
      activeBox.classList.add("active");
      if (scrollImage) scrollBoxIntoView(activeBox);
    }
  }

  function scrollBoxIntoView(box) {
    // Scroll only the image pane, so the field being typed into stays where it is.
    const paneRect = pagesPane.getBoundingClientRect();
    const boxRect = box.getBoundingClientRect();
    const target = pagesPane.scrollTop + (boxRect.top - paneRect.top) - paneRect.height / 2 + boxRect.height / 2;
    pagesPane.scrollTo({ top: Math.max(0, target), behavior: "smooth" });
  }

  form.addEventListener("focusin", (event) => {
    const input = event.target.closest(".field-input");
    if (input) select(input.dataset.field);
  });

  pagesPane.addEventListener("click", (event) => {
    const box = event.target.closest("rect.box");
    if (!box) return;
    const input = document.getElementById(box.dataset.field);
    if (!input) return;
    select(box.dataset.field, { scrollImage: false });
    input.focus({ preventScroll: true });
    input.scrollIntoView({ block: "center", behavior: "smooth" });
    if (input.select) input.select();
  });

  // --- rows: add (clone the template row) and remove (checkbox greys the row out) ----------
  form.addEventListener("click", (event) => {
    const button = event.target.closest("button.add-row");
    if (button) addRow(button.dataset.list);
  });

  function addRow(listName) {
    const template = document.getElementById("row-template-" + listName);
    const body = document.getElementById("rows-" + listName);
    if (!template || !body) return;
    const first = Number(template.dataset.firstIndex || body.dataset.nextIndex);
    template.dataset.firstIndex = String(first);
    const index = Number(body.dataset.nextIndex);
    const clone = template.content.cloneNode(true);
    if (index !== first) renumber(clone, listName, first, index);
    body.appendChild(clone);
    body.dataset.nextIndex = String(index + 1);
    const added = body.lastElementChild;
    added.classList.add("new-row");
    const removeBox = added.querySelector('.row-remove input[type="checkbox"]');
    if (removeBox) removeBox.addEventListener("change", () => added.remove());
    markDirty();
    const firstInput = added.querySelector(".field-input");
    if (firstInput) firstInput.focus();
  }

  function renumber(fragment, listName, from, to) {
    const pathFrom = listName + "[" + from + "]";
    const pathTo = listName + "[" + to + "]";
    const idFrom = "f-" + listName.replace(/_/g, "-") + "-" + from + "-";
    const idTo = "f-" + listName.replace(/_/g, "-") + "-" + to + "-";
    fragment.querySelectorAll("*").forEach((el) => {
      for (const attr of ["name", "id", "for", "data-field", "data-row"]) {
        const value = el.getAttribute(attr);
        if (value) el.setAttribute(attr, value.replace(pathFrom, pathTo).replace(idFrom, idTo));
      }
    });
    const number = fragment.querySelector(".row-no");
    if (number) number.textContent = String(to + 1);
  }

  form.addEventListener("change", (event) => {
    const box = event.target;
    if (box.matches('.row-remove input[type="checkbox"]')) {
      box.closest(".list-row").classList.toggle("removed", box.checked);
    }
  });

  // --- no lost work: warn before leaving with unsaved edits --------------------------------
  function markDirty() {
    if (dirty) return;
    dirty = true;
    document.body.classList.add("dirty");
  }
  if (dirty) document.body.classList.add("dirty");
  form.addEventListener("input", markDirty);
  form.addEventListener("change", markDirty);
  form.addEventListener("submit", () => { submitting = true; });
  document.querySelectorAll("form.needs-clean").forEach((other) => {
    other.addEventListener("submit", (event) => {
      if (dirty) { event.preventDefault(); document.body.classList.add("show-clean-hint"); return; }
      submitting = true;
    });
  });
  window.addEventListener("beforeunload", (event) => {
    if (dirty && !submitting) { event.preventDefault(); event.returnValue = ""; }
  });

  // --- keyboard ------------------------------------------------------------------------------
  function moveField(step) {
    const inputs = fieldInputs();
    if (!inputs.length) return;
    const at = inputs.indexOf(document.activeElement);
    const next = inputs[(at + step + inputs.length) % inputs.length];
    next.focus();
    next.scrollIntoView({ block: "nearest" });
  }

  function press(id) {
    const button = document.getElementById(id);
    if (button) form.requestSubmit(button);
  }

  document.addEventListener("keydown", (event) => {
    const inField = event.target.closest && event.target.closest("input, textarea, select");
    const key = event.key;
    if (event.altKey && (key === "ArrowDown" || key === "ArrowUp")) {
      event.preventDefault(); moveField(key === "ArrowDown" ? 1 : -1);
    } else if (!inField && !event.ctrlKey && !event.metaKey && !event.altKey && (key === "j" || key === "k")) {
      event.preventDefault(); moveField(key === "j" ? 1 : -1);
    } else if ((event.ctrlKey || event.metaKey) && key === "s") {
      event.preventDefault(); if (editable) press("save");
    } else if ((event.ctrlKey || event.metaKey) && key === "Enter") {
      event.preventDefault(); if (editable) press("approve");
    } else if (event.altKey && event.code === "KeyR") {
      event.preventDefault();
      const reason = document.getElementById("reject-reason");
      if (!reason) return;
      if (reason.value.trim()) press("reject"); else reason.focus();
    } else if (event.altKey && event.code === "KeyN") {
      event.preventDefault();
      if (dirty) { document.body.classList.add("show-unsaved"); return; } // save or discard first
      const next = document.getElementById("next-task-form");
      if (next) { submitting = true; next.requestSubmit(); }
    } else if (event.altKey && key === "Insert") {
      const section = event.target.closest && event.target.closest(".list-section");
      if (section) { event.preventDefault(); addRow(section.dataset.list); }
    }
  });

  // --- keep the lease while the reviewer works ---------------------------------------------
  if (editable) {
    const renewEveryMs = 4 * 60 * 1000;
    setInterval(() => {
      fetch("/documents/" + task.dataset.task + "/renew", {
        method: "POST",
        headers: { "X-CSRF-Token": csrfToken() },
        credentials: "same-origin",
      }).catch(() => {});
    }, renewEveryMs);
  }

  // Start on the first field that needs attention.
  if (editable && !document.getElementById("conflict")) {
    // The least sure value first (the usual root cause), else the first value with an error.
    const first = form.querySelector("td.band-low .field-input, .field .conf-low")
      || form.querySelector(".field.has-error .field-input");
    if (first) {
      const field = first.closest(".field");
      const input = field && field.querySelector(".field-input");
      if (input) input.focus({ preventScroll: false });
    }
  }
})();
