"""Synthetic scans of Vietnamese administrative documents and scanner batches, with truth.

Deterministic: the same seed and arguments always give the same pixels and the same bytes.
Tests, the demo and the benchmarks generate their data with it.
"""

from sohoa.synth.batch import write_batch
from sohoa.synth.corpus import write_corpus
from sohoa.synth.degrade import SEVERITIES
from sohoa.synth.document import DOC_TYPES, DocTruth, SynthDocument, render_document
from sohoa.synth.people import Person, make_person
from sohoa.synth.writers import FORMATS

__all__ = [
    "DOC_TYPES",
    "FORMATS",
    "SEVERITIES",
    "DocTruth",
    "Person",
    "SynthDocument",
    "make_person",
    "render_document",
    "write_batch",
    "write_corpus",
]
