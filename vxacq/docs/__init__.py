"""Documents generated from the code: the DICOM Conformance Statement (``make docs``)."""
