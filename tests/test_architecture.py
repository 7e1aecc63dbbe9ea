"""The apps' layers hold: no app imports a sibling it must not (README, "Architecture").

The contracts live in pyproject.toml ([tool.importlinter]) and `make lint` runs them too;
running them here means `make test` alone also refuses a forbidden import.
"""

from importlinter import cli

from psp_portal.settings import BASE_DIR


def test_import_contracts_hold(monkeypatch, capsys):
    monkeypatch.chdir(BASE_DIR)
    exit_code = cli.lint_imports(no_cache=True)
    output = capsys.readouterr().out
    assert exit_code == cli.EXIT_STATUS_SUCCESS, output
    assert "0 broken" in output


def test_a_forbidden_import_breaks_a_contract(tmp_path, monkeypatch, capsys):
    # The check itself is live: the same contract over a copy that breaks it fails.
    config = tmp_path / "contracts.toml"
    config.write_text(
        "[tool.importlinter]\n"
        'root_packages = ["applications", "reviews"]\n'
        "[[tool.importlinter.contracts]]\n"
        'name = "reviews must not import applications (deliberately false)"\n'
        'type = "forbidden"\n'
        'source_modules = ["reviews"]\n'
        'forbidden_modules = ["applications"]\n'
    )
    monkeypatch.chdir(BASE_DIR)
    assert cli.lint_imports(config_filename=str(config), no_cache=True) != cli.EXIT_STATUS_SUCCESS
    assert "reviews is not allowed to import applications" in capsys.readouterr().out
