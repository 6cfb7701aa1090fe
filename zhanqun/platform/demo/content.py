"""Demo content for the demo county's sites. Features that own content add theirs here."""


def load(sites: dict) -> None:
    """Create the demo content the sites lack (idempotent). ``sites`` maps slug → Tenant."""
