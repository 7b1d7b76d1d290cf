"""Git awareness. Reading HEAD here needs no git executable and no subprocess."""
