"""Contact pressure: the cap on solicitations a firm receives from all partners together,
and the firms marked *ne pas solliciter*."""
