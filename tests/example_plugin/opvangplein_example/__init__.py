"""The notice board (prikbord): an example Opvangplein plugin in a distribution of its own."""
