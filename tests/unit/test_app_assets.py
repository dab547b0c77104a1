"""The sidebar app's export (issue 15, `triage zendesk app-assets`): the options it may correct the
grade to are exactly the plugin's drop-downs' options, each one the triage reads back as a grade,
and every one of them has a name in every language of the app's translations."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from integrations.zendesk.app_assets import app_words, grade_options, write_app_assets
from integrations.zendesk.corrections import grade_of_option
from integrations.zendesk.ticket_fields import GRADE_FIELDS, plugin_field_definitions
from policies.engine import TriageEngine

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "zendesk_app" / "translations"
NAMES = {"category": "categories", "subtype": "subtypes"}  # where the words name each option


def test_the_correction_options_are_the_drop_downs_options_and_read_back_as_grades() -> None:
    # GIVEN the plugin's grade drop-downs as the bootstrap creates them
    definitions = {d["title"]: d for d in plugin_field_definitions()}
    for field, title in GRADE_FIELDS.items():
        created = [o["value"] for o in definitions[title]["custom_field_options"]]
        # WHEN the app's options for that field are exported
        exported = grade_options(field)
        # THEN they are the same options, each keyed by the grade the triage reads from it
        assert list(exported.values()) == created
        assert all(grade_of_option(field, value) == grade for grade, value in exported.items())


def test_every_category_and_subtype_has_a_name_in_every_language() -> None:
    # GIVEN the app's words from its translations files
    words = app_words(TRANSLATIONS)
    # THEN Chinese and English are there, with the same words
    assert set(words) == {"en", "zh"}
    assert set(words["en"]) == set(words["zh"])
    # AND every option the agent may pick is named in both
    for field, key in NAMES.items():
        for language, named in words.items():
            missing = set(grade_options(field)) - set(named[key])
            assert not missing, (language, field, missing)


def test_the_export_joins_the_policies_the_options_and_the_words(tmp_path: Path) -> None:
    # GIVEN an app folder with its translations
    shutil.copytree(TRANSLATIONS, tmp_path / "translations")
    (tmp_path / "assets").mkdir()
    # WHEN triage.json is written
    path = write_app_assets(TriageEngine.from_directory().policy, tmp_path / "assets")
    written = json.loads(path.read_text(encoding="utf-8"))
    # THEN it carries all three grade drop-downs' options and the words by language
    assert set(written["options"]) == set(GRADE_FIELDS)
    assert written["options"]["category"]["logistics"] == "complaint_category_logistics"
    assert written["words"]["zh"]["categories"]["logistics"] == "物流"


def test_a_translation_without_the_apps_words_is_named(tmp_path: Path) -> None:
    # GIVEN a translations file with Zendesk's part only
    (tmp_path / "fr.json").write_text(json.dumps({"app": {"name": "Triage"}}), encoding="utf-8")
    # WHEN the words are read THEN the error names the file
    with pytest.raises(ValueError, match=r"fr\.json"):
        app_words(tmp_path)
