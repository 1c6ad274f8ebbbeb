"""Hardware abstraction: generator and detector interfaces, and the drivers that implement them."""
