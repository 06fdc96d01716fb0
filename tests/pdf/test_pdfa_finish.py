"""The PDF/A finishing step shared by scans and destruction records (sohoa/pdf/pdfa.py)."""

from __future__ import annotations

import io
import subprocess
import sys
import time

from PIL import ImageCms

from sohoa.pdf.pdfa import srgb_profile

PROFILE_HASH = ("import hashlib, sys; from sohoa.pdf.pdfa import srgb_profile; "
                "sys.stdout.write(hashlib.sha256(srgb_profile()).hexdigest())")


def _profile_hash_in_a_new_process() -> str:
    return subprocess.run([sys.executable, "-c", PROFILE_HASH], capture_output=True, text=True,
                          check=True, timeout=120).stdout


def test_the_output_intent_profile_is_the_same_bytes_in_every_process() -> None:
    # littleCMS stamps the current time into the profile's header, and every archival PDF
    # embeds the profile: the same pages made a different file each second.
    first = _profile_hash_in_a_new_process()
    time.sleep(1.1)
    assert _profile_hash_in_a_new_process() == first


def test_the_fixed_profile_is_still_an_srgb_profile() -> None:
    profile = ImageCms.ImageCmsProfile(io.BytesIO(srgb_profile()))
    assert "sRGB" in ImageCms.getProfileDescription(profile)
    assert srgb_profile()[36:40] == b"acsp"  # the header's signature, right after the date
