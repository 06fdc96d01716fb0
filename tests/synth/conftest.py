"""Shared, session-scoped synthetic data: rendering is the slow part, so render once."""

from __future__ import annotations

import pytest

from sohoa.synth import DOC_TYPES, render_document


@pytest.fixture(scope="session")
def clean_docs():
    """Every document type, rendered clean at 200 dpi with one seed."""
    return {doc_type: render_document(doc_type, 11) for doc_type in DOC_TYPES}
