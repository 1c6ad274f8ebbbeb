"""Hardware simulator: generator firmware on a serial line, detector frame source, phantoms, faults; demo department."""
