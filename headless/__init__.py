"""The bottom layer: how Wagtail content becomes the JSON a frontend renders.

Reusable machinery only (the per-response reference loader, visibility rules, serializer
fields, block primitives, filters, endpoint base classes, the response cache, a generic admin
permission policy and the schema builder). It imports Django, Django REST framework and
Wagtail, never a project app: the apps above build on it. See docs/architecture.md.
"""
