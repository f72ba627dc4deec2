"""What a model whose text staff edit in the admin (a decision letter, an agreement) shares: its
fields are checked by the sandbox (common.sandbox) against the names its sample offers, when it
is saved and by `manage.py check_staff_templates` for stored ones, then rendered once with the
sample so that a template that compiles but fails on sample data is refused too.

A model says which fields are templates (`sandboxed_fields`), what its sample offers
(`sample_context()`), how it renders with the sample (`sample_preview()`: the preview's dict,
with "error" when it fails) and how that failure reads (`sample_failure`, with %(error)s).
"""

from django.core.exceptions import ValidationError


class SandboxChecked:
    sandboxed_fields: tuple[str, ...] = ()
    sample_failure = ""

    def sample_context(self) -> dict:
        raise NotImplementedError

    def sample_preview(self) -> dict:
        raise NotImplementedError

    def clean(self):
        super().clean()
        errors = self.refusals()
        if errors:
            raise ValidationError(errors)
        failure = self.sample_preview().get("error")
        if failure:
            raise ValidationError(self.sample_failure % {"error": failure})

    def refusals(self):
        """What the sandbox refuses in this template ({field: problems})."""
        from .sandbox import TemplateRefused, compile_template

        offered = self.sample_context()
        refused = {}
        for field in self.sandboxed_fields:
            try:
                compile_template(getattr(self, field), offered)
            except TemplateRefused as refusal:
                refused[field] = refusal.problems
        return refused
