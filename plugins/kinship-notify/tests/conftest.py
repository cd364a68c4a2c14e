pytest_plugins = ["kinship.testing"]
