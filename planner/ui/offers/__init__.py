"""The shared service offer in the app: the catalogue editor, a contact and its services
recorded from the firm card, and the card's *ne pas solliciter* mark."""
