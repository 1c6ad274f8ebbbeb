"""installer/icu_data.py keeps of ICU's data what Qt reaches for the shipped languages."""

import importlib.util
from pathlib import Path

spec = importlib.util.spec_from_file_location(
    "icu_data", Path(__file__).resolve().parents[1] / "installer" / "icu_data.py")
icu_data = importlib.util.module_from_spec(spec)
spec.loader.exec_module(icu_data)

ITEMS = ["root.res", "pool.res", "res_index.res", "supplementalData.res", "zoneinfo64.res",
         "metaZones.res", "cnvalias.icu", "nfkc.nrm", "en.res", "en_GB.res", "de.res",
         "de_CH.res", "ja.res", "fr.res", "fr_CA.res", "zh_Hant_TW.res", "es_419.res",
         "coll/root.res", "coll/ucadata.icu", "coll/de__PHONEBOOK.res", "coll/ja.res",
         "coll/zh.res", "coll/es_.res", "coll/res_index.res",
         "zone/root.res", "zone/pool.res", "zone/en.res", "zone/tzdbNames.res", "zone/fr.res",
         "region/de.res", "region/ko.res", "lang/en.res", "curr/de.res", "unit/ja.res",
         "brkitr/cjdict.dict", "brkitr/root.res", "translit/root.res", "rbnf/en.res",
         "ibm-1390_P110-2003.cnv", "gb18030.cnv"]


def test_keeps_what_qt_reaches_for_the_shipped_languages() -> None:
    dropped = set(icu_data.dropped(ITEMS, {"en", "de", "ja"}))
    kept = [item for item in ITEMS if item not in dropped]
    assert kept == [
        "root.res", "pool.res", "res_index.res", "supplementalData.res", "zoneinfo64.res",
        "metaZones.res", "cnvalias.icu", "nfkc.nrm", "en.res", "en_GB.res", "de.res",
        "de_CH.res", "ja.res", "coll/root.res", "coll/ucadata.icu", "coll/de__PHONEBOOK.res",
        "coll/ja.res", "coll/res_index.res", "zone/root.res", "zone/pool.res", "zone/en.res",
        "zone/tzdbNames.res", "region/de.res"]
