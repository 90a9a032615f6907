#!/usr/bin/env python
"""Django's command-line utility for the commune portal."""

import os
import sys

import dotenv

if __name__ == "__main__":
    dotenv.load_dotenv()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
