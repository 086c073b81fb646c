"""The shapes of the demo content: what a demo image or article is described by.

An article's body is a function of :class:`DemoRefs` rather than data, because it points at
images and pages whose ids only exist once those are in the database.
"""

import datetime
from dataclasses import dataclass, field


@dataclass
class DemoRefs:
    """The ids of the demo images (by key) and pages (by slug) created or found so far."""

    images: dict[str, int] = field(default_factory=dict)
    pages: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ImageSpec:
    title: str
    top: tuple[int, int, int]
    bottom: tuple[int, int, int]
    shape: str  # "circle", "wave" or "cross"
    focal_point: tuple[int, int, int, int] | None = None  # centre x, centre y, width, height


@dataclass(frozen=True)
class ArticleSpec:
    slug: str
    title: str
    summary: str
    author: str
    reviewer: str
    last_reviewed: datetime.date
    conditions: tuple[str, ...]
    treatments: tuple[str, ...]
    hero_image: str
    hero_image_alt: str
    body: object  # a callable taking DemoRefs and returning the body's stream data
