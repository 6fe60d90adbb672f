# The personas and sample objects of the authorization test, for the security tests too.
from tests.accounts.test_authorization import clients, objects  # noqa: F401
from tests.accounts.test_sessions import clock  # noqa: F401
from tests.submissions.conftest import make_record  # noqa: F401
