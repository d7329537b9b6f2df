"""Report templates: the model (:mod:`.model`), the YAML loader and its checks, the issue catalogue, expressions."""
