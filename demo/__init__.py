"""The demo site a newcomer sees: ``manage.py load_demo_content`` and everything it loads.

This app sits above the content apps (``home``, ``contact``, ``articles``) and imports them;
no app imports it. It has no models.
"""
