"""Vietnamese text: folding and tone placement (:mod:`.text`), formatting values (:mod:`.format`), fuzzy matching."""
