import ast
from pathlib import Path

ENGINE = Path(__file__).resolve().parent.parent / "relance" / "engine"


def test_the_engine_never_imports_django_or_the_rest_of_relance():
    offenders = []
    for source in ENGINE.rglob("*.py"):
        tree = ast.parse(source.read_text(), str(source))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")
                if top[0] == "django" or (top[0] == "relance" and top[1:2] != ["engine"]):
                    offenders.append(f"{source.name}:{node.lineno}: {name}")
    assert list(ENGINE.rglob("*.py")), "the engine package exists"
    assert offenders == []
