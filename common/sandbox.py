"""The locked-down template engine for text that staff edit (decision letters, messages, and any
later ones such as agreements).

Staff write in the Django template language, but against an engine of its own that knows only
`{% if %}`, `{% for %}` and the filters `date`, `money` and `default`: no `{% load %}`, no
`{% include %}`, no tag library. The context is made of plain values only (text, numbers, dates,
and lists and dicts of them), which the code builds for each event: no model instance, hence no
method to call and no database to reach. Every name a template uses is checked against the
variables its kind offers, when it is saved and again before each rendering, so that
`{{ title.upper }}` (a method) or `{{ application.assignments }}` (not offered) is refused with a
message that says what is allowed.
"""

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType

from django.template import Context, Engine, Library, TemplateSyntaxError
from django.template.base import TextNode, VariableNode
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import default as default_filter
from django.template.defaulttags import ForNode, IfNode, do_for, do_if
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from .errors import Refused
from .formats import money

TAGS = ("if", "for")
FILTERS = ("date", "money", "default")

library = Library()
library.tag("if", do_if)
library.tag("for", do_for)
library.filter("date", date_filter)
library.filter("money", money)
library.filter("default", default_filter)


class SandboxEngine(Engine):
    # Django's engine starts from its own tags and filters ({% load %}, {% include %}, {% url %},
    # ...): this one starts from none.
    default_builtins = []

    def find_template_loader(self, loader):  # pragma: no cover - no loaders are configured
        raise TemplateSyntaxError("The sandbox loads no template.")


ENGINE = SandboxEngine(
    dirs=[],
    app_dirs=False,
    loaders=[],
    libraries={},
    builtins=["common.sandbox_library"],
    debug=False,
    string_if_invalid="",
)

# What {% for %} adds inside its loop.
FORLOOP = {
    "counter": 1,
    "counter0": 0,
    "revcounter": 1,
    "revcounter0": 0,
    "first": True,
    "last": True,
    "parentloop": {},
}


# Names every Django context holds.
CONSTANTS = {"True": True, "False": False, "None": None}


class TemplateRefused(Refused, ValueError):
    """A template uses something the sandbox does not allow; `problems` lists what, for the
    person who wrote it."""

    def __init__(self, problems):
        super().__init__(problems=list(problems))


# Plain values


def plain(value):
    """`value` as the sandbox accepts it: text, numbers, booleans, dates and None as they are,
    lazy translations as text, lists as tuples and dicts as read-only mappings (so that no
    template can call `clear` or `pop` on them). Anything else is a programming error."""
    if value is None or isinstance(value, str | bool | int | float | Decimal | dt.date):
        return value
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, list | tuple):
        return tuple(plain(item) for item in value)
    if isinstance(value, Mapping):
        return MappingProxyType({str(key): plain(item) for key, item in value.items()})
    raise TypeError(f"A staff template receives plain values only, not {type(value).__name__}.")


# Checking what a template uses


def compile_template(source, offered):
    """The template `source`, compiled by the sandbox, if every tag, filter and name it uses is
    allowed; `offered` is a sample of its context (plain values: the shape of what it receives).
    Raises TemplateRefused."""
    try:
        template = ENGINE.from_string(source or "")
    except TemplateSyntaxError as error:
        raise TemplateRefused([syntax_problem(error)]) from None
    problems = []
    check_nodes(template.nodelist, plain(offered), problems)
    if problems:
        raise TemplateRefused(dict.fromkeys(problems))  # each once, in order
    return template


def render(source, context, *, offered=None, autoescape=False):
    """`source` rendered over `context` (plain values), after the same check as when it was
    saved: against `offered` (the kind's sample context), or the context itself."""
    context = plain(context)
    template = compile_template(source, context if offered is None else offered)
    return template.render(Context(dict(context), autoescape=autoescape))


def syntax_problem(error):
    """The compiler's complaint, in the editor's words, with what is allowed."""
    allowed = _("Templates may use only the tags %(tags)s and the filters %(filters)s.") % {
        "tags": ", ".join(f"{{% {tag} %}}" for tag in TAGS),
        "filters": ", ".join(FILTERS),
    }
    text = str(error)
    tag = re.search(r"Invalid block tag on line (\d+): '([^']+)'", text)
    if tag:
        text = _("Line %(line)s: the tag {%% %(tag)s %%} is not allowed.") % {
            "line": tag[1],
            "tag": tag[2],
        }
    elif found := re.search(r"Invalid filter: '([^']+)'", text):
        text = _("The filter “%(filter)s” is not allowed.") % {"filter": found[1]}
    else:
        text = _("This template does not compile: %(error)s") % {"error": text}
    return f"{text.rstrip('.')}. {allowed}"


def check_nodes(nodelist, scope, problems):
    for node in nodelist:
        if isinstance(node, TextNode):
            continue
        if isinstance(node, VariableNode):
            check_expression(node.filter_expression, scope, problems)
        elif isinstance(node, IfNode):
            for condition, branch in node.conditions_nodelists:
                if condition is not None:
                    check_condition(condition, scope, problems)
                check_nodes(branch, scope, problems)
        elif isinstance(node, ForNode):
            sequence = check_expression(node.sequence, scope, problems)
            item = sequence[0] if isinstance(sequence, tuple) and sequence else None
            inner = dict(scope)
            inner["forloop"] = plain({**FORLOOP, "parentloop": scope.get("forloop", {})})
            if len(node.loopvars) == 1:
                inner[node.loopvars[0]] = item
            else:
                for position, name in enumerate(node.loopvars):
                    inner[name] = item[position] if isinstance(item, tuple) else None
            check_nodes(node.nodelist_loop, inner, problems)
            check_nodes(node.nodelist_empty, scope, problems)
        else:  # the engine knows no other tag; refuse rather than trust a future one
            problems.append(_("This template uses a tag that is not allowed."))


def check_condition(condition, scope, problems):
    """An {% if %} condition: a literal (a variable or a constant) or an operator over two."""
    value = getattr(condition, "value", None)
    if value is not None and hasattr(value, "filters"):
        check_expression(value, scope, problems)
    for part in (condition.first, condition.second):
        if part is not None:
            check_condition(part, scope, problems)


def check_expression(expression, scope, problems):
    """The shape of what `expression` (variable|filter:arg) reads, after checking its names."""
    shape = check_variable(expression.var, scope, problems)
    for _function, arguments in expression.filters:
        for is_variable, argument in arguments:
            if is_variable:
                check_variable(argument, scope, problems)
    return shape


def check_variable(variable, scope, problems):
    lookups = getattr(variable, "lookups", None)
    if not lookups:  # a constant: "text", 3, True
        return getattr(variable, "literal", variable)
    name, *path = lookups
    if name in CONSTANTS and not path:
        return CONSTANTS[name]
    if name not in scope:
        problems.append(
            _("“%(name)s” is not a variable of this template. It may use: %(names)s.")
            % {"name": name, "names": ", ".join(sorted(set(scope) - {"forloop"})) or "—"}
        )
        return None
    shape, reached = scope[name], name
    for bit in path:
        if isinstance(shape, Mapping) and bit in shape:
            shape = shape[bit]
        elif isinstance(shape, tuple) and bit.isdigit():
            shape = shape[0] if shape else None
        else:
            problems.append(unknown_part(reached, bit, shape))
            return None
        reached = f"{reached}.{bit}"
    return shape


def unknown_part(reached, bit, shape):
    if isinstance(shape, Mapping) and shape:
        return _("“%(name)s” has no “%(part)s”. It offers: %(parts)s.") % {
            "name": reached,
            "part": bit,
            "parts": ", ".join(f"{reached}.{key}" for key in shape),
        }
    return _("“%(name)s” is a value: “%(name)s.%(part)s” reads nothing from it.") % {
        "name": reached,
        "part": bit,
    }


def offered_names(offered, prefix=""):
    """Every name a template may use, in dotted form, for the editor's help: "application.title",
    "comments" (a list)..."""
    names = []
    for key, value in plain(offered).items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            names += offered_names(value, f"{name}.")
        elif isinstance(value, tuple) and value and isinstance(value[0], Mapping):
            names.append(f"{name}[ ]: " + ", ".join(value[0]))
        else:
            names.append(name)
    return names


def shape_problems(value, sample, where="context"):
    """How `value` (plain) strays from the shape of `sample`: a name the sample does not have,
    or a list or dict where the sample has something else. None fits anything (absent)."""
    if value is None or sample is None:
        return []
    if isinstance(sample, Mapping):
        if not isinstance(value, Mapping):
            return [f"{where} should be a dict"]
        problems = []
        for key, item in value.items():
            if key not in sample:
                problems.append(f"{where}.{key} is not in the sample")
            else:
                problems += shape_problems(item, sample[key], f"{where}.{key}")
        return problems
    if isinstance(sample, tuple):
        if not isinstance(value, tuple):
            return [f"{where} should be a list"]
        first = sample[0] if sample else None
        return [problem for item in value for problem in shape_problems(item, first, where)]
    if isinstance(value, Mapping | tuple):
        return [f"{where} should be a single value"]
    return []
