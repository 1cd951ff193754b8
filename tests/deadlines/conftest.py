from tests.hiring.conftest import hiring_app  # noqa: F401  (the same province)
