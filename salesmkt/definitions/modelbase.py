"""The strict base of the definition models, and the pieces of schema they share.

Why strict: the published JSON Schemas (``salesmkt schema``) are generated from these
same models, so ``salesmkt validate`` and an editor using the schema must accept the
same files. The YAML loader already reads ``yes``/``no``/``on``/``off`` as text (YAML
1.2); every file is then validated in pydantic's strict mode
(:func:`salesmkt.definitions.checks.check_located` passes ``strict=True``), so each
value is taken as it is written: a string is not a number (``min: "1"``), text is not a
boolean (``reverse: yes``), a boolean is not a number. An integer field takes ``3`` or
``3.0`` (JSON Schema counts both as integers) but not ``3.5``. Python code that builds a
model from its own data (``Predicate.model_validate(...)``) gets pydantic's usual
conversions.

Where a model checks something across fields (exactly one of ``item`` or
``dimension``…), the helpers below say the same in the schema.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

JsonDict = dict[str, Any]
"""A piece of JSON Schema, as the ``json_schema_extra`` hooks take and give it."""


class DefinitionModel(BaseModel):
    """Base of every model of a definition file: closed (no unknown keys), immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


def _integral(value: Any) -> Any:
    """``3.0`` is the integer 3, as in JSON Schema; anything else is left to the check."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


Int = Annotated[int, BeforeValidator(_integral)]
"""An integer: ``3`` or ``3.0``; never ``"3"``, ``3.5`` or ``true``."""

TextOrInt = Annotated[str | int, BeforeValidator(_integral)]
"""An answer written as a label or as a point of the scale (an integer, as above)."""

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]

INTEGER_KEYS: JsonDict = {"propertyNames": {"pattern": r"^[-+]?[0-9]+$"}}
"""For a mapping keyed by integers: JSON keys are text, so say they must be digits."""


def as_list(value: Any) -> Any:
    """Let one value stand for a list of one: ``is: defined`` means ``is: [defined]``."""
    return [value] if isinstance(value, str) else value


def one_or_many(schema: JsonDict) -> None:
    """Field schema hook for a list that may also be given as one value (see as_list)."""
    array = {k: v for k, v in schema.items() if k not in ("title", "description")}
    for key in array:
        del schema[key]
    schema["anyOf"] = [array["items"], array]


def _given(name: str) -> JsonDict:
    return {"required": [name], "properties": {name: {"not": {"type": "null"}}}}


def exactly_one_of(*names: str) -> JsonDict:
    """Schema: exactly one of these fields is given (and not null)."""
    return {"oneOf": [_given(n) for n in names]}


def at_least_one_of(*names: str) -> JsonDict:
    """Schema: at least one of these fields is given (and not null)."""
    return {"anyOf": [_given(n) for n in names]}


def single_key_mapping(schema: JsonDict) -> None:
    """Model schema hook for a mapping with exactly one key whose value is never null.

    The model keeps every key optional (``None`` when absent); the schema says that the
    one key present must have a real value.
    """
    schema["minProperties"] = 1
    schema["maxProperties"] = 1
    properties = schema.get("properties")
    assert isinstance(properties, dict)
    for prop in properties.values():
        assert isinstance(prop, dict)
        prop.pop("default", None)
        options = prop.pop("anyOf", None)
        if isinstance(options, list):
            kept = [o for o in options if o != {"type": "null"}]
            if len(kept) == 1 and isinstance(kept[0], dict):
                prop.update(kept[0])
            else:
                prop["anyOf"] = kept
