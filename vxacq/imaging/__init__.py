"""Image chain: calibration, corrections, exposure index, collimation, processing, presentation (numpy in, numpy out)."""
