"""The conversation engine: :func:`.engine.resume`, the turn context, what each wait accepts, its wording."""
