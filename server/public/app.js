// Progressive enhancement only: every page works without this file.
(function () {
  'use strict';
  const queue = document.getElementById('queue');
  if (queue) {
    const items = Array.from(queue.querySelectorAll('.queue-item'));
    let index = -1;
    const select = (i) => {
      if (!items.length) return;
      index = Math.max(0, Math.min(items.length - 1, i));
      items.forEach((el, n) => el.classList.toggle('selected', n === index));
      items[index].querySelector('a').focus();
    };
    document.addEventListener('keydown', (e) => {
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement || e.metaKey || e.ctrlKey || e.altKey) return;
      if (e.key === 'j') select(index + 1);
      if (e.key === 'k') select(index - 1);
    });
  }
})();
