"""The synonym rule parser editors' rules go through (fast tier: no Elasticsearch).

Every rejection branch of ``normalise_rule`` with the Italian message an editor reads,
the limits at their exact edge (the longest accepted term and rule, one more rejected),
and the canonical form of what is accepted: the slow tier only ever feeds it valid rules.
"""
from __future__ import annotations

import pytest

from search.engine.synonym_rules import MAX_TERM_LENGTH, MAX_TERMS, SynonymSyntaxError, file_rules, normalise_rule

REJECTED = [
    ("", "La regola è vuota."),
    ("   \t  ", "La regola è vuota."),
    ("a\\b, c", "La regola contiene caratteri non ammessi (\\ o #)."),
    ("anziani, # commento", "La regola contiene caratteri non ammessi (\\ o #)."),
    ("anziani, over\x0765", "La regola contiene caratteri non ammessi (\\ o #)."),
    ("a => b => c", "Usare «=>» al massimo una volta."),
    ("anziani,, terza età", "Ogni termine tra le virgole deve contenere almeno una parola."),
    ("anziani, => terza età", "Ogni termine tra le virgole deve contenere almeno una parola."),
    ("=> anziani", "Ogni termine tra le virgole deve contenere almeno una parola."),
    ("x" * (MAX_TERM_LENGTH + 1) + ", y", f"Un termine può avere al massimo {MAX_TERM_LENGTH} caratteri."),
    ("anziani, ...", "«...» non contiene parole."),
    ("'’, anziani", "«'’» non contiene parole."),
    ("anziani", "Indicare almeno due termini equivalenti, separati da una virgola."),
    (", ".join(f"t{n}" for n in range(MAX_TERMS + 1)), f"Al massimo {MAX_TERMS} termini per regola."),
    (", ".join(f"t{n}" for n in range(MAX_TERMS)) + " => uno", f"Al massimo {MAX_TERMS} termini per regola."),
]


@pytest.mark.parametrize(("rule", "message"), REJECTED)
def test_each_malformed_rule_is_rejected_with_its_italian_message(rule, message):
    with pytest.raises(SynonymSyntaxError) as caught:
        normalise_rule(rule)
    assert str(caught.value) == message


ACCEPTED = [
    ("anziani,  terza età ,over 65", "anziani, terza età, over 65"),
    ("SdS,società della salute", "SdS, società della salute"),
    ("  RSA , residenza sanitaria   assistenziale =>  rsa ", "RSA, residenza sanitaria assistenziale => rsa"),
    ("dgr => delibera della giunta regionale", "dgr => delibera della giunta regionale"),
    ("l'anziano, anziano", "l'anziano, anziano"),
    ("x" * MAX_TERM_LENGTH + ", y", "x" * MAX_TERM_LENGTH + ", y"),
    (", ".join(f"t{n}" for n in range(MAX_TERMS)), ", ".join(f"t{n}" for n in range(MAX_TERMS))),
]


@pytest.mark.parametrize(("rule", "canonical"), ACCEPTED)
def test_valid_rules_come_back_in_canonical_form(rule, canonical):
    assert normalise_rule(rule) == canonical
    assert normalise_rule(canonical) == canonical, "the canonical form is stable"


def test_invalid_lines_of_the_data_file_are_skipped_and_the_rest_kept(tmp_path, caplog):
    path = tmp_path / "synonyms.txt"
    path.write_text("# commento\n\nanziani, terza età\nsolo\na => b => c\nrsa,residenza\n", encoding="utf-8")
    assert file_rules(path) == ["anziani, terza età", "rsa, residenza"]
    skipped = [r.getMessage() for r in caplog.records if "skipped" in r.getMessage()]
    assert skipped == [
        "synonyms.txt:4: synonym rule skipped: Indicare almeno due termini equivalenti, separati da una virgola.",
        "synonyms.txt:5: synonym rule skipped: Usare «=>» al massimo una volta.",
    ]


def test_the_shipped_data_file_has_only_valid_rules():
    from search.engine.synonym_rules import DATA_FILE

    lines = [line.strip() for line in DATA_FILE.read_text(encoding="utf-8").splitlines()]
    rules = [line for line in lines if line and not line.startswith("#")]
    assert rules and len(file_rules()) == len(rules)
