// Progressive enhancement only: every page works without this file (forms post, links link).
(() => {
  const csrf = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';
  const typing = (el) =>
    el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement || (el instanceof HTMLElement && el.isContentEditable);

  async function api(method, url, body) {
    const res = await fetch(url, {
      method,
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  // Undo windows count down where they are shown; when one closes its Undo button goes, the reply being on its way.
  // Looked up at every tick: the live queue replaces its rows.
  const tick = () => {
    for (const el of document.querySelectorAll('.countdown[data-until]')) {
      const left = Math.max(0, Math.ceil((Date.parse(el.dataset.until) - Date.now()) / 1000));
      el.textContent = String(left);
      if (left === 0) el.closest('form')?.setAttribute('hidden', '');
    }
  };
  tick();
  setInterval(tick, 1000);

  // Time zones: the browser's goes with the sign-in (kept only while the person has none), or from the first page
  // of someone who signed in before; the account page offers it. Pages show times in the person's stored zone.
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone ?? '';
  for (const input of document.querySelectorAll('input.browser-time-zone')) input.value = browserZone;
  if (browserZone && document.body.hasAttribute('data-time-zone-unset')) api('POST', '/account/time-zone/browser', { timeZone: browserZone });
  const useBrowserZone = document.getElementById('use-browser-zone');
  const zoneInput = document.getElementById('time-zone');
  if (browserZone && useBrowserZone && zoneInput && zoneInput.value !== browserZone) {
    useBrowserZone.textContent = browserZone;
    useBrowserZone.setAttribute('aria-label', `Use this browser's time zone, ${browserZone}`);
    useBrowserZone.closest('[hidden]')?.removeAttribute('hidden');
    useBrowserZone.addEventListener('click', () => {
      zoneInput.value = browserZone;
      zoneInput.focus();
    });
  }
  const personZone = document.body.dataset.timeZone || undefined;

  function debounce(fn, ms) {
    let t = null;
    return (...args) => {
      clearTimeout(t);
      t = setTimeout(() => fn(...args), ms);
    };
  }

  // "?" lists the keys on every page.
  const keys = document.getElementById('keys');
  document.addEventListener('keydown', (e) => {
    if (e.key === '?' && !typing(e.target) && keys && !keys.open) {
      e.preventDefault();
      keys.showModal();
    }
  });

  // On a narrow screen the navigation folds behind its button; without this file it simply wraps.
  const menuToggle = document.querySelector('.menu-toggle');
  const menu = menuToggle && document.getElementById(menuToggle.getAttribute('aria-controls'));
  if (menu) {
    const openMenu = (open) => {
      menuToggle.setAttribute('aria-expanded', String(open));
      menu.classList.toggle('open', open);
    };
    menuToggle.closest('header').classList.add('collapsible');
    menuToggle.addEventListener('click', () => openMenu(menuToggle.getAttribute('aria-expanded') !== 'true'));
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && menu.classList.contains('open')) {
        openMenu(false);
        menuToggle.focus();
      }
    });
  }

  /**
   * Live updates: one stream per signed-in page (for the conversation the page shows, if any); the server says
   * when something changed, and each part of the page decides what that means.
   */
  const mentionCount = document.getElementById('mention-count');
  const shownConversation = document.querySelector('.conversation-page')?.dataset.conversation;
  const stream = mentionCount && window.EventSource ? new EventSource(shownConversation ? `/events?conversation=${shownConversation}` : '/events') : null;
  const live = (event, onEvent) => stream?.addEventListener(event, onEvent);

  /** Replaces a live part of the page with its fresh copy from the server. */
  async function refresh(part) {
    const res = await fetch(part.dataset.live, { credentials: 'same-origin' });
    if (res.ok) part.innerHTML = await res.text();
    return res.ok;
  }

  // The navigation's count of unread mentions; the Mentions page also brings its list up to date.
  const mentionsLive = document.getElementById('mentions-live');
  live('mentions', (e) => {
    const { unread } = JSON.parse(e.data);
    mentionCount.querySelector('.badge').textContent = String(unread);
    mentionCount.hidden = unread === 0;
    if (mentionsLive) refresh(mentionsLive);
  });

  // ---- The queue -------------------------------------------------------------------------------
  const queueLive = document.getElementById('queue-live');
  if (queueLive) {
    let index = -1;
    const items = () => Array.from(queueLive.querySelectorAll('.queue-item'));
    const select = (i) => {
      const list = items();
      if (!list.length) return;
      index = Math.max(0, Math.min(list.length - 1, i));
      for (const [n, el] of list.entries()) el.classList.toggle('selected', n === index);
      list[index].querySelector('a').focus();
    };
    document.addEventListener('keydown', (e) => {
      if (typing(e.target) || e.metaKey || e.ctrlKey || e.altKey || keys?.open) return;
      if (e.key === 'j') select(index + 1);
      if (e.key === 'k') select(index - 1);
      if (e.key === 'Enter' && index >= 0 && document.activeElement === document.body) window.location.href = items()[index].dataset.href;
    });
    live('changed', async () => {
      // Keep what the person picked and where they were while the list is replaced.
      const picked = new Set(Array.from(queueLive.querySelectorAll('input.pick:checked')).map((el) => el.value));
      const selected = items()[index]?.dataset.draft;
      if (!(await refresh(queueLive))) return;
      for (const el of queueLive.querySelectorAll('input.pick')) el.checked = picked.has(el.value);
      const again = items().findIndex((el) => el.dataset.draft === selected);
      if (again >= 0) {
        index = again;
        items()[again].classList.add('selected');
      }
    });
  }

  // ---- A conversation and its draft --------------------------------------------------------------
  const page = document.querySelector('.conversation-page');
  const form = document.getElementById('draft-form');
  if (page) {
    live('changed', () => {
      document.getElementById('changed-notice')?.removeAttribute('hidden');
    });
    document.addEventListener('keydown', (e) => {
      if (keys?.open) return;
      if (e.key === 'Escape' && typing(e.target)) e.target.blur();
      if (typing(e.target) || e.metaKey || e.ctrlKey || e.altKey) return;
      if (e.key === 'e' && form) {
        e.preventDefault();
        form.querySelector('textarea').focus();
      }
      if (e.key === 'a' && form) form.requestSubmit(document.getElementById('approve'));
      if (e.key === 'u') document.getElementById('undo-form')?.requestSubmit();
    });
  }

  if (form) {
    const draftId = form.dataset.draft;
    const conversationId = Number(page.dataset.conversation);
    const textarea = form.querySelector('textarea');
    const subject = form.querySelector('#subject-input');
    const baseVersion = form.querySelector('input[name="baseVersion"]');
    const highlights = form.querySelector('.highlights');
    const status = document.getElementById('autosave');
    const touch = document.getElementById('touch');
    let editingStopped = false;

    textarea.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        form.requestSubmit(document.getElementById('approve'));
      }
    });

    const escapeHtml = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    /** The findings, underlined in place: a layer behind the transparent text, same font, same wrapping. */
    function paint(findings) {
      const text = textarea.value;
      const ranges = findings.filter((f) => f.end > f.start).sort((a, b) => a.start - b.start);
      let html = '';
      let at = 0;
      for (const f of ranges) {
        if (f.start < at) continue;
        html += `${escapeHtml(text.slice(at, f.start))}<mark class="hl hl-${f.kind}" title="${escapeHtml(f.message)}">${escapeHtml(text.slice(f.start, f.end))}</mark>`;
        at = f.end;
      }
      highlights.innerHTML = `${html + escapeHtml(text.slice(at))}\n`;
      highlights.scrollTop = textarea.scrollTop;
    }
    textarea.addEventListener('scroll', () => (highlights.scrollTop = textarea.scrollTop));

    function show(result) {
      const slots = result.findings.filter((f) => f.kind === 'unfilled-slot');
      touch.innerHTML =
        (slots.length
          ? `<p class="slots" role="note">Still to write: ${slots.map((s) => `<mark>${escapeHtml(textarea.value.slice(s.start + 2, s.end - 2))}</mark>`).join(', ')}</p>`
          : '') +
        `<p id="touch-summary">Personal touch: <strong>${result.score}</strong>/100</p>` +
        `<ul class="findings">${result.findings.map((f) => `<li class="finding finding-${f.kind}">${escapeHtml(f.message)}${f.suggestion ? ` <span class="suggestion">${escapeHtml(f.suggestion)}</span>` : ''}</li>`).join('')}</ul>` +
        `<details class="parts"><summary>How the score is made</summary><ul>${result.parts.map((p) => `<li>${escapeHtml(p.name)}: ${p.points}/${p.max}. ${escapeHtml(p.explanation)}</li>`).join('')}</ul></details>`;
      paint(result.findings);
    }
    const check = debounce(async () => {
      const res = await api('POST', '/api/touch-check', { text: textarea.value, conversationId });
      if (res.status === 200) show(res.body);
    }, 200);

    // Saves and attachment changes each move the draft's version on: they go one at a time, each with the
    // version the one before left, so the page never trips over its own change.
    let turn = Promise.resolve();
    const inTurn = (fn) => {
      const run = turn.then(fn);
      turn = run.catch(() => {});
      return run;
    };

    // Autosave: the editor's version travels with every save, so an edit made elsewhere is never overwritten.
    const save = debounce(async () => {
      if (editingStopped) return;
      status.textContent = 'Saving…';
      const res = await inTurn(() => api('PATCH', `/api/drafts/${draftId}`, { body: textarea.value, subject: subject.value, baseVersion: Number(baseVersion.value) }));
      if (res.status === 200) {
        baseVersion.value = res.body.version;
        status.textContent = `Saved at ${new Date().toLocaleTimeString([], { timeZone: personZone, timeZoneName: 'short' })}.`;
      } else {
        if (res.body?.error?.code === 'draft_edited_elsewhere' || res.body?.error?.code === 'draft_not_editable') editingStopped = true;
        status.textContent = res.body?.error?.message ?? 'Could not save.';
        status.classList.add('error-text');
      }
    }, 1200);

    textarea.addEventListener('input', () => {
      paint([]);
      check();
      save();
    });
    subject.addEventListener('input', save);
    check();

    // Presence: say we have it open (and whether we are typing); hear who else has.
    const presence = document.getElementById('presence');
    let typedRecently = false;
    textarea.addEventListener('input', () => (typedRecently = true));
    const beat = async () => {
      const res = await api('POST', `/api/drafts/${draftId}/presence`, { editing: typedRecently });
      typedRecently = false;
      if (res.status !== 200) return;
      const others = res.body.others;
      presence.hidden = others.length === 0;
      presence.textContent =
        others.map((o) => `${o.name} ${o.editing ? 'is editing this draft too' : 'has this draft open too'}`).join('; ') +
        (others.length ? '. Your saves will not overwrite theirs: if they save first, you will be told.' : '');
    };
    beat();
    setInterval(beat, 10_000);

    // Files on the draft: chosen with the button or dropped on the reply, each sent as it is to the API
    // (server/upload.ts says why); removed and forwarded without leaving the page, which keeps what is typed.
    const attachInput = document.getElementById('attach-input');
    if (attachInput) {
      const attachStatus = document.getElementById('attach-status');
      const attachButton = document.getElementById('attach-button');
      const files = document.getElementById('draft-files');
      document.getElementById('attach-controls').hidden = false;
      const say = (text, error = false) => {
        attachStatus.textContent = text;
        attachStatus.classList.toggle('error-text', error);
      };
      const redraw = async () => {
        const res = await fetch(`/drafts/${draftId}/attachments`, { credentials: 'same-origin' });
        if (res.ok) document.getElementById('attachment-list').outerHTML = await res.text();
      };
      /** After a change: the draft's new version for the next save, the list as it is now, and what happened in words. */
      const changed = async (res, ok) => {
        if (res.status >= 300) return say(res.body?.error?.message ?? 'That did not work; reload the page and try again.', true);
        baseVersion.value = (res.body.draft ?? res.body).version;
        await redraw();
        say(ok);
      };
      const upload = async (file) => {
        // Refused here when it cannot fit, before a byte is sent; the server checks again.
        const list = document.getElementById('attachment-list');
        if (file.size > Number(list.dataset.room)) {
          return say(
            `"${file.name}" is too large: a reply's attachments may add up to ${files.dataset.limit}, and ${list.dataset.roomWords} of that is left. Share a link to it instead.`,
            true,
          );
        }
        say(`Attaching "${file.name}"…`);
        const res = await inTurn(async () => {
          const r = await fetch(`/api/drafts/${draftId}/attachments?name=${encodeURIComponent(file.name)}`, {
            method: 'POST',
            headers: { 'content-type': file.type || 'application/octet-stream', 'x-csrf-token': csrf },
            body: file,
            credentials: 'same-origin',
          });
          return { status: r.status, body: await r.json().catch(() => null) };
        }).catch(() => ({ status: 0, body: { error: { message: `"${file.name}" did not arrive: the connection broke. Try again.` } } }));
        await changed(res, res.body?.already ? `"${file.name}" is already attached.` : `Attached "${file.name}".`);
      };
      const attachAll = async (list) => {
        for (const file of list) await upload(file);
      };
      attachButton.addEventListener('click', () => attachInput.click());
      attachInput.addEventListener('change', async () => {
        await attachAll([...attachInput.files]);
        attachInput.value = '';
      });

      const hasFiles = (e) => Array.from(e.dataTransfer?.types ?? []).includes('Files');
      let over = 0;
      const dropping = (on) => form.classList.toggle('dropping', on);
      form.addEventListener('dragenter', (e) => {
        if (!hasFiles(e)) return;
        over++;
        dropping(true);
      });
      form.addEventListener('dragleave', () => {
        over = Math.max(0, over - 1);
        if (over === 0) dropping(false);
      });
      form.addEventListener('drop', (e) => {
        if (!hasFiles(e)) return;
        over = 0;
        dropping(false);
        attachAll([...e.dataTransfer.files]);
      });
      // A file dropped anywhere on the page is taken by the reply or by nobody: never opened in the tab, losing what is typed.
      for (const type of ['dragover', 'drop']) {
        window.addEventListener(type, (e) => {
          if (!hasFiles(e)) return;
          e.preventDefault();
          if (type === 'dragover') e.dataTransfer.dropEffect = form.contains(e.target) ? 'copy' : 'none';
        });
      }

      document.addEventListener('click', async (e) => {
        const remove = e.target.closest?.('.remove-attachment');
        if (!remove) return;
        e.preventDefault();
        const res = await inTurn(() => api('DELETE', `/api/drafts/${draftId}/attachments/${remove.dataset.id}`));
        await changed(res, `Removed "${remove.dataset.name}".`);
        attachButton.focus();
      });
      for (const forward of document.querySelectorAll('form.forward-attachment')) {
        forward.addEventListener('submit', async (e) => {
          e.preventDefault();
          const res = await inTurn(() => api('POST', `/api/drafts/${draftId}/attachments/forward`, { attachmentId: Number(forward.elements.attachmentId.value) }));
          const name = res.body?.attachment?.filename;
          await changed(res, res.body?.already ? `"${name}" is already attached to your reply.` : `Attached "${name}" to your reply.`);
        });
      }
    }

    // Template preview without leaving the page.
    const previewButton = document.getElementById('preview-template');
    const preview = document.getElementById('template-preview');
    if (previewButton) {
      previewButton.hidden = false;
      previewButton.addEventListener('click', async () => {
        const name = document.getElementById('template').value;
        const res = await api('POST', '/api/templates/preview', { name, conversationId });
        preview.hidden = false;
        preview.textContent = res.status === 200 ? res.body.body : res.body.error.message;
      });
    }
  }

  // ---- @mentions in team notes: after "@", a list of colleagues to pick by keyboard or mouse ----------------
  let mentionBoxes = 0;
  for (const box of document.querySelectorAll('textarea.mention-input')) {
    const people = JSON.parse(box.closest('[data-mentionable]')?.dataset.mentionable ?? '[]');
    if (!people.length) continue;
    const n = ++mentionBoxes;
    const list = document.createElement('ul');
    list.id = `mention-list-${n}`;
    list.className = 'mention-list';
    list.setAttribute('role', 'listbox');
    list.setAttribute('aria-label', 'Colleagues to mention');
    list.hidden = true;
    const status = document.createElement('p');
    status.className = 'visually-hidden';
    status.setAttribute('role', 'status');
    box.after(list, status);
    box.setAttribute('aria-autocomplete', 'list');
    box.setAttribute('aria-controls', list.id);
    let matches = [];
    let active = 0;
    let token = null;

    // The "@name" being typed just before the caret, if any: an address like maria@bakery is not one.
    const typed = () => {
      const before = box.value.slice(0, box.selectionStart);
      const m = /(?:^|[^\p{L}\p{N}._%+-])@([\p{L}\p{N}._-]{0,40})$/u.exec(before);
      return m ? { start: before.length - m[1].length - 1, query: m[1].toLowerCase() } : null;
    };
    const close = () => {
      list.hidden = true;
      matches = [];
      token = null;
      box.removeAttribute('aria-activedescendant');
    };
    const show = () => {
      list.innerHTML = '';
      for (const [i, p] of matches.entries()) {
        const li = document.createElement('li');
        li.id = `${list.id}-${i}`;
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', String(i === active));
        li.textContent = p.name;
        const handle = document.createElement('span');
        handle.className = 'muted';
        handle.textContent = ` @${p.handle}`;
        li.append(handle);
        // mousedown, not click: the note box keeps its focus and caret.
        li.addEventListener('mousedown', (e) => {
          e.preventDefault();
          pick(i);
        });
        list.append(li);
      }
      list.hidden = false;
      box.setAttribute('aria-activedescendant', `${list.id}-${active}`);
    };
    const update = () => {
      token = typed();
      const q = token?.query ?? '';
      matches = token
        ? people
            .filter(
              (p) =>
                p.handle.toLowerCase().startsWith(q) ||
                p.name
                  .toLowerCase()
                  .split(/\s+/)
                  .some((w) => w.startsWith(q)),
            )
            .slice(0, 8)
        : [];
      if (!matches.length) {
        if (token && q) status.textContent = 'Nobody on the team by that name.';
        return close();
      }
      active = 0;
      show();
      status.textContent = `${matches.length} ${matches.length === 1 ? 'colleague' : 'colleagues'}: arrow keys to choose, Enter to mention, Escape to close.`;
    };
    const pick = (i) => {
      const p = matches[i];
      if (!p || !token) return;
      const end = box.selectionStart;
      const insert = `@${p.handle} `;
      box.setRangeText(insert, token.start, end, 'end');
      box.dispatchEvent(new Event('input', { bubbles: true }));
      status.textContent = `${p.name} will be mentioned.`;
      close();
    };
    box.addEventListener('input', update);
    box.addEventListener('click', update);
    box.addEventListener('blur', close);
    box.addEventListener('keydown', (e) => {
      if (list.hidden) return;
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        active = (active + (e.key === 'ArrowDown' ? 1 : matches.length - 1)) % matches.length;
        show();
      } else if (e.key === 'Enter' || e.key === 'Tab') {
        e.preventDefault();
        pick(active);
      } else if (e.key === 'Escape') {
        // Closes the list only; the page's own Escape (stop writing) waits for the next one.
        e.preventDefault();
        e.stopPropagation();
        close();
      }
    });
  }

  // ---- The template editor: a live preview against a real conversation ---------------------------
  const templateForm = document.getElementById('template-form');
  const livePreview = document.getElementById('template-live');
  const previewWith = document.getElementById('preview-conversation');
  if (templateForm && livePreview && previewWith?.value) {
    const body = document.getElementById('template-body');
    const render = debounce(async () => {
      const res = await api('POST', '/api/templates/preview', { name: templateForm.dataset.name, conversationId: Number(previewWith.value), body: body.value });
      livePreview.textContent = res.status === 200 ? res.body.body : res.body.error.message;
      livePreview.classList.toggle('error-text', res.status !== 200);
    }, 250);
    body.addEventListener('input', render);
    previewWith.addEventListener('change', render);
    render();
  }
})();
