import pytest

from accounts.standin.server import running_standin


@pytest.fixture(scope="package")
def standin():
    with running_standin(test_mode=True) as instance:
        yield instance


@pytest.fixture(scope="package")
def plain_standin():
    with running_standin() as instance:
        yield instance
