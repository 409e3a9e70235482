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

    // ---- Snippets: inserted where the cursor is, from a picker opened by `#` at the start of a word or by Ctrl+K ----
    const picker = document.getElementById('snippet-picker');
    if (picker) {
      const search = document.getElementById('snippet-search');
      const searchRow = document.getElementById('snippet-search-row');
      const list = document.getElementById('snippet-options');
      const empty = document.getElementById('snippet-empty');
      const announce = document.getElementById('snippet-status');
      const button = document.getElementById('snippet-button');
      // mode: null (closed), 'hash' (typing `#ret` in the reply) or 'search' (Ctrl+K: a search field of its own).
      let mode = null;
      let results = [];
      let active = -1;
      let range = null; // where the snippet goes: [start, end) of the reply, and the reply's text then
      let dismissedAt = -1; // a `#` whose picker was closed with Escape stays a plain `#`
      let asked = 0;

      /** The `#word` being typed at the cursor: a `#` at the start of a word, up to 40 characters, nothing selected. */
      const hashAtCursor = () => {
        const caret = textarea.selectionStart;
        if (caret !== textarea.selectionEnd) return null;
        const lineStart = textarea.value.lastIndexOf('\n', caret - 1) + 1;
        const m = /(^|\s)#([^\s#]{0,40})$/.exec(textarea.value.slice(lineStart, caret));
        return m ? { at: lineStart + m.index + m[1].length, end: caret, query: m[2] } : null;
      };

      /** The line the cursor is on, measured in a hidden copy of the reply laid out as the reply is. */
      const caretTop = (offset) => {
        const probe = document.createElement('div');
        probe.className = 'highlights caret-probe';
        probe.setAttribute('aria-hidden', 'true');
        probe.textContent = textarea.value.slice(0, offset);
        const mark = document.createElement('span');
        mark.textContent = '\u200b';
        probe.append(mark);
        textarea.parentElement.append(probe);
        const top = mark.offsetTop + mark.offsetHeight - textarea.scrollTop;
        probe.remove();
        return Math.max(0, Math.min(top, textarea.offsetHeight)) + 4;
      };

      const controller = () => (mode === 'search' ? search : textarea);
      // -1: nothing chosen yet.
      const setActive = (i) => {
        active = results.length === 0 || i < 0 ? -1 : Math.min(results.length - 1, i);
        for (const [n, el] of Array.from(list.children).entries()) el.setAttribute('aria-selected', String(n === active));
        const current = list.children[active];
        if (current) {
          controller().setAttribute('aria-activedescendant', current.id);
          current.scrollIntoView({ block: 'nearest' });
        } else controller().removeAttribute('aria-activedescendant');
      };

      const show = (snippets, query) => {
        results = snippets;
        list.replaceChildren(
          ...snippets.map((sn, i) => {
            const li = document.createElement('li');
            li.id = `snippet-option-${sn.id}`;
            li.setAttribute('role', 'option');
            li.dataset.index = String(i);
            const name = document.createElement('span');
            name.className = 'snippet-option-name';
            name.textContent = sn.name;
            li.append(name);
            if (sn.shortcut) {
              const shortcut = document.createElement('span');
              shortcut.className = 'snippet-option-shortcut';
              shortcut.textContent = `#${sn.shortcut}`;
              li.append(' ', shortcut);
            }
            const text = document.createElement('span');
            text.className = 'snippet-option-text';
            const flat = sn.body.replace(/\s+/g, ' ').trim();
            text.textContent = flat.length > 110 ? `${flat.slice(0, 109)}…` : flat;
            li.append(text);
            return li;
          }),
        );
        list.hidden = snippets.length === 0;
        empty.hidden = snippets.length > 0;
        empty.textContent = query ? `No snippet matches "${query}".` : 'No snippets yet: approvers and owners add them under Templates & snippets.';
        // Typing `#` alone picks nothing on Enter (a new line stays a new line); a word typed after it picks the best match.
        setActive(mode === 'search' || query ? 0 : -1);
        announce.textContent = snippets.length ? `${snippets.length} ${snippets.length === 1 ? 'snippet' : 'snippets'}; arrows choose, Enter inserts.` : empty.textContent;
      };

      const find = debounce(async (query) => {
        const mine = ++asked;
        const res = await api('GET', `/api/snippets?q=${encodeURIComponent(query)}&limit=12`);
        if (mine !== asked || mode === null || res.status !== 200) return;
        // Typing `#1234` (an order number) is not a search: with nothing to offer, the picker keeps out of the way.
        if (mode === 'hash' && res.body.length === 0) return close();
        picker.hidden = false;
        show(res.body, query);
      }, 80);

      const open = (how, at) => {
        mode = how;
        picker.style.top = `${caretTop(at)}px`;
        searchRow.hidden = how !== 'search';
        search.setAttribute('aria-expanded', String(how === 'search'));
        if (how === 'hash') {
          textarea.setAttribute('aria-controls', 'snippet-options');
          textarea.setAttribute('aria-autocomplete', 'list');
        }
      };

      function close() {
        if (mode === null) return;
        asked++;
        mode = null;
        picker.hidden = true;
        results = [];
        list.replaceChildren();
        search.setAttribute('aria-expanded', 'false');
        for (const el of [textarea, search]) el.removeAttribute('aria-activedescendant');
        textarea.removeAttribute('aria-controls');
        textarea.removeAttribute('aria-autocomplete');
      }

      /** Follows the reply: a `#word` at the cursor opens (or narrows) the picker; anything else closes a `#` one. */
      const followTyping = () => {
        if (mode === 'search') return;
        const hash = hashAtCursor();
        if (!hash || hash.at === dismissedAt) {
          if (!hash) dismissedAt = -1;
          return close();
        }
        if (mode !== 'hash') open('hash', hash.at);
        range = { start: hash.at, end: hash.end, text: textarea.value };
        find(hash.query);
      };

      const openSearch = () => {
        range = { start: textarea.selectionStart, end: textarea.selectionEnd, text: textarea.value };
        close();
        open('search', range.start);
        picker.hidden = false;
        search.value = '';
        search.focus();
        find('');
      };

      /** Puts the chosen snippet, filled in for this conversation, where the picker was opened; the rest of the reply stays. */
      const insert = async (i) => {
        const chosen = results[i];
        const at = range;
        const from = mode;
        close();
        if (!chosen || !at) return;
        const res = await api('POST', `/api/snippets/${chosen.id}/insert`, { conversationId });
        if (res.status !== 200) {
          announce.textContent = res.body?.error?.message ?? 'The snippet could not be inserted.';
          status.textContent = announce.textContent;
          return;
        }
        // Typed on while it was fetched: it goes where the cursor is now (replacing the `#word` if that is still there).
        let { start, end } = at;
        if (textarea.value !== at.text) {
          const hash = from === 'hash' ? hashAtCursor() : null;
          start = hash ? hash.at : textarea.selectionStart;
          end = hash ? hash.end : textarea.selectionEnd;
        }
        const before = textarea.value.slice(0, start);
        const after = textarea.value.slice(end);
        const text = `${before && !/\s$/.test(before) ? ' ' : ''}${res.body.text}${after && !/^[\s.,;:!?)]/.test(after) ? ' ' : ''}`;
        textarea.focus();
        textarea.setSelectionRange(start, end);
        // As if typed: the browser's undo takes it back, and the input event saves and checks the reply.
        if (!document.execCommand('insertText', false, text)) {
          textarea.setRangeText(text, start, end, 'end');
          textarea.dispatchEvent(new Event('input', { bubbles: true }));
        }
        // A part to write in the snippet comes selected, ready to type over.
        const slot = /\[\[[^\]\n]*\]\]/.exec(text);
        if (slot) textarea.setSelectionRange(start + slot.index, start + slot.index + slot[0].length);
        announce.textContent = `Inserted "${chosen.name}"${slot ? '; its first part to write is selected' : ''}.`;
      };

      textarea.addEventListener('input', followTyping);
      textarea.addEventListener('click', followTyping);
      textarea.addEventListener('keyup', (e) => {
        if (['ArrowLeft', 'ArrowRight', 'Home', 'End', 'PageUp', 'PageDown'].includes(e.key)) followTyping();
      });
      textarea.addEventListener('blur', () => {
        if (mode === 'hash') close();
      });
      textarea.addEventListener('keydown', (e) => {
        if (mode !== 'hash' || picker.hidden) return;
        if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
          e.preventDefault();
          setActive(e.key === 'ArrowDown' ? active + 1 : active - 1);
        } else if (e.key === 'Enter' && active >= 0 && !e.ctrlKey && !e.metaKey && !e.shiftKey && !e.altKey) {
          e.preventDefault();
          insert(active);
        } else if (e.key === 'Escape') {
          // Closes the picker only; the page's Escape (stop writing) waits for the next one.
          e.preventDefault();
          e.stopPropagation();
          dismissedAt = range?.start ?? -1;
          close();
        }
      });

      search.addEventListener('input', () => find(search.value));
      search.addEventListener('keydown', (e) => {
        if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
          e.preventDefault();
          setActive(e.key === 'ArrowDown' ? active + 1 : Math.max(0, active - 1));
        } else if (e.key === 'Enter') {
          e.preventDefault();
          if (active >= 0) insert(active);
        } else if (e.key === 'Escape') {
          e.preventDefault();
          e.stopPropagation();
          close();
          textarea.focus();
          if (range) textarea.setSelectionRange(range.start, range.end);
        } else if (e.key === 'Tab') close();
      });
      search.addEventListener('blur', () => setTimeout(() => mode === 'search' && !picker.contains(document.activeElement) && close(), 0));

      // The mouse: hover chooses, a click inserts; the reply keeps the focus (and its cursor) meanwhile.
      list.addEventListener('mousedown', (e) => e.preventDefault());
      list.addEventListener('mousemove', (e) => {
        const li = e.target.closest('[role="option"]');
        if (li && Number(li.dataset.index) !== active) setActive(Number(li.dataset.index));
      });
      list.addEventListener('click', (e) => {
        const li = e.target.closest('[role="option"]');
        if (li) insert(Number(li.dataset.index));
      });

      // Ctrl+K is for the reply: in another field (the subject, a note) it does what the browser does there.
      document.addEventListener('keydown', (e) => {
        const here = e.target === textarea || e.target === search || !typing(e.target);
        if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'k' && here && !keys?.open) {
          e.preventDefault();
          openSearch();
        }
      });
      button.hidden = false;
      button.addEventListener('click', openSearch);
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

  // ---- The template and snippet editors: a live preview against a real conversation --------------
  const templateForm = document.getElementById('template-form');
  const snippetForm = document.getElementById('snippet-form');
  const livePreview = document.getElementById('template-live');
  const previewWith = document.getElementById('preview-conversation');
  const editing = templateForm ?? snippetForm;
  if (editing && livePreview && previewWith?.value) {
    const body = editing.querySelector('textarea');
    const render = debounce(async () => {
      const conversationId = Number(previewWith.value);
      const res = templateForm
        ? await api('POST', '/api/templates/preview', { name: templateForm.dataset.name, conversationId, body: body.value })
        : await api('POST', '/api/snippets/preview', { conversationId, body: body.value });
      livePreview.textContent = res.status === 200 ? (res.body.body ?? res.body.text) : res.body.error.message;
      livePreview.classList.toggle('error-text', res.status !== 200);
    }, 250);
    body.addEventListener('input', render);
    previewWith.addEventListener('change', render);
    render();
  }
})();
