"""The architect: merges the specialists' findings into one review, verifying what Claude adds."""
