"""axe-core in the real page: no serious or critical WCAG problem."""

from axe_playwright_python.sync_playwright import Axe

AXE = Axe()


def assert_accessible(page):
    violations = AXE.run(page).response["violations"]
    serious = [
        (v["id"], v["impact"], [node["target"] for node in v["nodes"]][:3])
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], serious
