"""What customers receive: user-edited reminder templates, rendered in Jinja2's sandbox over a
whitelisted context, and the dated rate table the French penalties are computed from."""
