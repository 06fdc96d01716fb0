"""The layers of docs/architecture.md hold: checked on sohoa itself, and shown to fail on a
small fake package tree holding one violation of each kind."""

from __future__ import annotations

from pathlib import Path

import pytest
from layercheck import check

REPO = Path(__file__).resolve().parents[1]


# Violations left to their owners while the check guards everything else; an entry that no
# longer occurs fails the test until it is struck off here.
PENDING: set[tuple[str, str]] = set()


def test_sohoa_keeps_its_layers() -> None:
    violations = check(REPO)
    new = [v for v in violations if (v.rule, v.subject) not in PENDING]
    assert not new, "\n".join(map(str, new))
    fixed = PENDING - {(v.rule, v.subject) for v in violations}
    assert not fixed, f"fixed, strike off PENDING in tests/test_layers.py: {sorted(fixed)}"


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    """A fake ``sohoa`` under tmp_path: every room present, plus the given module sources."""
    base = {
        "__init__.py": "",
        "errors.py": "",
        "records.py": "from sohoa.errors import SohoaError\n",
        **{f"{room}/__init__.py": "" for room in
           ("cli", "api", "pipeline", "scanners", "ocr", "signing", "archive", "synth")},
    }
    for name, text in {**base, **files}.items():
        path = tmp_path / "sohoa" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def _rules(tmp_path: Path, files: dict[str, str]) -> list[str]:
    return [v.rule for v in check(_tree(tmp_path, files))]


def test_type_checking_imports_make_no_cycle_but_still_keep_the_layers(tmp_path: Path) -> None:
    # a module naming the type of what it is handed, under TYPE_CHECKING, is no import loop …
    typed = ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
             "    from sohoa.archive.archive import Archive\n")
    assert _rules(tmp_path / "a", {
        "archive/archive.py": "def unreferenced():\n    from sohoa.archive.disposal import kept\n",
        "archive/disposal.py": typed + "def kept(): pass\n",
    }) == []
    # … but a lower room may not name a face's or a sibling's types either
    assert _rules(tmp_path / "b", {
        "ocr/engine.py": typed, "archive/archive.py": "class Archive: pass\n",
    }) == ["sibling import"]


def test_a_clean_tree_passes(tmp_path: Path) -> None:
    assert _rules(tmp_path, {
        "cli/main.py": "from sohoa.pipeline import jobs\nfrom sohoa import errors\n",
        "cli/serve.py": "def serve():\n    from sohoa.api import app\n",
        "api/app.py": "from sohoa.pipeline.jobs import run\n",
        "pipeline/jobs.py": "from sohoa.ocr import engine\nfrom sohoa.archive.store import put\n"
                            "def run(): pass\n",
        "ocr/engine.py": "from sohoa.records import Page\nfrom . import util\n"
                         "from sohoa.pdf.finish import finish\n",
        "pdf/__init__.py": "",
        "pdf/finish.py": "from sohoa.pdf import xmp\ndef finish(): pass\n",
        "pdf/xmp.py": "from sohoa.errors import SohoaError\n",
        "ocr/util.py": "import sohoa.errors\n",
        "archive/store.py": "def put(): pass\n",
        "cli/synth.py": "def synth():\n    from sohoa.synth import write\n",
        "synth/write.py": "from sohoa.errors import SohoaError\n",
    }) == []


@pytest.mark.parametrize(("files", "rule"), [
    # upward: a lower room reaching pipeline/, even from inside a function
    ({"ocr/engine.py": "def f():\n    from sohoa.pipeline import jobs\n",
      "pipeline/jobs.py": ""}, "upward import"),
    # upward: a shared module importing a room
    ({"errors.py": "import sohoa.archive.store\n", "archive/store.py": ""}, "upward import"),
    # upward: pipeline importing a face
    ({"pipeline/jobs.py": "from sohoa.cli import main\n", "cli/main.py": ""}, "upward import"),
    # siblings: archive/ and signing/ never import each other; relative spelling resolved too
    ({"archive/store.py": "from sohoa.signing.verify import check\n",
      "signing/verify.py": "def check(): pass\n"}, "sibling import"),
    ({"scanners/inputs.py": "import sohoa.ocr\n"}, "sibling import"),
    # a face reaching past pipeline/
    ({"cli/archivist.py": "def retention():\n    from sohoa.archive import store\n",
      "archive/store.py": ""}, "face bypasses pipeline"),
    ({"api/app.py": "from sohoa.scanners.sane import devices\n",
      "scanners/sane.py": "def devices(): pass\n"}, "face bypasses pipeline"),
    # a product room using the synthetic-scan generator
    ({"pipeline/training.py": "def f():\n    from sohoa.synth.write import batch\n",
      "synth/write.py": "def batch(): pass\n"}, "synth import"),
    ({"synth/write.py": "from sohoa.ocr import engine\n", "ocr/engine.py": ""}, "synth import"),
    # a room the drawing does not know
    ({"reports/pdf.py": "from sohoa.archive import store\n", "archive/store.py": ""},
     "unplaced room"),
    # a loop inside one room, closed by a function-local import
    ({"cli/main.py": "from sohoa.cli.desk import ingest\n",
      "cli/desk.py": "def ingest():\n    from sohoa.cli.main import State\n"}, "import cycle"),
    # a loop through a package's __init__ (relative imports)
    # pdf/ sits below the lower rooms: it may not reach back up into them
    ({"pdf/finish.py": "from sohoa.ocr import engine\n", "pdf/__init__.py": "",
      "ocr/engine.py": ""}, "upward import"),
    ({"archive/__init__.py": "from .store import put\n",
      "archive/store.py": "from .holds import held\ndef put(): pass\n",
      "archive/holds.py": "from sohoa.archive import put\ndef held(): pass\n"}, "import cycle"),
])
def test_each_kind_of_violation_is_caught(tmp_path: Path, files: dict[str, str],
                                          rule: str) -> None:
    assert _rules(tmp_path, files) == [rule]
