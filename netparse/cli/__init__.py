"""The `netparse` command: a thin shell over the library."""
