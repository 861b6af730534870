// The question picker, enhanced: ticking a question adds it at once, and the chosen list's buttons (points, up,
// down, remove) act in place, so the bank's filters, scroll and open previews stay as they were. The server stays
// the one truth: each change posts the page's own form, and the answer's chosen list and state replace ours.
// Loaded only while nobody has started (a change then needs a confirmation page) and the class is not archived.
(() => {
  const chosenForm = () => document.getElementById('chosen-form');
  const addForm = document.getElementById('add-form');
  const say = (text) => window.backchannel && window.backchannel.announce(text);
  let busy = false;

  // Post a form as the browser would (the pressed button's name and value too) and read the page that comes back.
  async function post(form, submitter) {
    const response = await fetch(form.action, {method: 'POST', body: new FormData(form, submitter), credentials: 'same-origin'});
    return new DOMParser().parseFromString(await response.text(), 'text/html');
  }

  // Take the fresh chosen list, state and the bank row just added; false if the answer is another page (a refusal).
  function take(doc, addedIds) {
    const fresh = doc.getElementById('chosen');
    const state = doc.querySelector('input[name=state]');
    if (!fresh || !state) return false;
    document.getElementById('chosen').replaceWith(document.adoptNode(fresh));
    document.querySelectorAll('input[name=state]').forEach((input) => { input.value = state.value; });
    for (const id of addedIds) {
      const row = doc.getElementById('bank-' + id);
      const mine = document.getElementById('bank-' + id);
      if (row && mine) mine.querySelector('.bank-pick').replaceWith(document.adoptNode(row.querySelector('.bank-pick')));
    }
    return true;
  }

  // What the server said (its flash, or an error in the list), for a screen reader.
  function message(doc) {
    const said = doc.querySelector('.flash, #chosen .alert.danger, #chosen .field-error');
    return said ? said.textContent.trim() : '';
  }

  async function change(form, submitter, addedIds, refocus) {
    if (busy) return;
    busy = true;
    let doc = null;
    try {
      doc = await post(form, submitter);
    } catch (error) {
      doc = null;
    }
    busy = false;
    if (!doc || !take(doc, addedIds)) {
      // A refusal, a page changed elsewhere or no network: let the browser post it, so the person reads the answer.
      form.dataset.native = 'yes';
      form.requestSubmit(submitter);
      return;
    }
    say(message(doc));
    refocus();
  }

  document.addEventListener('submit', (event) => {
    const form = event.target;
    if (form !== chosenForm() || form.dataset.native) return;
    event.preventDefault();
    const pressed = event.submitter;
    const name = pressed && pressed.name;
    const value = pressed && pressed.value;
    change(form, pressed, [], () => {
      // Back to the same button where it still is (a row moved keeps its buttons), else to the list's heading.
      const same = name && [...document.querySelectorAll(`#chosen button[name="${name}"]`)].find((b) => b.value === value);
      const other = name === 'move' && [...document.querySelectorAll('#chosen button[name="move"]')]
        .find((b) => b.value.split(':')[1] === value.split(':')[1] && !b.disabled);
      const target = (same && !same.disabled ? same : other) || (name ? document.getElementById('chosen-title')
        : document.querySelector('#chosen [aria-invalid=true]') || document.querySelector('#chosen button[type=submit]'));
      if (target) target.focus();
    });
  });

  if (!addForm) return;
  document.getElementById('bank').classList.add('instant');  // picker.css: a tick adds, so "Add selected" gives way to a hint
  // Every ticked box goes in one post; a box ticked while a post was on its way goes in the next one.
  function addTicked() {
    const ticked = [...document.querySelectorAll('input[name=add][form=add-form]:checked')];
    if (!ticked.length || busy) return;
    const last = ticked[ticked.length - 1].value;
    change(addForm, null, ticked.map((box) => box.value), () => {
      const mark = document.querySelector(`#bank-${CSS.escape(last)} .chosen-mark`);
      if (mark) { mark.tabIndex = -1; mark.focus(); }
      addTicked();
    });
  }

  document.addEventListener('change', (event) => {
    if (event.target.name === 'add' && event.target.form === addForm && event.target.checked) addTicked();
  });
})();
