"""The `cortex-infra` command line. Only this package prints or picks exit codes."""
