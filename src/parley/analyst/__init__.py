"""Reading the built graph for people: facts, export, report, explain."""
