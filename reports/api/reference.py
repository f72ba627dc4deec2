"""The API's reference for people, read from the same OpenAPI description as /api/v1/openapi.json:
one entry per operation with its parameters and the fields of what it answers.

The description is written in English (as the JSON one), so the reference is too; the page around
it follows the visitor's language.
"""

import functools
from dataclasses import dataclass, field

from django.utils import translation
from drf_spectacular.generators import SchemaGenerator


@dataclass(frozen=True)
class Parameter:
    name: str
    where: str  # "path" or "query"
    type: str
    required: bool
    description: str


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    description: str


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    summary: str
    description: str
    parameters: list[Parameter] = field(default_factory=list)
    paginated: bool = False
    fields: list[Field] = field(default_factory=list)

    @property
    def anchor(self):
        return self.path.strip("/").replace("/", "-").replace("{", "").replace("}", "")


@functools.cache
def openapi():
    """The OpenAPI description, as /api/v1/openapi.json serves it (it does not change while the
    process runs)."""
    with translation.override("en"):
        return SchemaGenerator().get_schema(request=None, public=True)


def type_of(schema, components):
    schema = resolve(schema, components)
    if "enum" in schema:
        return " | ".join(str(value) for value in schema["enum"] if value not in (None, ""))
    if "allOf" in schema:
        return " ".join(type_of(part, components) for part in schema["allOf"])
    if "oneOf" in schema:
        return " | ".join(type_of(part, components) for part in schema["oneOf"])
    kind = schema.get("type", "object")
    if kind == "array":
        kind = f"array of {type_of(schema.get('items', {}), components)}"
    elif schema.get("format"):
        kind = f"{kind} ({schema['format']})"
    return f"{kind}, nullable" if schema.get("nullable") else kind


def resolve(schema, components):
    reference = schema.get("$ref", "")
    return components[reference.rsplit("/", 1)[-1]] if reference else schema


def first_line(text):
    # drf-spectacular lists an enum's labels after a blank line: the type column shows them.
    return (text or "").split("\n\n", 1)[0].strip()


def operations():
    description = openapi()
    components = description.get("components", {}).get("schemas", {})
    found = []
    for path, methods in description["paths"].items():
        for method, operation in methods.items():
            parameters = [
                Parameter(
                    name=item["name"],
                    where=item["in"],
                    type=type_of(item.get("schema", {}), components),
                    required=bool(item.get("required")),
                    description=first_line(item.get("description")),
                )
                for item in operation.get("parameters", [])
            ]
            answer = resolve(
                operation["responses"]["200"]["content"]["application/json"]["schema"],
                components,
            )
            paginated = "results" in answer.get("properties", {})
            if paginated:
                answer = resolve(answer["properties"]["results"]["items"], components)
            fields = [
                Field(name, type_of(schema, components), first_line(schema.get("description")))
                for name, schema in answer.get("properties", {}).items()
            ]
            found.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    summary=operation.get("summary", ""),
                    description=operation.get("description", ""),
                    parameters=parameters,
                    paginated=paginated,
                    fields=fields,
                )
            )
    return found
