#!/usr/bin/env python
import sys


def main():
    from config.settings import use_default_settings

    use_default_settings()  # production, as every entry point: development names its module
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
