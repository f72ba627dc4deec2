"""What several apps share and none owns: formats, the Paris time zone, the sandbox for text that
staff edit. It imports none of the project's apps."""
