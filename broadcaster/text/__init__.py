"""Written text into what an engine reads well: speech rules, Korean names, the lexicon,
sentence splitting."""
