"""Campaign dialogs: new campaign, nomenclature switch."""
