#!/usr/bin/env python3
"""Classify the change between two OpenAPI 3.1 documents, and fail an unannounced one.

The old document is the committed contract (docs/openapi.json) at a git ref, the merge base
with main by default; the new one is the contract the code builds now. Each difference is one
of:

- breaking: a frontend written against the old contract may fail: an operation, a parameter,
  a response or a response property removed; a response property no longer required; a
  response value's type, enum or variants widened (the frontend meets a value it never
  handled); a request's narrowed; a parameter or request property added as required or made
  required.
- deprecated: ``deprecated: true`` newly set on an operation, parameter or property.
- added: anything else a frontend can see: new operations, parameters, properties, responses;
  a response narrowed, a request widened.
- docs: descriptions, summaries, examples, tags, the info's contact and licence only.

``servers`` and ``security`` (the document's, or an operation's own) are read as a frontend
uses them: the first server's URL changed or one removed, or a way to call an operation gone
(a credential newly required), is breaking; another server or way to call added is added.

The gate (``check``): a breaking change needs a new major version, any other change but docs a
new minor version at least; and docs/api-changelog.md a section for the new version, naming
each kind of change it makes. Stdlib only; no network.

    .venv/bin/python bin/api_contract.py [--base REF]        # the gate, against the built document
    .venv/bin/python bin/api_contract.py OLD.json NEW.json   # the classification of two files
"""

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = "docs/openapi.json"
CHANGELOG = ROOT / "docs" / "api-changelog.md"
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
KINDS = ("breaking", "deprecated", "added", "docs")
DOC_KEYS = {"description", "summary", "example", "examples", "title", "externalDocs"}


class Diff:
    """The differences found, each as ``(kind, where, what)``."""

    def __init__(self, old, new):
        self.old_doc, self.new_doc = old, new
        self.changes = []
        self._seen = set()

    def add(self, kind, where, what):
        self.changes.append((kind, where, what))

    def kinds(self):
        return {kind for kind, _, _ in self.changes}

    # Schemas

    def resolve(self, doc, schema):
        while isinstance(schema, dict) and "$ref" in schema:
            ref = schema["$ref"]
            if not ref.startswith("#/"):
                raise ValueError(f"only local references are followed: {ref}")
            target = doc
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            schema = target
        return schema if isinstance(schema, dict) else {}

    def schema(self, where, old, new, direction):
        """Compare two schemas of a value that flows ``direction``: ``response`` (to the
        frontend) or ``request`` (from it)."""
        key = (json.dumps(old, sort_keys=True), json.dumps(new, sort_keys=True), direction)
        if key in self._seen:
            return
        self._seen.add(key)
        # Equal text may still differ below: a reference names each document's own schema.
        old, new = self.resolve(self.old_doc, old), self.resolve(self.new_doc, new)
        response = direction == "response"
        widened, narrowed = ("breaking", "added") if response else ("added", "breaking")

        if new.get("deprecated") and not old.get("deprecated"):
            self.add("deprecated", where, "deprecated")

        old_types, new_types = _types(old), _types(new)
        if old_types is not None or new_types is not None:
            if old_types is None:
                self.add("added" if response else "breaking", where, f"type set to {new_types}")
            elif new_types is None:
                self.add(widened, where, f"type {old_types} lifted")
            else:
                if new_types - old_types:
                    self.add(widened, where, f"type widened by {sorted(new_types - old_types)}")
                if old_types - new_types:
                    self.add(narrowed, where, f"type narrowed by {sorted(old_types - new_types)}")

        old_enum, new_enum = old.get("enum"), new.get("enum")
        if old_enum != new_enum:
            if old_enum is None:
                self.add(narrowed, where, "values limited to an enum")
            elif new_enum is None:
                self.add(widened, where, "enum lifted")
            else:
                if [v for v in new_enum if v not in old_enum]:
                    self.add(widened, where, "enum values added")
                if [v for v in old_enum if v not in new_enum]:
                    self.add(narrowed, where, "enum values removed")
        for bound, wider in (("minimum", min), ("maximum", max), ("maxLength", max)):
            if new.get(bound) is None and _enum_within(new_enum, bound, old.get(bound)):
                continue  # the bound gave way to an enum inside it: narrowed, said above
            if old.get(bound) != new.get(bound):
                if new.get(bound) is None or (
                    old.get(bound) is not None and wider(old[bound], new[bound]) == new[bound]
                ):
                    self.add(widened, where, f"{bound} relaxed")
                else:
                    self.add(narrowed, where, f"{bound} tightened")

        self.properties(where, old, new, direction)
        if "items" in old or "items" in new:
            self.schema(f"{where}[]", old.get("items", {}), new.get("items", {}), direction)
        for combinator in ("anyOf", "oneOf"):
            self.variants(where, old.get(combinator), new.get(combinator), direction)

        rest = set(old) | set(new)
        rest -= {"type", "enum", "properties", "required", "items", "anyOf", "oneOf", "deprecated"}
        rest -= {"minimum", "maximum", "maxLength", "additionalProperties", "$ref"}
        for name in sorted(rest):
            if old.get(name) != new.get(name):
                self.add("docs" if name in DOC_KEYS else "added", where, f"{name} changed")

    def properties(self, where, old, new, direction):
        old_props, new_props = old.get("properties", {}), new.get("properties", {})
        old_required, new_required = set(old.get("required", ())), set(new.get("required", ()))
        response = direction == "response"
        for name in sorted(old_props.keys() - new_props.keys()):
            self.add("breaking", f"{where}.{name}", "property removed")
        for name in sorted(new_props.keys() - old_props.keys()):
            required = name in new_required
            if not response and required:
                self.add("breaking", f"{where}.{name}", "required property added to a request")
            else:
                self.add("added", f"{where}.{name}", "property added")
        for name in sorted(old_props.keys() & new_props.keys()):
            here = f"{where}.{name}"
            if response and name in old_required and name not in new_required:
                self.add("breaking", here, "no longer always present")
            if not response and name in new_required and name not in old_required:
                self.add("breaking", here, "now required")
            if name in new_required - old_required and response:
                self.add("added", here, "now always present")
            if name in old_required - new_required and not response:
                self.add("added", here, "now optional")
            self.schema(here, old_props[name], new_props[name], direction)

    def variants(self, where, old, new, direction):
        if old is None and new is None:
            return
        widened = "breaking" if direction == "response" else "added"
        narrowed = "added" if direction == "response" else "breaking"
        old, new = old or [], new or []
        old_keys, new_keys = [_variant_key(v) for v in old], [_variant_key(v) for v in new]
        renamed = self.renamed_variants(old, old_keys, new, new_keys)
        for key in new_keys:
            if key not in old_keys and key not in renamed.values():
                self.add(widened, where, f"variant {key} added")
        for key, variant in zip(old_keys, old, strict=True):
            if key in new_keys:
                other = new[new_keys.index(key)]
                self.schema(f"{where}<{key}>", variant, other, direction)
            elif key in renamed:
                self.add("docs", where, f"variant {key} now named {renamed[key]}")
                other = new[new_keys.index(renamed[key])]
                self.schema(f"{where}<{key}>", variant, other, direction)
            else:
                self.add(narrowed, where, f"variant {key} removed")

    def renamed_variants(self, old, old_keys, new, new_keys):
        """``{old key: new key}`` of the variants that only changed their schema's name: told
        apart by the same constants (a page's ``meta.type``), one such variant on each side.
        The JSON a frontend tells them apart by is the same; they are compared as one."""

        def by_constants(variants, keys, doc, others):
            found = {}
            for key, variant in zip(keys, variants, strict=True):
                constants = _constants(self, doc, variant)
                if key not in others and constants:
                    found.setdefault(constants, []).append(key)
            return {constants: keys[0] for constants, keys in found.items() if len(keys) == 1}

        old_by = by_constants(old, old_keys, self.old_doc, new_keys)
        new_by = by_constants(new, new_keys, self.new_doc, old_keys)
        return {old_by[constants]: new_by[constants] for constants in old_by.keys() & new_by.keys()}

    # Operations

    def parameters(self, where, old, new):
        def by_key(params, doc):
            found = {}
            for param in params or ():
                param = self.resolve(doc, param)
                found[(param.get("in"), param.get("name"))] = param
            return found

        old_params, new_params = by_key(old, self.old_doc), by_key(new, self.new_doc)
        for key in sorted(old_params.keys() - new_params.keys()):
            self.add("breaking", f"{where} {key[0]}:{key[1]}", "parameter removed")
        for key in sorted(new_params.keys() - old_params.keys()):
            required = new_params[key].get("required")
            kind = "breaking" if required else "added"
            self.add(kind, f"{where} {key[0]}:{key[1]}", "parameter added")
        for key in sorted(old_params.keys() & new_params.keys()):
            here = f"{where} {key[0]}:{key[1]}"
            old_param, new_param = old_params[key], new_params[key]
            if new_param.get("required") and not old_param.get("required"):
                self.add("breaking", here, "parameter now required")
            if new_param.get("deprecated") and not old_param.get("deprecated"):
                self.add("deprecated", here, "parameter deprecated")
            if old_param.get("description") != new_param.get("description"):
                self.add("docs", here, "description changed")
            self.schema(here, old_param.get("schema", {}), new_param.get("schema", {}), "request")

    def content(self, where, old, new, direction):
        old, new = self.resolve(self.old_doc, old), self.resolve(self.new_doc, new)
        old_media, new_media = old.get("content", {}), new.get("content", {})
        for media in sorted(old_media.keys() - new_media.keys()):
            self.add("breaking", f"{where} {media}", "media type removed")
        for media in sorted(new_media.keys() - old_media.keys()):
            self.add("added", f"{where} {media}", "media type added")
        for media in sorted(old_media.keys() & new_media.keys()):
            self.schema(
                f"{where} {media}",
                old_media[media].get("schema", {}),
                new_media[media].get("schema", {}),
                direction,
            )
        if response_headers := (old.get("headers", {}), new.get("headers", {})):
            for name in sorted(response_headers[1].keys() - response_headers[0].keys()):
                self.add("added", f"{where} header {name}", "header added")
            for name in sorted(response_headers[0].keys() - response_headers[1].keys()):
                self.add("breaking", f"{where} header {name}", "header removed")

    def operation(self, where, old, new, body_direction="request"):
        if new.get("deprecated") and not old.get("deprecated"):
            self.add("deprecated", where, "operation deprecated")
        for key in ("summary", "description", "tags"):
            if old.get(key) != new.get(key):
                self.add("docs", where, f"{key} changed")
        self.parameters(where, old.get("parameters"), new.get("parameters"))
        if "requestBody" in old or "requestBody" in new:
            old_body, new_body = old.get("requestBody", {}), new.get("requestBody", {})
            if self.resolve(self.new_doc, new_body).get("required") and not self.resolve(
                self.old_doc, old_body
            ).get("required"):
                self.add("breaking", f"{where} body", "request body now required")
            self.content(f"{where} body", old_body, new_body, body_direction)
        old_responses, new_responses = old.get("responses", {}), new.get("responses", {})
        for status in sorted(old_responses.keys() - new_responses.keys()):
            self.add("breaking", f"{where} {status}", "response removed")
        for status in sorted(new_responses.keys() - old_responses.keys()):
            self.add("added", f"{where} {status}", "response added")
        for status in sorted(old_responses.keys() & new_responses.keys()):
            self.content(
                f"{where} {status}", old_responses[status], new_responses[status], "response"
            )

    def operations(self, section, old_items, new_items):
        # A webhook's body is sent by the CMS to the frontend: it is read as a response is.
        body_direction = "response" if section == "webhook" else "request"
        for path in sorted(old_items.keys() - new_items.keys()):
            self.add("breaking", f"{section} {path}", "removed")
        for path in sorted(new_items.keys() - old_items.keys()):
            self.add("added", f"{section} {path}", "added")
        for path in sorted(old_items.keys() & new_items.keys()):
            old_item, new_item = old_items[path], new_items[path]
            for method in METHODS:
                where = f"{method.upper()} {path}"
                if method in old_item and method not in new_item:
                    self.add("breaking", where, "operation removed")
                elif method in new_item and method not in old_item:
                    self.add("added", where, "operation added")
                elif method in old_item:
                    self.operation(where, old_item[method], new_item[method], body_direction)
                    if section == "path":
                        self.security(
                            where,
                            old_item[method].get("security", self.old_doc.get("security")),
                            new_item[method].get("security", self.new_doc.get("security")),
                        )

    # The document's own keys

    def security(self, where, old, new):
        """The credentials a caller needs: any one of the requirements (none: ``[{}]``)."""
        old, new = _requirements(old), _requirements(new)
        if old - new:
            self.add("breaking", where, "security: a way to call it is gone")
        elif new - old:
            self.add("added", where, "security: a new way to call it")

    def root(self, old, new):
        """Where the API is (``servers``), and the words around it (tags, contact, licence)."""
        old_urls = [server["url"] for server in old.get("servers") or DEFAULT_SERVERS]
        new_urls = [server["url"] for server in new.get("servers") or DEFAULT_SERVERS]
        if old_urls[0] != new_urls[0] or set(old_urls) - set(new_urls):
            self.add("breaking", "servers", f"{old_urls} became {new_urls}")
        elif new_urls != old_urls:
            self.add("added", "servers", f"{old_urls} became {new_urls}")
        elif old.get("servers") != new.get("servers"):
            self.add("docs", "servers", "changed")
        if old.get("tags") != new.get("tags"):
            self.add("docs", "tags", "changed")


DEFAULT_SERVERS = [{"url": "/"}]
"""OpenAPI's ``servers`` when a document has none."""


def _requirements(security):
    """A ``security`` list as a set of requirements; absent means none needed, ``[{}]``."""
    return {
        frozenset((scheme, tuple(scopes)) for scheme, scopes in requirement.items())
        for requirement in (security if security is not None else [{}])
    }


def _types(schema):
    types = schema.get("type")
    if types is None:
        return None
    return set(types) if isinstance(types, list) else {types}


def _enum_within(values, bound, limit):
    """Whether every one of ``values`` (an enum, or None) keeps to the numeric ``bound``."""
    if values is None or limit is None:
        return False
    numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    if len(numbers) != len(values):
        return False
    return all(v >= limit if bound == "minimum" else v <= limit for v in numbers)


def _constants(diff, doc, schema, path="", depth=2):
    """The ``(property path, const)`` pairs of an object schema, down to ``depth`` levels."""
    schema = diff.resolve(doc, schema)
    found = set()
    for name, value in schema.get("properties", {}).items():
        value = diff.resolve(doc, value)
        if "const" in value:
            found.add((f"{path}.{name}", json.dumps(value["const"])))
        elif depth > 1:
            found |= _constants(diff, doc, value, f"{path}.{name}", depth - 1)
    return frozenset(found)


def _variant_key(variant):
    if "$ref" in variant:
        return variant["$ref"].rsplit("/", 1)[-1]
    return json.dumps(variant, sort_keys=True)


def classify(old, new):
    """The differences from ``old`` to ``new`` (two OpenAPI documents), as a :class:`Diff`."""
    diff = Diff(old, new)
    diff.operations("path", old.get("paths", {}), new.get("paths", {}))
    diff.operations("webhook", old.get("webhooks", {}), new.get("webhooks", {}))
    diff.root(old, new)
    for key in ("description", "title", "contact", "license", "termsOfService"):
        if old.get("info", {}).get(key) != new.get("info", {}).get(key):
            diff.add("docs", "info", f"{key} changed")
    return diff


# The gate

SEMVER = re.compile(r"^(\d+)(?:\.(\d+))?(?:\.(\d+))?$")


def parse_version(text):
    """``(major, minor, patch)``; a bare major (the contract's "2" before it was versioned)
    counts as ``major.0.0``."""
    match = SEMVER.match(str(text))
    if not match:
        raise ValueError(f"info.version {text!r} is not semantic versioning (MAJOR.MINOR.PATCH)")
    return tuple(int(part or 0) for part in match.groups())


def changelog_sections(text):
    """``{version: section text}`` of docs/api-changelog.md's ``## <version> (<date>)`` sections.

    An ``## Unreleased (<topic>)`` section, a branch's entry waiting for the version it is
    given at merge, is none of them: until then no version's entry is found there."""
    sections = {}
    parts = re.split(r"^## ", text, flags=re.MULTILINE)
    for part in parts[1:]:
        heading, _, body = part.partition("\n")
        version = heading.split()[0].strip("[]")
        if version.lower() != "unreleased":
            sections[version] = body
    return sections


def gate(old, new, changelog):
    """The problems that fail the gate (a list of sentences; empty when it passes)."""
    diff = classify(old, new)
    kinds = diff.kinds() - {"docs"}
    old_version = parse_version(old["info"]["version"])
    new_text = new["info"]["version"]
    new_version = parse_version(new_text)
    problems = []
    if not SEMVER.match(new_text) or new_text.count(".") != 2:
        problems.append(f"info.version {new_text!r} must be MAJOR.MINOR.PATCH")
    if "breaking" in kinds and new_version[0] <= old_version[0]:
        problems.append(
            f"a breaking change needs a new major version (was {old['info']['version']}, "
            f"is {new_text})"
        )
    elif kinds and new_version[:2] <= old_version[:2]:
        problems.append(
            f"a change needs a new minor version at least (was {old['info']['version']}, "
            f"is {new_text})"
        )
    if new_version < old_version:
        problems.append(f"info.version went back from {old['info']['version']} to {new_text}")
    if kinds or new_version != old_version:
        section = changelog_sections(changelog).get(new_text)
        if section is None:
            problems.append(f"docs/api-changelog.md has no section for {new_text}")
        else:
            for kind in sorted(kinds):
                if not re.search(rf"\*\*{kind}\*\*", section, flags=re.IGNORECASE):
                    problems.append(
                        f"docs/api-changelog.md's {new_text} names no {kind} change "
                        f"(a line starting **{kind.capitalize()}**)"
                    )
    return diff, problems


def git_show(ref, path):
    return subprocess.run(
        ["git", "show", f"{ref}:{path}"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout


def default_base():
    """The merge base with main; on main itself, the commit before."""
    head = _git("rev-parse", "HEAD")
    for main in ("main", "origin/main"):
        try:
            base = _git("merge-base", "HEAD", main)
        except subprocess.CalledProcessError:
            continue
        return "HEAD~1" if base == head else base
    return "HEAD~1"


def _git(*args):
    return subprocess.run(
        ["git", *args], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.strip()


def built_document():
    """The document the code builds now (``manage.py export_api_schema --openapi``)."""
    out = subprocess.run(
        [sys.executable, "manage.py", "export_api_schema", "--openapi"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out)


def report(diff):
    lines = []
    for kind in KINDS:
        for k, where, what in diff.changes:
            if k == kind:
                lines.append(f"  {kind:<10} {where}: {what}")
    return "\n".join(lines) or "  no change"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", help="OLD.json NEW.json: classify only")
    parser.add_argument("--base", help="the git ref whose docs/openapi.json is the old contract")
    args = parser.parse_args(argv)
    if args.files:
        old, new = (json.loads(Path(name).read_text()) for name in args.files)
        print(report(classify(old, new)))
        return 0
    base = args.base or default_base()
    try:
        old = json.loads(git_show(base, SNAPSHOT))
    except subprocess.CalledProcessError:
        if args.base:
            raise SystemExit(f"No {SNAPSHOT} at {base}.") from None
        # A clone without that history (shallow, or a first commit) has nothing to compare.
        print(f"No {SNAPSHOT} at {base} to compare with: nothing to classify.")
        return 0
    new = built_document()
    diff, problems = gate(old, new, CHANGELOG.read_text())
    print(f"The contract from {base} ({old['info']['version']}) to now ({new['info']['version']}):")
    print(report(diff))
    for problem in problems:
        print(f"FAIL: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
