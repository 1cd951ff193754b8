"""The layer contract of docs/architecture.md (.importlinter), checked on every run.

import-linter builds the graph of every import in app/, function-level imports
included, and fails on any import that goes up a layer, directly or through a
chain. The contract lists no exceptions.
"""
import os
import subprocess
import sys

import config

LINT_IMPORTS = os.path.join(os.path.dirname(sys.executable), "lint-imports")


def test_the_layers_import_only_downwards():
    result = subprocess.run([LINT_IMPORTS, "--no-cache"], cwd=config.BASE_DIR,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "Contracts: 1 kept, 0 broken." in result.stdout


def test_the_contract_lists_no_exception():
    with open(os.path.join(config.BASE_DIR, ".importlinter"), encoding="utf-8") as f:
        contract = f.read()
    assert "ignore_imports" not in contract
    assert "exhaustive = true" in contract
