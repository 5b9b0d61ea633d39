"""The home page in a real browser: it renders, loads Bootstrap Italia, and passes axe."""
import pytest

from tests.e2e.conftest import axe_violations, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_home_page_renders_without_script_errors_or_serious_a11y_violations(page, mobile_page):
    response = page.goto("/")
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == "it"
    assert page.locator("main#main-content").count() == 1
    assert page.evaluate("typeof window.bootstrap") == "object", "Bootstrap Italia's bundle loaded under the CSP"
    assert page.console_errors == [], page.console_errors
    violations = axe_violations(page)
    assert violations == [], violations
    screenshot(page, "home")
    mobile_page.goto("/")
    screenshot(mobile_page, "home")
