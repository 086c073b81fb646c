"""The words and pictures of the demo site that ``manage.py load_demo_content`` loads.

Everything here is written for this project. The people and the clinic are fictional; the
references are real papers, listed so the references block has something to show.

Data only, no database access: ``specs`` holds the shapes, ``site`` the pictures, people,
taxonomy, home page, articles index and clinic settings, ``articles`` the articles and their
bodies. Bodies and settings that point at images and pages are functions of a :class:`DemoRefs`,
because those ids only exist once the command has created or found them; they return StreamField
data in its stored JSON form, built with ``articles.body``.
"""

from .articles import ARTICLES, FEATURED_ARTICLES
from .site import (
    ARTICLE_INDEX,
    CLINICIANS,
    CONDITIONS,
    HOME,
    HOME_SLUG,
    IMAGES,
    TREATMENTS,
    clinic_settings,
)
from .specs import ArticleSpec, DemoRefs, ImageSpec

__all__ = [
    "ARTICLES",
    "ARTICLE_INDEX",
    "CLINICIANS",
    "CONDITIONS",
    "FEATURED_ARTICLES",
    "HOME",
    "HOME_SLUG",
    "IMAGES",
    "TREATMENTS",
    "ArticleSpec",
    "DemoRefs",
    "ImageSpec",
    "clinic_settings",
]
