"""The bassin map: a reusable, offline Leaflet map in a Qt widget.

``map_widget.MapWidget`` is the widget; ``map_page`` builds its page (folium, no
Qt) and ``map_data`` packs firms and communes for it (numpy/shapely, no Qt).
"""
