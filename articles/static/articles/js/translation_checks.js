/*
 * The Checks panel of wagtail-localize's translation editor (articles/translation_checks.py): the
 * translation's reading level, its sections above target and its issues, as the server works
 * them out of the segments saved so far, in the page editor's Checks panel's words and markup.
 *
 * The editor (a React app) saves each segment with a request under the translation's API path
 * (data-translation-editor-api). The browser reports every request the page makes to a
 * PerformanceObserver once its answer has arrived: after one under that path, and when the tab
 * comes back into view, the checks are asked again (once for a burst of saves).
 */
(() => {
  // wagtail-localize 1.14's template draws the side panels twice with Wagtail 8 (its header's
  // and its own): every copy of the panel is filled.
  const roots = [...document.querySelectorAll('[data-translation-checks]')];
  if (!roots.length) return;
  const url = roots[0].dataset.translationChecks;
  const editorApi = roots[0].dataset.translationEditorApi;
  const panels = roots.map((root) => root.closest('[data-side-panel]') || root.parentElement);
  const capitalised = (text) => text.charAt(0).toUpperCase() + text.slice(1);
  const AFTER_SAVES_MS = 300;

  function showReading(panel, checks) {
    const find = (selector) => panel.querySelector(selector);
    find('[data-live-reading-article]').textContent = capitalised(checks.summary);
    find('[data-live-reading-formula]').textContent = checks.formula_name;
    const above = checks.sections.filter((section) => section.above);
    find('[data-live-reading-above]').replaceChildren(
      ...above.map((section) => {
        const item = document.createElement('li');
        item.className = 'w-my-1 w-text-14';
        item.textContent = `${section.heading}: ${section.summary}`;
        return item;
      }),
    );
    find('[data-live-reading-none]').hidden = above.length > 0;
  }

  // A row as Wagtail's Checks panel draws an issue (its row template), saying where the
  // problem is in place of axe's selector, a button to the preview: this editor has none.
  function issueRow(panel, problem) {
    const template = panel.querySelector('#w-content-checker-row-template');
    const row = template.content.firstElementChild.cloneNode(true);
    row.querySelector('[data-content-checker-name]').textContent = problem.title;
    const help = row.querySelector('[data-content-checker-help]');
    help.textContent = problem.help;
    const where = document.createElement('p');
    where.className = 'w-my-1 w-text-14 w-text-text-label';
    where.setAttribute('data-translation-checks-where', '');
    where.textContent = problem.where;
    help.before(where);
    row.querySelector('[data-content-checker-selector]').remove();
    return row;
  }

  function showIssues(panel, problems) {
    panel
      .querySelector('[data-translation-checks-issues]')
      .replaceChildren(...problems.map((problem) => issueRow(panel, problem)));
    panel.querySelector('[data-content-checker-count]').textContent = problems.length;
  }

  function show(checks) {
    panels.forEach((panel) => {
      showReading(panel, checks);
      showIssues(panel, checks.problems);
      panel.querySelector('[data-translation-checks-error]').hidden = true;
    });
    document
      .querySelectorAll(
        '[data-side-panel-toggle="translation-checks"] [data-side-panel-toggle-counter]',
      )
      .forEach((counter) => {
        counter.textContent = checks.problems.length;
        counter.hidden = checks.problems.length === 0;
      });
  }

  function showFailure() {
    panels.forEach((panel) => {
      panel.querySelector('[data-translation-checks-error]').hidden = false;
    });
  }

  let asking = false;
  let askAgain = false;
  let timer = null;

  async function ask() {
    if (asking) {
      askAgain = true; // a save landed while asking: its answer may predate it
      return;
    }
    asking = true;
    try {
      const answer = await fetch(url, {
        headers: { Accept: 'application/json', 'X-Requested-With': 'XMLHttpRequest' },
        credentials: 'same-origin',
      });
      if (!answer.ok) throw new Error(`${answer.status}`);
      show(await answer.json());
    } catch {
      showFailure();
    } finally {
      asking = false;
      if (askAgain) {
        askAgain = false;
        ask();
      }
    }
  }

  function askSoon() {
    clearTimeout(timer);
    timer = setTimeout(ask, AFTER_SAVES_MS);
  }

  new PerformanceObserver((list) => {
    const saved = list.getEntries().some((entry) => {
      const path = new URL(entry.name, window.location.href).pathname;
      return path.startsWith(editorApi);
    });
    if (saved) askSoon();
  }).observe({ type: 'resource' });

  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') askSoon();
  });

  ask();
})();
