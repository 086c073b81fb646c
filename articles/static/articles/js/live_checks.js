/*
 * An article's reading level in Wagtail's Checks panel, following the draft as the editor types,
 * and a problem's block brought into view in the editor.
 *
 * Each time Wagtail's preview panel has rendered the draft again and run the checks on it, it
 * sends `w-preview:content` with the HTML of the preview's `main`. The built-in preview of an
 * article marks it with the draft's grades (articles/live_checks.py: `data-reading-*` on the
 * body and on each H2 `<section>`, `data-block-id` on each block): shown here are the article's
 * grade, that of the section the editor is in, and each section above target.
 *
 * Wagtail lists the problems axe reports (our rules report the marked blocks); clicking one
 * opens the preview in a new tab. For a problem on a block, this shows the block in the editor
 * instead, as click to edit in the preview does (window.cmsEditor.show).
 *
 * Wagtail notices an edit by comparing the form's data every 0.5 s and waits for a comparison
 * without changes before it marks the preview stale: 0.5 to 1 s after Draftail has written the
 * field (0.25 s after the last keystroke). Comparing every 0.1 s instead notices a pause within
 * 0.25 s, so the preview is asked for about 0.5 s after the last keystroke (docs/content-checks.md).
 */
(() => {
  // The form's change check (Wagtail's w-unsaved controller; autosave and the preview panel
  // follow its `w-unsaved:add`), changed once it watches the form: set any earlier, the
  // controller ends up with no check at all.
  const CHANGE_CHECK_INTERVAL = 100; // ms; Wagtail's default is 500
  document.addEventListener(
    'w-unsaved:watch-edits',
    (event) =>
      event.target.setAttribute?.(
        'data-w-unsaved-check-interval-value',
        String(CHANGE_CHECK_INTERVAL),
      ),
    { once: true },
  );

  const sectionOfBlock = new Map();
  let editing = null; // the field of the editor last focused

  const find = (selector) => document.querySelector(selector);
  const capitalised = (text) => text.charAt(0).toUpperCase() + text.slice(1);

  // The editor's way to a block, shared with click to edit in the preview
  // (headless/preview-edit-admin.js, on every page editor): opened, scrolled to, focused.
  const focusBlock = (blockId) => window.cmsEditor?.show(blockId) ?? false;

  // The section of the block being edited: of the outermost block of the body around the
  // field, found again on each render (a field focused before the first one counts too).
  function editedSection() {
    let element = editing?.closest('[data-contentpath]');
    while (element) {
      const section = sectionOfBlock.get(element.getAttribute('data-contentpath'));
      if (section) return section;
      element = element.parentElement?.closest('[data-contentpath]');
    }
    return null;
  }

  function showEditedSection() {
    const shown = find('[data-live-reading-section]');
    const section = editedSection();
    if (shown) shown.textContent = section ? `${section.heading}: ${section.summary}` : '-';
  }

  function showSectionsAbove(sections) {
    const list = find('[data-live-reading-above]');
    const none = find('[data-live-reading-none]');
    if (!list) return;
    list.replaceChildren(
      ...sections.map((section) => {
        const item = document.createElement('li');
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'button button-small button-secondary w-my-1';
        button.textContent = `${section.heading}: ${section.summary}`;
        button.addEventListener('click', () => focusBlock(section.blockId));
        item.append(button);
        return item;
      }),
    );
    if (none) none.hidden = sections.length > 0;
  }

  document.addEventListener('w-preview:content', (event) => {
    const html = event.detail?.content?.innerHTML;
    if (typeof html !== 'string' || !find('[data-live-reading]')) return;
    // Parsed, never run: DOMParser's documents execute no script.
    const preview = new DOMParser().parseFromString(html, 'text/html');
    const article = preview.querySelector('[data-reading-article]');
    if (!article) return;
    find('[data-live-reading-article]').textContent = capitalised(article.dataset.readingSummary);
    find('[data-live-reading-formula]').textContent = article.dataset.readingFormulaName;

    sectionOfBlock.clear();
    const above = [];
    preview.querySelectorAll('[data-reading-section]').forEach((element) => {
      const blocks = [...element.querySelectorAll('[data-block-id]')];
      const section = {
        heading: element.dataset.readingHeading,
        summary: element.dataset.readingSummary,
        blockId: blocks.length ? blocks[0].dataset.blockId : null,
      };
      blocks.forEach((block) => sectionOfBlock.set(block.dataset.blockId, section));
      if (element.hasAttribute('data-reading-above')) above.push(section);
    });
    showSectionsAbove(above);
    showEditedSection();
  });

  document.addEventListener('focusin', (event) => {
    if (!event.target.closest?.('[data-edit-form]')) return;
    editing = event.target;
    showEditedSection();
  });

  // Before Wagtail's own listener on the button (capture), which opens the preview in a new tab.
  document.addEventListener(
    'click',
    (event) => {
      const button = event.target.closest?.('[data-checks-panel] [data-content-checker-selector]');
      if (!button) return;
      const selector = button.querySelector('[data-content-checker-selector-text]')?.textContent;
      let element = null;
      try {
        element = find('#w-preview-iframe')?.contentDocument?.querySelector(selector);
      } catch {
        return; // a frontend's preview, on another origin, or a selector the DOM refuses
      }
      // A block, or a section (its heading block first), or the hero image (its alt text).
      const block = element?.closest('[data-block-id]') || element?.querySelector('[data-block-id]');
      const blockId = block?.getAttribute('data-block-id');
      const heroAlt = element?.matches('[data-accessibility-problem~="hero-image-alt-text"]')
        ? find('[data-edit-form] [name="hero_image_alt"]')
        : null;
      if (blockId ? focusBlock(blockId) : heroAlt) {
        if (heroAlt) {
          heroAlt.scrollIntoView({ block: 'center' });
          heroAlt.focus({ preventScroll: true });
        }
        event.preventDefault();
        event.stopPropagation();
      }
    },
    true,
  );
})();
