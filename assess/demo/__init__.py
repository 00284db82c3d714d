"""Demo data: the small demo (seed.py: its sites, accounts and assessments) and the national data set
(national.py: about 230 fictional sites in 12 regions). Both refuse nothing themselves: the CLI refuses to
seed in production."""

from assess.demo.seed import (
    DEFAULT_DEMO_PASSWORD,
    DEMO_ACCOUNTS,
    DEMO_SITES,
    EVIDENCE_BY_LEVEL,
    EVIDENCE_SNIPPETS,
    seed_demo,
)

__all__ = [
    "DEFAULT_DEMO_PASSWORD",
    "DEMO_ACCOUNTS",
    "DEMO_SITES",
    "EVIDENCE_BY_LEVEL",
    "EVIDENCE_SNIPPETS",
    "seed_demo",
]
