/*
 * Click to edit, for a page shown in the Wagtail editor's preview panel (docs/preview.md).
 *
 * Include it in the preview page (the CMS serves it at /static/headless/preview-edit.js; the
 * built-in preview runs it too) and mark what the page renders:
 *
 *   data-block-id="<block id>"      a block (its "id" in the preview answer)
 *   data-edit-path="<path>"         a field, or anything, by its path in meta.edit_paths
 *
 * Hovering or focusing a marked element outlines it; clicking it, or Enter on it, asks the
 * editor around the preview to scroll to where it is edited and focus its first field. Marked
 * elements join the Tab order. Links, buttons and form controls inside them keep their own
 * clicks.
 *
 * The message goes to the top window (the editor) only, at the CMS's origin only: the origin
 * this script is served from, or the script tag's data-admin-origin when the CMS serves static
 * files from elsewhere (the built-in preview, served by the CMS itself, says data-same-origin).
 * The editor, for its part, takes it only from its own preview frame, at a preview origin it is
 * configured with. Outside a frame the script does nothing.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || window.top === window) {
    return;
  }
  var adminOrigin = script.hasAttribute("data-same-origin")
    ? window.location.origin
    : script.getAttribute("data-admin-origin") || new URL(script.src, window.location.href).origin;
  var MARKED = "[data-edit-path], [data-block-id]";
  var OWN_CLICKS = "a[href], button, input, select, textarea, label, summary";
  var NATIVELY_FOCUSABLE = "a[href], button, input, select, textarea, summary, [tabindex]";
  var OUTLINE = "2px solid #007d7e";
  var outlined = null;

  function markedAround(node) {
    return node && node.closest ? node.closest(MARKED) : null;
  }

  function outline(element) {
    if (outlined === element) {
      return;
    }
    if (outlined) {
      outlined.style.outline = outlined.getAttribute("data-preview-edit-outline") || "";
      outlined.style.cursor = "";
    }
    outlined = element;
    if (element) {
      element.setAttribute("data-preview-edit-outline", element.style.outline);
      element.style.outline = OUTLINE;
      element.style.cursor = "pointer";
    }
  }

  function edit(element) {
    var path = element.getAttribute("data-edit-path") || element.getAttribute("data-block-id");
    if (path) {
      // The editor is the top window: a frontend is framed in wagtail-headless-preview's page,
      // itself framed in the editor's preview panel.
      window.top.postMessage({ type: "wagtail-preview-edit", path: path }, adminOrigin);
    }
  }

  function mark(root) {
    var elements = root.querySelectorAll ? root.querySelectorAll(MARKED) : [];
    Array.prototype.forEach.call(elements, function (element) {
      if (!element.matches(NATIVELY_FOCUSABLE)) {
        element.setAttribute("tabindex", "0");
      }
      if (!element.hasAttribute("title")) {
        element.setAttribute("title", "Edit this in the editor");
      }
    });
  }

  document.addEventListener("mouseover", function (event) {
    outline(markedAround(event.target));
  });
  document.addEventListener("focusin", function (event) {
    outline(markedAround(event.target));
  });
  document.addEventListener("focusout", function () {
    outline(null);
  });
  document.addEventListener("click", function (event) {
    var element = markedAround(event.target);
    var own = event.target.closest ? event.target.closest(OWN_CLICKS) : null;
    if (element && !(own && element.contains(own) && own !== element)) {
      event.preventDefault();
      edit(element);
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.matches && event.target.matches(MARKED)) {
      event.preventDefault();
      edit(event.target);
    }
  });

  // Frontends render after this script runs (hydration, client-side updates): mark those too.
  mark(document);
  new MutationObserver(function (records) {
    records.forEach(function (record) {
      Array.prototype.forEach.call(record.addedNodes, function (node) {
        if (node.nodeType === 1) {
          mark(node.parentNode || node);
        }
      });
    });
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
