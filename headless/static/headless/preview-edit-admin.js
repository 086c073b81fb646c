/*
 * The page editor's side of click to edit in the preview panel (docs/preview.md): a message
 * from preview-edit.js in the preview frame names a path (data-contentpath, as Wagtail's
 * comments and #:w:contentpath= links use them); the editor shows that field or block, opening
 * its tab and any collapsed block around it, scrolls to it and focuses its first field.
 *
 * Taken only from the preview panel's frame (or the frontend framed in it), and only at an origin of the script tag's
 * data-preview-origins: the CMS's own (the built-in preview) and the configured preview
 * frontends (FRONTEND_PREVIEW_URL, FRONTEND_PREVIEW_URLS).
 */
(function () {
  "use strict";

  var script = document.currentScript;
  // The configured frontends', and the editor's own: the built-in preview's.
  var origins = JSON.parse((script && script.getAttribute("data-preview-origins")) || "[]");
  origins.push(window.location.origin);
  var PATH = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
  // What to focus, most wanted first: a field to type in, then a chooser's button. (A rich text
  // field's toolbar buttons come before its text in the page, so they are not taken first.)
  var FIELDS = [
    'input:not([type="hidden"]), textarea, select, [contenteditable="true"]',
    ".w-field__input button",
  ];

  function fromPreviewFrame(source) {
    // The preview panel's frame: the built-in preview, or wagtail-headless-preview's page that
    // frames the frontend's preview route (a window's parent may be read across origins).
    var frames = document.querySelectorAll('[data-w-preview-target="iframe"]');
    return Array.prototype.some.call(frames, function (frame) {
      var panel = frame.contentWindow;
      return source !== null && (source === panel || source.parent === panel);
    });
  }

  function find(path) {
    var selector = path
      .split(".")
      .map(function (part) {
        return '[data-contentpath="' + CSS.escape(part) + '"]';
      })
      .join(" ");
    return document.querySelector(selector);
  }

  function reveal(element) {
    // Tabs and collapsed panels and blocks hide their content with "hidden"; their toggle names
    // it with aria-controls. Opened from the outside in.
    var hidden = [];
    for (var node = element; node && node !== document.body; node = node.parentElement) {
      if (node.id && node.hasAttribute("hidden")) {
        hidden.unshift(node);
      }
    }
    hidden.forEach(function (node) {
      var id = CSS.escape(node.id);
      var toggle = document.querySelector(
        '[role="tab"][aria-controls="' + id + '"], [aria-expanded="false"][aria-controls="' + id + '"]',
      );
      if (toggle) {
        toggle.click();
      }
    });
  }

  function firstField(element) {
    for (var kind = 0; kind < FIELDS.length; kind += 1) {
      var fields = element.querySelectorAll(FIELDS[kind]);
      for (var i = 0; i < fields.length; i += 1) {
        if (!fields[i].disabled && fields[i].getClientRects().length) {
          return fields[i];
        }
      }
    }
    return null;
  }

  // Shows the field or block at ``path`` (its tab and collapsed blocks opened), scrolls to it
  // and focuses its first field; false when the editor has no such path.
  function show(path) {
    var element = PATH.test(path) ? find(path) : null;
    if (!element) {
      return false;
    }
    reveal(element);
    // Opened blocks slide open: focus once they are shown.
    window.requestAnimationFrame(function () {
      var field = firstField(element);
      element.scrollIntoView({ block: "center" });
      window.focus();
      if (field) {
        field.focus({ preventScroll: true });
      } else {
        element.setAttribute("tabindex", "-1");
        element.focus({ preventScroll: true });
      }
    });
    return true;
  }

  // The editor's other scripts go to a field the same way (articles' Checks panel issues).
  window.cmsEditor = { show: show };

  window.addEventListener("message", function (event) {
    if (origins.indexOf(event.origin) === -1 || !fromPreviewFrame(event.source)) {
      return;
    }
    var data = event.data;
    if (data && data.type === "wagtail-preview-edit" && typeof data.path === "string") {
      show(data.path);
    }
  });
})();
