"""Load rule packs (built-in and the user's), expand phrase sets, apply overrides and disables."""

from __future__ import annotations

import fnmatch
import logging
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ValidationError

from bot.suggest import did_you_mean
from rules.filings import FilingRule
from rules.schema import Pack, PhraseGroup, Rule
from rules.settings import RulesSettings

_LOGGER = logging.getLogger(__name__)


@dataclass
class LoadedRules:
    """The enabled rules in evaluation order, plus every problem found while loading."""

    rules: list[Rule] = field(default_factory=list)
    filing_rules: list[FilingRule] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    kinds_by_id: dict[str, str] = field(default_factory=dict)  # every rule defined, enabled or not


def builtin_pack_files() -> list[tuple[str, str]]:
    """``(name, TOML text)`` of every built-in pack, in file-name order."""
    folder = resources.files("rules").joinpath("packs")
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".toml")), key=lambda f: f.name)
    return [(f"rules/packs/{f.name}", f.read_text(encoding="utf-8")) for f in files]


def user_pack_files(paths: list[Path]) -> list[tuple[str, str]]:
    """``(path, TOML text)`` for each configured file, or each ``*.toml`` in a folder."""
    files: list[tuple[str, str]] = []
    for path in paths:
        targets = sorted(path.glob("*.toml")) if path.is_dir() else [path]
        files.extend((str(p), p.read_text(encoding="utf-8")) for p in targets)
    return files


def load_rules(settings: RulesSettings) -> LoadedRules:
    """Read and validate the packs ``settings`` selects; later files override earlier ids."""
    loaded = LoadedRules()
    sources = builtin_pack_files() if settings.builtin_packs else []
    try:
        sources += user_pack_files(list(settings.packs))
    except OSError as exc:
        loaded.errors.append(f"{exc.filename}: cannot read rule pack: {exc.strerror}")
    sets: dict[str, list[str]] = {}
    set_origins: dict[str, str] = {}
    by_id: dict[str, tuple[str, Rule]] = {}
    filing_by_id: dict[str, FilingRule] = {}
    for name, text in sources:
        pack_sets, parsed = _parse_pack(name, text, loaded.errors)
        for set_name, phrases in pack_sets.items():
            if set_name in set_origins:  # a second definition would change every rule using the set
                loaded.errors.append(
                    f"{name}: set {set_name!r} is already defined in {set_origins[set_name]}: give this one another name"
                )
            else:
                set_origins[set_name], sets[set_name] = name, phrases
        for origin, rule in parsed:
            target = filing_by_id if isinstance(rule, FilingRule) else by_id
            target.pop(rule.id, None)
            target[rule.id] = rule if isinstance(rule, FilingRule) else (origin, rule)
    loaded.kinds_by_id = {rule_id: rule.kind for rule_id, (_, rule) in by_id.items()}
    loaded.kinds_by_id |= {rule_id: rule.kind for rule_id, rule in filing_by_id.items()}
    for origin, rule in by_id.values():
        expanded = _expand_sets(origin, rule, sets, loaded.errors)
        if expanded is not None and _wanted(rule, settings):
            loaded.rules.append(expanded)
    loaded.filing_rules = [rule for rule in filing_by_id.values() if _wanted(rule, settings)]
    return loaded


def _wanted(rule: Rule | FilingRule, settings: RulesSettings) -> bool:
    return rule.enabled and not any(fnmatch.fnmatchcase(rule.id, pattern) for pattern in settings.disable)


def _parse_pack(
    name: str, text: str, errors: list[str]
) -> tuple[dict[str, list[str]], list[tuple[str, Rule | FilingRule]]]:
    """The pack's phrase sets and its valid rules (with the file each came from)."""
    try:
        pack = Pack.model_validate(tomllib.loads(text))
    except tomllib.TOMLDecodeError as exc:
        errors.append(f"{name}: invalid TOML: {exc}")
        return {}, []
    except ValidationError as exc:
        errors.append(f"{name}: {_reasons(exc, Pack)}")
        return {}, []
    rules: list[tuple[str, Rule | FilingRule]] = []
    seen: set[str] = set()
    tables = [(Rule, raw, "rule") for raw in pack.rule] + [(FilingRule, raw, "filing") for raw in pack.filing]
    for index, (model, raw, what) in enumerate(tables):
        rule_id = raw.get("id", f"#{index + 1}")
        try:
            rule = model.model_validate(raw)
        except ValidationError as exc:
            errors.append(f"{name}: {what} {rule_id}: {_reasons(exc, Rule)}")
            continue
        if rule.id in seen:
            errors.append(f"{name}: rule {rule.id}: defined twice in the same file")
            continue
        seen.add(rule.id)
        rules.append((name, rule))
    return pack.sets, rules


def _expand_sets(
    origin: str, rule: Rule, sets: dict[str, list[str]], errors: list[str]
) -> Rule | None:
    missing: list[str] = []

    def expand(phrases: list[str]) -> list[str]:
        out: list[str] = []
        for phrase in phrases:
            if phrase.startswith("@"):
                if phrase[1:] not in sets:
                    missing.append(phrase)
                out.extend(sets.get(phrase[1:], []))
            elif phrase.strip():
                out.append(phrase)
        return out

    def groups(items: list[PhraseGroup]) -> list[PhraseGroup]:
        return [g.model_copy(update={"phrases": expand(g.phrases)}) for g in items]

    update = {
        "any": expand(rule.any),
        "triggers": expand(rule.triggers),
        "all": groups(rule.all),
        "none": groups(rule.none),
        "subject_exclude": expand(rule.subject_exclude),
        "subject_nouns": expand(rule.subject_nouns),
        "owner_not_subject": expand(rule.owner_not_subject),
        "direction_words": {k: expand(v) for k, v in rule.direction_words.items()},
        # guards the packs share across rules ("@holdings_headlines")
        "none_regex": expand(rule.none_regex),
        "none_headline_regex": expand(rule.none_headline_regex),
    }
    if missing:
        errors.append(f"{origin}: rule {rule.id}: unknown phrase set(s) {', '.join(missing)}")
        return None
    try:  # validated again: a set's regexes are checked as the rule's own are
        return Rule.model_validate({**rule.model_dump(), **update})
    except ValidationError as exc:
        errors.append(f"{origin}: rule {rule.id}: {_reasons(exc, Rule)}")
        return None


def _reasons(exc: ValidationError, model: type[BaseModel]) -> str:
    """Every problem of one rule or pack, in plain words (no pydantic wording)."""
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error["loc"])
        if error["type"] == "extra_forbidden":
            name = str(error["loc"][-1])
            message = "unknown field" + did_you_mean(name, model.model_fields)
        elif error["type"] == "missing":
            message = "required, but missing"
        else:
            message = error["msg"].removeprefix("Value error, ")
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts)
