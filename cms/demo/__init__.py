"""Demo content of the portal, written from the facts of the community's source documents."""
