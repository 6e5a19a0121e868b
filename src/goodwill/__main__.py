"""``python -m goodwill``: the same as the ``goodwill`` command."""

from goodwill.cli import main

if __name__ == "__main__":
    main()
