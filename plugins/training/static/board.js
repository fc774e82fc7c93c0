// Progressive enhancement of the pipeline board: drag a card onto the next column.
// It only presses the card's own one-click button (a plain form that htmx upgrades); moves that
// need more than a click open the candidate's step form. Without this file the buttons do it all.
(function () {
  "use strict";
  let dragged = null;

  document.addEventListener("dragstart", (event) => {
    const card = event.target.closest && event.target.closest(".training-card");
    if (!card) return;
    dragged = card;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.id);
  });

  document.addEventListener("dragend", () => {
    dragged = null;
    document.querySelectorAll(".training-board__column--over").forEach((column) => {
      column.classList.remove("training-board__column--over");
    });
  });

  document.addEventListener("dragover", (event) => {
    const column = event.target.closest && event.target.closest(".training-board__column");
    if (!column || !dragged) return;
    event.preventDefault();
    column.classList.add("training-board__column--over");
  });

  document.addEventListener("dragleave", (event) => {
    const column = event.target.closest && event.target.closest(".training-board__column");
    if (column && !column.contains(event.relatedTarget)) {
      column.classList.remove("training-board__column--over");
    }
  });

  // A move swaps the whole board, and the pressed button goes with the old one: the focus fell
  // to the first column's heading. Keep the keyboard user with the card they moved, on its name
  // link in its new column (a refused move stays in place; its message there is an alert).
  let movedCard = null;
  document.addEventListener("htmx:beforeRequest", (event) => {
    const card = event.detail.elt.closest && event.detail.elt.closest(".training-card");
    movedCard = card ? card.id : null;
  });

  document.addEventListener("htmx:afterSettle", () => {
    const card = movedCard && document.getElementById(movedCard);
    movedCard = null;
    if (!card) return;
    const target = card.querySelector("a, button");
    if (target) target.focus();
  });

  document.addEventListener("drop", (event) => {
    const column = event.target.closest && event.target.closest(".training-board__column");
    if (!column || !dragged) return;
    event.preventDefault();
    const stage = column.dataset.stage;
    const form = dragged.querySelector(`form[data-target-stage="${stage}"]`);
    if (form) {
      form.requestSubmit();
    } else if (column !== dragged.closest(".training-board__column")) {
      const more = dragged.querySelector(".training-card__more");
      if (more) window.location.href = `${more.pathname}?stap=${encodeURIComponent(stage)}#step`;
    }
  });
})();
