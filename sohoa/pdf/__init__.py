"""PDF/A making shared by the rooms that write PDFs: the XMP packet and Info entries
(``xmp.py``), the one finishing step every archival file gets (``pdfa.py``: output intent with
an sRGB profile, XMP metadata, language, Info, a document ID derived from the content),
born-digital text documents such as destruction records (``textpdf.py``) and the QR mark of
TT 01/2023 they carry (``qrmark.py``).

Below ``ocr/``, ``signing/`` and ``archive/``, above only the shared modules: the searchable
scan PDF (``ocr/pdfa.py``) and the destruction record are finished the same way without either
room importing the other."""
