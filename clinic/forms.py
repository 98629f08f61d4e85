"""What the site's forms share: the links of an error summary (templates/includes/)."""

from __future__ import annotations

from django import forms


def error_links(form: forms.Form) -> list[tuple[str, str]]:
    """(anchor, message) for the error summary at the top of the page, in field order: each
    field's errors link to its control (a list of radios or boxes to its first), then the
    form's own errors, which have no field to link to."""
    links = []
    for name, field in form.fields.items():
        multiple = isinstance(field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple)
        anchor = f"{form[name].auto_id}_0" if multiple else form[name].auto_id
        links += [(anchor, message) for message in form.errors.get(name, [])]
    links += [("", message) for message in form.non_field_errors()]
    return links
