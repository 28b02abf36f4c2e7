"""Vietnamese text: what a string means to search, with no files and no index.

Canonical form and folding (`normalize`), word segmentation with offsets into the original
text (`segmenter`, `segment`), the Whoosh analysers that turn a text into terms (`analysis`),
Telex and VNI typing (`input_methods`), abbreviations and mark restoration (`abbreviations`,
`marks`). The lowest room: it imports nothing of vnsearch's from outside itself.
"""

# `normalize()` and `segment()` are imported from their modules: a function of the same name
# here would hide the module (`import indexer.text.segment` would give the function).
from indexer.text.analysis import fold_term
from indexer.text.normalize import canonical, fold
from indexer.text.segment import Span, Word, plain_syllables

__all__ = ["Span", "Word", "canonical", "fold", "fold_term", "plain_syllables"]
