"""Request bodies checked against Discord's own OpenAPI 3.1 description (spec/openapi.json).

OpenAPI 3.1 schemas are JSON Schema 2020-12, so the maintained `jsonschema` validator does
the checking; `$ref`s resolve through a `referencing.Registry` holding the whole document.
Validators are built lazily, once per operation (and per callback type), then cached.

Where the spec and Discord disagree, Discord wins (the spec says so itself). The quirks we
handle, each on purpose:
- Snowflakes are typed `string` with a digit pattern, but Discord's API accepts JSON
  integers for every snowflake, and discord.py sends integers (allowed_mentions.users,
  message_reference.message_id...). `SnowflakeType` therefore also admits integers >= 0.
- Unions marked `x-discord-union: oneOf` are written as `anyOf`. We keep `anyOf`
  semantics (overlapping branches would otherwise fail spuriously) and, when a union is
  discriminated by a `type` enum, validate only the branch for the sent `type`, so the
  error names the field that is wrong instead of "matched no branch".
- There is no OpenAPI 3.0 `nullable` keyword in this document; nulls are spelled as
  `type: [..., "null"]` or `oneOf: [{type: null}, ...]`, which 2020-12 understands natively.
- `format` is an annotation only (as 2020-12 specifies by default).

Speed (the search benchmark times an autocomplete round trip through the emulator): `$ref`s
are inlined once per operation (recursive ones stay references), `oneOf: [{type: null}, X]`
with an X that rejects null becomes the equivalent `anyOf: [X, {type: null}]`, and `anyOf`
tries first the branch that matched last time, a union whose branches are told apart by a
required `type` enum checks only the branch for the sent `type` (falling back to the
standard keyword on failure, for its errors), and `properties` does not descend into a
scalar subschema (type/length/range only) its value plainly satisfies. None of these
changes what is accepted or the errors reported.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from bot.emulator.errors import DiscordError, field_error, merge_trees

SPEC_PATH = Path(__file__).with_name("spec") / "openapi.json"
_SPEC_URI = "urn:discord:openapi"


def _pointer_escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def _discriminator(branches: list[Any]) -> dict[int | str, int] | None:
    """For branches that each require a `type` property limited to disjoint enum values,
    which branch each value selects (None when the union is not of that form)."""
    key = id(branches)
    cached = _DISCRIMINATORS.get(key)
    if cached is not None and cached[0] is branches:
        return cached[1]
    mapping: dict[int | str, int] | None = {}
    for index, branch in enumerate(branches):
        prop = branch.get("properties", {}).get("type") if isinstance(branch, dict) else None
        if not isinstance(prop, dict) or "type" not in (branch.get("required") or []):
            mapping = None
            break
        values = prop.get("enum", [prop["const"]] if "const" in prop else None)
        if not values or any(type(v) not in (int, str) or v in mapping for v in values):
            mapping = None
            break
        mapping.update(dict.fromkeys(values, index))
    _DISCRIMINATORS[key] = (branches, mapping)  # holding the list keeps its id unique
    return mapping


def _selected_branch(branches: list[Any], instance: Any) -> int | None:
    """The only branch that can accept `instance` (a discriminated union), or None."""
    if not isinstance(instance, dict) or type(instance.get("type")) not in (int, str):
        return None
    mapping = _discriminator(branches)
    return None if mapping is None else mapping.get(instance["type"])


# Keywords that say nothing about an instance (`const` branches of an enum carry these).
_ANNOTATIONS = frozenset({"title", "description", "deprecated", "examples", "default"})


def _const_counts(branches: list[Any]) -> dict[int | str, int] | None:
    """For a union whose every branch is `{const: v}` plus annotations, with `v` an integer
    or a string (how the spec writes an enum: button styles, component types...), how many
    branches hold each value; else None."""
    key = id(branches)
    cached = _CONSTS.get(key)
    if cached is not None and cached[0] is branches:
        return cached[1]
    counts: dict[int | str, int] | None = {}
    for branch in branches:
        if (
            not isinstance(branch, dict)
            or "const" not in branch
            or not set(branch) - {"const"} <= _ANNOTATIONS
            or type(branch["const"]) not in (int, str)
        ):
            counts = None
            break
        counts[branch["const"]] = counts.get(branch["const"], 0) + 1
    _CONSTS[key] = (branches, counts)  # holding the list keeps its id unique
    return counts


def _one_of_discriminated(validator, one_of, instance, schema):  # type: ignore[no-untyped-def]
    """`oneOf` over a discriminated union: every other branch rejects the `type` value, so
    the instance is valid iff the selected branch accepts it; over an enum of `const`
    branches, valid iff exactly one value equals it. Failures take the standard keyword,
    so the errors are the library's own."""
    counts = _const_counts(one_of)
    if counts is not None:
        # an integer or a string equals a const exactly when it is that dict key (a bool
        # would equal 1 or 0 as a key but not in JSON: it takes the standard path)
        if type(instance) in (int, str) and counts.get(instance) == 1:
            return
    else:
        index = _selected_branch(one_of, instance)
        if index is not None and validator.evolve(schema=one_of[index]).is_valid(instance):
            return
    yield from _STANDARD_ONE_OF(validator, one_of, instance, schema)


def _any_of_last_match_first(validator, any_of, instance, schema):  # type: ignore[no-untyped-def]
    """`anyOf` with the same meaning as the standard keyword: the discriminated branch, or
    the last winner, is tried first."""
    index = _selected_branch(any_of, instance)
    if index is not None and validator.evolve(schema=any_of[index]).is_valid(instance):
        return
    key = id(any_of)
    held, first = _LAST_MATCH.get(key, (None, 0))
    if held is not any_of:
        first = 0
    order = [first, *(i for i in range(len(any_of)) if i != first)]
    all_errors: list[ValidationError] = []
    for index in order:
        errs = list(validator.descend(instance, any_of[index], schema_path=index))
        if not errs:
            _LAST_MATCH[key] = (any_of, index)
            return
        all_errors.extend(errs)
    yield ValidationError(
        f"{instance!r} is not valid under any of the given schemas", context=all_errors
    )


# Caches keyed by the id of a schema list, holding the list so the id stays its own.
_LAST_MATCH: dict[int, tuple[list[Any], int]] = {}
_DISCRIMINATORS: dict[int, tuple[list[Any], dict[int | str, int] | None]] = {}
_CONSTS: dict[int, tuple[list[Any], dict[int | str, int] | None]] = {}
_STANDARD_ONE_OF = Draft202012Validator.VALIDATORS["oneOf"]

# Keywords that only constrain instances of one JSON type (so they let `null` through).
_TYPE_SPECIFIC = frozenset(
    {
        "type",
        "properties",
        "required",
        "additionalProperties",
        "patternProperties",
        "maxProperties",
        "minProperties",
        "items",
        "prefixItems",
        "maxItems",
        "minItems",
        "uniqueItems",
        "contains",
        "maxLength",
        "minLength",
        "pattern",
        "format",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "description",
        "title",
        "default",
        "examples",
        "deprecated",
        "readOnly",
        "writeOnly",
    }
)


def _nullable(schema: Any) -> dict[str, Any] | None:
    """`oneOf: [{type: null}, X]` as one schema: X with "null" added to its type.

    Exactly equivalent when X has a single non-null type and only type-specific keywords
    (those ignore a null instance); otherwise None and the union stays as written.
    """
    if not isinstance(schema, dict):
        return None
    kind = schema.get("type")
    if not isinstance(kind, str) or kind == "null" or not set(schema) <= _TYPE_SPECIFIC:
        return None
    return {**schema, "type": [kind, "null"]}


# Scalar subschemas whose every keyword `_scalar_holds` checks (or that are annotations).
_SCALAR_KEYWORDS = frozenset(
    {
        "type",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "format",
        "description",
        "title",
        "default",
        "examples",
        "deprecated",
        "readOnly",
        "writeOnly",
    }
)


def _scalar_holds(validator: Any, schema: dict[str, Any], value: Any) -> bool:
    """True only when `value` certainly satisfies the scalar `schema` (else: full check)."""
    kind = schema.get("type")
    if kind is not None:
        kinds = (kind,) if isinstance(kind, str) else kind
        if not any(validator.is_type(value, k) for k in kinds):
            return False
    if isinstance(value, str):
        return schema.get("minLength", 0) <= len(value) <= schema.get("maxLength", len(value))
    if isinstance(value, int | float) and not isinstance(value, bool):
        low, high = schema.get("minimum"), schema.get("maximum")
        return (low is None or value >= low) and (high is None or value <= high)
    return True  # length and range keywords do not apply to other JSON types


def _properties_fast(validator, properties, instance, schema):  # type: ignore[no-untyped-def]
    """The standard `properties` keyword, skipping the descent into a scalar subschema
    when the value plainly satisfies it. Anything else (and every failure) takes the
    standard path, so results and errors are the library's own."""
    if not validator.is_type(instance, "object"):
        return
    for name, subschema in properties.items():
        if name not in instance:
            continue
        value = instance[name]
        if (
            type(subschema) is dict
            and subschema.keys() <= _SCALAR_KEYWORDS
            and _scalar_holds(validator, subschema, value)
        ):
            continue
        yield from validator.descend(value, subschema, path=name, schema_path=name)


_Validator = validators.extend(
    Draft202012Validator,
    {
        "anyOf": _any_of_last_match_first,
        "oneOf": _one_of_discriminated,
        "properties": _properties_fast,
    },
)


class SpecChecker:
    """Validates request bodies for the operations the emulator serves."""

    def __init__(self, path: Path = SPEC_PATH) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._validators: dict[tuple[str, str, Any], Draft202012Validator] = {}

    @cached_property
    def document(self) -> dict[str, Any]:
        with self._path.open("rb") as fh:
            spec = json.load(fh)
        schemas = spec["components"]["schemas"]
        snowflake = schemas["SnowflakeType"]
        schemas["SnowflakeType"] = {"anyOf": [snowflake, {"type": "integer", "minimum": 0}]}
        return spec

    @cached_property
    def registry(self) -> Registry:
        resource = Resource.from_contents(self.document, default_specification=DRAFT202012)
        return Registry().with_resource(_SPEC_URI, resource)

    @cached_property
    def _operations(self) -> dict[str, tuple[str, str]]:
        ops: dict[str, tuple[str, str]] = {}
        for path, item in self.document["paths"].items():
            for method, op in item.items():
                if isinstance(op, dict) and "operationId" in op:
                    ops[op["operationId"]] = (path, method)
        return ops

    def _schema_pointer(self, operation: str, content_type: str) -> str:
        try:
            path, method = self._operations[operation]
        except KeyError:
            raise KeyError(f"no operation {operation!r} in Discord's spec") from None
        parts = ["paths", path, method, "requestBody", "content", content_type, "schema"]
        return "#/" + "/".join(_pointer_escape(p) for p in parts)

    def _schema_at(self, pointer: str) -> Any:
        node: Any = self.document
        for raw in pointer[2:].split("/"):
            key = raw.replace("~1", "/").replace("~0", "~")
            node = node[int(key)] if isinstance(node, list) else node[key]
        return node

    def _resolve(self, node: Any) -> Any:
        while isinstance(node, dict) and "$ref" in node:
            node = self._schema_at(node["$ref"])
        return node

    def _inline(self, node: Any, stack: tuple[str, ...] = ()) -> Any:
        """`node` with its `$ref`s replaced by their targets (recursive ones kept absolute)."""
        if isinstance(node, list):
            return [self._inline(item, stack) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            if ref in stack:
                return {**node, "$ref": _SPEC_URI + ref}
            target = self._inline(self._schema_at(ref), (*stack, ref))
            rest = {k: v for k, v in node.items() if k != "$ref"}
            return {"allOf": [target], **rest} if rest else target
        out = {key: self._inline(value, stack) for key, value in node.items()}
        one_of = out.get("oneOf")
        if isinstance(one_of, list) and len(one_of) == 2 and one_of[0] == {"type": "null"}:
            merged = _nullable(one_of[1])
            if merged is not None:
                del out["oneOf"]
                if not out:
                    return merged
                out["allOf"] = [*out.get("allOf", []), merged]
        return out

    def _branch_for_type(self, pointer: str, type_value: Any) -> str | None:
        """In a union discriminated by a `type` enum, the branch accepting `type_value`."""
        schema = self._schema_at(pointer)
        branches = schema.get("anyOf") or schema.get("oneOf")
        if not branches:
            return None
        key = "anyOf" if "anyOf" in schema else "oneOf"
        for index, branch in enumerate(branches):
            target = self._resolve(branch)
            type_schema = target.get("properties", {}).get("type", {}) if target else {}
            enum = type_schema.get("enum")
            if enum is None and "const" in type_schema:
                enum = [type_schema["const"]]
            if enum is not None and type_value in enum:
                return f"{pointer}/{key}/{index}"
        return None

    def validator(
        self, operation: str, content_type: str = "application/json", discriminator: Any = None
    ) -> Draft202012Validator:
        key = (operation, content_type, discriminator)
        found = self._validators.get(key)
        if found is not None:
            return found
        with self._lock:
            pointer = self._schema_pointer(operation, content_type)
            if discriminator is not None:
                pointer = self._branch_for_type(pointer, discriminator) or pointer
            schema = self._inline(self._schema_at(pointer), (pointer,))
            validator = _Validator(schema, registry=self.registry)
            self._validators[key] = validator
            return validator

    def check(
        self,
        operation: str,
        body: Any,
        *,
        content_type: str = "application/json",
        discriminate: bool = False,
    ) -> None:
        """Raise 400/50035 with Discord's `errors` tree if `body` breaks the spec."""
        discriminator = None
        if discriminate and isinstance(body, dict):
            discriminator = body.get("type")
            if not isinstance(discriminator, int) or isinstance(discriminator, bool):
                discriminator = None
        validator = self.validator(operation, content_type, discriminator)
        errors = list(validator.iter_errors(body))
        if errors:
            raise DiscordError(400, 50035, "Invalid Form Body", error_tree(errors))


def error_tree(errors: Iterable[ValidationError]) -> dict[str, Any]:
    trees = [field_error(list(e.absolute_path), *_describe(e)) for e in _leaves(errors)]
    return merge_trees(trees) or field_error([], "BASE_TYPE_INVALID", "Invalid body")


def _leaves(errors: Iterable[ValidationError]) -> list[ValidationError]:
    """Descend unions to the branch that got furthest, as Discord's own errors do."""
    out: list[ValidationError] = []
    for error in errors:
        if error.validator in ("anyOf", "oneOf") and error.context:
            by_branch: dict[Any, list[ValidationError]] = {}
            for sub in error.context:
                by_branch.setdefault(sub.schema_path[0], []).append(sub)
            usable = {
                b: errs
                for b, errs in by_branch.items()
                if not any(_is_type_mismatch(e) for e in errs)
            }
            allowed = _discriminator_values(error)
            if not usable and allowed:
                out.append(
                    ValidationError(
                        "unknown type",
                        validator="enum",
                        validator_value=allowed,
                        path=[*error.absolute_path, "type"],
                    )
                )
                continue
            usable = usable or by_branch
            best = max(
                usable.values(),
                key=lambda errs: (-len(errs), max(len(e.absolute_path) for e in errs)),
            )
            out.extend(_leaves(best))
        else:
            out.append(error)
    return out


def _discriminator_values(error: ValidationError) -> list[Any] | None:
    """All `type` values a discriminated union accepts (None if it is not one)."""
    branches = error.validator_value
    if not isinstance(branches, list) or _discriminator(branches) is None:
        return None
    mapping = _discriminator(branches) or {}
    numbers = sorted(v for v in mapping if isinstance(v, int))
    return [*numbers, *sorted(v for v in mapping if isinstance(v, str))]


def _is_type_mismatch(error: ValidationError) -> bool:
    """The branch is for another kind of object (its `type` discriminator or JSON type differs)."""
    if error.validator == "type" and len(error.relative_path) == 0:
        return True
    return bool(
        error.validator in ("enum", "const")
        and error.relative_path
        and list(error.relative_path)[-1] == "type"
        and len(error.relative_path) == 1
    )


def _describe(error: ValidationError) -> tuple[str, str]:
    kind = error.validator
    value = error.validator_value
    if kind in ("maxLength", "maxItems"):
        return "BASE_TYPE_MAX_LENGTH", f"Must be {value} or fewer in length."
    if kind in ("minLength", "minItems"):
        return "BASE_TYPE_MIN_LENGTH", f"Must be {value} or more in length."
    if kind == "required":
        return "BASE_TYPE_REQUIRED", f"This field is required ({error.message})"
    if kind in ("enum", "const"):
        choices = value if isinstance(value, list) else [value]
        return "BASE_TYPE_CHOICES", f"Value must be one of {choices}."
    if kind == "maximum":
        return "NUMBER_TYPE_MAX", f"Must be less than or equal to {value}."
    if kind == "minimum":
        return "NUMBER_TYPE_MIN", f"Must be greater than or equal to {value}."
    if kind == "pattern":
        return "STRING_TYPE_REGEX", f"String value did not match validation regex ({value})."
    if kind == "type":
        return "BASE_TYPE_BAD_TYPE", f"Value must be of type {value}."
    if kind == "uniqueItems":
        return "ARRAY_ITEMS_NOT_UNIQUE", "Array items must be unique."
    return "BASE_TYPE_INVALID", error.message
