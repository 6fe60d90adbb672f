#!/usr/bin/env python
import sys

from ncregister.environment import load_settings_or_exit, select_settings

if __name__ == "__main__":
    select_settings(default_env="dev")
    load_settings_or_exit()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
