"""Key fields of a classified document, validated, from its OCR text.

Values are found after printed captions ("Họ và tên:", "Số định danh cá nhân:" …) matched on
folded text, so lost or confused tone marks do not matter, and fuzzily at the start of a line when
OCR dropped a letter. Then every value is checked against what it must be:

* a citizen ID against its structure (province table, century/sex digit and birth year);
* an enterprise code against its check digit (a remainder that gives no digit is flagged);
* dates must be calendar dates; names are NFC with Vietnamese capitalization;
* on a chip card the MRZ, whose check digits are stronger evidence than the printed text,
  confirms or corrects the ID number, birth date and expiry.

OCR look-alikes (``O`` for 0, ``B`` for 8 …) are corrected only when exactly one reading
validates; digits that OCR read as other digits are never changed, because a wrong digit that
still validates would be a confident wrong ID. Anything else is flagged (``FieldValue.flag``)
with a low confidence, never guessed.

The package holds one module per kind of thing read: ``captions`` (printed captions and the
value after each), ``digits`` (digit look-alikes, validated numbers, document numbers),
``names`` (the name lexicon), ``addresses`` (specks, closed vocabulary, gazetteer units),
``bodies`` (the issuing body of a header block), ``fixedtitle`` (a known type's title read a
mark wrong, in its listed spelling), ``words`` and ``scores`` (shared helpers and
confidences) and ``extract`` (the extractor that uses them, MRZ included). Deciding whose
document it is across a dossier is not read off one page: that is ``pipeline/owner.py``.
"""
