"""Pure DICOM builders and parsers: DX/MG images, dose SR, MPPS, MWL query, character sets, UIDs, code tables."""
