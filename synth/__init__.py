"""dermkg synth package."""
