# tests/net is a package (its test_worklist.py shares a name with tests/dicom's), so pytest puts
# tests/ on sys.path, not this folder: put it there too, for the helper modules beside the tests.

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
