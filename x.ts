// quick: bare vs durable (no drain) on embedded only
