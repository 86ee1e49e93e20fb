"""Root of the test suite. Its folder is put on ``sys.path`` by pytest (rootdir conftest), so
helper modules here (``factories``) can be imported by tests in every subfolder."""
