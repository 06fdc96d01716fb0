"""Viet Nam's calendar day (UTC+7) for the faces: the day a form defaults to, a report ends.

The catalog's rule (``archive/values.py``) re-exported, so the web pages need not reach
``archive/`` for it."""

from sohoa.archive.values import vietnam_today as vietnam_today
