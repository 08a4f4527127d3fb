"""The sandbox user templates render in, and the check that runs when one is saved."""

import pytest

from relance.content.sandbox import MAX_OUTPUT, RenderError, render, validate

CONTEXT = {
    "customer": {"code": "C1", "name": "Client SARL", "reference": "C1"},
    "invoices": [{"number": "F1", "open_amount": "10,00 €"}],
}


def messages(source: str) -> list[tuple[int, str]]:
    return [(problem.line, problem.message) for problem in validate(source)]


def test_a_template_using_only_whitelisted_fields_is_valid():
    source = (
        "Bonjour {{ contact.name or customer.name }},\n"
        "{% for invoice in invoices %}{{ invoice.number }} {{ invoice.status }}"
        "{{ loop.index }}{% endfor %}\n"
        "{% set due = total.grand %}{{ due }} {{ customer['code'] }} {{ invoices[0].number }}"
    )
    assert validate(source) == []


def test_a_syntax_error_names_its_line():
    assert messages("line one\nline two\n{{ customer.name }\nline four") == [(3, "unexpected '}'")]


def test_unknown_variables_and_fields_are_named_with_their_line():
    assert messages("Hello\n{{ customer.nmae }}\n{{ amount }}") == [
        (2, "“customer” has no field “nmae”"),
        (3, "unknown variable “amount”"),
    ]


def test_internal_fields_are_refused_as_internal():
    problems = messages(
        "{{ customer.notes }}\n{% for i in invoices %}{{ i.dispute_reason }}{% endfor %}"
        "\n{{ company.customers }}\n{{ customer.__class__ }}"
    )
    assert problems == [
        (1, "“customer.notes” is internal and not available"),
        (2, "“i.dispute_reason” is internal and not available"),
        (3, "“company.customers” is internal and not available"),
        (4, "“customer.__class__” is internal and not available"),
    ]


def test_a_plain_value_has_no_fields():
    assert messages("{{ level.name }}") == [(1, "“level” has no fields")]


@pytest.mark.parametrize(
    "attack",
    [
        "{{ customer.__class__.__mro__ }}",
        "{{ customer.name.__class__.__base__.__subclasses__() }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ customer.update({'name': 'x'}) }}",
        "{{ invoices.append(1) }}",
        "{{ range.__globals__ }}",
        "{% for i in range(100000000) %}x{% endfor %}",
        "{{ 'x' * 100000000 }}",
        "{{ 10 ** 100000 }}",
        "{{ cycler }}{{ lipsum() }}",
    ],
)
def test_injection_attempts_fail_safely(attack):
    with pytest.raises(RenderError):
        render(attack, CONTEXT)


def test_output_size_is_bounded():
    with pytest.raises(RenderError, match="more than"):
        render("{% for i in range(1000) %}{{ 'x' * 1000 }}{% endfor %}", CONTEXT)
    assert MAX_OUTPUT < 1000 * 1000


def test_html_rendering_escapes_customer_data():
    context = {"customer": {"name": "<script>alert(1)</script>"}}
    assert render("{{ customer.name }}", context, html=True) == (
        "&lt;script&gt;alert(1)&lt;/script&gt;"
    )
    assert render("{{ customer.name }}", context) == "<script>alert(1)</script>"


def test_rendering_an_unknown_variable_fails_instead_of_printing_nothing():
    with pytest.raises(RenderError, match=r"has no attribute 'phone'"):
        render("{{ customer.phone }}", CONTEXT)
