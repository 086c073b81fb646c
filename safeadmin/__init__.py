"""The admin made safe for what staff handle: exports a spreadsheet cannot run, and policies for
records a program writes and nobody edits.

A bottom package like ``headless``, without models or settings of its own: it imports Django and
Wagtail only, and the apps whose admin views need it (``articles``, ``contact``, ``webhooks``,
``cms``) import it.
"""
