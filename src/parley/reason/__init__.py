"""OWL 2 RL reasoning as a library: owlrl or the compiled rules over given graphs."""
