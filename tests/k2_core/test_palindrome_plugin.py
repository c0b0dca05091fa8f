"""The example third-party plugin (examples/k2-palindrome) passes the verifier contract."""

from k2_core import Problem
from k2_core.registry import get_registry
from k2_core.testing.contracts import VerifierContract

PROBLEM = Problem(id="p", prompt="Give a palindrome.", domain="palindrome")


class TestPalindromeVerifier(VerifierContract):
    verifier_name = "palindrome"
    cases = [
        ("<answer>Never odd or even</answer>", PROBLEM, True),
        ("thinking...\nracecar", PROBLEM, True),
        ("<answer>palindrome</answer>", PROBLEM, False),
        ("<answer>aa</answer>", PROBLEM, False),
    ]


def test_routed_by_domain_and_data_source():
    registry = get_registry()
    assert registry.verifier_for(domain="palindrome").plugin == "palindrome"
    assert registry.verifier_for(data_source="wordplay__palindrome_v2").name == "palindrome"
