"""Pages of the families context: Mon compte, Mes enfants, Liste des demandes, inbox, agents' queue."""
