"""Issue 18, item 5: the proof, as tests (load, crash, bad input, faults)."""
