"""The firm table, its filter panel and the firm detail panel."""
