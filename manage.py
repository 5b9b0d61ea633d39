#!/usr/bin/env python
"""Django's command-line utility, stopping with one line on a configuration error (portal/manage.py)."""
from portal.manage import main

if __name__ == "__main__":
    main()
