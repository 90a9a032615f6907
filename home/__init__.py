"""The home page, commune-wide settings (name, address, hotline, office hours,
Zalo link), simple information pages, navigation, and the health check."""
