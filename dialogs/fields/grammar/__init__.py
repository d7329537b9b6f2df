"""The grammar the parsers share: tokens, number words, amounts and figures, and dates found in an answer."""
