"""The thin outer layer: the FastAPI app and the ``eventkg`` command line. No graph logic lives here."""
