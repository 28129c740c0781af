"""The plugin is tested through real pytest runs in child processes (pytester's runpytest_subprocess)."""

pytest_plugins = ["pytester"]
