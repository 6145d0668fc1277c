"""Cross-field rules, run after each part of the spec has parsed."""
