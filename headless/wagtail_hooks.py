from wagtail import hooks

from .preview import editor_js

hooks.register("insert_editor_js", editor_js)
